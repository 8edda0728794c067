"""Pulse-survey barriers: the lowest ADKAR element per team, per segment and per person."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.impact.survey import (
    BARRIER_STEPS,
    answers_with_team,
    person_barriers,
    segment_barriers,
    team_barriers,
)

DAY = dt.date(2026, 9, 14)
PEOPLE = pl.DataFrame(
    {
        "person_id": ["p1", "p2", "p3", "p4"],
        "team": ["A", "B", "B", "C"],
        "segment": ["never_started", "active", "dormant", "active"],
    }
)
SURVEY = pl.DataFrame(
    {
        "person": ["P1@X.COM", None, "p3", None, None],
        "person_id": ["p1", None, "p3", None, None],  # as read_survey resolves them (test_data)
        "team": [None, "A", None, "B", "C"],
        "date": [DAY] * 5,
        "awareness": [4, 5, 3, 3, 2],
        "desire": [4, 4, 2, 3, 2],
        "knowledge": [2, 1, 4, 4, 3],
        "ability": [3, 2, 4, 4, 3],
        "reinforcement": [3, 4, 4, None, 3],
    }
)


def test_each_team_barrier_is_its_lowest_mean_element() -> None:
    # A: p1 (4,4,2,3,3) and an anonymous (5,4,1,2,4): knowledge 1.5 is lowest
    # B: p3 (3,2,4,4,4) and an anonymous (3,3,4,4,-): desire 2.5 is lowest
    # C: one anonymous (2,2,3,3,3): awareness and desire tie at 2 -> the earlier, awareness
    table = team_barriers(answers_with_team(SURVEY, PEOPLE))
    assert table.select("team", "answers", "barrier").rows() == [
        ("A", 2, "knowledge"),
        ("B", 2, "desire"),
        ("C", 1, "awareness"),
    ]
    assert table.filter(pl.col("team") == "A")["knowledge"].item() == 1.5


def test_segments_and_people_get_their_own_barrier_else_their_teams() -> None:
    answers = answers_with_team(SURVEY, PEOPLE)
    by_segment = segment_barriers(answers)
    assert by_segment.select("team", "segment", "barrier").rows() == [
        ("A", "never_started", "knowledge"),
        ("B", "dormant", "desire"),
    ]
    people = person_barriers(answers, PEOPLE).sort("person_id")
    assert people.select("person_id", "barrier", "barrier_source").rows() == [
        ("p1", "knowledge", "own"),
        ("p2", "desire", "team"),
        ("p3", "desire", "own"),
        ("p4", "awareness", "team"),
    ]
    assert people["barrier_step"][0] == BARRIER_STEPS["knowledge"]
