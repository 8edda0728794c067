"""Rollout waves: per-wave adoption, curves by days since each start, first use, the wave gate."""

from __future__ import annotations

import streamlit as st

from analytics import charts
from analytics.ui import frames, widgets
from analytics.ui.definitions import DEFINITIONS
from analytics.ui.pagedata import open_view

st.title("Rollout waves")
data = open_view("waves")
context = data.context
table = data.waves()
gate = data.settings.wave_gate_rate

if table.is_empty():
    st.info(
        "No rollout plan yet: everyone counts as eligible from the first day with events. "
        "Add the waves on the Settings page to see adoption per wave."
    )
    st.stop()

for verdict in data.wave_verdicts():
    if verdict.tone == "success":
        st.success(verdict.text, icon=":material/check_circle:")
    elif verdict.tone == "warning":
        st.warning(verdict.text, icon=":material/hourglass_top:")
    else:
        st.info(verdict.text)
st.caption(DEFINITIONS["gate"] + f" Gate: {widgets.percent(gate)} of the wave active 4 weeks in.")

st.subheader("Adoption per wave")
shown = frames.waves_display(table)
st.dataframe(
    shown if shown["note"].is_not_null().any() else shown.drop("note"),
    hide_index=True,
    width="stretch",
    column_config=widgets.WAVE_COLUMNS,
)
st.caption(DEFINITIONS["wave_rate"] + " " + DEFINITIONS["wave_rate_4w"])

curves, first_use = data.wave_curves()
left, right = st.columns([3, 2])
with left:
    st.subheader("Rollout curves")
    st.altair_chart(
        charts.rollout_curves(
            frames.wave_labelled(curves.rename({"t": "days_since_start"}), table), gate_rate=gate
        ),
        width="stretch",
    )
    st.caption(
        "Each wave's adoption rate (members active in the 28 days ending that day ÷ members) "
        "by days since the wave started; the dotted line marks 4 weeks, where the gate is read."
    )
with right:
    st.subheader("Time to first use")
    if first_use.is_empty():
        st.info("Nobody in a started wave has used the tool yet.")
    else:
        st.altair_chart(
            charts.first_use_bars(frames.wave_labelled(first_use, table)), width="stretch"
        )
        st.caption(
            "People by days from their wave's start to their first active event; "
            "below zero: early access. Median per wave in the table above."
        )
st.caption(f"As of the end of {data.as_of}.")
