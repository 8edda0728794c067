"""Cached loaders of the full, unscoped metric results: internal to the data layer (pagedata).

Keys (by the book, Streamlit's caching concepts): database path, ingest version (read by opening
DuckDB read-only and closing at once), a digest of settings and plan and the as-of day. Only
collected frames and dicts are cached, never connections. A widget change re-runs the page but
hits these caches, so no metric is recomputed. Nothing here is scoped: views never import this
module; `analytics.ui.pagedata.PageData` scopes and suppresses every result for its viewer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
import streamlit as st

from analytics.impact.data import read_survey
from analytics.impact.survey import answers_with_team
from analytics.impact.survey import person_barriers as person_barriers_of
from analytics.metrics.active import basis_series
from analytics.metrics.champions import (
    champions_summary,
    cohort_adoption,
    cohort_rows,
    teams_table,
)
from analytics.metrics.curves import curves_table, first_use_table
from analytics.metrics.document import document_from_basis, headline_document, jsonable
from analytics.metrics.groups import adoption_by_group, training_and_trust_by_team
from analytics.metrics.inputs import (
    OUTREACH_SCHEMA,
    ROSTER_SCHEMA,
    MetricInputs,
    conform,
    load_inputs,
    read_roster,
    read_settings,
)
from analytics.metrics.lifecycle import lifecycle_long
from analytics.metrics.population import Basis, prepare
from analytics.metrics.retention import retention_long
from analytics.metrics.tool_split import for_tool, population_sizes, tool_names
from analytics.metrics.tools import tool_keys
from analytics.metrics.trust import acceptance_weeks
from analytics.metrics.waves import waves_table
from analytics.outreach.effect import outcomes_with_owner
from analytics.outreach.worklist import build_worklist, empty_worklist
from analytics.settings import Settings
from analytics.state import store
from analytics.ui import access, dataviews
from analytics.ui.definitions import TOOL_NAMES


def _read(db: str, query: Any) -> Any:
    """Run one read function on a short-lived read-only connection (empty file: nothing)."""
    with access.read(db) as con:
        return query(con)


@st.cache_data(max_entries=8, show_spinner=False)
def day_range(db: str, version: int, state: str) -> tuple[dt.date | None, dt.date | None]:
    """First and last day with events (None, None for an empty or absent database)."""
    if not Path(db).exists():
        return None, None
    return _read(db, dataviews.day_range)


TOOL_MARK = "|tool="  # a data key's state part with this mark is one tool's split (SPEC 10)


def with_tool(state: str, tool: str | None) -> str:
    """The state part of the data key for one tool's split (None: all tools). Every loader
    below reads through `inputs`, so each caches per (data key, tool) with no tool argument."""
    return state if tool is None else f"{state}{TOOL_MARK}{tool}"


# The two large values (inputs: person_day and tool_day; the basis: one row per person plus
# activity) are kept as shared objects (cache_resource), not pickled copies (cache_data): both
# are frozen dataclasses of polars frames, never mutated, and pickling them cost about 1.1 s of
# the Overview's first render at 10M events. Everything derived from them is small and cached
# as data.
# The whole inputs and the per-tool splits are cached apart, so switching the sidebar's tool
# never evicts the database read (4 data keys) and every tool of a database stays cached: one
# split per known tool, for two data keys (e.g. the last version and the new one).
TOOL_SPLIT_ENTRIES = 2 * len(TOOL_NAMES)


def inputs(db: str, version: int, state: str) -> MetricInputs:
    """Every metric input (person_day, roster, plan, settings, outreach), read once per version;
    with a tool in the key, restricted to that tool at the input (metrics.tool_split)."""
    base, _, tool = state.partition(TOOL_MARK)
    return tool_inputs(db, version, base, tool) if tool else all_inputs(db, version, base)


@st.cache_resource(max_entries=4, show_spinner="Reading the data…")
def all_inputs(db: str, version: int, state: str) -> MetricInputs:
    """Every metric input of every tool, read from the database once per data key."""
    with access.db_access():
        return load_inputs(Path(db))


@st.cache_resource(max_entries=TOOL_SPLIT_ENTRIES, show_spinner="Reading the data…")
def tool_inputs(db: str, version: int, state: str, tool: str) -> MetricInputs:
    """The inputs restricted to one tool (SPEC 10), derived from the cached whole inputs."""
    return for_tool(all_inputs(db, version, state), tool)


@st.cache_data(max_entries=8, show_spinner=False)
def tools(db: str, version: int, state: str) -> list[str]:
    """Every tool present in the data (activity or licence rows), by name."""
    return tool_names(inputs(db, version, state))


@st.cache_data(max_entries=8, show_spinner=False)
def tool_populations(db: str, version: int, state: str) -> tuple[dict[str, int], int]:
    """People in each tool's population and in the whole population (group-level release)."""
    return population_sizes(inputs(db, version, state))


