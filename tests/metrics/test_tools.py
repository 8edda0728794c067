"""The licence funnel and tools table (SPEC 10) on tiny hand-made frames."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.document import build_document
from analytics.metrics.inputs import make_inputs

D = dt.date(2026, 3, 29)  # a Sunday


def _day(back: int) -> dt.date:
    return D - dt.timedelta(days=back)


def test_habitual_needs_three_of_the_last_four_weeks() -> None:
    # h: active 0, 8 and 15 days back (weeks 0, 1, 2): habitual.
    # w: active 0 and 1 day back (week 0 only): weekly active, not habitual.
    # o: active 40 days back only: first use only.  n: licensed, never used.
    active = [("h", 0), ("h", 8), ("h", 15), ("w", 0), ("w", 1), ("o", 40)]
    person_day = pl.DataFrame(
        {
            "person_id": [p for p, _ in active],
            "day": [_day(b) for _, b in active],
            "events": [1] * len(active),
            "active_events": [1] * len(active),
        }
    )
    tool_day = person_day.with_columns(tool=pl.lit("chatgpt-enterprise"), grain=pl.lit("period"))
    licences = pl.DataFrame({"person_id": ["h", "w", "o", "n"], "tool": ["chatgpt-enterprise"] * 4})
    doc = build_document(
        make_inputs(person_day=person_day, tool_day=tool_day, licences=licences), D
    )
    assert doc["funnel"] == {"licensed": 4, "first_use": 3, "weekly_active": 2, "habitual": 1}
    assert doc["tools"] == [
        {"tool": "chatgpt-enterprise", "grain": "period", "people_active_28d": 2, "licensed": 4}
    ]
    assert doc["lower_bounds"] == ["dau", "stickiness", "active_days_histogram"]


def test_without_licences_the_funnel_counts_the_eligible_population() -> None:
    person_day = pl.DataFrame(
        {"person_id": ["a", "b"], "day": [D, _day(3)], "events": [1, 1], "active_events": [1, 0]}
    )
    doc = build_document(make_inputs(person_day=person_day), D)
    # no roster: the users seen (a, b) are the population; b only had a passive event.
    assert doc["funnel"] == {"licensed": 2, "first_use": 1, "weekly_active": 1, "habitual": 0}
    assert doc["tools"] == [] and doc["lower_bounds"] == []


def test_without_a_roster_licence_holders_are_the_population() -> None:
    # a used the tool; n holds a licence and never used it: both are the population.
    person_day = pl.DataFrame({"person_id": ["a"], "day": [D], "events": [1], "active_events": [1]})
    licences = pl.DataFrame({"person_id": ["a", "n"], "tool": ["github-copilot"] * 2})
    doc = build_document(make_inputs(person_day=person_day, licences=licences), D)
    assert doc["population"]["roster"] == 2
    assert doc["population"]["never_started"] == 1
    assert doc["adoption_rate"] == 0.5
    assert doc["funnel"] == {"licensed": 2, "first_use": 1, "weekly_active": 1, "habitual": 0}


def test_funnel_parts_partition_the_licence_holders() -> None:
    # h: active 0, 8, 15 days back (weeks 0-2): habitual and weekly.
    # g: active 8, 15, 22 days back (weeks 1-3): habitual, not active this week.
    # w: active 1 day back: weekly, not habitual.  o: 40 days back: used, not weekly.
    # n1, n2: licensed, never used.  x: active today without a licence: in no part.
    active = [("h", 0), ("h", 8), ("h", 15), ("g", 8), ("g", 15), ("g", 22), ("w", 1)]
    active += [("o", 40), ("x", 0)]
    person_day = pl.DataFrame(
        {
            "person_id": [p for p, _ in active],
            "day": [_day(b) for _, b in active],
            "events": [1] * len(active),
            "active_events": [1] * len(active),
        }
    )
    holders = ["h", "g", "w", "o", "n1", "n2"]
    licences = pl.DataFrame({"person_id": holders, "tool": ["github-copilot"] * len(holders)})
    doc = build_document(make_inputs(person_day=person_day, licences=licences), D)
    assert doc["funnel"] == {"licensed": 6, "first_use": 4, "weekly_active": 2, "habitual": 2}
    # habitual first (h, g), then weekly (w), then used (o), then never used (n1, n2): 6 in all.
    assert doc["funnel_parts"] == {
        "never_used": 2,
        "used_not_weekly": 1,
        "weekly_not_habitual": 1,
        "habitual": 2,
    }
