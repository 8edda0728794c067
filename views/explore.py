"""Explore: the `adoption insight` queries (retention, lifecycle, stickiness, active) as widgets."""

from __future__ import annotations

import datetime as dt
import shlex

import streamlit as st

from analytics.ui import frames, widgets
from analytics.ui.pagedata import open_view

st.title("Explore")
data = open_view("explore")
context = data.context
st.caption(
    "The explore queries analysts know from product-analytics tools, over every event "
    "(any user seen, not only the roster's eligible people). Same results as "
    "`adoption insight` on the command line."
)

KINDS = {
    "retention": "Retention: of people active in a period, how many came back k periods later",
    "lifecycle": "Lifecycle: new, returning, resurrecting and dormant people per period",
    "stickiness": "Stickiness: how many people were active in exactly n of the periods",
    "active": "Active people per day (trailing window) or per period",
}
kind: str = (
    st.selectbox("Query", list(KINDS), format_func=lambda k: KINDS[k], key="x_kind") or "retention"
)
cols = st.columns(4)
period = cols[0].selectbox(
    "Period", ["day", "week", "month"], index=1 if kind == "retention" else 0, key="x_period"
)
last = context.as_of or dt.date.today()
default_from = max(context.first_day or last, last - dt.timedelta(days=55))
date_from = cols[1].date_input(
    "From", value=default_from, min_value=context.first_day, max_value=last, key="x_from"
)
date_to = cols[2].date_input(
    "To", value=last, min_value=date_from, max_value=context.last_day, key="x_to"
)
event = cols[3].selectbox(
    "Event",
    [None, *data.event_names()],
    format_func=lambda e: "any active event" if e is None else e,
    key="x_event",
)
argv: list[str] = ["insight", kind, "--period", str(period), "--date-to", str(date_to)]
argv += ["--date-from", str(date_from)] if date_from else []
argv += ["--event", event] if event else []
argv += ["--tool", context.tool] if context.tool else []  # the sidebar's split by tool
if kind == "retention":
    opts = st.columns(3)
    kind_type = opts[0].radio(
        "Cohorts",
        ["recurring", "first_time"],
        horizontal=True,
        key="x_type",
        format_func={"recurring": "active in the period", "first_time": "first use"}.get,
    )
    criterion = opts[1].radio(
        "Came back",
        ["on", "on_or_after"],
        horizontal=True,
        key="x_criterion",
        format_func={"on": "in exactly period k", "on_or_after": "in period k or later"}.get,
    )
    argv += ["--type", kind_type, "--criterion", criterion]
elif kind == "stickiness":
    if st.toggle("Cumulative (at least n periods)", key="x_cumulative"):
        argv += ["--cumulative"]
elif kind == "active" and period == "day":
    window = st.slider("Trailing window (days)", 1, 28, 1, key="x_window")
    argv += ["--window", str(window)]

result, error = data.insight(tuple(argv))
if result is None:
    st.error(widgets.md_escape(error or "The query gave no result."))
    st.stop()
table = frames.insight_table(kind, result)
if table.is_empty():
    st.info("No activity in this range.")
    st.stop()
st.altair_chart(frames.insight_chart(kind, table), width="stretch")
st.dataframe(
    frames.rates_as_percent(table),
    hide_index=True,
    width="stretch",
    column_config={
        **widgets.worded_columns(table),
        "offset": st.column_config.NumberColumn("Periods later"),
        "period_start": st.column_config.DateColumn("Period start", format="YYYY-MM-DD"),
        "rate": st.column_config.NumberColumn("Share back", format=widgets.RATE_FORMAT),
    },
)
widgets.download_csv(
    table,
    label="Download (CSV)",
    file_name=f"insight-{kind}-{date_to}.csv",
    key="x_csv",
    viewer=context.viewer,
    db=context.db,
)
st.caption("The same query on the command line:")
st.code("adoption " + shlex.join(argv), language="bash")
