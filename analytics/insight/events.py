"""Load what the explore queries need from DuckDB: persons' active days, first days, latest day.

Each event's user is resolved to a person: the roster user_id when the user equals a roster
user_id or a roster e-mail (an employee id and an e-mail of one person count once), else the user
value itself. Days are calendar days in the requested time zone. Only the needed columns and a
date range (with a one-day margin for the time zone offset) are read.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

# identity: one row per key a user value can take (roster id, lower-cased e-mail) -> person_id.
# An id match wins over an e-mail match; among equals the smallest user_id (deterministic).
_IDENTITY_CTE = """
identity AS (
    SELECT key, first(person_id ORDER BY rank, person_id) AS person_id
    FROM (
        SELECT user_id AS key, user_id AS person_id, 0 AS rank FROM roster
        UNION ALL
        SELECT lower(user_id), user_id, 0 FROM roster WHERE user_id LIKE '%@%'
        UNION ALL
        SELECT lower(trim(email)), user_id, 1 FROM roster WHERE nullif(trim(email), '') IS NOT NULL
    )
    GROUP BY key
)"""

_NO_ROSTER_CTE = """
identity AS (SELECT NULL::VARCHAR AS key, NULL::VARCHAR AS person_id WHERE false)"""

_RESOLVED_CTE = """
resolved AS (
    SELECT coalesce(identity.person_id, e.user_id) AS person_id, e.ts
    FROM events AS e LEFT JOIN identity ON identity.key = e.user_id
    WHERE (?::VARCHAR IS NULL OR e.event = ?::VARCHAR)
      AND (?::TIMESTAMP IS NULL OR e.ts >= ?::TIMESTAMP)
      AND (?::TIMESTAMP IS NULL OR e.ts < ?::TIMESTAMP)
)"""

_LOCAL_DAY = "CAST(timezone(?, timezone('UTC', {ts})) AS DATE)"

PERSON_DAY_SCHEMA = {"person_id": pl.String, "day": pl.Date}
FIRST_DAY_SCHEMA = {"person_id": pl.String, "first_day": pl.Date}


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables present (an empty or foreign database may lack ours)."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {name for (name,) in rows}


def _with_clause(con: duckdb.DuckDBPyConnection) -> str:
    """The WITH prefix resolving users to persons, with or without a roster table."""
    identity = _IDENTITY_CTE if "roster" in _tables(con) else _NO_ROSTER_CTE
    return f"WITH {identity},{_RESOLVED_CTE}"


def _resolved_params(
    event: str | None, utc_from: dt.datetime | None, utc_to: dt.datetime | None
) -> list[object]:
    """Bound parameters of the resolved CTE, in order."""
    return [event, event, utc_from, utc_from, utc_to, utc_to]


def person_days(
    con: duckdb.DuckDBPyConnection,
    *,
    event: str | None,
    tz: str,
    day_from: dt.date,
    day_to: dt.date,
) -> pl.DataFrame:
    """One row per person per local day in [day_from, day_to] with a matching event."""
    if "events" not in _tables(con):
        return pl.DataFrame(schema=PERSON_DAY_SCHEMA)
    utc_from = dt.datetime.combine(day_from - dt.timedelta(days=1), dt.time())
    utc_to = dt.datetime.combine(day_to + dt.timedelta(days=2), dt.time())
    query = f"""{_with_clause(con)}
        SELECT DISTINCT person_id, day FROM (
            SELECT person_id, {_LOCAL_DAY.format(ts="ts")} AS day FROM resolved
        ) WHERE day BETWEEN ? AND ?"""
    params = [*_resolved_params(event, utc_from, utc_to), tz, day_from, day_to]
    return con.sql(query, params=params).pl().cast(PERSON_DAY_SCHEMA)


def first_days(con: duckdb.DuckDBPyConnection, *, event: str | None, tz: str) -> pl.DataFrame:
    """One row per person: the local day of their first-ever matching event (all history)."""
    if "events" not in _tables(con):
        return pl.DataFrame(schema=FIRST_DAY_SCHEMA)
    query = f"""{_with_clause(con)}
        SELECT person_id, {_LOCAL_DAY.format(ts="min(ts)")} AS first_day
        FROM resolved GROUP BY person_id"""
    params = [*_resolved_params(event, None, None), tz]
    return con.sql(query, params=params).pl().cast(FIRST_DAY_SCHEMA)


def latest_day(con: duckdb.DuckDBPyConnection, *, tz: str) -> dt.date | None:
    """The local day of the latest event of any kind (None for no events)."""
    if "events" not in _tables(con):
        return None
    query = f"SELECT {_LOCAL_DAY.format(ts='max(ts)')} FROM events"
    return con.execute(query, [tz]).fetchone()[0]
