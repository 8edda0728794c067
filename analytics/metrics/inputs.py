"""Everything the metrics read, loaded once: person_day, roster, plan, settings, outreach log.

I/O lives here and only here; every other metrics module is a pure function of these frames.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from analytics.settings import SETTINGS

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
ROSTER_SCHEMA: dict[str, pl.DataType] = {
    "user_id": pl.String(),
    "name": pl.String(),
    "email": pl.String(),
    "team": pl.String(),
    "region": pl.String(),
    "manager_id": pl.String(),
    "role": pl.String(),
    "is_champion": pl.Boolean(),
    "champion_id": pl.String(),
    "wave": pl.Int64(),
    "training_completed_on": pl.Date(),
    "active": pl.Boolean(),
    "flags": pl.String(),
}
PLAN_SCHEMA: dict[str, pl.DataType] = {
    "wave": pl.Int64(),
    "name": pl.String(),
    "start": pl.Date(),
    "planned_size": pl.Int64(),
}
OUTREACH_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Int64(),
    "person_id": pl.String(),
    "contacted_on": pl.Date(),
    "channel": pl.String(),
    "owner": pl.String(),
    "segment": pl.String(),
    "note": pl.String(),
}


def default_settings() -> dict[str, Any]:
    """Every setting at its default value (what a fresh install uses)."""
    return {s.name: s.default for s in SETTINGS}


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
    settings: dict[str, Any] = field(default_factory=default_settings)
    outreach: pl.DataFrame = field(default_factory=lambda: conform(None, OUTREACH_SCHEMA))
    ingest_version: int = 0


def make_inputs(
    *,
    person_day: pl.DataFrame | None = None,
    roster: pl.DataFrame | None = None,
    plan: pl.DataFrame | None = None,
    settings: dict[str, Any] | None = None,
    outreach: pl.DataFrame | None = None,
    ingest_version: int = 0,
) -> MetricInputs:
    """Inputs from partial frames (tests, pages): columns conformed, settings over the defaults."""
    return MetricInputs(
        person_day=conform(person_day, PERSON_DAY_SCHEMA),
        roster=conform(roster, ROSTER_SCHEMA),
        plan=conform(plan, PLAN_SCHEMA),
        settings={**default_settings(), **(settings or {})},
        outreach=conform(outreach, OUTREACH_SCHEMA),
        ingest_version=ingest_version,
    )


def empty_inputs() -> MetricInputs:
    """No events, no roster, no plan, default settings, no outreach: the empty-database case."""
    return make_inputs()


def _read_table(con: Any, table: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One DuckDB table as a conformed frame; a table that does not exist reads as empty."""
    import duckdb

    try:
        frame = con.sql(f"SELECT * FROM {table}").pl()  # table names are constants, not values
    except duckdb.CatalogException:
        return conform(None, schema)
    return conform(frame, schema)


def _read_duckdb(db: Path) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """person_day, roster and ingest version from the DuckDB file, opened read-only and closed."""
    import duckdb

    from analytics.db import connection, ingest_version

    with connection(db, read_only=True) as con:
        person_day = _read_table(con, "person_day", PERSON_DAY_SCHEMA)
        roster = _read_table(con, "roster", ROSTER_SCHEMA)
        try:
            version = ingest_version(con)
        except duckdb.CatalogException:
            version = 0
    return person_day, roster, version


def _read_state(db: Path) -> tuple[pl.DataFrame, dict[str, Any], pl.DataFrame]:
    """Plan, settings and outreach from the app state beside the database (defaults if none)."""
    from analytics.db import state_path_for

    if not state_path_for(db).exists():  # reading must not create the state file
        return conform(None, PLAN_SCHEMA), default_settings(), conform(None, OUTREACH_SCHEMA)
    from analytics.state.store import get_settings, outreach_frame, plan_frame

    return (
        conform(plan_frame(db), PLAN_SCHEMA),
        {**default_settings(), **get_settings(db)},
        conform(outreach_frame(db), OUTREACH_SCHEMA),
    )


def load_inputs(db: Path) -> MetricInputs:
    """Read every metric input from the database and its app state; an absent file reads empty."""
    db = Path(db)
    if db.exists():
        person_day, roster, version = _read_duckdb(db)
    else:
        person_day, roster, version = (
            conform(None, PERSON_DAY_SCHEMA),
            conform(None, ROSTER_SCHEMA),
            0,
        )
    plan, settings, outreach = _read_state(db)
    return MetricInputs(
        person_day=person_day,
        roster=roster,
        plan=plan,
        settings=settings,
        outreach=outreach,
        ingest_version=version,
    )
