"""Hand-built frames shaped like the metrics' eligible people, the roster and the contact log."""

from __future__ import annotations

import datetime as dt

import polars as pl

AS_OF = dt.date(2026, 3, 31)


def d(text: str) -> dt.date:
    """A date from YYYY-MM-DD."""
    return dt.date.fromisoformat(text)


ROSTER = pl.DataFrame(
    {
        "user_id": ["c1", "c2", "c3", "m1", "r9", "n1", "d1", "a1", "l1", "x1", "n2", "d2"],
        "name": [
            "Cara Lee",
            "Cody Vance",
            "Cleo Hart",
            "Mia Chen",
            "Rob Stone",
            "Nina Park",
            "Dan Ortiz",
            "Ann Berg",
            "Lou Kim",
            "Xavi Roe",
            "Noor Ali",
            "Dee Fox",
        ],
        "email": [
            f"{u}@ex.com"
            for u in ["c1", "c2", "c3", "m1", "r9", "n1", "d1", "a1", "l1", "x1", "n2", "d2"]
        ],
        "team": ["East"] * 6 + ["West"] * 6,
        "manager_id": [None, None, None, None, "m1", "m1", "m1", "m1", "m1", "m1", None, "m1"],
        "role": ["rep", "rep", "rep", "manager"] + ["rep"] * 8,
        # c1, c2 are active champions; c3 is a champion who left; r9 is not a champion
        "is_champion": [True, True, True, False, False] + [False] * 7,
        "champion_id": [None, None, None, None, None, "c1", "c3", "c2", "r9", "c1", None, "c2"],
        "active": [True, True, False] + [True] * 9,
    }
)

PEOPLE = pl.DataFrame(
    {
        "person_id": ["n1", "d1", "a1", "l1", "x1", "n2", "d2"],
        "name": [
            "Nina Park",
            "Dan Ortiz",
            "Ann Berg",
            "Lou Kim",
            "Xavi Roe",
            "Noor Ali",
            "Dee Fox",
        ],
        "team": ["East", "East", "West", "West", "West", "West", "West"],
        "wave": [2, 2, 1, 1, 1, 3, 1],
        "champion_id": ["c1", "c3", "c2", "r9", "c1", None, "c2"],
        "manager_id": ["m1", "m1", "m1", "m1", "m1", None, "m1"],
        "segment": [
            "never_started",
            "dormant",
            "at_risk",
            "dormant",
            "active",
            "never_started",
            "dormant",
        ],
        "lost_trust": [False, False, False, True, False, False, False],
        "last_active": [
            None,
            d("2026-03-08"),
            d("2026-03-30"),
            d("2026-03-15"),
            d("2026-03-31"),
            None,
            d("2026-03-16"),
        ],
        "recent_days": [0, 0, 2, 0, 10, 0, 0],
        "prior_days": [0, 3, 9, 5, 10, 0, 4],
        "wave_start": [
            d("2026-02-25"),
            d("2026-02-25"),
            d("2026-01-28"),
            d("2026-01-28"),
            d("2026-01-28"),
            d("2026-03-24"),
            d("2026-01-28"),
        ],
        "rejection_run": [0, 0, 0, 3, 0, 0, 0],
    }
)

OUTREACH = pl.DataFrame(
    {
        "id": [1, 2, 3],
        "person_id": ["d2", "d1", "a1"],
        # d2 three days before D (recent); d1 ten days before (not recent); a1 after D (recent)
        "contacted_on": [d("2026-03-28"), d("2026-03-21"), d("2026-04-02")],
        "channel": ["chat", "email", "phone"],
        "owner": ["c2", "m1", "c2"],
        "segment": ["dormant", "dormant", "at_risk"],
        "note": ["", "", ""],
    }
)
