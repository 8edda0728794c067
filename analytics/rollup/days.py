"""Loaded rollup rows (`rollup_person_day`) and their part in person_day (SPEC 11)."""

from __future__ import annotations

import duckdb

from analytics.db import execute, table_names

ROLLUP_TABLE_SQL = """
CREATE TABLE IF NOT EXISTS rollup_person_day (  -- one row per person per day from a rollup
    person VARCHAR NOT NULL, day DATE NOT NULL, events INTEGER NOT NULL,
    active_events INTEGER NOT NULL, sources VARCHAR[] NOT NULL
)
"""
# person_day rows of the rollup added to those of the local events, per person and day
MERGE_SQL = """
CREATE OR REPLACE TEMP TABLE merged_person_day AS
SELECT person_id, day, sum(events) AS events, sum(active_events) AS active_events,
       sum(accepted) AS accepted, sum(rejected) AS rejected,
       sum(trailing_rejections) AS trailing_rejections, bool_or(matched) AS matched
FROM (
    SELECT * FROM person_day
    UNION ALL
    SELECT coalesce(i.person_id, r.person), r.day, r.events, r.active_events, 0, 0, 0,
           i.person_id IS NOT NULL
    FROM rollup_person_day AS r LEFT JOIN identities() AS i ON i.key = r.person
)
GROUP BY person_id, day
"""


def has_rollup_days(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any rollup rows are loaded (a per-person person_day update cannot see them)."""
    if "rollup_person_day" not in table_names(con):
        return False
    return bool(execute(con, "SELECT EXISTS (FROM rollup_person_day)").fetchall()[0][0])


def merge_rollup_days(con: duckdb.DuckDBPyConnection) -> None:
    """Add the loaded rollup rows to person_day (inside the caller's transaction)."""
    if "rollup_person_day" not in table_names(con):
        return
    execute(con, MERGE_SQL)
    execute(con, "DELETE FROM person_day")
    execute(con, "INSERT INTO person_day SELECT * FROM merged_person_day")
    execute(con, "DROP TABLE merged_person_day")


def erase_rollup_days(con: duckdb.DuckDBPyConnection, identities: list[str]) -> int:
    """Delete the loaded rollup rows of an erased person (SPEC 3 erasure); rows deleted."""
    if "rollup_person_day" not in table_names(con):
        return 0
    sql = "DELETE FROM rollup_person_day WHERE person IN (SELECT unnest(?))"
    return execute(con, sql, [identities]).fetchall()[0][0]
