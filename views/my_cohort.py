"""My cohort: a champion's home. Their people's adoption against the target and their team,
the trend, where they rank among champions, whom to contact next and whether contacts worked."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts
from analytics.outreach import effect_summary
from analytics.privacy import VIEW_COHORT
from analytics.ui import frames, widgets
from analytics.ui.pagedata import open_view

st.title("My cohort")
data = open_view("my_cohort")
context, viewer = data.context, data.viewer
home = data.champion_home()
target_rate = data.settings.target_rate

top = st.columns(4)
widgets.headline(
    top[0],
    "My cohort's adoption",
    widgets.percent(home["adoption_rate"]),
    f"{home['active']} of the {home['eligible']} eligible people assigned to you were active in "
    "the last 28 days.",
)
widgets.headline(
    top[1],
    "Target",
    widgets.percent(target_rate),
    f"The rollout's target, by {data.headlines()['target']['date']}.",
)
widgets.headline(
    top[2],
    f"My team ({home['team'] or 'no team'})",
    widgets.percent(home["team_rate"], hidden=data.hidden),
    "Your team's adoption rate (team-level; hidden for a team below the minimum group size).",
)
rank = home["rank"]
widgets.headline(
    top[3],
    "My rank among champions",
    "—" if rank is None else f"{rank} of {home['champions_ranked']}",
    "Champions ranked by their cohort's adoption rate (1 = highest). Only you see your place.",
)

series = home["series"].drop_nulls("adoption_rate")
if series.height:
    lines = series.select("day", rate="adoption_rate", series=pl.lit("Adoption rate"))
    st.subheader("My cohort over the last 12 weeks")
    st.altair_chart(charts.adoption_vs_target(lines, target_rate=target_rate), width="stretch")
    st.caption(
        "Each day: people assigned to you active in the 28 days ending that day ÷ those "
        "eligible; the dashed line is the target."
    )

st.subheader("My people")
cohort = frames.cohort_display(data.cohort(viewer.person_id or ""))
widgets.audit_once(context.db, viewer, VIEW_COHORT, {"as_of": context.as_of}, cohort.height)
counts = frames.segment_counts(cohort)
for column, (segment, number) in zip(st.columns(len(counts)), counts.items(), strict=True):
    column.metric(segment, number, border=True)
st.dataframe(
    frames.rates_as_percent(cohort),
    hide_index=True,
    width="stretch",
    column_config=widgets.PERSON_COLUMNS,
    placeholder="—",
)
widgets.link_to_view(
    "views/outreach.py",
    "Whom to contact and what to say: my outreach worklist",
    ":material/campaign:",
)

st.subheader("Did my contacts work?")
outcomes = data.contact_outcomes()
if outcomes.is_empty():
    st.info(
        "No contacts logged yet: log them on the outreach worklist and their effect shows here."
    )
else:
    summary = effect_summary(outcomes)
    row = st.columns(4)
    row[0].metric("Contacts", summary["contacts"])
    row[1].metric("Came back", summary["converted"])
    row[2].metric("Pending", summary["pending"])
    row[3].metric("Conversion", widgets.percent(summary["conversion_rate"]))
    window = data.settings.quote("outreach_effect_days")
    st.caption(
        f"A contact worked when the person was active within {window} after it; contacts "
        "whose window is still open are pending."
    )
