"""Everything the metrics read, loaded once: person_day, roster, plan, settings, outreach log.

I/O lives here and only here; every other metrics module is a pure function of these frames.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.db import connection, ingest_version, state_path_for
from analytics.settings import Settings
from analytics.state.settings_file import stored_settings
from analytics.tables import OUTREACH, PLAN, ROSTER, SQL_TYPES

PERSON_DAY_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "day": pl.Date(),
    "events": pl.Int64(),
    "active_events": pl.Int64(),
    "accepted": pl.Int64(),
    "rejected": pl.Int64(),
    "trailing_rejections": pl.Int64(),
    "matched": pl.Boolean(),
}
TOOL_DAY_SCHEMA: dict[str, pl.DataType] = {  # one row per person per day per tool (SPEC 10)
    "person_id": pl.String(),
    "day": pl.Date(),
    "tool": pl.String(),
    "grain": pl.String(),
    "events": pl.Int64(),
    "active_events": pl.Int64(),
}
LICENCE_SCHEMA: dict[str, pl.DataType] = {  # one row per person per tool holding a licence
    "person_id": pl.String(),
    "tool": pl.String(),
    "since": pl.Date(),
    "matched": pl.Boolean(),
}
ROSTER_SCHEMA = ROSTER.schema
PLAN_SCHEMA = PLAN.schema
OUTREACH_SCHEMA = OUTREACH.schema


def conform(frame: pl.DataFrame | None, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The frame with exactly the schema's columns and types (missing columns become null)."""
    if frame is None:
        return pl.DataFrame(schema=schema)
    return frame.select(
        (pl.col(name) if name in frame.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in schema.items()
    )


@dataclass(frozen=True)
class MetricInputs:
    """The inputs of every metric: the person_day grain, roster, plan, settings and outreach."""

    person_day: pl.DataFrame = field(default_factory=lambda: conform(None, PERSON_DAY_SCHEMA))
    roster: pl.DataFrame = field(default_factory=lambda: conform(None, ROSTER_SCHEMA))
    plan: pl.DataFrame = field(default_factory=lambda: conform(None, PLAN_SCHEMA))
    settings: Settings = field(default_factory=Settings)
    outreach: pl.DataFrame = field(default_factory=lambda: conform(None, OUTREACH_SCHEMA))
    ingest_version: int = 0
    tool_day: pl.DataFrame = field(default_factory=lambda: conform(None, TOOL_DAY_SCHEMA))
    licences: pl.DataFrame = field(default_factory=lambda: conform(None, LICENCE_SCHEMA))


def make_inputs(
    *,
    person_day: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    plan: pl.DataFrame | None = None,
    settings: Settings | Mapping[str, Any] | None = None,
    outreach: pl.DataFrame | None = None,
    ingest_version: int = 0,
    tool_day: pl.DataFrame | None = None,
    licences: pl.DataFrame | None = None,
) -> MetricInputs:
    """Inputs from partial frames (tests, pages): columns conformed, settings over the defaults."""
    return MetricInputs(
        person_day=conform(person_day, PERSON_DAY_SCHEMA),
        roster=conform(roster, ROSTER_SCHEMA),
        plan=conform(plan, PLAN_SCHEMA),
        settings=settings if isinstance(settings, Settings) else Settings(**(settings or {})),
        outreach=conform(outreach, OUTREACH_SCHEMA),
        ingest_version=ingest_version,
        tool_day=conform(tool_day, TOOL_DAY_SCHEMA),
        licences=conform(licences, LICENCE_SCHEMA),
    )


ID_COLUMNS = {  # the person identity columns the metrics group, join and compare by
    "person_day": ("person_id",),
    "tool_day": ("person_id",),
    "licences": ("person_id",),
    "roster": ("user_id", "champion_id"),
    "outreach": ("person_id",),
}


def with_categorical_ids(inputs: MetricInputs) -> MetricInputs:
    """The inputs with every person id column (ID_COLUMNS) as Categorical, for the command.

    Grouping, joining and windowing by person then compare 32-bit codes instead of hashing the
    text each time (about 0.25 s of the 1.2 s a document takes at 10M events); values, their
    order (Categorical sorts by the text) and so the document are the same."""
    frames = {
        name: getattr(inputs, name).with_columns(pl.col(columns).cast(pl.Categorical))
        for name, columns in ID_COLUMNS.items()
    }
    return replace(inputs, **frames)


def _read_table(con: Any, table: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One DuckDB table as a conformed frame; a table that does not exist reads as empty.

    Read through the relation's Arrow C stream (`__arrow_c_stream__`) straight into polars:
    no Python values and no pyarrow or numpy import (person_day at 10M events: 0.04 s CPU
    instead of 0.15 s through numpy, 1.35 s as Python tuples); NULLs stay NULLs. The columns
    are cast to the schema's types in the query, so `conform` has none to cast (person_day's
    INTEGER counts arrive as BIGINT).
    """
    columns = ", ".join(  # names and types are constants, not values
        f'CAST("{name}" AS {SQL_TYPES[type(dtype)]}) AS "{name}"' for name, dtype in schema.items()
    )
    try:
        relation = con.sql(f"SELECT {columns} FROM {table}")
    except duckdb.CatalogException:
        return conform(None, schema)
    except duckdb.BinderException:  # an older table lacking a column: read what is there
        relation = con.sql(f"SELECT * FROM {table}")
    return conform(pl.DataFrame(relation), schema)


def read_roster(con: Any) -> pl.DataFrame:
    """The roster table as a conformed frame (empty when there is none): small, read alone
    where only the roster is needed (the app's role resolution on every page)."""
    return _read_table(con, "roster", ROSTER_SCHEMA)


DuckTables = tuple[pl.DataFrame, pl.DataFrame, int, pl.DataFrame, pl.DataFrame]
TOOL_WINDOW_DAYS = 28  # the tools table counts people active in the 28 days ending D (SPEC 10)

# The tool_day rows one document's tool keys read at D (analytics.metrics.tools): active rows of
# the 28 days ending D, and one row per tool and grain loaded up to D (no activity: it only says
# the grain was loaded). 1/7 of the table at 200 days of data.
TOOL_DAY_AT_SQL = """
SELECT person_id, day, tool, grain, events, active_events FROM tool_day
WHERE day BETWEEN $first AND $day AND active_events > 0
UNION ALL
SELECT any_value(person_id), max(day), tool, grain, 0, 0 FROM tool_day
WHERE day <= $day GROUP BY tool, grain
"""


def _read_tool_day_at(con: Any, day: dt.date) -> pl.DataFrame:
    """The tool_day rows the tool keys of a document as of D read (TOOL_DAY_AT_SQL)."""
    first = day - dt.timedelta(days=TOOL_WINDOW_DAYS - 1)
    try:
        relation = con.sql(TOOL_DAY_AT_SQL, params={"first": first, "day": day})
    except (duckdb.CatalogException, duckdb.BinderException):
        return _read_table(con, "tool_day", TOOL_DAY_SCHEMA)  # absent or older: as it is
    return conform(pl.DataFrame(relation), TOOL_DAY_SCHEMA)


def _read_duckdb(db: Path, *, document: bool = False, as_of: dt.date | None = None) -> DuckTables:
    """person_day, roster, ingest version, tool_day and licence_holders (SPEC 10; empty when
    absent) from the DuckDB file, opened read-only once and closed (each open costs 0.04 s).

    For a `document` as of `as_of` (None: the latest event's day) tool_day holds only the rows
    one document at that D reads (`_read_tool_day_at`), not one row per person per day."""
    with connection(db, read_only=True, rules=False) as con:  # plain tables: no macros
        person_day = _read_table(con, "person_day", PERSON_DAY_SCHEMA)
        roster = read_roster(con)
        try:
            version = ingest_version(con)
        except duckdb.CatalogException:
            version = 0
        at = None  # the document's D; the pages read every tool_day row
        if document:
            at = latest_event_day(person_day) if as_of is None else as_of
        if at is not None:
            tool_day = _read_tool_day_at(con, at)
        else:
            tool_day = _read_table(con, "tool_day", TOOL_DAY_SCHEMA)
        licences = _read_table(con, "licence_holders", LICENCE_SCHEMA)
    return person_day, roster, version, tool_day, licences


STATE_QUERIES = {  # the SQLModel tables of analytics/state/models.py, read without SQLAlchemy
    "plan": PLAN.select_sql("wave", order_by="number"),
    "outreach": OUTREACH.select_sql("outreach", order_by="id"),
}


def _sqlite_frame(con: Any, query: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One query of the state file as a frame with dates parsed from their ISO text."""
    cursor = con.execute(query)
    names = [column[0] for column in cursor.description]
    text_schema = {n: pl.String() if schema[n] == pl.Date() else schema[n] for n in names}
    frame = pl.DataFrame(cursor.fetchall(), schema=text_schema, orient="row")
    dates = [name for name in names if schema[name] == pl.Date()]
    return conform(frame.with_columns(pl.col(dates).str.to_date("%Y-%m-%d")), schema)


def read_state_fast(db: Path) -> tuple[pl.DataFrame, Settings, pl.DataFrame]:
    """Plan, settings and outreach straight from the SQLite state file (read-only, stdlib).

    Importing SQLModel costs about a second, more than the whole metrics command otherwise;
    tests/metrics/test_metrics_command.py checks this reader against analytics.state.store.
    """
    uri = state_path_for(db).resolve().as_uri() + "?mode=ro"
    con = sqlite3.connect(uri, uri=True)
    try:
        plan = _sqlite_frame(con, STATE_QUERIES["plan"], PLAN_SCHEMA)
        settings = stored_settings(con)
        outreach = _sqlite_frame(con, STATE_QUERIES["outreach"], OUTREACH_SCHEMA)
    finally:
        con.close()
    return plan, settings, outreach


def _read_state(db: Path) -> tuple[pl.DataFrame, Settings, pl.DataFrame]:
    """Plan, settings and outreach from the app state beside the database (defaults if none)."""
    if not state_path_for(db).exists():  # reading must not create the state file
        return conform(None, PLAN_SCHEMA), Settings(), conform(None, OUTREACH_SCHEMA)
    try:
        return read_state_fast(db)
    except (sqlite3.Error, KeyError, ValueError, pl.exceptions.PolarsError):
        pass  # a state file the fast reader does not understand: ask the store itself
    # Deferred: the store imports SQLModel (about a second), needed only for a state file the
    # fast reader does not understand.
    from analytics.state.store import get_settings, outreach_frame, plan_frame

    return (
        conform(plan_frame(db), PLAN_SCHEMA),
        get_settings(db),
        conform(outreach_frame(db), OUTREACH_SCHEMA),
    )


def read_settings(db: Path) -> Settings:
    """The settings from the app state beside the database (defaults if none), read alone."""
    return _read_state(Path(db))[1]


def load_inputs(db: Path) -> MetricInputs:
    """Read every metric input from the database and its app state; an absent file reads empty."""
    return _load(Path(db), document=False)


def load_document_inputs(db: Path, as_of: dt.date | None) -> MetricInputs:
    """The inputs of one metrics document as of D (None: the latest event's day), for the
    command: tool_day holds only the rows the document's tool keys read at that D (the split by
    tool of the pages needs `load_inputs`)."""
    return _load(Path(db), document=True, as_of=as_of)


def _load(db: Path, *, document: bool, as_of: dt.date | None = None) -> MetricInputs:
    """`load_inputs`, or with `document` `load_document_inputs` as of `as_of`."""
    if db.exists():
        read = _read_duckdb(db, document=document, as_of=as_of)
        person_day, roster, version, tool_day, licences = read
    else:
        person_day, roster, version = (
            conform(None, PERSON_DAY_SCHEMA),
            conform(None, ROSTER_SCHEMA),
            0,
        )
        tool_day, licences = conform(None, TOOL_DAY_SCHEMA), conform(None, LICENCE_SCHEMA)
    plan, settings, outreach = _read_state(db)
    inputs = MetricInputs(
        person_day=person_day,
        roster=roster,
        plan=plan,
        settings=settings,
        outreach=outreach,
        ingest_version=version,
        tool_day=tool_day,
        licences=licences,
    )
    # the command's document only: the pages' split by tool joins text ids (tool_split)
    return with_categorical_ids(inputs) if document else inputs


def last_event_day(inputs: MetricInputs) -> dt.date | None:
    """The latest day on which anyone had an event (None without events)."""
    return latest_event_day(inputs.person_day)


def latest_event_day(person_day: pl.DataFrame) -> dt.date | None:
    """The latest day of person_day rows with an event (None without events)."""
    days = person_day.filter(pl.col("events") > 0)["day"]
    latest = days.max() if days.len() else None
    return latest if isinstance(latest, dt.date) else None
