"""Adoption per team and per role (analytics.metrics.groups), by hand."""

from __future__ import annotations

import polars as pl
import pytest
from metric_frames import build, day

from analytics.metrics.document import build_document
from analytics.metrics.groups import adoption_by_group
from analytics.metrics.population import prepare

# Plan: wave 1 from day 0, wave 2 from day 14, wave 3 from day 60.
WAVES = [(1, "One", 0, None), (2, "Two", 14, None), (3, "Three", 60, None)]
PEOPLE = [
    {"user_id": "a1", "team": "A", "role": "rep", "wave": 1},
    {"user_id": "a2", "team": "A", "role": " Manager", "wave": 1},
    {"user_id": "a3", "team": "A", "role": "rep", "wave": 1},
    {"user_id": "a4", "team": "A", "wave": 1},  # no role; a passive event only
    {"user_id": "b1", "team": "B", "role": "rep", "wave": 2},
    {"user_id": "b2", "team": "B", "role": "manager", "wave": 3},  # early access on day 35
    {"user_id": "b3", "team": "B", "wave": 3},  # not invited yet, no events
    {"user_id": "c1", "team": "C", "role": "rep", "wave": 3},  # the whole team not invited
    {"user_id": "n1", "role": "executive", "wave": 1},  # no team
    {"user_id": "x1", "team": "D", "wave": 1, "active": False},  # left: not in the population
]
ROWS = [
    ("a1", 1),
    ("a1", 15),
    ("a2", 1),
    ("a4", 20, 0),  # passive: not a use
    ("b1", 10),
    ("b2", 35),
    ("n1", 30),
    ("x1", 30),
]
COLUMNS = ["eligible", "active", "adoption_rate", "ever_used", "never_started"]


def rows_by(frame: pl.DataFrame, group: str) -> dict:
    """{group value: (eligible, active, adoption_rate, ever_used, never_started)}."""
    return {row[group]: tuple(row[c] for c in COLUMNS) for row in frame.to_dicts()}


def test_adoption_by_team_by_hand() -> None:
    teams = adoption_by_group(prepare(build(ROWS, PEOPLE, WAVES), day(40)), "team")
    # D = day 40, MAU window [day 13, day 40].
    # A: a1..a4 eligible (wave 1). Active: a1 (day 15); a2's only use is day 1, before the
    #    window. Ever used: a1, a2; never started: a3, a4 (passive only) -> 4, 1, 1/4, 2, 2.
    # B: b1 (wave 2 from day 14; used day 10, before the window: ever used, not active);
    #    b2 eligible by early access (day 35, in the window); b3 not invited -> 2, 1, 1/2, 2, 0.
    # C: c1 not invited, no events -> listed with 0 eligible and no rate.
    # null team: n1 active day 30 -> 1, 1, 1.0, 1, 0. D (x1) left: no team D.
    assert teams["team"].to_list() == ["A", "B", "C", None]
    assert rows_by(teams, "team") == {
        "A": (4, 1, 0.25, 2, 2),
        "B": (2, 1, 0.5, 2, 0),
        "C": (0, 0, None, 0, 0),
        None: (1, 1, 1.0, 1, 0),
    }


def test_adoption_by_role_by_hand() -> None:
    roles = adoption_by_group(prepare(build(ROWS, PEOPLE, WAVES), day(40)), "role")
    # Roles trimmed and lower-cased (" Manager" -> "manager").
    # executive: n1 -> 1, 1, 1.0, 1, 0
    # manager: a2 (ever used, not active), b2 (active) -> 2, 1, 1/2, 2, 0
    # rep: a1 (active), a3 (never), b1 (ever used, not active); c1 not eligible
    #      -> 3, 1, 1/3, 2, 1
    # null: a4 (never started); b3 not eligible -> 1, 0, 0/1 = 0.0, 0, 1
    assert roles["role"].to_list() == ["executive", "manager", "rep", None]
    assert rows_by(roles, "role") == {
        "executive": (1, 1, 1.0, 1, 0),
        "manager": (2, 1, 0.5, 2, 0),
        "rep": (3, 1, 1 / 3, 2, 1),
        None: (1, 0, 0.0, 0, 1),
    }


def test_earlier_day_for_the_meeting_comparison() -> None:
    teams = adoption_by_group(prepare(build(ROWS, PEOPLE, WAVES), day(12)), "team")
    # D = day 12, window [day -15, day 12]; events after D ignored.
    # A: 4 eligible; a1 and a2 used day 1 -> 4, 2, 2/4, 2, 2.
    # B: b1 not invited until day 14 but used day 10 (early access) -> eligible, active;
    #    b2's first use (day 35) is after D -> not eligible -> 1, 1, 1.0, 1, 0.
    # null: n1 eligible (wave 1), first use day 30 after D -> 1, 0, 0.0, 0, 1.
    assert rows_by(teams, "team") == {
        "A": (4, 2, 0.5, 2, 2),
        "B": (1, 1, 1.0, 1, 0),
        "C": (0, 0, None, 0, 0),
        None: (1, 0, 0.0, 0, 1),
    }


def test_document_teams_match_and_add_up_to_the_population() -> None:
    doc = build_document(build(ROWS, PEOPLE, WAVES), day(40))
    assert doc["teams"][0] == {
        "team": "A",
        "eligible": 4,
        "active": 1,
        "adoption_rate": 0.25,
        "ever_used": 2,
        "never_started": 2,
    }
    # Every eligible person is in exactly one team entry (null team included): 4 + 2 + 0 + 1.
    assert sum(t["eligible"] for t in doc["teams"]) == doc["population"]["eligible"] == 7
    assert sum(t["active"] for t in doc["teams"]) == doc["active"]["mau"] == 3
    assert sum(t["never_started"] for t in doc["teams"]) == doc["population"]["never_started"]
    assert [t["team"] for t in doc["teams"]] == [t["team"] for t in doc["champions"]["teams"]]


def test_without_roster_there_are_no_groups() -> None:
    basis = prepare(build(ROWS), day(40))  # everyone seen is the population, no teams
    teams = adoption_by_group(basis, "team")
    assert teams.is_empty()
    assert teams.columns == ["team", *COLUMNS]
    assert build_document(build(ROWS), day(40))["teams"] == []


def test_roster_without_events_lists_every_team_with_no_rate() -> None:
    # No events and no plan: nobody is eligible (eligibility starts on the first day with events).
    teams = adoption_by_group(prepare(build([], PEOPLE)), "team")
    assert teams["team"].to_list() == ["A", "B", "C", None]
    assert teams["eligible"].to_list() == [0, 0, 0, 0]
    assert teams["adoption_rate"].to_list() == [None, None, None, None]


def test_unknown_group_is_refused() -> None:
    basis = prepare(build(ROWS, PEOPLE, WAVES), day(40))
    with pytest.raises(ValueError, match="not 'person_id'"):
        adoption_by_group(basis, "person_id")
