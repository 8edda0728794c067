"""Retention and lifecycle: weekly cohorts, the weekly lifecycle, stickiness, active days."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts
from analytics.ui import frames, loaders, widgets
from analytics.ui.definitions import DEFINITIONS

context = widgets.page_context()
st.title("Retention and lifecycle")
widgets.require_data(context)

db, version, state, scope = context.key
doc = loaders.document(db, version, state, scope, context.as_of)

st.subheader("Weekly retention by cohort")
cells = loaders.retention(db, version, state, scope, context.as_of)
min_group = loaders.inputs(db, version, state).settings.min_group_size
if not context.viewer.sees_individuals:  # leadership: no cohort smaller than the minimum group
    small = cells.filter(pl.col("size") < min_group)["cohort_week"].n_unique()
    cells = cells.filter(pl.col("size") >= min_group)
    if small:
        st.caption(f"{small} cohort(s) with fewer than {min_group} people are not shown.")
if cells.is_empty():
    st.info("Nobody has an active event yet, so there are no cohorts.")
else:
    st.altair_chart(charts.retention_heatmap(frames.retention_cells(cells)), width="stretch")
    st.caption(
        DEFINITIONS["retention"] + " Cells marked * (paler) are the as-of day's week, "
        "still running: read them as a floor, not a drop."
    )

st.subheader("Weekly lifecycle")
weeks = loaders.lifecycle(db, version, state, scope, context.as_of)
if weeks.is_empty():
    st.info("No active weeks yet.")
else:
    st.altair_chart(charts.lifecycle_bars(weeks), width="stretch")
    st.caption(DEFINITIONS["lifecycle"])

st.subheader("Stickiness")
left, right = st.columns([1, 3])
widgets.headline(
    left, "Stickiness (DAU ÷ MAU)", widgets.percent(doc["stickiness"], 1), DEFINITIONS["stickiness"]
)
with right:
    st.altair_chart(
        charts.active_days_histogram(frames.histogram_frame(doc["active_days_histogram"])),
        width="stretch",
    )
    st.caption(DEFINITIONS["active_days"])
st.caption(f"As of the end of {doc['as_of']}.")
