"""The split by tool at the input (SPEC 10): activity, feedback and population of one tool."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.document import build_document
from analytics.metrics.inputs import make_inputs
from analytics.metrics.tool_split import for_tool, tool_names

D = dt.date(2026, 3, 29)

# a and b used ordinary event files on D (a gave 2 acceptances); a, c used Copilot on D-1.
# Copilot licences: a, c, d.  Roster: a, b, c, d, e (all active).
TOOL_DAY = pl.DataFrame(
    {
        "person_id": ["a", "b", "a", "c"],
        "day": [D, D, D - dt.timedelta(days=1), D - dt.timedelta(days=1)],
        "tool": ["events", "events", "github-copilot", "github-copilot"],
        "grain": ["event", "event", "day", "day"],
        "events": [3, 1, 1, 1],
        "active_events": [3, 1, 1, 1],
    }
)
PERSON_DAY = pl.DataFrame(
    {
        "person_id": ["a", "b", "a", "c"],
        "day": [D, D, D - dt.timedelta(days=1), D - dt.timedelta(days=1)],
        "events": [3, 1, 1, 1],
        "active_events": [3, 1, 1, 1],
        "accepted": [2, 0, 0, 0],
        "matched": [True] * 4,
    }
)
ROSTER = pl.DataFrame({"user_id": list("abcde"), "active": [True] * 5})
LICENCES = pl.DataFrame({"person_id": ["a", "c", "d"], "tool": ["github-copilot"] * 3})
INPUTS = make_inputs(person_day=PERSON_DAY, roster=ROSTER, tool_day=TOOL_DAY, licences=LICENCES)


def test_tools_present_are_listed_by_name() -> None:
    assert tool_names(INPUTS) == ["events", "github-copilot"]


def test_a_tool_with_licences_has_its_holders_as_population() -> None:
    doc = build_document(for_tool(INPUTS, "github-copilot"), D)
    # holders a, c, d of the roster; a and c active on D-1: MAU 2 of 3 eligible.
    assert doc["population"]["eligible"] == 3
    assert doc["active"]["mau"] == 2
    assert doc["trust"]["acceptance_rate"] is None  # Copilot rows carry no feedback


def test_a_tool_without_licences_keeps_the_roster_and_its_feedback() -> None:
    split = for_tool(INPUTS, "events")
    doc = build_document(split, D)
    # all 5 roster people eligible; a and b active on D; a's 2 acceptances kept.
    assert (doc["population"]["eligible"], doc["active"]["mau"]) == (5, 2)
    assert doc["trust"]["acceptance_rate"] == 1.0
    assert split.person_day.select("person_id", "events").sort("person_id").rows() == [
        ("a", 3),
        ("b", 1),
    ]
