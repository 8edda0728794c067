"""`adoption insight --tool`: explore queries over one tool's events (SPEC 10 split by tool)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics.db import connection

EVENTS = [
    ("u1", "2024-01-01 09:00", "login"),  # u1 and u2: ordinary event files (tool 'events')
    ("u2", "2024-01-01 10:00", "login"),
    ("u1", "2024-01-02 09:00", "chat"),  # rows 2-4 become GitHub Copilot below
    ("u3", "2024-01-02 10:00", "chat"),
    ("u3", "2024-01-03 10:00", "chat"),
]
RANGE = ["--period", "day", "--date-from", "2024-01-01", "--date-to", "2024-01-03"]


def _db(events_db: Callable[..., Path]) -> Path:
    db = events_db(EVENTS)
    with connection(db) as con:
        con.execute("UPDATE events SET tool = 'github-copilot' WHERE dedupe_key IN ('2', '3', '4')")
    return db


def _counts(doc: dict[str, Any]) -> list[int]:
    return [row["count"] for row in doc["rows"]]


def test_active_people_per_day_by_tool(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = _db(events_db)
    # every tool: 01-01 u1, u2; 01-02 u1, u3; 01-03 u3
    assert _counts(insight(db, "active", *RANGE)) == [2, 2, 1]
    # Copilot only: 01-02 u1, u3; 01-03 u3
    assert _counts(insight(db, "active", *RANGE, "--tool", "github-copilot")) == [0, 2, 1]
    # ordinary event files only: 01-01 u1, u2
    assert _counts(insight(db, "active", *RANGE, "--tool", "events")) == [2, 0, 0]


def test_first_use_cohorts_follow_the_tool(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = _db(events_db)
    doc = insight(db, "retention", *RANGE, "--type", "first_time", "--tool", "github-copilot")
    # Copilot first use: u1 and u3 on 01-02 (u1's earlier login is another tool): cohort 01-02
    # = 2 people, of whom only u3 comes back on 01-03; cohorts 01-01 and 01-03 are empty.
    # Each row is padded to the window's three periods, as in the other retention tests.
    assert [row["counts"] for row in doc["rows"]] == [[0, 0, 0], [2, 1, 0], [0, 0, 0]]
