"""The command's inputs hold person ids as Categorical (issue 10 speed): same document as text.

`with_categorical_ids` only changes how ids are stored; every key of the document, the order of
every list sorted by person (by the text, capitals first) and the values must stay the same.
"""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pytest
from metric_frames import build, day, random_rollout

from analytics.metrics.document import build_document
from analytics.metrics.inputs import MetricInputs, make_inputs, with_categorical_ids


def text(inputs: MetricInputs, as_of: dt.date) -> str:
    """The document as the command prints it."""
    return json.dumps(build_document(inputs, as_of), separators=(",", ": "), allow_nan=False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_random_rollout_gives_the_same_document(seed: int) -> None:
    inputs = random_rollout(seed, n_people=60, n_days=120)
    for as_of in (day(119), day(40), day(130)):  # the last day, mid-rollout, after the data
        assert text(with_categorical_ids(inputs), as_of) == text(inputs, as_of)


def test_without_a_roster_with_tools_licences_and_outreach() -> None:
    rows = [("b", 0), ("B", 1, 1, 1, 0), ("a", 2, 1, 0, 2, 2), ("b", 9), ("z", 3, 0)]
    tool_day = pl.DataFrame(
        {
            "person_id": ["b", "a", "B"],
            "day": [day(0), day(2), day(1)],
            "tool": ["chat", "chat", "copilot"],
            "grain": ["event", "event", "month"],
            "events": [1, 1, 1],
            "active_events": [1, 1, 1],
        }
    )
    licences = pl.DataFrame(
        {
            "person_id": ["c", "a"],
            "tool": ["chat", "chat"],
            "since": [day(0)] * 2,
            "matched": [True] * 2,
        }
    )
    outreach = pl.DataFrame(
        {"id": [1], "person_id": ["a"], "contacted_on": [day(1)], "channel": ["email"]}
    )
    inputs = make_inputs(
        person_day=build(rows).person_day, tool_day=tool_day, licences=licences, outreach=outreach
    )
    categorical = with_categorical_ids(inputs)
    assert categorical.person_day.schema["person_id"] == pl.Categorical()
    assert categorical.licences.schema["person_id"] == pl.Categorical()
    assert text(categorical, day(9)) == text(inputs, day(9))


def test_lists_by_person_keep_the_text_order() -> None:
    # Roster b, a, B (in that order) with champion B for a and b; unmatched users z and Y.
    # Text order puts capitals first: B, a, b; Y, z (not the order of first appearance).
    people = [
        {"user_id": "b", "team": "T", "champion_id": "B"},
        {"user_id": "a", "team": "T", "champion_id": "B"},
        {"user_id": "B", "team": "T", "is_champion": True},
    ]
    rows = [("z", 0, 1, 0, 0, 0, 1, False), ("b", 1), ("Y", 2, 1, 0, 0, 0, 1, False), ("a", 3)]
    doc = build_document(with_categorical_ids(build(rows, people)), day(3))
    assert [row["person_id"] for row in doc["unmatched_users"]] == ["Y", "z"]
    (cohort,) = doc["champions"]["cohorts"]
    assert cohort["champion_id"] == "B"
    assert [row["person_id"] for row in cohort["people"]] == ["a", "b"]
    # b (day 1) and a (day 3) active, B not: 2 of 3 eligible in the 28 days ending day 3
    assert doc["active"]["mau"] == 2 and doc["population"]["eligible"] == 3


def test_duplicate_person_days_are_summed_with_categorical_ids() -> None:
    from analytics.metrics.population import one_row_per_person_day

    # a's day 1 twice (1 + 2 events); b on day 1 and a on day 2 once each: 3 keys of 4 rows
    rows = [("a", 1, 1, 0, 0, 0, 1), ("a", 1, 2, 0, 0, 0, 2), ("b", 1), ("a", 2)]
    frame = with_categorical_ids(build(rows)).person_day
    summed = one_row_per_person_day(frame).sort("person_id", "day")
    assert summed.select("person_id", "day", "events").rows() == [
        ("a", day(1), 3),
        ("a", day(2), 1),
        ("b", day(1), 1),
    ]
    distinct = frame.filter(pl.col("events") != 2)  # no duplicate left: the frame itself
    assert one_row_per_person_day(distinct) is distinct


def test_rows_counted_on_the_way_equal_named_rows() -> None:
    from analytics.metrics.document import jsonable, named_rows

    inputs = with_categorical_ids(random_rollout(4, n_people=60, n_days=120))
    rows = [0]
    document = build_document(inputs, day(119), rows)
    assert rows[0] == named_rows(document) > 0
    # by hand: the rows naming a and c count (c inside a tuple); the team row does not
    raw = {"x": [{"person_id": "a"}, {"team": "T", "c": ({"champion_id": "c", "d": day(1)},)}]}
    counted = [0]
    assert jsonable(raw, counted)["x"][1]["c"] == [{"champion_id": "c", "d": "2024-01-02"}]
    assert counted == [2] and named_rows(jsonable(raw)) == 2
