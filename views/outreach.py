"""Outreach worklist (SPEC 5): who to contact, what to say, log the contact, and did it work.

Individual-level: product managers see everyone, a champion only their own cohort (scoped on the
server from the signed-in identity; no filter, query parameter or session value widens it);
leadership is stopped. Every view and export is written to the audit log.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics.exports import to_safe_csv
from analytics.outreach import (
    CHANNELS,
    PLACEHOLDERS,
    PLAYBOOKS,
    conversion_by,
    effect_summary,
    filter_worklist,
    log_contact,
    merged_templates,
    template_errors,
)
from analytics.outreach.display import (
    PLAYBOOK_LABELS,
    conversion_chart,
    playbook_counts,
    with_names,
    worklist_table,
)
from analytics.privacy import (
    EXPORT_WORKLIST,
    PRODUCT_MANAGER,
    VIEW_WORKLIST,
    Viewer,
    audit_log,
    audit_view,
)
from analytics.state import store
from analytics.ui import frames, widgets
from analytics.ui.pagedata import open_view, refresh

TABLE_CONFIG = {
    "rank": st.column_config.NumberColumn("#", width="small"),
    "name": st.column_config.TextColumn("Name"),
    "team": st.column_config.TextColumn("Team"),
    "wave": st.column_config.NumberColumn("Wave", width="small"),
    "playbook": st.column_config.TextColumn("Why on the list"),
    "reason": st.column_config.TextColumn("What the data says", width="large"),
    "owner_name": st.column_config.TextColumn("Owner"),
    "next_step": st.column_config.TextColumn("Next step", width="large"),
    "contacted_recently": st.column_config.CheckboxColumn("Contacted recently"),
    "last_contacted_on": st.column_config.DateColumn("Last contact"),
}
EFFECT_CONFIG = {
    "segment": st.column_config.TextColumn("Segment"),
    "owner": st.column_config.TextColumn("Owner"),
    "contacts": st.column_config.NumberColumn("Contacts"),
    "converted": st.column_config.NumberColumn("Converted"),
    "pending": st.column_config.NumberColumn("Pending"),
    "conversion_rate": st.column_config.NumberColumn("Conversion", format=widgets.RATE_FORMAT),
}
CONTACT_CONFIG = {
    "name": st.column_config.TextColumn("Person"),
    "contacted_on": st.column_config.DateColumn("Contacted on"),
    "channel": st.column_config.TextColumn("Channel"),
    "owner": st.column_config.TextColumn("By"),
    "status": st.column_config.TextColumn("Outcome"),
    "note": st.column_config.TextColumn("Note", width="large"),
}


def keep_valid(key: str, options: list) -> None:
    """Drop values a widget's stored state holds that are not among its options (any source)."""
    if key in st.session_state:
        st.session_state[key] = [v for v in st.session_state[key] if v in options]


def multiselect(column, label: str, options: list, key: str, names: dict | None = None) -> list:
    """A filter over the viewer's own rows only; an empty choice means all."""
    keep_valid(key, options)
    return column.multiselect(
        label,
        options,
        key=key,
        placeholder="All",
        format_func=(lambda v: names.get(v, str(v))) if names else str,
    )


def contact_owner(viewer: Viewer, assigned_owner: str | None) -> str:
    """Who made the contact: a champion logging it themselves, else the person's owner."""
    if viewer.role != PRODUCT_MANAGER and viewer.person_id:
        return viewer.person_id
    return assigned_owner or ""


st.title("Outreach worklist")
data = open_view("outreach")
context, viewer, db = data.context, data.viewer, data.context.db
names = data.roster_names()
log = data.contact_log()
worklist = data.worklist(log)

if flash := st.session_state.pop("_outreach_flash", None):
    st.success(flash)

