"""A tiny hand-built database for page tests: 12 people, 2 teams, 2 waves, 6 weeks of activity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics.db import bump_ingest_version, connection
from analytics.state import store
from analytics.state.models import Wave

WAVE_1 = dt.date(2026, 1, 5)  # a Monday
WAVE_2 = dt.date(2026, 1, 19)
LAST_DAY = dt.date(2026, 2, 15)  # a Sunday: six full weeks


def build_tiny_db(path: Path) -> Path:
    """Write roster, person_day, a few events, an ingest-log row, quarantine and the plan."""
    with connection(path) as con:
        con.execute(
            """INSERT INTO roster
               SELECT printf('p%02d', i), printf('Person %02d', i), printf('p%02d@example.com', i),
                      CASE WHEN i <= 6 THEN 'Team A' ELSE 'Team B' END, 'EU',
                      NULL,
                      CASE i WHEN 6 THEN 'manager' WHEN 12 THEN 'executive' ELSE 'rep' END,
                      i IN (1, 7), CASE WHEN i <= 6 THEN 'p01' ELSE 'p07' END,
                      CASE WHEN i IN (1, 7) THEN 1 ELSE 2 END, NULL, true, NULL, NULL
               FROM range(1, 13) t(i)"""
        )
        # Person i (except 5 and 11, who never start) is active every (i % 4 + 1)-th day
        # from their wave's start.
        con.execute(
            """INSERT INTO person_day
               SELECT printf('p%02d', i), d::DATE, 2, 2, 1, 0, 0, true
               FROM range(1, 13) t(i),
                    range(?::DATE, ?::DATE + 1, INTERVAL 1 DAY) s(d)
               WHERE i NOT IN (5, 11)
                 AND d >= CASE WHEN i IN (1, 7) THEN ?::DATE ELSE ?::DATE END
                 AND (datediff('day', ?::DATE, d::DATE) % (i % 4 + 1)) = 0""",
            [WAVE_1, LAST_DAY, WAVE_1, WAVE_2, WAVE_1],
        )
        con.execute(
            """INSERT INTO events (dedupe_key, source, user_id, ts, event, file_name, line_no)
               SELECT 'k' || person_id || day, 'crm', person_id, day::TIMESTAMP, 'login',
                      'tiny.csv', row_number() OVER ()
               FROM person_day"""
        )
        con.execute(
            """INSERT INTO ingest_log VALUES (1, 'tiny.csv', 'abc', 'loaded', NULL, 3, 1, 1, 1, 0,
               0, '{"unparseable timestamp": 1}', 'month-first', '[]', now())"""
        )
        con.execute(
            """INSERT INTO quarantine (ingest_id, file_name, line_no, reason, raw, source, user_key)
               VALUES (1, 'tiny.csv', 3, 'unparseable timestamp', 'p01,yesterday,login', 'crm',
                       'p01')"""
        )
        bump_ingest_version(con)
    store.save_plan(
        path,
        waves=[
            Wave(number=1, name="Champions", start=WAVE_1, planned_size=2),
            Wave(number=2, name="Everyone", start=WAVE_2, planned_size=None),
        ],
    )
    return path
