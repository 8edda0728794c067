"""events -> person_day: one row per person per calendar day in the organisation timezone.

person_day is the grain every metric starts from (ARCHITECTURE). It is rebuilt with one SQL
statement that scans the events once, after every ingest, roster change, erasure and change of
the timezone or passive-events settings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from analytics.db import bump_ingest_version, connection, execute, scalar, transaction
from analytics.settings import Settings
from analytics.state.store import get_settings

# Persons and local days come from the shared macros of analytics/db.py (resolved_events,
# local_day). trailing_rejections: rejections strictly after the day's last acceptance (all of
# the day's rejections when nothing was accepted), so "the last 3 feedback events were
# rejections" can be read by walking back over a person's days.
PERSON_DAY_SQL = """
INSERT INTO person_day
WITH located AS (
    SELECT person_id, matched, local_day(ts, $tz) AS day, ts, accepted,
           NOT list_contains($passive, event) AS is_active
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


def rebuild_person_day(
    con: duckdb.DuckDBPyConnection, *, timezone: str, passive_events: Sequence[str]
) -> int:
    """Replace person_day from events and roster, inside the caller's transaction; returns rows."""
    execute(con, "DELETE FROM person_day")
    execute(con, PERSON_DAY_SQL, {"passive": list(passive_events), "tz": timezone})
    return scalar(con, "SELECT count(*) FROM person_day")


def rebuild_with(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """rebuild_person_day with the timezone and passive events of these settings."""
    return rebuild_person_day(
        con, timezone=settings.timezone, passive_events=settings.passive_events
    )


def rebuild_for_settings(db: Path | str) -> int:
    """Rebuild person_day after the timezone or passive events changed (Settings page)."""
    settings = get_settings(db)
    with connection(db) as con, transaction(con):
        rows = rebuild_with(con, settings)
        bump_ingest_version(con)
    return rows
