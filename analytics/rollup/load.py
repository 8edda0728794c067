"""`adoption ingest --person-day DIR`: a rollup's person_day into the app database.

The rollup is the record for the (day, source) pairs it covers: loading it deletes the stored
rollup rows and local events of those pairs, keeps its rows in `rollup_person_day`, and
person_day is rebuilt as the local events' days plus these rows (rollup/days.py, called by
activity.rebuild_person_day). Trust counts (accepted, rejected) are not in a rollup: zero.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import duckdb

from analytics.activity import rebuild_with
from analytics.db import bump_ingest_version, connection, execute, scalar, table_names, transaction
from analytics.rollup.days import ROLLUP_TABLE_SQL
from analytics.state.store import get_settings

NEW_ROWS_SQL = """
CREATE TEMP TABLE new_rollup AS
SELECT person, CAST(day AS DATE) AS day, CAST(events AS INTEGER) AS events,
       CAST(active_events AS INTEGER) AS active_events, CAST(sources AS VARCHAR[]) AS sources
FROM read_parquet(?, hive_partitioning = true)
"""
COVERED_SQL = (
    "CREATE TEMP TABLE covered AS SELECT DISTINCT day, unnest(sources) AS source FROM new_rollup"
)
DELETE_OLD_SQL = """
DELETE FROM rollup_person_day AS r
WHERE EXISTS (SELECT 1 FROM covered AS c WHERE c.day = r.day AND list_contains(r.sources, c.source))
"""
DELETE_EVENTS_SQL = """
DELETE FROM events AS e
WHERE EXISTS (SELECT 1 FROM covered AS c
              WHERE c.source = e.source AND c.day = event_day(e.vendor_day, e.ts, ?))
"""


def load_person_day(db: Path | str, folder: Path | str) -> dict[str, int]:
    """Load a rollup folder, replacing the (day, source) pairs it covers; counts for the report."""
    files = Path(folder) / "person_day"
    if not any(files.rglob("*.parquet")):
        raise FileNotFoundError(
            f"{folder}: no person_day/*.parquet (the output of adoption rollup)"
        )
    settings = get_settings(db)
    with connection(db, retry_seconds=settings.busy_retry_seconds) as con, transaction(con):
        execute(con, ROLLUP_TABLE_SQL)
        execute(con, NEW_ROWS_SQL, [str(files / "**" / "*.parquet")])
        execute(con, COVERED_SQL)
        before = scalar(con, "SELECT count(*) FROM rollup_person_day")
        execute(con, DELETE_OLD_SQL)
        replaced = before - scalar(con, "SELECT count(*) FROM rollup_person_day")
        events = 0
        if "events" in table_names(con):
            events = scalar(con, "SELECT count(*) FROM events")
            execute(con, DELETE_EVENTS_SQL, [settings.timezone])
            events -= scalar(con, "SELECT count(*) FROM events")
        execute(con, "INSERT INTO rollup_person_day SELECT * FROM new_rollup")
        counts = {
            "person_days": scalar(con, "SELECT count(*) FROM new_rollup"),
            "days_sources": scalar(con, "SELECT count(*) FROM covered"),
            "replaced_person_days": replaced,
            "replaced_events": events,
        }
        rebuild_with(con, settings)
        bump_ingest_version(con)
    return counts


def person_day_command(*, folder: Path, db: Path) -> int:
    """Print what was loaded; exit 2 when the folder holds no rollup."""
    try:
        counts = load_person_day(db, folder)
    except (FileNotFoundError, duckdb.Error) as error:
        print(f"adoption ingest: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"person_day": str(folder), **counts}, indent=2))
    return 0
