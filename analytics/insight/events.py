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

from analytics.db import scalar, table_names
from analytics.metrics.tool_split import GENERIC_TOOL  # ordinary event files' tool

# Events matching the optional event name, tool and UTC range, resolved to persons by the
# shared resolved_events() macro of analytics/db.py; days are its event_day(vendor_day, ts, tz),
# the same day person_day gives an event; a tool as tool_day names it (SPEC 10 split by tool).
_RESOLVED_CTE = f"""
WITH resolved AS (
    SELECT person_id, ts, vendor_day FROM resolved_events()
    WHERE (?::VARCHAR IS NULL OR event = ?::VARCHAR)
      AND (?::VARCHAR IS NULL OR coalesce(tool, '{GENERIC_TOOL}') = ?::VARCHAR)
      AND (?::TIMESTAMP IS NULL OR ts >= ?::TIMESTAMP)
      AND (?::TIMESTAMP IS NULL OR ts < ?::TIMESTAMP)
)"""

PERSON_DAY_SCHEMA = {"person_id": pl.String, "day": pl.Date}
FIRST_DAY_SCHEMA = {"person_id": pl.String, "first_day": pl.Date}


def _resolved_params(
    event: str | None,
    tool: str | None,
    utc_from: dt.datetime | None,
    utc_to: dt.datetime | None,
) -> list[object]:
    """Bound parameters of the resolved CTE, in order."""
    return [event, event, tool, tool, utc_from, utc_from, utc_to, utc_to]


def person_days(
    con: duckdb.DuckDBPyConnection,
    *,
    event: str | None,
    tz: str,
    day_from: dt.date,
    day_to: dt.date,
    tool: str | None = None,
) -> pl.DataFrame:
    """One row per person per local day in [day_from, day_to] with a matching event (of
    `tool` only, when given)."""
    if "events" not in table_names(con):
        return pl.DataFrame(schema=PERSON_DAY_SCHEMA)
    utc_from = dt.datetime.combine(day_from - dt.timedelta(days=1), dt.time())
    utc_to = dt.datetime.combine(day_to + dt.timedelta(days=2), dt.time())
    query = f"""{_RESOLVED_CTE}
        SELECT DISTINCT person_id, day FROM (
            SELECT person_id, event_day(vendor_day, ts, ?) AS day FROM resolved
        ) WHERE day BETWEEN ? AND ?"""
    params = [*_resolved_params(event, tool, utc_from, utc_to), tz, day_from, day_to]
    return con.sql(query, params=params).pl().cast(PERSON_DAY_SCHEMA)


def first_days(
    con: duckdb.DuckDBPyConnection, *, event: str | None, tz: str, tool: str | None = None
) -> pl.DataFrame:
    """One row per person: the local day of their first-ever matching event (all history)."""
    if "events" not in table_names(con):
        return pl.DataFrame(schema=FIRST_DAY_SCHEMA)
    query = f"""{_RESOLVED_CTE}
        SELECT person_id, min(event_day(vendor_day, ts, ?)) AS first_day
        FROM resolved GROUP BY person_id"""
    params = [*_resolved_params(event, tool, None, None), tz]
    return con.sql(query, params=params).pl().cast(FIRST_DAY_SCHEMA)


def latest_day(con: duckdb.DuckDBPyConnection, *, tz: str) -> dt.date | None:
    """The local day of the latest event of any kind (None for no events)."""
    if "events" not in table_names(con):
        return None
    return scalar(con, "SELECT max(event_day(vendor_day, ts, ?)) FROM resolved_events()", [tz])
