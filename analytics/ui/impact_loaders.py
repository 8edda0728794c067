"""Cached loaders of the impact results and survey barriers: internal to the data layer.

Keyed like `loaders` (database, ingest version, settings digest, as-of day); nothing here is
scoped: `PageData` releases every result for its viewer.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics.impact.analysis import Impact, analyse, kpi_names
from analytics.impact.data import read_kpis, read_survey
from analytics.impact.survey import answers_with_team, segment_barriers, team_barriers
from analytics.ui import access, loaders


@st.cache_data(max_entries=4, show_spinner=False)
def kpis(db: str, version: int) -> pl.DataFrame:
    """Every KPI value: one row per person (as written), week and KPI."""
    with access.db_access():
        return read_kpis(db)


@st.cache_data(max_entries=8, show_spinner=False)
def names(db: str, version: int) -> list[str]:
    """The KPIs held, alphabetically."""
    return kpi_names(kpis(db, version))


@st.cache_data(max_entries=16, show_spinner="Estimating the impact…")
def impact(db: str, version: int, state: str, kpi: str, as_of: dt.date | None) -> Impact:
    """The impact of one KPI: its document, each design's smallest group, unmatched people."""
    return analyse(kpi, loaders.inputs(db, version, state), kpis(db, version), as_of)


@st.cache_data(max_entries=16, show_spinner=False)
def barriers(
    db: str, version: int, state: str, as_of: dt.date | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Survey barriers up to the as-of day: one row per team; one per team and segment."""
    with access.db_access():
        survey = read_survey(db)
    if as_of is not None:
        survey = survey.filter(pl.col("date") <= as_of)
    answers = answers_with_team(survey, loaders.basis(db, version, state, as_of).people)
    return team_barriers(answers), segment_barriers(answers)
