"""Lifecycle: new only in the first-ever active period (all history), dormant as negatives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from analytics.insight.lifecycle import lifecycle_rows
from analytics.insight.periods import Calendar

# Weeks (Monday): W0 = 2024-01-01 (the week before the range), W1 = 01-08, W2 = 01-15, W3 = 01-22.
EVENTS = [
    ("old", "2023-12-04 09:00", "login"),  # first-ever activity, long before the range
    ("old", "2024-01-02 09:00", "login"),  # W0
    ("old", "2024-01-09 09:00", "login"),  # W1: returning (active in W0), not new
    ("old", "2024-01-23 09:00", "login"),  # W3: resurrecting (absent in W2)
    ("pat", "2023-12-05 09:00", "login"),  # first-ever activity before the range
    ("pat", "2024-01-09 09:00", "login"),  # W1: resurrecting (absent in W0, not new)
    ("neu", "2024-01-10 09:00", "login"),  # W1: new (first-ever)
    ("neu", "2024-01-16 09:00", "login"),  # W2: returning
    ("gone", "2024-01-02 09:00", "login"),  # W0 only: dormant in W1
]


def test_new_returning_resurrecting_dormant(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    doc = insight(
        db, "lifecycle", "--period", "week", "--date-from", "2024-01-08", "--date-to", "2024-01-28"
    )
    assert doc["rows"] == [
        # W1: new {neu}; returning {old}; resurrecting {pat}; dormant {gone} (active W0, not W1)
        {"period_start": "2024-01-08", "new": 1, "returning": 1, "resurrecting": 1, "dormant": -1},
        # W2: returning {neu}; dormant {old, pat}
        {"period_start": "2024-01-15", "new": 0, "returning": 1, "resurrecting": 0, "dormant": -2},
        # W3: resurrecting {old}; dormant {neu}
        {"period_start": "2024-01-22", "new": 0, "returning": 0, "resurrecting": 1, "dormant": -1},
    ]


def test_first_activity_before_the_range_is_never_new(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db([("pat", "2023-11-05 09:00", "login"), ("pat", "2024-01-09 09:00", "login")])
    doc = insight(db, "lifecycle", "--period", "month", "--date-from", "2024-01-01")
    # date-to defaults to the latest event's day (2024-01-09): one row, January.
    # pat's first month is November 2023 and December is empty: January is resurrecting, not new.
    assert doc["rows"] == [
        {"period_start": "2024-01-01", "new": 0, "returning": 0, "resurrecting": 1, "dormant": 0}
    ]


def test_days_by_default_and_an_event_filter(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(
        [
            ("a", "2024-01-01 09:00", "login"),
            ("a", "2024-01-02 09:00", "call"),
            ("a", "2024-01-03 09:00", "call"),
        ]
    )
    doc = insight(db, "lifecycle", "--event", "call", "--date-from", "2024-01-02")
    # Only calls count: a's first call day is 01-02 (new), 01-03 returning.
    assert [(r["period_start"], r["new"], r["returning"]) for r in doc["rows"]] == [
        ("2024-01-02", 1, 0),
        ("2024-01-03", 0, 1),
    ]


def test_lifecycle_rows_on_frames() -> None:
    # Day periods 10..12; p active on 9, 10 and 12 (first-ever 5); q first-ever and only on 11.
    activity = pl.DataFrame({"person_id": ["p", "p", "p", "q"], "period": [9, 10, 12, 11]})
    firsts = pl.DataFrame({"person_id": ["p", "q"], "first_period": [5, 11]})
    rows = lifecycle_rows(activity, firsts, calendar=Calendar("day"), first=10, last=12)
    # 10: p returning; 11: q new, p dormant; 12: p resurrecting, q dormant
    assert rows.select("new", "returning", "resurrecting", "dormant").rows() == [
        (0, 1, 0, 0),
        (1, 0, 0, -1),
        (0, 0, 1, -1),
    ]