settings = data.settings
st.caption(
    f"Everyone eligible who never started, went dormant (no active day in "
    f"{settings.quote('dormant_days')}), is at risk (active on fewer than "
    f"{settings.quote('at_risk_ratio')} as many days as in the {settings.quote('dormant_days')} "
    "before) or lost trust (dormant after rejecting their last 3 suggestions), most valuable "
    "contacts first: at risk, lost trust, dormant (most recent first), never started (longest "
    f"wait first); people contacted in the last {settings.quote('recent_contact_days')} go to "
    "the bottom."
    + (" You see the people assigned to you as champion." if viewer.role != PRODUCT_MANAGER else "")
)

headline_row = st.container()  # filled below, once the filters are known
filters = st.columns(4)
teams = multiselect(filters[0], "Team", sorted(worklist["team"].drop_nulls().unique()), "o_teams")
champion_ids = sorted(worklist["champion_id"].drop_nulls().unique())
champions = multiselect(filters[1], "Champion", champion_ids, "o_champions", names)
waves = multiselect(filters[2], "Wave", sorted(worklist["wave"].drop_nulls().unique()), "o_waves")
segments = multiselect(filters[3], "Segment", list(PLAYBOOKS), "o_segments", PLAYBOOK_LABELS)
chosen = {"team": teams, "champion": champions, "wave": waves, "segment": segments}
shown = filter_worklist(worklist, teams=teams, champions=champions, waves=waves, segments=segments)
widgets.audit_once(db, viewer, VIEW_WORKLIST, {**chosen, "as_of": context.as_of}, shown.height)
counts = playbook_counts(shown)  # the headline counts follow the filters
cols = headline_row.columns(len(counts) + 1)
cols[0].metric("To contact", f"{shown.height:,}")
for column, (label, number) in zip(cols[1:], counts.items(), strict=True):
    column.metric(label, f"{number:,}")

if shown.is_empty():
    st.info("Nobody to contact with these filters.")
selection = st.dataframe(
    worklist_table(shown),
    hide_index=True,
    width="stretch",
    column_config=TABLE_CONFIG,
    on_select="rerun",
    selection_mode="multi-row",
    key="o_table",
)
selected_rows = list(getattr(getattr(selection, "selection", None), "rows", []) or [])
ids = shown["person_id"].to_list()
selected = [ids[i] for i in selected_rows if 0 <= i < len(ids)]
person_names = dict(shown.select("person_id", "name").iter_rows())


def person_label(person_id: str) -> str:
    """A person as shown in pickers: name (id)."""
    return f"{person_names.get(person_id) or person_id} ({person_id})"


st.download_button(
    "Download the list as CSV",
    to_safe_csv(shown, excel_bom=True),
    file_name=f"outreach_worklist_{context.as_of}.csv",
    mime="text/csv",
    key="o_download",
    on_click=audit_view,
    args=(db, viewer, EXPORT_WORKLIST, {**chosen, "as_of": context.as_of}, shown.height),
    disabled=shown.is_empty(),
)

if ids:
    st.subheader("What to say")
    focus = st.selectbox(
        "Message for",
        ids,
        index=ids.index(selected[0]) if selected else 0,
        format_func=person_label,
        key=f"o_focus_{'-'.join(selected[:1])}",
    )
    row = shown.filter(pl.col("person_id") == focus).row(0, named=True)
    st.text(f"Next step: {row['next_step']}\nOwner: {row['owner_name'] or 'nobody assigned'}")
    st.code(row["message"], language=None, wrap_lines=True)

    st.subheader("Log a contact")
    with st.form("o_log", clear_on_submit=True):
        people = st.multiselect(
            "People contacted",
            ids,
            default=selected,
            format_func=person_label,
            key=f"o_people_{'-'.join(selected)}",
            help="Tick rows in the table to fill this in.",
        )
        left, middle = st.columns(2)
        channel = left.selectbox("Channel", list(CHANNELS), key="o_channel")
        contacted_on = middle.date_input(
            "Contacted on",
            value=min(context.as_of or dt.date.today(), dt.date.today()),
            max_value=dt.date.today(),
            key="o_date",
            help="Defaults to the as-of day, so the contact shows in the log and its effect.",
        )
        note = st.text_area("Note (optional)", max_chars=2000, key="o_note")
        submitted = st.form_submit_button("Log contact")
    if submitted:
        allowed = set(worklist["person_id"].to_list())  # never log for someone out of scope
        rows = shown.filter(pl.col("person_id").is_in([p for p in people if p in allowed]))
        if rows.is_empty():
            st.warning("Choose at least one person to log a contact for.")
        else:
            for person in rows.select("person_id", "owner_id", "segment").iter_rows(named=True):
                log_contact(
                    db,
                    person_id=person["person_id"],
                    contacted_on=contacted_on,
                    channel=channel,
                    owner=contact_owner(viewer, person["owner_id"]),
                    segment=person["segment"],
                    note=note,
                    logged_by=viewer.identity,
                )
            st.session_state["_outreach_flash"] = f"Logged {rows.height} contact(s) by {channel}."
            st.rerun()

