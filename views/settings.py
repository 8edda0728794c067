"""Settings: rollout plan, targets, passive events, timezone, thresholds, build cost."""

from __future__ import annotations

import zoneinfo

import streamlit as st

from analytics.settings import field_of
from analytics.state import store
from analytics.ui import access, frames, widgets
from analytics.ui.pagedata import open_view, refresh

st.title("Settings")
data = open_view("settings", needs_data=False)
context = data.context
db = context.db
current = store.get_settings(db)


def saved(changes: dict, *, rebuild: bool = False) -> None:
    """Store changed settings, rebuild person_day when days or activity change, drop caches."""
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

with st.form("targets"):
    st.subheader("Targets")
    left, middle, right = st.columns(3)
    rate = left.number_input(
        "Adoption target (%)",
        min_value=1.0,
        max_value=100.0,
        value=float(current.target_rate) * 100,
        step=5.0,
        help=help_of("target_rate"),
    )
    default_date = current.target_date
    target_date = middle.date_input(
        "Target date (empty: launch + 182 days)", value=default_date, help=help_of("target_date")
    )
    cost = right.number_input(
        "Build cost (empty: no value delivered)",
        min_value=0.0,
        value=None if current.build_cost is None else float(current.build_cost),
        step=10000.0,
        help=help_of("build_cost"),
    )
    if st.form_submit_button("Save targets"):
        saved(
            {
                "target_rate": round(rate / 100, 4),
                "target_date": target_date.isoformat() if target_date else None,
                "build_cost": cost,
            }
        )

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

with st.form("thresholds"):
    st.subheader("Thresholds")
    cols = st.columns(3)
    values = {
        "dormant_days": cols[0].number_input(
            "Dormant after (days)",
            1,
            90,
            int(current.dormant_days),
            help=help_of("dormant_days"),
        ),
        "at_risk_ratio": cols[1].number_input(
            "At-risk ratio",
            0.05,
            1.0,
            float(current.at_risk_ratio),
            0.05,
            help=help_of("at_risk_ratio"),
        ),
        "wave_gate_rate": cols[2].number_input(
            "Wave gate (share at 4 weeks)",
            0.05,
            1.0,
            float(current.wave_gate_rate),
            0.05,
            help=help_of("wave_gate_rate"),
        ),
        "max_people_per_champion": cols[0].number_input(
            "People per champion (at most)",
            1,
            100,
            int(current.max_people_per_champion),
            help=help_of("max_people_per_champion"),
        ),
        "min_group_size": cols[1].number_input(
            "Minimum group size (leadership)",
            2,
            50,
            int(current.min_group_size),
            help=help_of("min_group_size"),
        ),
        "max_upload_mb": cols[2].number_input(
            "Largest upload (MB)",
            1,
            2000,
            int(current.max_upload_mb),
            help=help_of("max_upload_mb"),
        ),
    }
    if st.form_submit_button("Save thresholds"):
        saved(values)

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
