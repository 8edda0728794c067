"""The `adoption insight` command: time zones, week starts, roster identities, empty data."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analytics.cli import main
from analytics.db import connection, state_path_for
from analytics.state.store import set_setting

TZ_EVENTS = [
    ("u1", "2024-01-01 23:30", "login"),  # UTC 01-01; Tokyo (+9) 01-02 08:30; New York 01-01 18:30
    ("u2", "2024-01-02 03:00", "login"),  # UTC 01-02; Tokyo 01-02 12:00; New York (-5) 01-01 22:00
]
TZ_RANGE = ["--date-from", "2024-01-01", "--date-to", "2024-01-02"]


def counts(doc: dict[str, Any]) -> list[tuple[str, int]]:
    """The document as (period_start, count) pairs."""
    return [(row["period_start"], row["count"]) for row in doc["rows"]]


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", [("2024-01-01", 1), ("2024-01-02", 1)]),
        ("Asia/Tokyo", [("2024-01-01", 0), ("2024-01-02", 2)]),
        ("America/New_York", [("2024-01-01", 2), ("2024-01-02", 0)]),
    ],
)
def test_time_zone_moves_events_across_midnight(
    events_db: Callable[..., Path],
    insight: Callable[..., Any],
    tz: str,
    expected: list[tuple[str, int]],
) -> None:
    db = events_db(TZ_EVENTS)
    assert counts(insight(db, "active", *TZ_RANGE, "--tz", tz)) == expected


def test_time_zone_defaults_to_the_organisation_setting(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(TZ_EVENTS)
    set_setting(db, name="timezone", value="Asia/Tokyo")
    # Same as --tz Asia/Tokyo: both events on 01-02 local time
    assert counts(insight(db, "active", *TZ_RANGE)) == [("2024-01-01", 0), ("2024-01-02", 2)]


def test_time_zone_moves_an_event_into_the_next_month(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db([("u1", "2024-01-31 23:30", "login")])  # Tokyo: 2024-02-01 08:30
    args = ["active", "--period", "month", "--date-from", "2024-01-01", "--date-to", "2024-02-10"]
    assert counts(insight(db, *args, "--tz", "UTC")) == [("2024-01-01", 1), ("2024-02-01", 0)]
    assert counts(insight(db, *args, "--tz", "Asia/Tokyo")) == [
        ("2024-01-01", 0),
        ("2024-02-01", 1),
    ]


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [
        # Monday weeks: 01-01..01-07 holds both (Wed 01-03 and Sun 01-07); 01-08.. is empty
        ("monday", [("2024-01-01", 2), ("2024-01-08", 0)]),
        # Sunday weeks: 12-31..01-06 holds Wed 01-03; the Sunday 01-07 starts the next week
        ("sunday", [("2023-12-31", 1), ("2024-01-07", 1)]),
    ],
)
def test_week_start_shifts_a_sunday_event(
    events_db: Callable[..., Path],
    insight: Callable[..., Any],
    week_start: str,
    expected: list[tuple[str, int]],
) -> None:
    db = events_db([("q", "2024-01-03 12:00", "login"), ("s", "2024-01-07 12:00", "login")])
    args = ["--period", "week", "--week-start", week_start, "--date-from", "2024-01-01"]
    doc = insight(db, "active", *args, "--date-to", "2024-01-13")
    assert counts(doc) == expected


def test_roster_merges_an_employee_id_and_an_email(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    events = [
        ("ann@x.com", "2023-12-31 09:00", "login"),  # Ann by e-mail, before the range
        ("E1", "2024-01-01 09:00", "login"),  # Ann by employee id
        ("ann@x.com", "2024-01-02 09:00", "login"),  # Ann by e-mail
        ("zed", "2024-01-02 09:00", "login"),  # unmatched: a person of their own
    ]
    db = events_db(events, roster=[("E1", "Ann@X.com ")])
    rng = ["--date-from", "2024-01-01", "--date-to", "2024-01-02"]
    # With the roster Ann is one person active on 2 days; zed on 1 day.
    assert insight(db, "stickiness", *rng)["counts"] == [1, 1]
    # Ann's first-ever day is 12-31 (by e-mail), so on 01-01 she is returning, not new.
    first_row = insight(db, "lifecycle", *rng)["rows"][0]
    assert (first_row["new"], first_row["returning"]) == (0, 1)


def test_without_roster_every_identity_is_a_person(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(
        [("E1", "2024-01-01 09:00", "login"), ("ann@x.com", "2024-01-02 09:00", "login")]
    )
    # E1 and ann@x.com are two people, each active on 1 of the 2 days
    doc = insight(db, "stickiness", "--date-from", "2024-01-01", "--date-to", "2024-01-02")
    assert doc["counts"] == [2, 0]


def test_empty_database_gives_zero_rows(db_path: Path, insight: Callable[..., Any]) -> None:
    with connection(db_path):
        pass  # schema only, no events
    rng = ["--date-from", "2024-01-01", "--date-to", "2024-01-02"]
    weeks = ["--period", "week", "--intervals", "2", "--date-to", "2024-01-10"]
    assert insight(db_path, "retention", *weeks)["rows"] == [
        {"period_start": "2024-01-01", "counts": [0, 0]},
        {"period_start": "2024-01-08", "counts": [0, 0]},
    ]
    assert insight(db_path, "lifecycle", *rng)["rows"][1] == {
        "period_start": "2024-01-02",
        "new": 0,
        "returning": 0,
        "resurrecting": 0,
        "dormant": 0,
    }
    doc = insight(db_path, "stickiness", *rng)
    assert (doc["periods"], doc["counts"]) == (2, [0, 0])
    assert counts(insight(db_path, "active", *rng, "--window", "7")) == [
        ("2024-01-01", 0),
        ("2024-01-02", 0),
    ]


def test_unknown_event_gives_zero_counts(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(TZ_EVENTS)
    assert counts(insight(db, "active", *TZ_RANGE, "--event", "nope")) == [
        ("2024-01-01", 0),
        ("2024-01-02", 0),
    ]


def test_a_missing_database_is_an_error_and_is_not_created(tmp_path: Path, capsys) -> None:
    db = tmp_path / "none.duckdb"
    args = ["insight", "stickiness", "--date-from", "2024-01-01", "--date-to", "2024-01-03"]
    assert main([*args, "--db", str(db)]) == 2  # a mistyped --db: no document of zeros
    assert "no database at" in capsys.readouterr().err
    assert not db.exists() and not state_path_for(db).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["active", "--tz", "Mars/Olympus"], "time zone"),
        (["active", "--window", "0"], "--window"),
        (["lifecycle", "--date-from", "2024-01-05", "--date-to", "2024-01-01"], "after"),
        (["stickiness", "--date-from", "01/02/2024"], "YYYY-MM-DD"),
        (["active", "--date-from", "1990-01-01", "--date-to", "2024-01-01"], "at most"),
    ],
)
def test_bad_options_exit_2_with_a_message(
    events_db: Callable[..., Path],
    insight_error: Callable[..., tuple[int, str, str]],
    args: list[str],
    message: str,
) -> None:
    db = events_db(TZ_EVENTS)
    code, out, err = insight_error(db, *args)
    assert code == 2 and out == "" and message in err


def test_a_file_that_is_not_a_database_exits_2(
    tmp_path: Path, insight_error: Callable[..., tuple[int, str, str]]
) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("user_id,timestamp,event\n")
    code, out, err = insight_error(db, "active")
    assert code == 2 and out == "" and "cannot read" in err


# Range boundaries (PostHog parity). Weeks start Monday: 2024-01-08..01-14 and 01-15..01-21.
# The range is Wednesday 01-10 .. Wednesday 01-17 in Europe/Paris (UTC+1 in January).
BOUNDARY_EVENTS = [
    ("early", "2024-01-08 09:00", "login"),  # Monday before --date-from, in the first week
    ("late", "2024-01-19 09:00", "login"),  # Friday after --date-to, in the last week
    ("edge", "2024-01-17 22:59", "login"),  # 23:59 Paris on --date-to: inside
    ("edge", "2024-01-17 23:01", "login"),  # 00:01 Paris on 01-18: after --date-to
    ("both", "2024-01-11 09:00", "login"),
    ("both", "2024-01-16 09:00", "login"),
]
BOUNDARY = ["--date-from", "2024-01-10", "--date-to", "2024-01-17", "--tz", "Europe/Paris"]


def test_stickiness_reads_the_whole_first_period_and_stops_at_date_to(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(BOUNDARY_EVENTS)
    doc = insight(db, "stickiness", "--period", "week", *BOUNDARY)
    # As PostHog's stickiness (timestamp >= start of date_from's week, <= end of date_to):
    # early (01-08, first week) 1 week; both (weeks 1 and 2) 2 weeks; edge 1 week (its 01-17
    # 23:59 Paris event); late (01-19, after --date-to) not counted -> [early, edge], [both].
    assert doc["counts"] == [2, 1]


def test_active_periods_read_the_whole_first_period_and_stop_at_date_to(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(BOUNDARY_EVENTS)
    doc = insight(db, "active", "--period", "week", *BOUNDARY)
    # week of 01-08: early, both = 2; week of 01-15 up to 01-17 23:59 Paris: both, edge = 2
    # (late on 01-19 is after --date-to, as in PostHog's trends)
    assert counts(doc) == [("2024-01-08", 2), ("2024-01-15", 2)]
    daily = insight(db, "active", *BOUNDARY)
    # --date-to is inclusive up to 23:59:59 Paris time: on 01-17 only edge is active
    assert counts(daily)[-1] == ("2024-01-17", 1)


def test_retention_and_lifecycle_count_the_last_period_whole(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(BOUNDARY_EVENTS)
    # Retention (contract: the date-to period counts whole) over weeks 01-08 and 01-15:
    # week 1 cohort = early, both; week 2 cohort = both, edge, late (01-19 counts); both returns.
    doc = insight(db, "retention", "--period", "week", "--intervals", "2", *BOUNDARY[2:])
    assert [row["counts"] for row in doc["rows"]] == [[2, 1], [3, 0]]
    # Lifecycle (as PostHog's: whole last period): week 2 has late and edge new, both returning;
    # early goes dormant.
    row = insight(db, "lifecycle", "--period", "week", *BOUNDARY)["rows"][-1]
    assert (row["new"], row["returning"], row["resurrecting"], row["dormant"]) == (2, 1, 0, -1)


def test_days_follow_the_local_clock_across_a_dst_change(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # Europe/Berlin moves from UTC+1 to UTC+2 at 2024-03-31 02:00 local time.
    db = events_db(
        [
            ("a", "2024-03-30 23:30", "login"),  # 03-31 00:30 CET (UTC+1)
            ("b", "2024-03-31 21:59", "login"),  # 03-31 23:59 CEST (UTC+2)
            ("c", "2024-03-31 22:00", "login"),  # 04-01 00:00 CEST: the next day and month
        ]
    )
    rng = ["--date-from", "2024-03-30", "--date-to", "2024-04-01"]
    berlin = insight(db, "active", *rng, "--tz", "Europe/Berlin")
    assert counts(berlin) == [("2024-03-30", 0), ("2024-03-31", 2), ("2024-04-01", 1)]
    utc = insight(db, "active", *rng, "--tz", "UTC")
    assert counts(utc) == [("2024-03-30", 1), ("2024-03-31", 2), ("2024-04-01", 0)]
    months = insight(db, "active", "--period", "month", *rng, "--tz", "Europe/Berlin")
    assert counts(months) == [("2024-03-01", 2), ("2024-04-01", 1)]
