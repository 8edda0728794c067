"""Rollout waves: per-wave adoption, curves by days since each start, first use, the wave gate."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts
from analytics.privacy import suppress_small_groups
from analytics.ui import frames, loaders, widgets
from analytics.ui.definitions import DEFINITIONS

context = widgets.page_context()
st.title("Rollout waves")
widgets.require_data(context)

db, version, state, scope = context.key
doc = loaders.document(db, version, state, scope, context.as_of)
table = frames.with_started(loaders.waves(db, version, state, scope, context.as_of), context.as_of)
gate = loaders.inputs(db, version, state).settings.wave_gate_rate

if table.is_empty():
    st.info(
        "No rollout plan yet: everyone counts as eligible from the first day with events. "
        "Add the waves on the Settings page to see adoption per wave."
    )
    st.stop()

verdict = frames.gate_verdict(table, gate)
if verdict.tone == "success":
    st.success(verdict.text, icon=":material/check_circle:")
elif verdict.tone == "warning":
    st.warning(verdict.text, icon=":material/hourglass_top:")
else:
    st.info(verdict.text)
st.caption(DEFINITIONS["gate"] + f" Gate: {widgets.percent(gate)} of the wave active 4 weeks in.")

st.subheader("Adoption per wave")
shown = frames.waves_display(table)
if not context.viewer.sees_individuals:  # leadership: no numbers for a wave below the minimum
    min_group = loaders.inputs(db, version, state).settings.min_group_size
    shown = suppress_small_groups(shown, group="wave", count="size", min_size=min_group)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config=widgets.WAVE_COLUMNS,
)
st.caption(DEFINITIONS["wave_rate"] + " " + DEFINITIONS["wave_rate_4w"])

curves, first_use = loaders.rollout_curves(db, version, state, scope, context.as_of)
if "suppressed" in shown.columns:  # leadership: no curve for a suppressed wave either
    hidden = shown.filter("suppressed")["wave"].implode()
    curves = curves.filter(~pl.col("wave").is_in(hidden))
    first_use = first_use.filter(~pl.col("wave").is_in(hidden))
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
st.caption(f"As of the end of {doc['as_of']}.")
