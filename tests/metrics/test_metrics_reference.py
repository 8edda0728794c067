"""The engine against a naive loop-by-loop reference of SPEC 4 on seeded random rollouts."""

from __future__ import annotations

import pytest
from metric_frames import day, random_rollout
from metrics_reference import assert_close, reference_document

from analytics.metrics.document import build_document
from analytics.metrics.inputs import make_inputs

AS_OF_DAYS = [
    None,  # the latest event day
    10,  # a Thursday before wave 2 starts (day 28)
    27,  # a Sunday, the day before wave 2 starts
    28,  # wave 2's start day (a Monday)
    45,  # mid-week, between waves 2 and 3
    100,  # after wave 4 started, before T
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("as_of", AS_OF_DAYS)
def test_engine_matches_reference(seed: int, as_of: int | None) -> None:
    inputs = random_rollout(seed, n_people=60, n_days=120)
    as_of_day = None if as_of is None else day(as_of)
    assert_close(build_document(inputs, as_of_day), reference_document(inputs, as_of_day))


@pytest.mark.parametrize("seed", [4, 5])
def test_engine_matches_reference_without_roster(seed: int) -> None:
    rollout = random_rollout(seed, n_people=40, n_days=100)
    inputs = make_inputs(person_day=rollout.person_day, plan=rollout.plan)
    assert_close(build_document(inputs, day(60)), reference_document(inputs, day(60)))


@pytest.mark.parametrize("seed", [6, 7])
def test_engine_matches_reference_without_plan(seed: int) -> None:
    rollout = random_rollout(seed, n_people=40, n_days=100)
    inputs = make_inputs(person_day=rollout.person_day, roster=rollout.roster)
    assert_close(build_document(inputs, day(70)), reference_document(inputs, day(70)))


def test_engine_matches_reference_after_target_date() -> None:
    rollout = random_rollout(8, n_people=40, n_days=100)
    inputs = make_inputs(
        person_day=rollout.person_day,
        roster=rollout.roster,
        plan=rollout.plan,
        settings={"target_date": "2024-03-01", "build_cost": 1000},
    )
    assert_close(build_document(inputs, day(80)), reference_document(inputs, day(80)))