st.subheader("Did it work?")
outcomes = data.contact_outcomes(log)
days = data.settings.outreach_effect_days
st.caption(
    f"A contact converts when the person has an active day in the {days} days after it (the "
    "contact day itself does not count). Contacts whose window is still open with no activity "
    "yet are pending and left out of the rate. Same definition as the outreach effect in "
    "docs/metrics.md."
)
if outcomes.is_empty():
    st.info("No contacts logged yet. Log one above and its effect shows here.")
else:
    summary = effect_summary(outcomes)
    top = st.columns(4)
    top[0].metric("Contacts", summary["contacts"])
    top[1].metric("Converted", summary["converted"])
    top[2].metric("Pending", summary["pending"])
    top[3].metric("Conversion", widgets.percent(summary["conversion_rate"]))
    by_channel = conversion_by(outcomes, "channel")
    by_segment = conversion_by(outcomes, "segment")
    by_owner = with_names(conversion_by(outcomes, "owner"), "owner", names).sort(
        "contacts", "owner", descending=[True, False]
    )
    left, right = st.columns(2)
    with left:
        st.altair_chart(conversion_chart(by_channel, "channel", "By channel"), width="stretch")
    with right:
        by_segment = by_segment.with_columns(
            pl.col("segment").replace_strict(PLAYBOOK_LABELS, default=pl.col("segment"))
        )
        for table in (by_segment, by_owner):
            st.dataframe(
                frames.rates_as_percent(table), hide_index=True, column_config=EFFECT_CONFIG
            )
    recent = with_names(
        with_names(outcomes, "owner", names).with_columns(name=pl.col("person_id")),
        "name",
        names,
    ).select("name", "contacted_on", "channel", "owner", "status", "note")
    st.dataframe(
        recent.sort("contacted_on", descending=True).head(200),
        hide_index=True,
        width="stretch",
        column_config=CONTACT_CONFIG,
    )

if viewer.role == PRODUCT_MANAGER:
    with st.expander("Edit the messages"):
        templates = merged_templates(data.settings.message_templates)
        playbook: str = st.selectbox(
            "Playbook",
            list(PLAYBOOKS),
            format_func=lambda p: PLAYBOOK_LABELS.get(p, p),
            key="o_tpl_playbook",
        ) or next(iter(PLAYBOOKS))
        st.caption("Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS))
        next_step = st.text_input(
            "Next step", templates[playbook]["next_step"], key=f"o_tpl_step_{playbook}"
        )
        message = st.text_area(
            "Message", templates[playbook]["message"], key=f"o_tpl_msg_{playbook}", height=160
        )
        if st.button("Save messages", key="o_tpl_save"):
            problems = template_errors(next_step) + template_errors(message)
            if problems:
                for problem in problems:
                    st.error(problem)
            else:
                stored = dict(data.settings.message_templates)
                stored[playbook] = {"next_step": next_step, "message": message}
                store.set_setting(db, name="message_templates", value=stored)
                refresh()
                st.session_state["_outreach_flash"] = "Messages saved."
                st.rerun()

    with st.expander("Audit log: who looked at people, exported or erased"):
        st.dataframe(audit_log(db, viewer).head(500), hide_index=True, width="stretch")
