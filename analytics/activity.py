"""events -> person_day: one row per person per calendar day in the organisation timezone.

Also tool_day (the same per tool) and licence_holders (licence rows resolved to people).

person_day is the grain every metric starts from (ARCHITECTURE). It is rebuilt with one SQL
statement that scans the events once, after every ingest, roster change, erasure and change of
the timezone or passive-events settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from analytics.db import bump_ingest_version, connection, execute, scalar, transaction
from analytics.metrics.tool_split import GENERIC_TOOL  # the tool of ordinary event files
from analytics.rollup.days import merge_rollup_days
from analytics.settings import Settings
from analytics.state.settings_file import read_settings

# Persons and local days come from the shared macros of analytics/db.py (resolved_events,
# local_day). A vendor row's day without a time (`vendor_day`, SPEC 10) is a UTC calendar day
# kept as it is, never shifted by the organisation timezone; a row marked `passive` by its
# vendor preset is not active, like a passive event name.
# trailing_rejections: rejections strictly after the day's last acceptance (all of
# the day's rejections when nothing was accepted), so "the last 3 feedback events were
# rejections" can be read by walking back over a person's days.
EVENT_DAY_SQL = "event_day(vendor_day, ts, $tz)"
IS_ACTIVE_SQL = "NOT list_contains($passive, event) AND NOT coalesce(passive, false)"
PERSON_DAY_SQL = f"""
INSERT INTO person_day
WITH located AS (
    SELECT person_id, matched, {EVENT_DAY_SQL} AS day, ts, accepted, {IS_ACTIVE_SQL} AS is_active
    FROM resolved_events()
),
daily AS (
    SELECT person_id, day,
           count(*) AS events,
           count(*) FILTER (WHERE is_active) AS active_events,
           count(*) FILTER (WHERE accepted) AS accepted,
           count(*) FILTER (WHERE NOT accepted) AS rejected,
           max(ts) FILTER (WHERE accepted) AS last_acceptance,
           list(ts) FILTER (WHERE NOT accepted) AS rejection_times,
           bool_or(matched) AS matched
    FROM located
    GROUP BY person_id, day
)
SELECT person_id, day, events, active_events, accepted, rejected,
       CASE WHEN last_acceptance IS NULL THEN rejected
            ELSE len(list_filter(coalesce(rejection_times, []),
                                 lambda t: t > last_acceptance)) END AS trailing_rejections,
       matched
FROM daily
"""

# One row per person per day per tool: the split by tool (SPEC 10); the grain is the source's.
TOOL_DAY_SQL = f"""
INSERT INTO tool_day
SELECT person_id, {EVENT_DAY_SQL} AS day, coalesce(tool, '{GENERIC_TOOL}') AS tool,
       coalesce(any_value(grain), 'event') AS grain, count(*) AS events,
       count(*) FILTER (WHERE {IS_ACTIVE_SQL}) AS active_events
FROM resolved_events()
GROUP BY ALL
"""
# One row per person per tool holding a licence (seats, listed-but-inactive, is_active = 0).
LICENCE_HOLDERS_SQL = """
INSERT INTO licence_holders
SELECT coalesce(i.person_id, l.user_id) AS person_id, l.tool, min(l.since) AS since,
       bool_or(i.person_id IS NOT NULL) AS matched
FROM licences AS l LEFT JOIN identities() AS i ON i.key = l.user_id
GROUP BY ALL
"""


def rebuild_person_day(
    con: duckdb.DuckDBPyConnection, *, timezone: str, passive_events: Sequence[str]
) -> int:
    """Replace person_day from events and roster, inside the caller's transaction; returns rows."""
    params: dict[str, object] = {"passive": list(passive_events), "tz": timezone}
    execute(con, "DELETE FROM person_day")
    execute(con, PERSON_DAY_SQL, params)
    merge_rollup_days(con)  # days loaded from a rollup (ingest --person-day), if any
    execute(con, "DELETE FROM tool_day")
    execute(con, TOOL_DAY_SQL, params)
    execute(con, "DELETE FROM licence_holders")
    execute(con, LICENCE_HOLDERS_SQL)
    return scalar(con, "SELECT count(*) FROM person_day")


def rebuild_with(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """rebuild_person_day with the timezone and passive events of these settings."""
    return rebuild_person_day(
        con, timezone=settings.timezone, passive_events=settings.passive_events
    )


def rebuild_for_settings(db: Path | str) -> int:
    """Rebuild person_day after the timezone or passive events changed (Settings page)."""
    settings = read_settings(db)
    with connection(db) as con, transaction(con):
        rows = rebuild_with(con, settings)
        bump_ingest_version(con)
    return rows
