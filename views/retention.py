"""Retention and lifecycle: weekly cohorts, the weekly lifecycle, stickiness, active days."""

from __future__ import annotations

import streamlit as st

from analytics import charts
from analytics.ui import frames, widgets
from analytics.ui.definitions import DEFINITIONS
from analytics.ui.pagedata import open_view

st.title("Retention and lifecycle")
data = open_view("retention")
doc = data.headlines()

st.subheader("Weekly retention by cohort")
cells, hidden_cohorts = data.retention()
if hidden_cohorts:
    st.caption(f"{hidden_cohorts} cohort(s) with {data.hidden} are not shown to your role.")
if cells.is_empty():
    st.info("Nobody has an active event yet, so there are no cohorts.")
else:
    st.altair_chart(charts.retention_heatmap(frames.retention_cells(cells)), width="stretch")
    st.caption(
        DEFINITIONS["retention"] + " Cells marked * (paler) are the as-of day's week, "
        "still running: read them as a floor, not a drop."
    )

st.subheader("Weekly lifecycle")
weeks = data.lifecycle()
if weeks.is_empty():
    st.info("No active weeks yet.")
else:
    st.altair_chart(charts.lifecycle_bars(weeks), width="stretch")
    st.caption(DEFINITIONS["lifecycle"])

st.subheader("Stickiness")
left, right = st.columns([1, 3])
widgets.headline(
    left,
    "Stickiness (DAU ÷ MAU)",
    widgets.percent(doc["stickiness"], hidden=data.hidden),
    DEFINITIONS["stickiness"],
)
with right:
    st.altair_chart(
        charts.active_days_histogram(data.active_days_histogram()),
        width="stretch",
    )
    st.caption(DEFINITIONS["active_days"])
st.caption(f"As of the end of {doc['as_of']}.")
