"""person_day and tool_day updated for the people of one file, in that file's transaction.

A file's events and the rollup rows they change commit together (issue 12): a process killed
after a file commits cannot leave person_day behind the events. Only the people with events in
the file are recomputed, with the same SQL as the full rebuild (analytics/activity.py)
restricted to them, so the result equals a full rebuild.

The settings person_day was built with (timezone, passive events) are stamped in `meta`
(`person_day_basis`); an ingest that finds another stamp (a run killed between storing a new
`--tz` and rebuilding, or a Settings change that never rebuilt) rebuilds everything first.
"""

from __future__ import annotations

import json

import duckdb

from analytics.activity import PERSON_DAY_SQL, TOOL_DAY_SQL, rebuild_with
from analytics.db import bump_ingest_version, execute, transaction
from analytics.rollup.days import has_rollup_days
from analytics.settings import Settings

AFFECTED_SQL = """
CREATE OR REPLACE TEMP TABLE affected_people AS
SELECT DISTINCT coalesce(i.person_id, e.user_id) AS person_id
FROM events AS e LEFT JOIN identities() AS i ON i.key = e.user_id
WHERE e.ingest_id = ?
"""
_ALL = "FROM resolved_events()"
_SOME = "FROM (SELECT * FROM resolved_events() WHERE person_id IN (SELECT * FROM affected_people))"


def _restricted(sql: str) -> str:
    """A rebuild statement reading only the affected people's events."""
    if sql.count(_ALL) != 1:  # the rebuild SQL changed shape: fail loudly, never go stale
        raise RuntimeError("person_day_delta: the rebuild SQL no longer reads resolved_events()")
    return sql.replace(_ALL, _SOME)


PERSON_DAY_SOME_SQL = _restricted(PERSON_DAY_SQL)
TOOL_DAY_SOME_SQL = _restricted(TOOL_DAY_SQL)


def update_for_ingest(con: duckdb.DuckDBPyConnection, ingest_id: int, settings: Settings) -> int:
    """Recompute person_day and tool_day of the people with events from this ingest; returns
    how many people. Runs inside the caller's (the file's) transaction. With rollup days loaded
    (`ingest --person-day`) person_day is the sum of both, so all of it is rebuilt instead."""
    if has_rollup_days(con):
        return full_rebuild(con, ingest_id, settings)
    execute(con, AFFECTED_SQL, [ingest_id])
    count = int(execute(con, "SELECT count(*) FROM affected_people").fetchall()[0][0])
    if count:  # nothing loaded (a re-ingest of known rows): no person's days change
        params: dict[str, object] = {
            "passive": list(settings.passive_events),
            "tz": settings.timezone,
        }
        people = "person_id IN (SELECT * FROM affected_people)"
        execute(con, f"DELETE FROM person_day WHERE {people}")
        execute(con, PERSON_DAY_SOME_SQL, params)
        execute(con, f"DELETE FROM tool_day WHERE {people}")
        execute(con, TOOL_DAY_SOME_SQL, params)
    execute(con, "DROP TABLE affected_people")
    stamp(con, settings)
    return count


def full_rebuild(con: duckdb.DuckDBPyConnection, ingest_id: int, settings: Settings) -> int:
    """The whole rebuild in the file's transaction (vendor files: a revision may move an event
    from one person to another, and licences change licence_holders)."""
    del ingest_id
    rows = rebuild_with(con, settings)
    stamp(con, settings)
    return rows


BASIS_KEY = "person_day_basis"


def basis(settings: Settings) -> str:
    """The settings person_day depends on, as one text (timezone, sorted passive events)."""
    return json.dumps([settings.timezone, sorted(settings.passive_events)])


def stamp(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """Record the basis person_day now holds (inside the caller's transaction)."""
    execute(con, "INSERT OR REPLACE INTO meta VALUES (?, ?)", [BASIS_KEY, basis(settings)])


def is_stale(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """True when person_day was stamped with other settings than these."""
    rows = execute(con, "SELECT value FROM meta WHERE key = ?", [BASIS_KEY]).fetchall()
    return bool(rows) and rows[0][0] != basis(settings)


def rebuild_and_stamp(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """A full rebuild with these settings in its own transaction, stamped and versioned."""
    with transaction(con):
        rebuild_with(con, settings)
        stamp(con, settings)
        bump_ingest_version(con)
