"""Retention: recurring vs first-time cohorts, `on` vs `on_or_after`, cells after the window."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Weeks start Monday: W1 = 2024-01-01, W2 = 01-08, W3 = 01-15, W4 = 01-22 (window of 4 weeks
# ending with the week of 2024-01-24). W0 = the week of 2023-12-25 is before the window.
EVENTS = [
    ("ann", "2024-01-01 09:00", "login"),  # W1
    ("ann", "2024-01-15 09:00", "login"),  # W3
    ("bob", "2023-12-27 09:00", "login"),  # W0: bob's first-ever login predates the window
    ("bob", "2024-01-02 09:00", "login"),  # W1
    ("bob", "2024-01-09 09:00", "login"),  # W2
    ("cy", "2024-01-08 09:00", "login"),  # W2
    ("cy", "2024-01-24 09:00", "login"),  # W4
    ("cy", "2024-01-28 23:00", "login"),  # W4 (Sunday after date-to: the last week counts whole)
    ("cy", "2024-02-01 09:00", "login"),  # W5: after the window, never counted
]
WINDOW = ["--period", "week", "--intervals", "4", "--date-to", "2024-01-24"]


def rows(doc: dict[str, Any]) -> list[tuple[str, list[int]]]:
    """The document as (period_start, counts) pairs."""
    return [(row["period_start"], row["counts"]) for row in doc["rows"]]


def test_recurring_on(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db(EVENTS)
    doc = insight(db, "retention", *WINDOW, "--type", "recurring", "--criterion", "on")
    assert rows(doc) == [
        # W1 cohort {ann, bob} = 2; W2: bob = 1; W3: ann = 1; W4: nobody = 0
        ("2024-01-01", [2, 1, 1, 0]),
        # W2 cohort {bob, cy} = 2; W3: nobody; W4: cy = 1; W5 is after the window -> 0
        ("2024-01-08", [2, 0, 1, 0]),
        # W3 cohort {ann} = 1; W4: ann absent; later cells are after the window
        ("2024-01-15", [1, 0, 0, 0]),
        # W4 cohort {cy} = 1 (two events, one person); W5 is outside -> 0
        ("2024-01-22", [1, 0, 0, 0]),
    ]


def test_recurring_on_or_after(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db(EVENTS)
    doc = insight(db, "retention", *WINDOW, "--criterion", "on_or_after")
    assert rows(doc) == [
        # W1: ann's last return is W3 (k=2), bob's W2 (k=1): k1 = 2, k2 = 1, k3 = 0
        ("2024-01-01", [2, 2, 1, 0]),
        # W2: bob never returns after W2; cy's last return in the window is W4 (k=2):
        # k1 = 1, k2 = 1, k3 = W5 is after the window = 0
        ("2024-01-08", [2, 1, 1, 0]),
        ("2024-01-15", [1, 0, 0, 0]),
        ("2024-01-22", [1, 0, 0, 0]),
    ]


def test_first_time_puts_people_only_in_their_first_ever_period(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    doc = insight(db, "retention", *WINDOW, "--type", "first_time")
    assert rows(doc) == [
        # ann first logs in W1; bob's first login is W0 (before the window): he is in no row.
        # W1 {ann}: W2 no, W3 yes, W4 no
        ("2024-01-01", [1, 0, 1, 0]),
        # W2 {cy}: W3 no, W4 yes
        ("2024-01-08", [1, 0, 1, 0]),
        ("2024-01-15", [0, 0, 0, 0]),
        ("2024-01-22", [0, 0, 0, 0]),
    ]


def test_start_and_return_events_differ(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(
        [
            ("dan", "2024-01-02 09:00", "signup"),  # W1
            ("dan", "2024-01-03 09:00", "call"),  # W1
            ("dan", "2024-01-10 09:00", "call"),  # W2
            ("eve", "2024-01-02 09:00", "call"),  # W1
            ("eve", "2024-01-09 09:00", "signup"),  # W2
        ]
    )
    window = ["--period", "week", "--intervals", "3", "--date-to", "2024-01-15"]
    doc = insight(db, "retention", *window, "--start-event", "signup", "--return-event", "call")
    # signup cohorts: W1 {dan} -> call in W2: dan; W2 {eve} -> no call in W3; W3 empty
    assert rows(doc) == [
        ("2024-01-01", [1, 1, 0]),
        ("2024-01-08", [1, 0, 0]),
        ("2024-01-15", [0, 0, 0]),
    ]
    # --event is the default for both: call cohorts W1 {dan, eve} -> W2 {dan}; W2 {dan}
    doc = insight(db, "retention", *window, "--event", "call")
    assert rows(doc) == [
        ("2024-01-01", [2, 1, 0]),
        ("2024-01-08", [1, 0, 0]),
        ("2024-01-15", [0, 0, 0]),
    ]


def test_month_periods(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db(
        [
            ("m1", "2024-01-15 09:00", "login"),  # January
            ("m1", "2024-03-02 09:00", "login"),  # March
            ("m2", "2024-02-29 09:00", "login"),  # February (leap day)
        ]
    )
    doc = insight(
        db, "retention", "--period", "month", "--intervals", "3", "--date-to", "2024-03-10"
    )
    # Jan {m1}: Feb no, Mar yes; Feb {m2}: Mar no; Mar {m1}
    assert rows(doc) == [
        ("2024-01-01", [1, 0, 1]),
        ("2024-02-01", [1, 0, 0]),
        ("2024-03-01", [1, 0, 0]),
    ]


def test_defaults_are_seven_days_ending_with_the_latest_event(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    doc = insight(db, "retention")
    # PostHog's defaults (day period, 7 intervals); the latest event's day 2024-02-01 ends the
    # window: 01-26..02-01. Cohorts: cy on 01-28 (returns on 02-01, k = 4) and on 02-01.
    assert rows(doc) == [
        ("2024-01-26", [0, 0, 0, 0, 0, 0, 0]),
        ("2024-01-27", [0, 0, 0, 0, 0, 0, 0]),
        ("2024-01-28", [1, 0, 0, 0, 1, 0, 0]),
        ("2024-01-29", [0, 0, 0, 0, 0, 0, 0]),
        ("2024-01-30", [0, 0, 0, 0, 0, 0, 0]),
        ("2024-01-31", [0, 0, 0, 0, 0, 0, 0]),
        ("2024-02-01", [1, 0, 0, 0, 0, 0, 0]),
    ]


def test_date_from_sets_the_window_when_intervals_are_absent(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    weeks = ["--period", "week", "--date-from", "2024-01-03", "--date-to", "2024-01-24"]
    doc = insight(db, "retention", *weeks)
    # weeks of 2024-01-03 (W1) to 2024-01-24 (W4): the same window as --intervals 4
    assert rows(doc) == rows(insight(db, "retention", *WINDOW))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--intervals", "0"], "--intervals"),
        (["--date-from", "2024-02-01", "--date-to", "2024-01-01"], "after"),
        (["--date-to", "2024-02-30"], "YYYY-MM-DD"),
        (["--intervals", "5000"], "at most"),
    ],
)
def test_bad_options_exit_2(
    events_db: Callable[..., Path],
    insight_error: Callable[..., tuple[int, str, str]],
    args: list[str],
    message: str,
) -> None:
    db = events_db(EVENTS)
    code, out, err = insight_error(db, "retention", *args)
    assert code == 2 and out == "" and message in err
