"""Impact: does the rollout pay? The effect on a sales KPI, and what the pulse survey says."""

from __future__ import annotations

import polars as pl
import streamlit as st

from analytics import charts
from analytics.tables import ADKAR
from analytics.ui import frames
from analytics.ui.pagedata import open_view

SURVEY_COLUMNS = {
    "team": st.column_config.TextColumn("Team"),
    "segment": st.column_config.TextColumn("Segment"),
    "answers": st.column_config.NumberColumn("Answers", width="small"),
    **{
        element: st.column_config.NumberColumn(element.capitalize(), format="%.1f")
        for element in ADKAR
    },
    "barrier": st.column_config.TextColumn("Barrier"),
    "note": st.column_config.TextColumn("Note", width="medium"),
}

st.title("Impact")
data = open_view("impact")

names = data.kpi_names()
if not names:
    st.info(
        "No sales KPIs yet. Ingest a weekly file with `adoption ingest --kpis FILE` (columns "
        "person, week, then numbers) to estimate the effect of the rollout on them."
    )
else:
    default = names.index("meetings") if "meetings" in names else 0
    kpi = st.selectbox("KPI", names, index=default, key="impact_kpi")
    document = data.impact(kpi)
    if "error" in document:
        st.warning(f"No estimate for {kpi}: {document['error']}.", icon=":material/block:")
    else:
        enablement, adoption = document["enablement"], document["adoption"]
        left, middle, right = st.columns(3)
        left.metric("Effect of enablement", f"{enablement['estimate']:+,.2f}")
        middle.metric(
            "Relative to before the start",
            "—" if enablement["relative"] is None else f"{enablement['relative']:+.0%}",
        )
        right.metric(
            "Effect from first use",
            "—" if adoption["estimate"] is None else f"{adoption['estimate']:+,.2f}",
        )
        withheld = document.get("withheld", {}).get("adoption")
        if withheld:
            st.caption(f"The effect from first use is not shown: {withheld}.")
        st.text(document["sentence"])
        st.subheader("Effect by weeks since the wave started")
        st.altair_chart(
            charts.event_study(pl.DataFrame(document["event_study"]), kpi=kpi), width="stretch"
        )
        design = document["design"]
        trend = {True: "passed", False: "failed", None: "not possible"}[document["pre_trend_ok"]]
        st.caption(
            f"Per person-week, in {kpi}. Each dot compares people whose wave had started that "
            "many weeks earlier with people whose wave had not started yet (bars: 95% "
            "intervals). Dots left of the dotted line are weeks before the start: they should "
            f"sit around zero (parallel-trends check: {trend}). Design: {design['waves']} "
            f"waves, {design['units']} people, {design['weeks']} weeks. See docs/impact.md."
        )
    unmatched = data.impact_unmatched()
    if unmatched:
        st.caption(f"{unmatched} person(s) in the KPI file match nobody in the roster: left out.")

st.subheader("Pulse survey: each team's barrier")
barriers = data.survey_barriers()
if barriers.is_empty():
    st.info(
        "No pulse survey yet (or none up to this day). Ingest one with "
        "`adoption ingest --survey FILE` (ADKAR scores 1-5 per person or per team)."
    )
else:
    shown = barriers if barriers["note"].is_not_null().any() else barriers.drop("note")
    st.dataframe(
        shown.drop("suppressed"),
        hide_index=True,
        width="stretch",
        column_config=SURVEY_COLUMNS,
        placeholder="",
    )
    st.caption(
        "Mean ADKAR scores (1-5) per team; the barrier is the lowest element, and the outreach "
        "worklist suggests the next step for it. Teams with fewer answers than the minimum "
        "group size are hidden outside the product manager's view."
    )
    by_segment = data.segment_barriers()
    if not by_segment.is_empty():
        st.subheader("Barrier by team and segment")
        st.dataframe(
            by_segment.with_columns(frames.segment_label(pl.col("segment"))),
            hide_index=True,
            width="stretch",
            column_config=SURVEY_COLUMNS,
            placeholder="",
        )
st.caption(f"As of the end of {data.as_of}.")
