"""person_day and tool_day updated for the people of one file, in that file's transaction.

A file's events and the rollup rows they change commit together (issue 12): a process killed
after a file commits cannot leave person_day behind the events. Only the (person, day) pairs
with events in the file are recomputed, with the same SQL as the full rebuild
(analytics/activity.py) restricted to them, so the result equals a full rebuild.

The settings person_day was built with (timezone, passive events) are stamped in `meta`
(`person_day_basis`); an ingest that finds another stamp (a run killed between storing a new
`--tz` and rebuilding, or a Settings change that never rebuilt) rebuilds everything first.
"""

from __future__ import annotations

import json

import duckdb

from analytics.activity import EVENT_DAY_SQL, PERSON_DAY_SQL, TOOL_DAY_SQL, rebuild_with
from analytics.db import bump_ingest_version, execute, transaction
from analytics.rollup.days import has_rollup_days
from analytics.settings import Settings

# The (person, day) pairs the file's events fall on: only those rows of person_day and
# tool_day can change (every column is a per-day aggregate; `matched` depends on the roster).
# At 10M events, 20k new rows of 4,749 people on one day: 1.56 s by person, 0.1 s by day.
AFFECTED_SQL = f"""
CREATE OR REPLACE TEMP TABLE affected_days AS
SELECT DISTINCT coalesce(i.person_id, e.user_id) AS person_id, {EVENT_DAY_SQL} AS day
FROM events AS e LEFT JOIN identities() AS i ON i.key = e.user_id
WHERE e.ingest_id = $ingest_id
"""
_ALL = "FROM resolved_events()"
# The user values that can resolve to those people (their roster keys, or themselves when
# unmatched): a filter on the stored user_id that reaches the events scan, before resolution.
AFFECTED_KEYS_SQL = """
CREATE OR REPLACE TEMP TABLE affected_keys AS
SELECT key FROM identities() WHERE person_id IN (SELECT person_id FROM affected_days)
UNION SELECT person_id FROM affected_days
"""
# An event's local day is its UTC instant's date shifted by at most 14 hours, so its instant
# lies within two days of the day: that range lets DuckDB skip the stored row groups of other
# dates (a vendor row's day is its vendor_day, so those rows are read apart, whatever their ts).
_NEAR = (
    "ts BETWEEN (SELECT min(day) FROM affected_days) - INTERVAL 2 DAY "
    "AND (SELECT max(day) FROM affected_days) + INTERVAL 2 DAY"
)
_SOME = f"""FROM (
    SELECT r.* FROM (
        SELECT * FROM resolved_events() WHERE {_NEAR}
        UNION ALL
        SELECT * FROM resolved_events() WHERE vendor_day IS NOT NULL AND NOT ({_NEAR})
    ) AS r
    SEMI JOIN affected_days AS a ON a.person_id = r.person_id AND a.day = {EVENT_DAY_SQL}
    WHERE r.user_id IN (SELECT key FROM affected_keys)
)"""


def _restricted(sql: str) -> str:
    """A rebuild statement reading only the affected people's events."""
    if sql.count(_ALL) != 1:  # the rebuild SQL changed shape: fail loudly, never go stale
        raise RuntimeError("person_day_delta: the rebuild SQL no longer reads resolved_events()")
    return sql.replace(_ALL, _SOME)


PERSON_DAY_SOME_SQL = _restricted(PERSON_DAY_SQL)
TOOL_DAY_SOME_SQL = _restricted(TOOL_DAY_SQL)


def update_for_ingest(con: duckdb.DuckDBPyConnection, ingest_id: int, settings: Settings) -> int:
    """Recompute the person_day and tool_day rows of the (person, day) pairs with events from
    this ingest; returns how many people. Runs inside the caller's (the file's) transaction.
    With rollup days loaded (`ingest --person-day`) person_day is the sum of both, so all of it
    is rebuilt instead."""
    if has_rollup_days(con):
        return full_rebuild(con, ingest_id, settings)
    execute(con, AFFECTED_SQL, {"ingest_id": ingest_id, "tz": settings.timezone})
    count = int(
        execute(con, "SELECT count(DISTINCT person_id) FROM affected_days").fetchall()[0][0]
    )
    if count:  # nothing loaded (a re-ingest of known rows): no person's days change
        execute(con, AFFECTED_KEYS_SQL)
        params: dict[str, object] = {
            "passive": list(settings.passive_events),
            "tz": settings.timezone,
        }
        for table, insert in (("person_day", PERSON_DAY_SOME_SQL), ("tool_day", TOOL_DAY_SOME_SQL)):
            execute(
                con,
                f"DELETE FROM {table} USING affected_days AS a "
                f"WHERE {table}.person_id = a.person_id AND {table}.day = a.day",
            )
            execute(con, insert, params)
    execute(con, "DROP TABLE IF EXISTS affected_keys")
    execute(con, "DROP TABLE affected_days")
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
