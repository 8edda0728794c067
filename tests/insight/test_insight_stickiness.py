"""Stickiness: people by number of distinct active periods, exactly n or at least n."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from analytics.insight.stickiness import stickiness_counts

EVENTS = [
    ("x", "2024-01-01 09:00", "login"),
    ("x", "2024-01-01 15:00", "call"),  # same day again: still one period
    ("x", "2024-01-03 09:00", "login"),  # x: 2 days
    ("y", "2024-01-02 09:00", "login"),  # y: 1 day
    ("z", "2024-01-01 09:00", "login"),
    ("z", "2024-01-02 09:00", "login"),
    ("z", "2024-01-03 09:00", "login"),
    ("z", "2024-01-04 09:00", "login"),  # z: 4 days
    ("w", "2023-12-31 09:00", "login"),  # w: only outside the range -> not counted
    ("w", "2024-01-05 09:00", "login"),
]
RANGE = ["--date-from", "2024-01-01", "--date-to", "2024-01-04"]


def test_exact_counts(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db(EVENTS)
    # 4 day periods; exactly 1: y; 2: x; 3: nobody; 4: z. `rows` repeats counts, one row per n.
    assert insight(db, "stickiness", *RANGE) == {
        "periods": 4,
        "counts": [1, 1, 0, 1],
        "rows": [
            {"n": 1, "count": 1},
            {"n": 2, "count": 1},
            {"n": 3, "count": 0},
            {"n": 4, "count": 1},
        ],
    }


def test_cumulative_counts(events_db: Callable[..., Path], insight: Callable[..., Any]) -> None:
    db = events_db(EVENTS)
    # at least 1: x, y, z = 3; at least 2: x, z = 2; at least 3: z; at least 4: z
    doc = insight(db, "stickiness", *RANGE, "--cumulative")
    assert (doc["periods"], doc["counts"]) == (4, [3, 2, 1, 1])
    assert [row["count"] for row in doc["rows"]] == [3, 2, 1, 1]


def test_event_filter_and_week_periods(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    # Only "call": x on 01-01 -> one person in exactly 1 of the 4 days.
    assert insight(db, "stickiness", *RANGE, "--event", "call")["counts"] == [1, 0, 0, 0]
    # Weeks of 2023-12-25 and 2024-01-01 (Monday): w active in both; x, y, z only in the second.
    doc = insight(
        db, "stickiness", "--period", "week", "--date-from", "2023-12-31", "--date-to", "2024-01-05"
    )
    assert (doc["periods"], doc["counts"]) == (2, [3, 1])


def test_counts_sum_to_people_active_in_range() -> None:
    activity = pl.DataFrame({"person_id": ["a", "a", "b", "c"], "period": [1, 2, 2, 9]})
    # range 1..3: a in 2 periods, b in 1, c outside
    assert stickiness_counts(activity, first=1, last=3, cumulative=False) == [1, 1, 0]
    assert stickiness_counts(activity, first=1, last=3, cumulative=True) == [2, 1, 0]
