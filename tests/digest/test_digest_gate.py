"""Teams below their wave's gate, worked out by hand on a tiny people frame."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.digest.gate import teams_below_gate

AS_OF = dt.date(2026, 3, 2)
STARTS = {1: dt.date(2026, 1, 5), 2: dt.date(2026, 2, 9)}  # gate days 2026-02-01, 2026-03-08


def people(groups: list[tuple[str, int, int, int]]) -> pl.DataFrame:
    """One row per person from (team, wave, eligible people, of them active) groups."""
    rows = [
        {
            "team": team,
            "wave": wave,
            "wave_start": STARTS[wave],
            "eligible": True,
            "active_28": i < active,
        }
        for team, wave, size, active in groups
        for i in range(size)
    ]
    not_eligible = {"team": "A", "wave": 1, "wave_start": STARTS[1], "eligible": False}
    return pl.DataFrame([*rows, {**not_eligible, "active_28": False}])


GROUPS = [
    ("A", 1, 4, 2),  # 2/4 = 50% < 60%, gate day passed: below
    ("A", 2, 3, 0),  # 0% but wave 2's gate day (03-08) is after D: not judged
    ("B", 1, 3, 2),  # 2/3 = 66.7%: at or above the gate
    ("B", 2, 3, 1),
    ("C", 1, 2, 0),  # 0% but 2 people < the minimum of 3: not judged
    ("D", 1, 5, 3),  # exactly 60%: not below
    ("E", 1, 4, 1),  # 25%: below (for leadership: the complement of E's 2 wave-2 people)
    ("E", 2, 2, 2),
]


def test_product_manager_sees_every_group_of_the_minimum_size_below_the_gate() -> None:
    """A (wave 1, 2 of 4) and E (wave 1, 1 of 4) sit below 60%; C's 2 people are too few."""
    below = teams_below_gate(people(GROUPS), as_of=AS_OF, gate=0.6, min_size=3, released=False)
    assert below.to_dicts() == [
        {"team": "A", "wave": 1, "eligible": 4, "adoption_rate": 0.5, "gate": 0.6},
        {"team": "E", "wave": 1, "eligible": 4, "adoption_rate": 0.25, "gate": 0.6},
    ]


def test_leadership_never_sees_the_complement_of_a_hidden_wave_group() -> None:
    """E has 6 eligible: its wave-1 rate would give away its 2 wave-2 people: E is withheld."""
    below = teams_below_gate(people(GROUPS), as_of=AS_OF, gate=0.6, min_size=3, released=True)
    assert below.to_dicts() == [
        {"team": "A", "wave": 1, "eligible": 4, "adoption_rate": 0.5, "gate": 0.6},
    ]


def test_the_gate_is_judged_from_the_wave_start_plus_27_days() -> None:
    """On 03-08 wave 2 is judged too: A's 0 of 3 and B's 1 of 3 (33.3%) are below."""
    day = dt.date(2026, 3, 8)
    below = teams_below_gate(people(GROUPS), as_of=day, gate=0.6, min_size=3, released=False)
    assert below.select("team", "wave").rows() == [("A", 1), ("A", 2), ("B", 2), ("E", 1)]
    assert below.filter(pl.col("team") == "B")["adoption_rate"].to_list() == [1 / 3]
