"""person_day: days in the organisation timezone, roster matching, passive events, trust counts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics.activity import rebuild_for_settings, rebuild_person_day
from analytics.db import connection, ingest_version
from analytics.state.store import set_setting

D1, D2 = dt.date(2026, 10, 1), dt.date(2026, 10, 2)

# (user as stored, UTC instant, event, accepted)
EVENTS = [
    ("E1", "2026-10-01 13:00", "suggestion_feedback", False),
    ("ann@x.com", "2026-10-01 14:00", "suggestion_feedback", True),  # same person by e-mail
    ("E1", "2026-10-01 15:00", "suggestion_feedback", False),
    ("E1", "2026-10-01 16:00", "suggestion_feedback", False),
    ("E1", "2026-10-01 17:00", "email_opened", None),  # passive when configured
    ("E1", "2026-10-02 03:00", "login", None),  # 23:00 on Oct 1 in New York, Oct 2 in UTC
    ("E2", "2026-10-02 12:00", "suggestion_feedback", False),
    ("E2", "2026-10-02 12:30", "suggestion_feedback", False),
    ("zed", "2026-10-02 12:00", "login", None),  # on no roster
]


def _setup(db_path: Path) -> None:
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO roster (user_id, email, active) VALUES "
            "('E1', 'ann@x.com', true), ('E2', 'bo@x.com', true)"
        )
        for i, (user, ts, event, accepted) in enumerate(EVENTS):
            con.execute(
                "INSERT INTO events (dedupe_key, source, user_id, ts, event, accepted) "
                "VALUES (?, 'crm', ?, ?, ?, ?)",
                [str(i), user, ts, event, accepted],
            )


def _person_day(db_path: Path, *, timezone: str, passive: list[str]) -> dict:
    with connection(db_path) as con:
        rebuild_person_day(con, timezone=timezone, passive_events=passive)
        rows = con.execute(
            "SELECT person_id, day, events, active_events, accepted, rejected, "
            "trailing_rejections, matched FROM person_day"
        ).fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_person_day_in_new_york_with_passive_events(db_path: Path) -> None:
    _setup(db_path)
    got = _person_day(db_path, timezone="America/New_York", passive=["email_opened"])
    # E1 on Oct 1 (local): the 4 feedback events, email_opened, and the 03:00 UTC login (23:00
    # local) = 6 events, 5 active (email_opened is passive); accepted 1, rejected 3; after the
    # 14:00 acceptance come the 15:00 and 16:00 rejections: trailing 2.
    # E2 on Oct 2: 2 rejections, no acceptance -> trailing 2. zed: unmatched, kept as written.
    assert got == {
        ("E1", D1): (6, 5, 1, 3, 2, True),
        ("E2", D2): (2, 2, 0, 2, 2, True),
        ("zed", D2): (1, 1, 0, 0, 0, False),
    }


def test_person_day_in_utc_without_passive_events(db_path: Path) -> None:
    _setup(db_path)
    got = _person_day(db_path, timezone="UTC", passive=[])
    # in UTC the 03:00 login falls on Oct 2: E1 has 5 events on Oct 1 (all active) and 1 on Oct 2
    assert got[("E1", D1)] == (5, 5, 1, 3, 2, True)
    assert got[("E1", D2)] == (1, 1, 0, 0, 0, True)
    assert len(got) == 4


def test_acceptance_after_the_rejections_clears_the_trailing_count(db_path: Path) -> None:
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event, accepted) VALUES "
            "('a', 's', 'u', '2026-10-01 09:00', 'f', false),"
            "('b', 's', 'u', '2026-10-01 10:00', 'f', true),"
            "('c', 's', 'u', '2026-10-01 11:00', 'f', null)"
        )
    got = _person_day(db_path, timezone="UTC", passive=[])
    # 3 events; accepted 1, rejected 1 (null is no feedback); nothing rejected after 10:00 -> 0
    assert got == {("u", D1): (3, 3, 1, 1, 0, False)}


def test_rebuild_for_settings_uses_the_stored_timezone(db_path: Path) -> None:
    _setup(db_path)
    set_setting(db_path, name="timezone", value="America/New_York")
    set_setting(db_path, name="passive_events", value=["email_opened"])
    assert rebuild_for_settings(db_path) == 3  # the three person-days of the New York test
    with connection(db_path) as con:
        assert ingest_version(con) == 1


def test_the_utc_shortcut_gives_the_zone_conversion_days(db_path: Path) -> None:
    # In UTC the day is the instant's own date (no zone conversion); the general statement with
    # tz = 'UTC' must build the same table, including the 03:00 login on Oct 2 and 23:59:59.
    from analytics.activity import PERSON_DAY_SQL

    _setup(db_path)
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event) VALUES "
            "('late', 'crm', 'E2', '2026-10-01 23:59:59.999999', 'login')"
        )
    shortcut = _person_day(db_path, timezone="UTC", passive=["email_opened"])
    with connection(db_path) as con:
        con.execute("DELETE FROM person_day")
        con.execute(PERSON_DAY_SQL, {"tz": "UTC", "passive": ["email_opened"]})
        rows = con.execute("SELECT * FROM person_day").fetchall()
    assert shortcut == {(r[0], r[1]): r[2:] for r in rows}
    assert shortcut[("E2", D1)] == (1, 1, 0, 0, 0, True)  # 23:59:59.999999 is still Oct 1