@st.cache_data(max_entries=4, show_spinner=False)
def settings(db: str, version: int, state: str) -> Settings:
    """The settings (keyed on the state digest), read alone: a page without metrics needs its
    thresholds, not person_day."""
    return read_settings(Path(db))


@st.cache_data(max_entries=4, show_spinner=False)
def roster_identities(db: str, version: int, state: str) -> pl.DataFrame:
    """The roster columns role resolution needs: one row per roster person. Read alone, not
    through `inputs`: every page resolves the viewer, and pages without metrics (glossary,
    data, settings) need no person_day."""
    roster = _read(db, read_roster) if Path(db).exists() else conform(None, ROSTER_SCHEMA)
    return roster.select("user_id", "email", "role", "is_champion", "active")


@st.cache_data(max_entries=8, show_spinner=False)
def ingest_log(db: str, version: int) -> pl.DataFrame:
    """The ingest log: one row per file, newest first."""
    if not Path(db).exists():
        return pl.DataFrame()
    return _read(db, dataviews.ingest_log)


@st.cache_data(max_entries=8, show_spinner=False)
def quarantine(db: str, version: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantined rows (capped) and the count per reason."""
    if not Path(db).exists():
        return pl.DataFrame(), pl.DataFrame()
    return _read(db, lambda con: (dataviews.quarantine(con), dataviews.quarantine_reasons(con)))


@st.cache_data(max_entries=8, show_spinner=False)
def data_quality(db: str, version: int) -> dict[str, pl.DataFrame]:
    """Nulls per column, date orders, duplicate totals, unmatched users, event names."""
    if not Path(db).exists():
        return {}

    def collect(con: Any) -> dict[str, pl.DataFrame]:
        return {
            "nulls": dataviews.null_counts(con),
            "date_orders": dataviews.date_orders(con),
            "totals": dataviews.duplicate_totals(con),
            "unmatched": dataviews.unmatched_users(con),
            "event_names": dataviews.event_names(con),
        }

    return _read(db, collect)


# ---- metrics -------------------------------------------------------------------------------
# Every loader below takes (db, version, state, as_of, ...) and returns full results.


@st.cache_resource(max_entries=16, show_spinner="Computing the metrics…")
def basis(db: str, version: int, state: str, as_of: dt.date | None) -> Basis:
    """The metrics' shared basis as of a day (one row per person plus activity); internal."""
    return prepare(inputs(db, version, state), as_of)


@st.cache_data(max_entries=64, show_spinner=False)
def document(db: str, version: int, state: str, as_of: dt.date | None) -> dict:
    """The metrics document (SPEC section 8) as of a day, JSON-ready (dates as text)."""
    return jsonable(
        document_from_basis(basis(db, version, state, as_of), inputs(db, version, state))
    )


@st.cache_data(max_entries=16, show_spinner=False)
def headlines(db: str, version: int, state: str, as_of: dt.date | None) -> dict:
    """The document's headline keys only at a day (comparisons with an earlier day need no
    weekly or per-person lists), JSON-ready."""
    return jsonable(headline_document(basis(db, version, state, as_of)))


@st.cache_data(max_entries=16, show_spinner=False)
def tool_summary(db: str, version: int, state: str, as_of: dt.date | None) -> dict:
    """The document's tool keys (SPEC 10: tools, funnel, lower bounds) at a day, JSON-ready,
    without building the rest of the document."""
    return jsonable(tool_keys(basis(db, version, state, as_of), inputs(db, version, state)))


@st.cache_data(max_entries=16, show_spinner=False)
def champions_overall(db: str, version: int, state: str, as_of: dt.date | None) -> dict:
    """The document's champions section without its per-team and per-person lists."""
    summary = champions_summary(basis(db, version, state, as_of))
    return jsonable({k: v for k, v in summary.items() if k != "teams"})


@st.cache_data(max_entries=16, show_spinner=False)
def adoption_history(db: str, version: int, state: str, as_of: dt.date | None) -> pl.DataFrame:
    """One row per day from launch to as-of: eligible, dau, wau, mau, adoption_rate."""
    return basis_series(basis(db, version, state, as_of))  # the shared basis: no second prepare


# One row per ... of the population at D, each a pure metric function of the basis: waves
# (per planned wave), curves (per wave per day since start), first_use (per wave per
# days-to-first-use), retention (per cohort per week offset), lifecycle (per week), teams
# (per team, champions), cohorts (per person assigned to a champion), people (per person).
BASIS_FRAMES: dict[str, Callable[[Basis], pl.DataFrame]] = {
    "waves": waves_table,
    "curves": curves_table,
    "first_use": first_use_table,
    "retention": retention_long,
    "lifecycle": lifecycle_long,
    "teams": teams_table,
    "cohorts": cohort_rows,
    "people": lambda prepared: prepared.people,
    "cohort_adoption": cohort_adoption,
    "training_trust": training_and_trust_by_team,
    "trust_weeks": acceptance_weeks,
}


@st.cache_data(max_entries=128, show_spinner=False)
def basis_frame(
    name: str, db: str, version: int, state: str, as_of: dt.date | None
) -> pl.DataFrame:
    """One metric frame (BASIS_FRAMES[name]) of the basis at a day, full and unscoped."""
    return BASIS_FRAMES[name](basis(db, version, state, as_of))


def clear() -> None:
    """Drop every cached value (after an ingest, erasure or settings change in this process)."""
    st.cache_data.clear()
    all_inputs.clear()
    tool_inputs.clear()
    basis.clear()


@st.cache_data(max_entries=16, show_spinner=False)
def group_adoption(
    db: str, version: int, state: str, as_of: dt.date | None
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Adoption per team and per role (eligible, active, rate): group level, no person rows.

    Groups with eligible people only (a team not started yet has no rate to rank); people
    without a team or role form their own group, named "(no team)" / "(no role)", so the groups
    add up to the organisation's totals and no total minus the shown groups isolates anyone.
    """
    prepared = basis(db, version, state, as_of)

    def ranked(group: str) -> pl.DataFrame:
        frame = adoption_by_group(prepared, group)
        named = pl.col(group).fill_null(f"(no {group})")
        return frame.with_columns(named).filter(pl.col("eligible") > 0)

    return ranked("team"), ranked("role")


@st.cache_data(max_entries=4, show_spinner=False)
def event_names(db: str, version: int) -> list[str]:
    """Every event name seen, most frequent first."""
    quality = data_quality(db, version)
    return quality["event_names"]["event"].drop_nulls().to_list() if quality else []


@st.cache_data(max_entries=64, show_spinner="Running the query…")
def insight(
    db: str, version: int, state: str, argv: tuple[str, ...]
) -> tuple[dict | None, str | None]:
    """An explore query given as `adoption insight` arguments: (result, None) or (None, error)."""
    from analytics.insight import InsightError, query_from_argv, run_insight

    try:
        query = query_from_argv(argv[1:] if argv[:1] == ("insight",) else argv)
        with access.db_access():
            return run_insight(query, db), None
    except InsightError as error:
        return None, str(error)


@st.cache_data(max_entries=8, show_spinner=False)
def person_barriers(db: str, version: int, state: str, as_of: dt.date | None) -> pl.DataFrame:
    """Each eligible person's survey barrier (their own answers, else their team's); empty
    without a survey. Unscoped: the worklist that uses it is scoped."""
    survey = read_survey(db)
    if not survey.height:
        return pl.DataFrame()
    prepared = basis(db, version, state, as_of)
    return person_barriers_of(answers_with_team(survey, prepared.people), prepared.eligible)


# ---- outreach: the contact log changes between reruns, so it is read fresh and its version
# (rows, newest id) is part of the key; the log itself is passed unhashed.


def contact_log(db: str) -> pl.DataFrame:
    """The contact log, one row per logged contact, read now (it changes on the Outreach page)."""
    return conform(store.outreach_frame(db), OUTREACH_SCHEMA)


def log_version(log: pl.DataFrame) -> tuple[int, int]:
    """A cache key that changes whenever a contact is logged or erased: (rows, newest id)."""
    return log.height, int(log.select(pl.col("id").max()).item() or 0)


@st.cache_data(max_entries=16, show_spinner=False)
def worklist(
    db: str,
    version: int,
    state: str,
    as_of: dt.date | None,
    contacts: tuple[int, int],
    _log: pl.DataFrame,
) -> pl.DataFrame:
    """The whole outreach worklist at a day (one row per person to contact), unscoped."""
    prepared = basis(db, version, state, as_of)
    if prepared.as_of is None:
        return empty_worklist()
    found = person_barriers(db, version, state, as_of)
    return build_worklist(
        prepared.eligible,
        inputs(db, version, state).roster,
        _log,
        prepared.as_of,
        prepared.settings,
        found if found.height else None,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def contact_outcomes(
    db: str,
    version: int,
    state: str,
    as_of: dt.date | None,
    contacts: tuple[int, int],
    _log: pl.DataFrame,
) -> pl.DataFrame:
    """One row per logged contact up to the day with its outcome and owner, unscoped."""
    return outcomes_with_owner(dataclasses.replace(basis(db, version, state, as_of), outreach=_log))
