"""Settings: rollout plan, targets, passive events, timezone, thresholds, build cost."""

from __future__ import annotations

import zoneinfo

import streamlit as st

from analytics.settings import SettingError, field_of, validated_value
from analytics.state import store
from analytics.ui import access, frames, settings_form, widgets
from analytics.ui.pagedata import open_view, refresh

st.title("Settings")
data = open_view("settings", needs_data=False)
context = data.context
db = context.db
current = store.get_settings(db)


def saved(changes: dict, *, rebuild: bool = False) -> None:
    """Store changed settings, rebuild person_day when days or activity change, drop caches.

    Every value is checked against the settings model first; nothing is stored when one is
    refused, and the page says which and why.
    """
    problems = []
    for name, value in changes.items():
        try:
            validated_value(name, value)
        except SettingError as error:
            problems.append(str(error))
    if problems:
        st.error("Not saved:\n\n" + "\n".join(f"- {widgets.md_escape(p)}" for p in problems))
        return
    for name, value in changes.items():
        store.set_setting(db, name=name, value=value)
    if rebuild and context.version:
        from analytics.activity import rebuild_for_settings

        with (
            st.spinner("Recomputing every person's days with the new settings…"),
            access.db_access(),
        ):
            rebuild_for_settings(db)
    refresh()
    st.success("Saved. Every page now uses the new settings.")


def help_of(name: str) -> str:
    """The setting's description (analytics.settings)."""
    return field_of(name).description


st.subheader("Rollout plan")
st.caption(
    "One row per wave: number, name, start date and planned size (leave the last wave's size "
    "empty for 'everyone else'). People whose roster wave is not in the plan join the last wave."
)
edited = st.data_editor(
    frames.plan_editor_frame(store.plan_frame(db)),
    num_rows="dynamic",
    hide_index=True,
    width="stretch",
    key="plan_editor",
    column_config=widgets.PLAN_COLUMNS,
    placeholder="everyone else",  # an empty planned size: the last wave takes everyone else
)
if st.button("Save the plan", key="save_plan"):
    waves, errors = frames.plan_from_editor(edited)
    if errors:
        st.error(
            "The plan was not saved:\n\n" + "\n".join(f"- {widgets.md_escape(e)}" for e in errors)
        )
    else:
        store.save_plan(db, waves=waves)
        refresh()
        st.success(f"Saved a plan of {len(waves)} wave(s).")

with st.form("activity"):
    st.subheader("What counts as activity, and when a day starts")
    quality = data.data_quality()
    seen_events = quality["event_names"]["event"].to_list() if quality else []
    passive_options = sorted(set(seen_events) | set(current.passive_events))
    passive = st.multiselect(
        "Passive events (not counted as activity)",
        passive_options,
        default=current.passive_events,
        help=help_of("passive_events"),
    )
    zones = sorted(zoneinfo.available_timezones())
    timezone = st.selectbox(
        "Organisation timezone",
        zones,
        index=zones.index(current.timezone) if current.timezone in zones else None,
        help=help_of("timezone"),
    )
    if st.form_submit_button("Save and recompute"):
        if timezone not in zones:
            st.error("Choose a timezone from the list (an IANA name such as Europe/Paris).")
        else:
            changed = passive != current.passive_events or timezone != current.timezone
            saved({"passive_events": passive, "timezone": timezone}, rebuild=changed)

for group, fields in settings_form.generated_fields().items():
    with st.form(f"settings_{group}"):
        st.subheader(group)
        columns = st.columns(3)
        values = {}
        for index, field in enumerate(fields):
            with columns[index % 3]:
                values[field.name] = settings_form.setting_input(
                    field, getattr(current, field.name), key=f"setting_{field.name}"
                )
        if st.form_submit_button(f"Save {group.lower()}"):
            saved({n: v for n, v in values.items() if v != getattr(current, n)})


st.subheader("Digest deliveries")
smtp = widgets.md_escape(current.smtp_host or "not set up")
st.caption(
    "`adoption digest --send` e-mails and posts the weekly digest (docs/digest.md); every send "
    f"and failure is listed here. E-mail server: {smtp}; webhook: "
    f"{'set up' if current.webhook_url else 'not set up'}."
)
deliveries = store.deliveries_frame(db)
if deliveries.is_empty():
    st.info("No digest has been sent yet.")
else:
    st.dataframe(deliveries.drop("id"), hide_index=True, width="stretch")
