"""Active people: a trailing window of days per day, or distinct people per calendar period."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.insight.active import windowed_active
from analytics.insight.periods import Calendar

EVENTS = [
    ("p1", "2024-01-01 09:00", "login"),  # Monday
    ("p2", "2024-01-06 09:00", "login"),  # Saturday
    ("p3", "2024-01-10 09:00", "login"),  # Wednesday
]


def counts(doc: dict[str, Any]) -> list[tuple[str, int]]:
    """The document as (period_start, count) pairs."""
    return [(row["period_start"], row["count"]) for row in doc["rows"]]


def test_window_7_counts_people_in_the_last_7_days(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    doc = insight(
        db, "active", "--window", "7", "--date-from", "2024-01-07", "--date-to", "2024-01-13"
    )
    assert counts(doc) == [
        ("2024-01-07", 2),  # 01-01..01-07: p1, p2
        ("2024-01-08", 1),  # 01-02..01-08: p2
        ("2024-01-09", 1),  # 01-03..01-09: p2
        ("2024-01-10", 2),  # 01-04..01-10: p2, p3
        ("2024-01-11", 2),  # 01-05..01-11: p2, p3
        ("2024-01-12", 2),  # 01-06..01-12: p2, p3
        ("2024-01-13", 1),  # 01-07..01-13: p3
    ]


def test_period_week_counts_distinct_people_per_calendar_week(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    doc = insight(
        db, "active", "--period", "week", "--date-from", "2024-01-01", "--date-to", "2024-01-13"
    )
    # week of 01-01: p1, p2; week of 01-08: p3 (no sliding window)
    assert counts(doc) == [("2024-01-01", 2), ("2024-01-08", 1)]


def test_daily_by_default_over_the_last_eight_days(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    # date-to = latest event day 01-10; date-from = 01-10 minus 7 days = 01-03; window 1 (DAU)
    assert counts(insight(db, "active")) == [
        ("2024-01-03", 0),
        ("2024-01-04", 0),
        ("2024-01-05", 0),
        ("2024-01-06", 1),
        ("2024-01-07", 0),
        ("2024-01-08", 0),
        ("2024-01-09", 0),
        ("2024-01-10", 1),
    ]


def test_month_periods(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db([*EVENTS, ("p1", "2024-02-29 09:00", "login"), ("p9", "2023-12-31 09:00", "x")])
    doc = insight(db, "active", "--period", "month", "--date-from", "2023-12-15")
    # December: p9; January: p1, p2, p3; February (latest event's month): p1
    assert counts(doc) == [("2023-12-01", 1), ("2024-01-01", 3), ("2024-02-01", 1)]


def brute_force(days: dict[str, set[int]], first: int, last: int, window: int) -> list[int]:
    """People with an active day in [d - window + 1, d], for each d, by plain set logic."""
    return [
        sum(1 for active in days.values() if any(d - window < a <= d for a in active))
        for d in range(first, last + 1)
    ]


@settings(max_examples=60, deadline=None)
@given(
    days=st.dictionaries(
        st.sampled_from(["a", "b", "c", "d"]),
        st.sets(st.integers(19_700, 19_740), min_size=1, max_size=12),
    ),
    window=st.integers(1, 30),
)
def test_windowed_active_matches_brute_force(days: dict[str, set[int]], window: int) -> None:
    frame = pl.DataFrame(
        [(person, day) for person, active in days.items() for day in active],
        schema={"person_id": pl.String, "period": pl.Int64},
        orient="row",
    )
    first, last = 19_710, 19_740
    result = windowed_active(frame, calendar=Calendar("day"), first=first, last=last, window=window)
    assert result["count"].to_list() == brute_force(days, first, last, window)
    assert result["period_start"][0] == dt.date(1970, 1, 1) + dt.timedelta(days=first)
