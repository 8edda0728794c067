"""Parity with PostHog: cases ported from PostHog's own insight test suites.

Each test rebuilds the events of one PostHog test (same distinct ids, UTC timestamps and event
names), loads them through the real `adoption ingest` command, runs `adoption insight` and
asserts the numbers PostHog's test asserts. The expected values are PostHog's, not ours: that is
the point of these tests. Each test names the PostHog file and test it comes from.

Translating PostHog's fixtures to our inputs:
- A PostHog person with two distinct ids ("person1", "alias1") becomes a roster row whose
  user_id is the first id and whose e-mail is the second (written as an e-mail, since a roster
  merges an id and an e-mail); events of the alias use that e-mail.
- PostHog's default week starts on Sunday, ours on Monday: week cases pass --week-start.
- PostHog's project timezone is our organisation timezone (`ingest --tz`) or `--tz`.
- PostHog dates with a time of day ("2020-06-20T06:00") become the local day: every period
  counts whole (PostHog: "even if set to hour 6 it should default to beginning of day").
Where the contract of our CLI differs from PostHog, the test says so and follows the contract.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from analytics.cli import main

Event = tuple[str, str, str]  # (distinct_id, UTC timestamp ISO, event name)
PV = "$pageview"
ALIAS1 = "alias1@posthog.test"  # PostHog's second distinct id "alias1" of person1
ALIAS_ROSTER = [("person1", ALIAS1)]

RETENTION = "posthog/hogql_queries/insights/test/test_retention_query_runner.py"
LIFECYCLE = "posthog/hogql_queries/insights/test/test_lifecycle_query_runner.py"
STICKINESS = "posthog/hogql_queries/insights/test/test_stickiness_query_runner.py"
TRENDS = "posthog/hogql_queries/insights/trends/test/test_trends.py"
TRENDS_RUNNER = "posthog/hogql_queries/insights/trends/test/test_trends_query_runner.py"
PERSON = "posthog/queries/trends/test/test_person.py"


@pytest.fixture
def posthog_db(
    tmp_path: Path, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Path]:
    """Load events (and roster aliases, and an organisation timezone) with `adoption ingest`."""

    def load(
        events: Sequence[Event],
        *,
        roster: Sequence[tuple[str, str]] = (),
        tz: str | None = None,
    ) -> Path:
        events_csv = tmp_path / "posthog_events.csv"
        with events_csv.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["user", "timestamp", "event"])
            writer.writerows(events)
        args = ["ingest", str(events_csv), "--db", str(db_path), "--format", "json"]
        if roster:
            roster_csv = tmp_path / "posthog_roster.csv"
            with roster_csv.open("w", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["user_id", "email"])
                writer.writerows(roster)
            args += ["--roster", str(roster_csv)]
        if tz is not None:
            args += ["--tz", tz]
        code = main(args)
        captured = capsys.readouterr()
        assert code == 0, captured.err
        (report,) = json.loads(captured.out)
        assert report["quarantined"] == 0, report
        assert report["loaded"] + report["duplicates"] == len(events), report
        return db_path

    return load


def _date(day: int, hour: int = 5, month: int = 0) -> str:
    """PostHog's retention-test `_date`: 2020-(6+month)-(10+day) at `hour`:00 UTC."""
    return f"{dt.datetime(2020, 6 + month, 10 + day, hour):%Y-%m-%dT%H:%M:%S}Z"


def _events(pairs: Sequence[tuple[str, str]], event: str = PV) -> list[Event]:
    """PostHog's `_create_events(team, [(distinct_id, timestamp)], event)`."""
    return [(user, ts, event) for user, ts in pairs]


def matrix(doc: dict[str, Any]) -> list[list[int]]:
    """Retention counts, one list per cohort row, oldest first."""
    return [row["counts"] for row in doc["rows"]]


def starts(doc: dict[str, Any]) -> list[str]:
    """The period_start of every row."""
    return [row["period_start"] for row in doc["rows"]]


def series(doc: dict[str, Any], key: str) -> list[int]:
    """One column of a rows document (lifecycle status or active count)."""
    return [row[key] for row in doc["rows"]]


def pad(triangle: list[list[int]]) -> list[list[int]]:
    """PostHog's `pad`: the retention triangle as a matrix, short rows filled with zeros."""
    width = max(len(row) for row in triangle)
    return [row + [0] * (width - len(row)) for row in triangle]


# ---------------------------------------------------------------------------------------------
# Retention
# ---------------------------------------------------------------------------------------------

# PostHog: the fixture shared by test_day_interval, test_all_events, test_filter_test_accounts...
DEFAULT_RETENTION_PAIRS = [
    ("person1", _date(0)),
    ("person1", _date(1)),
    ("person1", _date(2)),
    ("person1", _date(5)),
    (ALIAS1, _date(5, 9)),
    ("person1", _date(6)),
    ("person2", _date(1)),
    ("person2", _date(2)),
    ("person2", _date(3)),
    ("person2", _date(6)),
]

DAY_INTERVAL_MATRIX = pad(
    [
        [1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0],
        [2, 2, 1, 0, 1, 2, 0, 0, 0, 0],
        [2, 1, 0, 1, 2, 0, 0, 0, 0],
        [1, 0, 0, 1, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0, 0],
        [1, 1, 0, 0, 0, 0],
        [2, 0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0],
        [0, 0],
        [0],
    ]
)


