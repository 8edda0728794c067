"""person_day and tool_day updated for the people of one file, in that file's transaction.

A file's events and the rollup rows they change commit together (issue 12): a process killed
after a file commits cannot leave person_day behind the events. The file's own rows are
aggregated once with the rebuild's SQL (analytics/activity.py) and merged into the stored rows
of their (person, day): a file only adds events (a duplicate is never stored), so the counts
add up; trailing_rejections adds up too unless both the stored day and the file's rows hold
feedback events, and only those pairs are recomputed from the events. The result equals a full
rebuild.

The settings person_day was built with (timezone, passive events) are stamped in `meta`
(`person_day_basis`); an ingest that finds another stamp (a run killed between storing a new
`--tz` and rebuilding, or a Settings change that never rebuilt) rebuilds everything first.
"""

from __future__ import annotations

import json

import duckdb

from analytics.activity import EVENT_DAY_SQL, PERSON_DAY_SQL, TOOL_DAY_SQL, rebuild_with
from analytics.db import bump_ingest_version, execute, scalar, transaction
from analytics.rollup.days import has_rollup_days
from analytics.settings import Settings

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
    """A rebuild statement reading only the affected pairs' events."""
    if sql.count(_ALL) != 1:  # the rebuild SQL changed shape: fail loudly, never go stale
        raise RuntimeError("person_day_delta: the rebuild SQL no longer reads resolved_events()")
    return sql.replace(_ALL, _SOME)


PERSON_DAY_SOME_SQL = _restricted(PERSON_DAY_SQL)


def _of_ingest(sql: str, table: str) -> str:
    """A rebuild statement over this ingest's events only, into a temp table."""
    head = f"INSERT INTO {table}\n"
    if not sql.lstrip().startswith(head) or sql.count(_ALL) != 1:  # fail loudly, never go stale
        raise RuntimeError(f"person_day_delta: the {table} rebuild SQL changed shape")
    body = sql.lstrip().removeprefix(head).replace(_ALL, f"{_ALL} WHERE ingest_id = $ingest_id")
    return f"CREATE OR REPLACE TEMP TABLE file_{table} AS\n{body}"


FILE_PERSON_DAY_SQL = _of_ingest(PERSON_DAY_SQL, "person_day")
FILE_TOOL_DAY_SQL = _of_ingest(TOOL_DAY_SQL, "tool_day")
# The file's days merged with the stored ones: counts add up; the trailing rejections are the
# stored day's when the file brings no feedback, the file's when the stored day had none, and
# are recomputed from the events (`recompute`) when both hold feedback.
MERGED_PERSON_DAY_SQL = """
CREATE OR REPLACE TEMP TABLE merged_person_day AS
SELECT f.person_id, f.day,
       f.events + coalesce(p.events, 0) AS events,
       f.active_events + coalesce(p.active_events, 0) AS active_events,
       f.accepted + coalesce(p.accepted, 0) AS accepted,
       f.rejected + coalesce(p.rejected, 0) AS rejected,
       CASE WHEN f.accepted + f.rejected = 0 THEN coalesce(p.trailing_rejections, 0)
            ELSE f.trailing_rejections END AS trailing_rejections,
       f.matched OR coalesce(p.matched, false) AS matched,
       p.person_id IS NOT NULL AS stored,
       coalesce(f.accepted + f.rejected > 0 AND p.accepted + p.rejected > 0, false) AS recompute
FROM file_person_day AS f LEFT JOIN person_day AS p ON p.person_id = f.person_id AND p.day = f.day
"""
MERGED_TOOL_DAY_SQL = """
CREATE OR REPLACE TEMP TABLE merged_tool_day AS
SELECT f.person_id, f.day, f.tool, coalesce(t.grain, f.grain) AS grain,
       f.events + coalesce(t.events, 0) AS events,
       f.active_events + coalesce(t.active_events, 0) AS active_events,
       t.person_id IS NOT NULL AS stored
FROM file_tool_day AS f
LEFT JOIN tool_day AS t ON t.person_id = f.person_id AND t.day = f.day AND t.tool = f.tool
"""
PERSON_DAY_COLUMNS = (
    "person_id, day, events, active_events, accepted, rejected, trailing_rejections, matched"
)
TOOL_DAY_COLUMNS = "person_id, day, tool, grain, events, active_events"
DELETE_STORED_SQL = """
DELETE FROM {table} USING (SELECT {keys} FROM merged_{table} WHERE stored) AS m
WHERE {match}
"""
RECOMPUTED_DAYS_SQL = """
CREATE OR REPLACE TEMP TABLE affected_days AS
SELECT person_id, day FROM merged_person_day WHERE recompute
"""


def update_for_ingest(con: duckdb.DuckDBPyConnection, ingest_id: int, settings: Settings) -> int:
    """Merge this ingest's events into person_day and tool_day (the rows of its (person, day)
    pairs); returns how many people. Runs inside the caller's (the file's) transaction. With
    rollup days loaded (`ingest --person-day`) person_day is the sum of both, so all of it is
    rebuilt instead."""
    if has_rollup_days(con):
        return full_rebuild(con, ingest_id, settings)
    params: dict[str, object] = {
        "passive": list(settings.passive_events),
        "tz": settings.timezone,
        "ingest_id": ingest_id,
    }
    execute(con, FILE_PERSON_DAY_SQL, params)
    count = int(
        execute(con, "SELECT count(DISTINCT person_id) FROM file_person_day").fetchall()[0][0]
    )
    if count:  # nothing loaded (a re-ingest of known rows): no person's days change
        execute(con, FILE_TOOL_DAY_SQL, params)
        _merge(con, "person_day", MERGED_PERSON_DAY_SQL, "person_id, day", PERSON_DAY_COLUMNS)
        _merge(con, "tool_day", MERGED_TOOL_DAY_SQL, "person_id, day, tool", TOOL_DAY_COLUMNS)
        _recompute(con, params)
    for table in ("file_person_day", "file_tool_day", "merged_person_day", "merged_tool_day"):
        execute(con, f"DROP TABLE IF EXISTS {table}")
    stamp(con, settings)
    return count


def _merge(
    con: duckdb.DuckDBPyConnection, table: str, merged_sql: str, keys: str, columns: str
) -> None:
    """Replace the stored rows of the file's pairs by their merged rows (the recomputed ones
    are inserted by _recompute); names are constants of this module."""
    execute(con, merged_sql)
    match = " AND ".join(f"{table}.{key} = m.{key}" for key in keys.split(", "))
    execute(con, DELETE_STORED_SQL.format(table=table, keys=keys, match=match))
    skip = " WHERE NOT recompute" if table == "person_day" else ""
    execute(con, f"INSERT INTO {table} SELECT {columns} FROM merged_{table}{skip}")


def _recompute(con: duckdb.DuckDBPyConnection, params: dict[str, object]) -> None:
    """person_day from the events for the pairs whose trailing rejections cannot be merged
    (their stored rows are deleted already); usually none, or the days at a file's edges."""
    execute(con, RECOMPUTED_DAYS_SQL)
    if scalar(con, "SELECT count(*) FROM affected_days"):
        execute(con, AFFECTED_KEYS_SQL)
        execute(con, PERSON_DAY_SOME_SQL, {"passive": params["passive"], "tz": params["tz"]})
        execute(con, "DROP TABLE affected_keys")
    execute(con, "DROP TABLE affected_days")


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