def test_retention_day_interval(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_day_interval (date_to _date(10, hour=6), 11 intervals, day period).
    # The alias's event on day 5 merges into person1: row 5 is 1 person, not 2.
    db = posthog_db(_events(DEFAULT_RETENTION_PAIRS), roster=ALIAS_ROSTER)
    doc = insight(
        db, "retention", "--period", "day", "--intervals", "11", "--date-to", "2020-06-20"
    )
    assert starts(doc)[0] == "2020-06-10" and len(doc["rows"]) == 11
    assert matrix(doc) == DAY_INTERVAL_MATRIX


def test_retention_default_period_and_intervals_are_posthogs(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_day_interval gives no period: PostHog's default is Day. Without
    # --intervals, PostHog's RetentionQueryRunner uses DEFAULT_TOTAL_INTERVALS = 7: the window
    # is 06-14..06-20, rows 06-14 (day 4) .. 06-20 (day 10) of the 11-day matrix above.
    db = posthog_db(_events(DEFAULT_RETENTION_PAIRS), roster=ALIAS_ROSTER)
    doc = insight(db, "retention", "--intervals", "11", "--date-to", "2020-06-20")
    assert matrix(doc) == DAY_INTERVAL_MATRIX
    doc = insight(db, "retention", "--date-to", "2020-06-20")
    assert starts(doc) == [f"2020-06-{d}" for d in range(14, 21)]
    # rows of days 4..10 cut to 7 columns: day 5 = person1 back on day 6; day 6 = 2 people
    assert matrix(doc) == [[0] * 7, [1, 1] + [0] * 5, [2] + [0] * 6] + [[0] * 7] * 4


def test_retention_day_interval_same_without_a_return_filter(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_all_events: start "All events", return $pageview -> same matrix.
    db = posthog_db(_events(DEFAULT_RETENTION_PAIRS), roster=ALIAS_ROSTER)
    args = ["--period", "day", "--intervals", "11", "--date-to", "2020-06-20"]
    doc = insight(db, "retention", *args, "--return-event", PV)
    assert matrix(doc) == DAY_INTERVAL_MATRIX


def test_retention_month_interval(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_month_interval (date_to _date(15, month=5, hour=0) = 2020-11-25).
    pairs = [
        ("person1", _date(day=0, month=-5)),
        ("person2", _date(day=0, month=-5)),
        ("person1", _date(day=0, month=-4)),
        ("person2", _date(day=0, month=-4)),
        ("person1", _date(day=0, month=-3)),
        ("person2", _date(day=0, month=-3)),
        ("person1", _date(day=0, month=-1)),
        ("person1", _date(day=0, month=0)),
        ("person2", _date(day=0, month=0)),
        ("person2", _date(day=0, month=1)),
        ("person1", _date(day=0, month=3)),
        ("person2", _date(day=0, month=5)),
    ]
    db = posthog_db(_events(pairs), roster=ALIAS_ROSTER)
    doc = insight(
        db, "retention", "--period", "month", "--intervals", "11", "--date-to", "2020-11-25"
    )
    assert starts(doc) == [f"2020-{month:02d}-01" for month in range(1, 12)]
    assert matrix(doc) == pad(
        [
            [2, 2, 2, 0, 1, 2, 1, 0, 1, 0, 1],
            [2, 2, 0, 1, 2, 1, 0, 1, 0, 1],
            [2, 0, 1, 2, 1, 0, 1, 0, 1],
            [0, 0, 0, 0, 0, 0, 0, 0],
            [1, 1, 0, 0, 1, 0, 0],
            [2, 1, 0, 1, 0, 1],
            [1, 0, 0, 0, 1],
            [0, 0, 0, 0],
            [1, 0, 0],
            [0, 0],
            [1],
        ]
    )


WEEK_PAIRS = [
    ("person1", _date(0)),
    ("person2", _date(0)),
    ("person1", _date(1)),
    ("person2", _date(1)),
    ("person1", _date(7)),
    ("person2", _date(7)),
    ("person1", _date(14)),
    ("person1", _date(month=1, day=-6)),
    ("person2", _date(month=1, day=-6)),
    ("person2", _date(month=1, day=1)),
    ("person1", _date(month=1, day=1)),
    ("person2", _date(month=1, day=15)),
]


@pytest.mark.parametrize(
    ("case", "date_to", "week_start", "first_start"),
    [
        # test_week_interval, team week start Sunday: 07-20 (a Monday) is in the week of 07-19
        ("test_week_interval (Sunday)", "2020-07-20", "sunday", "2020-06-07"),
        # test_week_interval, team.week_start_day = MONDAY: 07-20 starts its own week
        ("test_week_interval (Monday)", "2020-07-20", "monday", "2020-06-08"),
        # test_interval_rounding: date_to 07-24 (a Friday) rounds to the week of 07-19
        ("test_interval_rounding", "2020-07-24", "sunday", "2020-06-07"),
    ],
)
def test_retention_week_interval(
    posthog_db: Callable[..., Path],
    insight: Callable[..., Any],
    case: str,
    date_to: str,
    week_start: str,
    first_start: str,
) -> None:
    # PostHog RETENTION::test_week_interval and ::test_interval_rounding (7 weekly intervals).
    db = posthog_db(_events(WEEK_PAIRS), roster=ALIAS_ROSTER)
    args = ["--period", "week", "--week-start", week_start, "--intervals", "7"]
    doc = insight(db, "retention", *args, "--date-to", date_to)
    first = dt.date.fromisoformat(first_start)
    assert starts(doc) == [str(first + dt.timedelta(weeks=k)) for k in range(7)], case
    assert matrix(doc) == pad(
        [
            [2, 2, 1, 2, 2, 0, 1],
            [2, 1, 2, 2, 0, 1],
            [1, 1, 1, 0, 0],
            [2, 2, 0, 1],
            [2, 0, 1],
            [0, 0],
            [1],
        ]
    ), case


ROLLING_PAIRS = [
    ("person1", _date(0)),
    ("person1", _date(3)),
    ("person1", _date(4)),
    ("person2", _date(0)),
    ("person2", _date(1)),
    ("person3", _date(1)),
    ("person3", _date(2)),
    ("person3", _date(3)),
    ("person4", _date(3)),
    ("person4", _date(4)),
    ("person5", _date(4)),
]


def test_retention_on_or_after(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_rolling_retention ("cumulative": True = on_or_after): 5 day
    # intervals ending 06-15, so day 0 (06-10) is outside the window ("_date(0) is ignored").
    db = posthog_db(_events(ROLLING_PAIRS))
    args = ["--period", "day", "--intervals", "5", "--date-to", "2020-06-15"]
    doc = insight(db, "retention", *args, "--criterion", "on_or_after")
    assert starts(doc)[0] == "2020-06-11"
    assert matrix(doc) == pad([[2, 1, 1, 0, 0], [1, 1, 0, 0], [3, 2, 0], [3, 0], [0]])


def test_retention_on_or_after_counts_a_person_once(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_rolling_retention_doesnt_double_count_same_user (6 intervals):
    # row 0 = {person1, person2}; person1 returns on days 3 and 4, counted once per cell.
    db = posthog_db(_events(ROLLING_PAIRS))
    args = ["--period", "day", "--intervals", "6", "--date-to", "2020-06-15"]
    doc = insight(db, "retention", *args, "--criterion", "on_or_after")
    assert matrix(doc) == pad(
        [[2, 2, 1, 1, 1, 0], [2, 1, 1, 0, 0], [1, 1, 0, 0], [3, 2, 0], [3, 0], [0]]
    )


SOME_EVENT_PAIRS = [
    ("person1", _date(0)),
    ("person1", _date(1)),
    ("person1", _date(2)),
    ("person1", _date(3)),
    ("person2", _date(0)),
    ("person2", _date(1)),
    ("person2", _date(2)),
    ("person2", _date(3)),
    ("person3", _date(5)),
]
PAGEVIEW_PAIRS = [("person1", _date(5)), ("person1", _date(6)), ("person2", _date(5))]


def test_retention_start_and_return_events(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_retention_multiple_events: start $some_event, return $pageview.
    db = posthog_db(_events(SOME_EVENT_PAIRS, "$some_event") + _events(PAGEVIEW_PAIRS))
    args = ["--period", "day", "--intervals", "7", "--date-to", "2020-06-16"]
    doc = insight(db, "retention", *args, "--start-event", "$some_event", "--return-event", PV)
    assert matrix(doc) == pad(
        [
            [2, 0, 0, 0, 0, 2, 1],
            [2, 0, 0, 0, 2, 1],
            [2, 0, 0, 2, 1],
            [2, 0, 2, 1],
            [0, 0, 0],
            [1, 0],
            [0],
        ]
    )


def test_retention_any_event(posthog_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    # PostHog RETENTION::test_retention_any_event: start and return "any event" (id None).
    db = posthog_db(_events(SOME_EVENT_PAIRS, "$some_event") + _events(PAGEVIEW_PAIRS))
    args = ["--period", "day", "--intervals", "7", "--date-to", "2020-06-16"]
    doc = insight(db, "retention", *args)
    assert matrix(doc) == pad(
        [
            [2, 2, 2, 2, 0, 2, 1],
            [2, 2, 2, 0, 2, 1],
            [2, 2, 0, 2, 1],
            [2, 0, 2, 1],
            [0, 0, 0],
            [3, 1],
            [1],
        ]
    )


SIGN_UP_PAIRS = [
    ("person1", _date(0)),
    ("person1", _date(1)),
    ("person1", _date(2)),
    ("person1", _date(3)),
    ("person2", _date(0)),
    ("person2", _date(1)),
    ("person2", _date(2)),
    ("person2", _date(3)),
]


def test_retention_event_action(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_retention_event_action: start "sign up", return $some_event;
    # date_to _date(6, hour=0) = 2020-06-16 00:00, yet day 6 (06-16) counts whole.
    events = _events(SIGN_UP_PAIRS, "sign up")
    events += _events([("person1", _date(3)), ("person2", _date(5))], "$some_event")
    db = posthog_db(events, roster=ALIAS_ROSTER)
    args = ["--period", "day", "--intervals", "7", "--date-to", "2020-06-16"]
    doc = insight(
        db, "retention", *args, "--start-event", "sign up", "--return-event", "$some_event"
    )
    assert starts(doc)[0] == "2020-06-10"
    assert matrix(doc) == pad(
        [
            [2, 0, 0, 1, 0, 1, 0],
            [2, 0, 1, 0, 1, 0],
            [2, 1, 0, 1, 0],
            [2, 0, 1, 0],
            [0, 0, 0],
            [0, 0],
            [0],
        ]
    )


def test_retention_event_option_sets_start_and_return(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_retention_action_start_point: start = return = the "sign up"
    # action; here --event "sign up" (start and return default to it). Other events ignored.
    events = _events(DEFAULT_RETENTION_PAIRS, "sign up") + [("person9", _date(0), PV)]
    db = posthog_db(events, roster=ALIAS_ROSTER)
    args = ["--period", "day", "--intervals", "7", "--date-to", "2020-06-16"]
    doc = insight(db, "retention", *args, "--event", "sign up")
    assert matrix(doc) == pad(
        [
            [1, 1, 1, 0, 0, 1, 1],
            [2, 2, 1, 0, 1, 2],
            [2, 1, 0, 1, 2],
            [1, 0, 0, 1],
            [0, 0, 0],
            [1, 1],
            [2],
        ]
    )


def first_time_events() -> list[Event]:
    """PostHog RETENTION::_create_first_time_retention_events."""
    signed_up = "$user_signed_up"
    events = _events(
        [
            ("shouldnt_include", _date(-5)),
            ("shouldnt_include", _date(-1)),
            ("person1", _date(-1)),
            ("person1", _date(1)),
            ("person1", _date(2)),
            ("person1", _date(3)),
            ("person1", _date(4)),
            ("person2", _date(-1)),
        ],
        signed_up,
    )
    events += _events(DEFAULT_RETENTION_PAIRS)
    events += _events([("person3", _date(0))], signed_up)
    events += _events([("person3", _date(d)) for d in (1, 3, 4, 5)])
    events += _events([("person4", _date(2))], signed_up)
    events += _events([("person4", _date(3)), ("person4", _date(5))])
    return events


FIRST_TIME = ["--type", "first_time", "--start-event", "$user_signed_up", "--return-event", PV]


def test_first_time_retention_day(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_first_time_retention: 7 day intervals ending 06-15 (06-09..06-15).
    # shouldnt_include signed up first on 06-05, before the window: in no row.
    db = posthog_db(first_time_events(), roster=ALIAS_ROSTER)
    args = ["--period", "day", "--intervals", "7", "--date-to", "2020-06-15"]
    doc = insight(db, "retention", *args, *FIRST_TIME)
    assert starts(doc)[0] == "2020-06-09"
    assert matrix(doc) == pad(
        [
            [2, 1, 2, 2, 1, 0, 1],
            [1, 1, 0, 1, 1, 1],
            [0, 0, 0, 0, 0],
            [1, 1, 0, 1],
            [0, 0, 0],
            [0, 0],
            [0],
        ]
    )


def test_first_time_retention_weeks(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog RETENTION::test_first_time_retention_weeks (Sunday weeks, 7 intervals ending with
    # the week of 06-15, i.e. 05-03..06-14): shouldnt_include's first sign-up (06-05) is in the
    # week of 05-31; the four others first signed up in the week of 06-07.
    db = posthog_db(first_time_events(), roster=ALIAS_ROSTER)
    args = ["--period", "week", "--week-start", "sunday", "--intervals", "7"]
    doc = insight(db, "retention", *args, "--date-to", "2020-06-15", *FIRST_TIME)
    assert starts(doc)[4:] == ["2020-05-31", "2020-06-07", "2020-06-14"]
    assert matrix(doc) == pad(
        [
            [0, 0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0],
            [1, 0, 0],
            [4, 4],
            [0],
        ]
    )


@pytest.mark.parametrize("return_event", [None, "event2"])
def test_first_time_retention_of_one_event(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], return_event: str | None
) -> None:
    # PostHog RETENTION::test_all_events_target_first_time: start event2 (first on day 2),
    # return "All events" or event2 give the same result.
    events = _events([("person1", _date(d)) for d in (0, 1, 2)], "event1")
    events += _events([("person1", _date(d)) for d in (2, 3)], "event2")
    db = posthog_db(events)
    args = ["--period", "day", "--intervals", "4", "--date-to", "2020-06-12"]
    returns = ["--return-event", return_event] if return_event else []
    doc = insight(
        db, "retention", *args, "--type", "first_time", "--start-event", "event2", *returns
    )
    assert matrix(doc) == pad([[0, 0, 0, 0], [0, 0, 0], [0, 0], [1]])


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        (
            "UTC",
            [[1, 1], [1, 0], [0], [0], [0], [0], [1, 0], [0], [0], [0], [0]],
        ),
        (
            # person2's 01:00 and 09:00 UTC events fall on two Pacific days (06-15, 06-16)
            "US/Pacific",
            [[1, 0], [0], [0], [0], [0], [1, 1], [1, 0], [0], [0], [0], [0]],
        ),
    ],
)
def test_retention_timezones(
    posthog_db: Callable[..., Path],
    insight: Callable[..., Any],
    tz: str,
    expected: list[list[int]],
) -> None:
    # PostHog RETENTION::test_timezones: the team timezone is our organisation timezone, set
    # at ingest; insight then reads it as its default --tz.
    pairs = [
        ("person1", _date(-1, 1)),
        ("person1", _date(0, 1)),
        ("person1", _date(1, 1)),  # the only event of Pacific day 06-10
        ("person2", _date(6, 1)),
        ("person2", _date(6, 9)),
    ]
    db = posthog_db(_events(pairs), roster=ALIAS_ROSTER, tz=tz)
    doc = insight(
        db, "retention", "--period", "day", "--intervals", "11", "--date-to", "2020-06-20"
    )
    assert starts(doc)[0] == "2020-06-10"
    width = 11
    assert matrix(doc) == [row + [0] * (width - len(row)) for row in expected]


# ---------------------------------------------------------------------------------------------
# Lifecycle
# ---------------------------------------------------------------------------------------------

STATUSES = ("new", "returning", "resurrecting", "dormant")


def lifecycle(doc: dict[str, Any]) -> dict[str, list[int]]:
    """The lifecycle document as PostHog's four series."""
    return {status: series(doc, status) for status in STATUSES}


def person_events(data: Sequence[tuple[str, Sequence[str]]], event: str = PV) -> list[Event]:
    """PostHog's lifecycle/stickiness `_create_events(data=[(id, [timestamps])])`."""
    return [(person, ts, event) for person, stamps in data for ts in stamps]


LIFECYCLE_DATA = [
    (
        "p1",
        [
            "2020-01-11T12:00:00Z",
            "2020-01-12T12:00:00Z",
            "2020-01-13T12:00:00Z",
            "2020-01-15T12:00:00Z",
            "2020-01-17T12:00:00Z",
            "2020-01-19T12:00:00Z",
        ],
    ),
    ("p2", ["2020-01-09T12:00:00Z", "2020-01-12T12:00:00Z"]),
    ("p3", ["2020-01-12T12:00:00Z"]),
    ("p4", ["2020-01-15T12:00:00Z"]),
]
LIFECYCLE_EXPECTED = {
    "new": [1, 0, 0, 1, 0, 0, 0, 0],
    "returning": [1, 1, 0, 0, 0, 0, 0, 0],
    "resurrecting": [1, 0, 0, 1, 0, 1, 0, 1],
    "dormant": [0, -2, -1, 0, -2, 0, -1, 0],
}
LIFECYCLE_RANGE = ["--date-from", "2020-01-12", "--date-to", "2020-01-19"]


@pytest.mark.parametrize("event", [None, PV])
def test_lifecycle_day(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], event: str | None
) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trend (series $pageview) and ::test_lifecycle_trend_action
    # (an action on $pageview). PostHog's "new" is the period of the person's creation, which its
    # fixture freezes at the first event, so it equals our first-ever active period here.
    db = posthog_db(person_events(LIFECYCLE_DATA))
    flt = ["--event", event] if event else []
    doc = insight(db, "lifecycle", *LIFECYCLE_RANGE, *flt)
    assert starts(doc) == [f"2020-01-{d}" for d in range(12, 20)]
    assert lifecycle(doc) == LIFECYCLE_EXPECTED


def test_lifecycle_all_events(posthog_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trend_all_events: p3 and p4 only did "$other"; with
    # "All events" (no --event) the numbers are those of test_lifecycle_trend.
    events = person_events(LIFECYCLE_DATA[:2]) + person_events(LIFECYCLE_DATA[2:], "$other")
    db = posthog_db(events)
    assert lifecycle(insight(db, "lifecycle", *LIFECYCLE_RANGE)) == LIFECYCLE_EXPECTED


def test_lifecycle_event_filter(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trend_prop_filtering, with the property filter
    # ($number = 1, only on p1's events) expressed as an event name: only p1's events match.
    # p1 is never new (first matching event 01-11, before the range).
    events = person_events(LIFECYCLE_DATA[:1], "$pageview_numbered")
    events += person_events(LIFECYCLE_DATA[1:])
    db = posthog_db(events)
    doc = insight(db, "lifecycle", *LIFECYCLE_RANGE, "--event", "$pageview_numbered")
    assert lifecycle(doc) == {
        "new": [0, 0, 0, 0, 0, 0, 0, 0],
        "returning": [1, 1, 0, 0, 0, 0, 0, 0],
        "resurrecting": [0, 0, 0, 1, 0, 1, 0, 1],
        "dormant": [0, 0, -1, 0, -1, 0, -1, 0],
    }


def test_lifecycle_merges_distinct_ids(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trends_distinct_id_repeat: p1 and another_p1 are one
    # person; the 01-14 event of the second id makes p1 resurrect that day.
    other = "another_p1@posthog.test"
    events = [
        ("p1", "2020-01-12T12:00:00Z", PV),
        (other, "2020-01-14T12:00:00Z", PV),
        ("p1", "2020-01-15T12:00:00Z", PV),
        ("p1", "2020-01-17T12:00:00Z", PV),
        ("p1", "2020-01-19T12:00:00Z", PV),
    ]
    db = posthog_db(events, roster=[("p1", other)])
    assert lifecycle(insight(db, "lifecycle", *LIFECYCLE_RANGE, "--event", PV)) == {
        "new": [1, 0, 0, 0, 0, 0, 0, 0],
        "returning": [0, 0, 0, 1, 0, 0, 0, 0],
        "resurrecting": [0, 0, 1, 0, 0, 1, 0, 1],
        "dormant": [0, -1, 0, 0, -1, 0, -1, 0],
    }


WEEKS_DATA = [
    (
        "p1",
        [
            "2020-02-01T12:00:00Z",
            "2020-02-05T12:00:00Z",
            "2020-02-10T12:00:00Z",
            "2020-02-15T12:00:00Z",
            "2020-02-27T12:00:00Z",
            "2020-03-02T12:00:00Z",
        ],
    ),
    ("p2", ["2020-02-11T12:00:00Z", "2020-02-18T12:00:00Z"]),
    ("p3", ["2020-02-12T12:00:00Z"]),
    ("p4", ["2020-02-27T12:00:00Z"]),
]


@pytest.mark.parametrize(
    ("week_start", "days"),
    [
        # test_lifecycle_trend_weeks_sunday
        (
            "sunday",
            ["2020-02-02", "2020-02-09", "2020-02-16", "2020-02-23", "2020-03-01", "2020-03-08"],
        ),
        # test_lifecycle_trend_weeks_monday
        (
            "monday",
            ["2020-02-03", "2020-02-10", "2020-02-17", "2020-02-24", "2020-03-02", "2020-03-09"],
        ),
    ],
)
def test_lifecycle_weeks(
    posthog_db: Callable[..., Path],
    insight: Callable[..., Any],
    week_start: str,
    days: list[str],
) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trend_weeks_sunday/_monday: date_from 02-05 and date_to
    # 03-09 snap to the weeks holding them; p1's 02-01 event makes them returning in week one.
    db = posthog_db(person_events(WEEKS_DATA))
    args = ["--period", "week", "--week-start", week_start]
    doc = insight(db, "lifecycle", *args, "--date-from", "2020-02-05", "--date-to", "2020-03-09")
    assert starts(doc) == days
    assert lifecycle(doc) == {
        "new": [0, 2, 0, 1, 0, 0],
        "returning": [1, 1, 1, 0, 1, 0],
        "resurrecting": [0, 0, 0, 1, 0, 0],
        "dormant": [0, 0, -2, -1, -1, -1],
    }


def test_lifecycle_months(posthog_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    # PostHog LIFECYCLE::test_lifecycle_trend_months: date_to 09-01 still counts all of
    # September (p1's 09-19 event resurrects them in the last row).
    data = [
        (
            "p1",
            [
                "2020-01-11T12:00:00Z",
                "2020-02-12T12:00:00Z",
                "2020-03-13T12:00:00Z",
                "2020-05-15T12:00:00Z",
                "2020-07-17T12:00:00Z",
                "2020-09-19T12:00:00Z",
            ],
        ),
        ("p2", ["2019-12-09T12:00:00Z", "2020-02-12T12:00:00Z"]),
        ("p3", ["2020-02-12T12:00:00Z"]),
        ("p4", ["2020-05-15T12:00:00Z"]),
    ]
    db = posthog_db(person_events(data))
    args = ["--period", "month", "--date-from", "2020-02-01", "--date-to", "2020-09-01"]
    doc = insight(db, "lifecycle", *args)
    assert starts(doc) == [f"2020-{m:02d}-01" for m in range(2, 10)]
    assert lifecycle(doc) == LIFECYCLE_EXPECTED


@pytest.mark.parametrize(
    ("tz", "expected"),
    [
        ("UTC", LIFECYCLE_EXPECTED),
        (
            # p1's 01-11 23:00Z and 01-12 01:00Z events are both on Pacific 01-11
            "US/Pacific",
            {
                "new": [1, 0, 0, 1, 0, 0, 0, 0],
                "returning": [0, 0, 0, 0, 0, 0, 0, 0],
                "resurrecting": [1, 1, 0, 1, 0, 1, 0, 1],
                "dormant": [-1, -2, -1, 0, -2, 0, -1, 0],
            },
        ),
    ],
)
def test_lifecycle_timezones(
    posthog_db: Callable[..., Path],
    insight: Callable[..., Any],
    tz: str,
    expected: dict[str, list[int]],
) -> None:
    # PostHog LIFECYCLE::test_timezones (date_from 2020-01-12, date_to 2020-01-19).
    data = [
        (
            "p1",
            [
                "2020-01-11T23:00:00Z",
                "2020-01-12T01:00:00Z",
                "2020-01-13T12:00:00Z",
                "2020-01-15T12:00:00Z",
                "2020-01-17T12:00:00Z",
                "2020-01-19T12:00:00Z",
            ],
        ),
        *LIFECYCLE_DATA[1:],
    ]
    db = posthog_db(person_events(data))
    assert lifecycle(insight(db, "lifecycle", *LIFECYCLE_RANGE, "--tz", tz)) == expected


def test_lifecycle_dormant_on_dst(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog LIFECYCLE::test_dormant_on_dst (US/Pacific; DST starts 2025-03-09). PostHog's
    # date_from "2025-03-09T00:00:00Z" is 03-08 in Pacific time and date_to 03-12T00:00Z is
    # 03-11: our dates are local days, so the same range is --date-from 03-08 --date-to 03-11.
    db = posthog_db([("p1", "2025-03-09T12:00:00Z", PV)], tz="US/Pacific")
    doc = insight(db, "lifecycle", "--date-from", "2025-03-08", "--date-to", "2025-03-11")
    assert starts(doc) == ["2025-03-08", "2025-03-09", "2025-03-10", "2025-03-11"]
    assert series(doc, "new") == [0, 1, 0, 0]
    assert series(doc, "dormant") == [0, 0, -1, 0]


# ---------------------------------------------------------------------------------------------
# Stickiness
# ---------------------------------------------------------------------------------------------

P1_DAYS = [f"2020-01-{d}T12:00:00Z" for d in range(11, 20)]  # 9 days
P2_DAYS = [f"2020-01-{d}T12:00:00Z" for d in (11, 13, 15, 17, 19)]  # 5 days


def stickiness_events() -> list[Event]:
    """PostHog STICKINESS::_create_test_events: $pageview and $pageleave on the same days."""
    data = [("p1", P1_DAYS), ("p2", P2_DAYS)]
    return person_events(data) + person_events(data, "$pageleave")


STICKY_RANGE = ["--date-from", "2020-01-11", "--date-to", "2020-01-20"]


@pytest.mark.parametrize("event", [PV, None])
def test_stickiness_day(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], event: str | None
) -> None:
    # PostHog STICKINESS::test_interval_day ($pageview) and ::test_any_event (All events):
    # 10 days 01-11..01-20; p1 active 9 days, p2 5 days.
    db = posthog_db(stickiness_events())
    flt = ["--event", event] if event else []
    doc = insight(db, "stickiness", *STICKY_RANGE, *flt)
    assert doc["counts"] == [0, 0, 0, 0, 1, 0, 0, 0, 1, 0]
    assert doc["periods"] == 10


@pytest.mark.parametrize(
    ("week_start", "expected"),
    [
        # PostHog STICKINESS::test_interval_week (team default Sunday): weeks 01-05, 01-12,
        # 01-19; both people are active in all three.
        ("sunday", [0, 0, 2]),
        # Not in PostHog's suite, derived by hand: Monday weeks 01-06, 01-13, 01-20; both
        # people are active in 01-06 (the 11th/12th) and 01-13 (13th..19th), none on 01-20.
        ("monday", [0, 2, 0]),
    ],
)
def test_stickiness_week(
    posthog_db: Callable[..., Path],
    insight: Callable[..., Any],
    week_start: str,
    expected: list[int],
) -> None:
    db = posthog_db(stickiness_events())
    args = ["--period", "week", "--week-start", week_start, "--event", PV]
    assert insight(db, "stickiness", *STICKY_RANGE, *args)["counts"] == expected


def test_stickiness_month(posthog_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    # PostHog STICKINESS::test_interval_month: one month (January), both people in it.
    db = posthog_db(stickiness_events())
    doc = insight(db, "stickiness", *STICKY_RANGE, "--period", "month", "--event", PV)
    assert doc["counts"] == [2]


def test_stickiness_range_ignores_activity_outside(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog STICKINESS::test_compare_to ("current" series): range 01-12..01-20 (9 days), so
    # the 01-11 events do not count: p1 8 days, p2 4 days.
    db = posthog_db(stickiness_events())
    doc = insight(db, "stickiness", "--date-from", "2020-01-12", "--date-to", "2020-01-20")
    assert doc["counts"] == [0, 0, 0, 1, 0, 0, 0, 1, 0]


def test_stickiness_cumulative(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog STICKINESS::test_cumulative_stickiness: p1 3 days, p2 2 days, p3 1 day.
    data = [
        ("p1", ["2020-01-11T12:00:00Z", "2020-01-12T12:00:00Z", "2020-01-13T12:00:00Z"]),
        ("p2", ["2020-01-11T12:00:00Z", "2020-01-12T12:00:00Z"]),
        ("p3", ["2020-01-11T12:00:00Z"]),
    ]
    db = posthog_db(person_events(data))
    rng = ["--date-from", "2020-01-11", "--date-to", "2020-01-13"]
    assert insight(db, "stickiness", *rng, "--cumulative")["counts"] == [3, 2, 1]
    # PostHog STICKINESS::test_actor_query_non_cumulative: exactly 1, 2, 3 days: one each.
    assert insight(db, "stickiness", *rng)["counts"] == [1, 1, 1]


# ---------------------------------------------------------------------------------------------
# Active people (PostHog trends with math dau / weekly_active / monthly_active)
# ---------------------------------------------------------------------------------------------


def active_users_events() -> list[Event]:
    """PostHog TRENDS::_create_active_users_events."""
    return [
        ("p0", "2020-01-03T11:00:00Z", PV),
        ("p0", "2020-01-03T12:00:00Z", PV),
        ("p1", "2020-01-09T12:00:00Z", PV),
        ("p2", "2020-01-09T12:00:00Z", PV),
        ("p1", "2020-01-10T12:00:00Z", PV),
        ("p1", "2020-01-11T12:00:00Z", PV),
        ("p2", "2020-01-11T12:00:00Z", PV),
        ("p0", "2020-01-12T12:00:00Z", PV),
    ]


# also_test_with_different_timezones: UTC, America/Phoenix (UTC-7) and Asia/Tokyo (UTC+9)
TIMEZONES = ["UTC", "America/Phoenix", "Asia/Tokyo"]


@pytest.mark.parametrize("tz", TIMEZONES)
def test_weekly_active_users_daily(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], tz: str
) -> None:
    # PostHog TRENDS::test_weekly_active_users_daily (with its timezone variants).
    db = posthog_db(active_users_events(), tz=tz)
    doc = insight(
        db, "active", "--window", "7", "--date-from", "2020-01-08", "--date-to", "2020-01-19"
    )
    assert starts(doc) == [f"2020-01-{d:02d}" for d in range(8, 20)]
    assert series(doc, "count") == [1, 3, 2, 2, 3, 3, 3, 3, 3, 3, 1, 0]


@pytest.mark.parametrize("tz", TIMEZONES)
def test_weekly_active_users_weekly(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], tz: str
) -> None:
    # PostHog TRENDS::test_weekly_active_users_weekly: with a week interval, distinct people
    # per (Sunday) week, no sliding window.
    db = posthog_db(active_users_events(), tz=tz)
    args = ["--period", "week", "--week-start", "sunday"]
    doc = insight(db, "active", *args, "--date-from", "2019-12-29", "--date-to", "2020-01-18")
    assert starts(doc) == ["2019-12-29", "2020-01-05", "2020-01-12"]
    assert series(doc, "count") == [1, 2, 1]


def trends_runner_events() -> list[Event]:
    """PostHog TRENDS_RUNNER::_create_test_events ($pageview and $pageleave per person)."""
    pageviews = person_events(LIFECYCLE_DATA)
    pageleaves = person_events(
        [
            ("p1", ["2020-01-11T12:00:00Z", "2020-01-12T12:00:00Z", "2020-01-13T12:00:00Z"]),
            ("p2", ["2020-01-13T12:00:00Z"]),
            ("p3", ["2020-01-13T12:00:00Z"]),
            ("p4", ["2020-01-16T12:00:00Z"]),
        ],
        "$pageleave",
    )
    return pageviews + pageleaves


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # the DAU aggregation test just before test_trends_aggregation_wau (math dau)
        ("1", [1, 0, 1, 3, 1, 0, 2, 0, 1, 0, 1, 0]),
        # test_trends_aggregation_wau (math weekly_active)
        ("7", [1, 1, 2, 3, 3, 3, 4, 4, 4, 4, 2, 2]),
        # test_trends_aggregation_mau (math monthly_active: 30 days)
        ("30", [1, 1, 2, 3, 3, 3, 4, 4, 4, 4, 4, 4]),
    ],
)
def test_trends_active_users_windows(
    posthog_db: Callable[..., Path], insight: Callable[..., Any], window: str, expected: list[int]
) -> None:
    # PostHog TRENDS_RUNNER (series $pageview, 2020-01-09..2020-01-20, day interval). The
    # $pageleave events (e.g. p4 on 01-16) must not count: --event $pageview.
    db = posthog_db(trends_runner_events())
    rng = ["--date-from", "2020-01-09", "--date-to", "2020-01-20"]
    doc = insight(db, "active", *rng, "--window", window, "--event", PV)
    assert series(doc, "count") == expected


def test_monthly_active_users_month_interval(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog TRENDS_RUNNER::test_trends_aggregation_mau_long_interval: months Dec..Feb.
    db = posthog_db(trends_runner_events())
    args = ["--period", "month", "--date-from", "2019-12-31", "--date-to", "2020-02-01"]
    doc = insight(db, "active", *args, "--event", PV)
    assert starts(doc) == ["2019-12-01", "2020-01-01", "2020-02-01"]
    assert series(doc, "count") == [0, 4, 0]


def test_weekly_active_users_trailing_window(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog TRENDS::test_breakdown_weekly_active_users_daily (one breakdown value holds every
    # event): p1 on 01-09..11, p2 on 01-09 and 01-11; 01-12 still sees both in its 7 days.
    events = [
        ("p1", "2020-01-09T12:00:00Z", PV),
        ("p1", "2020-01-10T12:00:00Z", PV),
        ("p1", "2020-01-11T12:00:00Z", PV),
        ("p2", "2020-01-09T12:00:00Z", PV),
        ("p2", "2020-01-11T12:00:00Z", PV),
    ]
    db = posthog_db(events)
    rng = ["--date-from", "2020-01-01", "--date-to", "2020-01-12"]
    doc = insight(db, "active", *rng, "--window", "7")
    assert series(doc, "count") == [0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2]


def test_weekly_active_users_person_integration(
    posthog_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # PostHog PERSON::TestPersonIntegration.test_weekly_active_users: u_10..u_17, one event
    # each on Sep 10..17 at 00:42 UTC. PostHog asserts 22-Sep = 2 (u_16, u_17); the other days
    # follow by the same rule: the window ending 09-17 holds u_11..u_17 = 7, one fewer per day.
    events = [(f"u_{d}", f"2023-09-{d}T00:42:00Z", "pageview") for d in range(10, 18)]
    db = posthog_db(events)
    doc = insight(
        db, "active", "--window", "7", "--date-from", "2023-09-17", "--date-to", "2023-09-24"
    )
    assert starts(doc)[5] == "2023-09-22" and series(doc, "count")[5] == 2
    assert series(doc, "count") == [7, 6, 5, 4, 3, 2, 1, 0]
