"""Invariants on random rollouts: DAU <= WAU <= MAU <= eligible, segments partition, etc."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st
from metric_frames import day, random_rollout

from analytics.metrics.document import build_document
from analytics.metrics.lifecycle import lifecycle_long
from analytics.metrics.population import prepare
from analytics.metrics.retention import active_weeks

ROLLOUT = st.builds(
    random_rollout,
    seed=st.integers(0, 10_000),
    n_people=st.integers(1, 40),
    n_days=st.integers(1, 90),
    unmatched=st.integers(0, 3),
)


@settings(max_examples=30, deadline=None)
@given(inputs=ROLLOUT, as_of=st.one_of(st.none(), st.integers(-5, 100)))
def test_document_invariants(inputs, as_of: int | None) -> None:
    doc = build_document(inputs, None if as_of is None else day(as_of))
    active, population = doc["active"], doc["population"]
    assert active["dau"] <= active["wau"] <= active["mau"] <= population["eligible"]
    assert population["eligible"] <= population["roster"]
    assert sum(doc["segments"].values()) == population["eligible"]
    assert doc["segments"]["never_started"] == population["never_started"]
    assert sum(doc["active_days_histogram"]) == active["mau"]
    for cohort in doc["retention"]:
        assert cohort["rates"][0] == 1.0
        assert all(0.0 <= rate <= 1.0 for rate in cohort["rates"])
    for rate in (doc["adoption_rate"], doc["stickiness"], doc["target"]["forecast_rate"]):
        assert rate is None or 0.0 <= rate <= 1.0
    assert sum(w["size"] for w in doc["waves"]) == population["roster"]
    assert doc["trust"]["lost_trust"] <= doc["segments"]["dormant"]


@settings(max_examples=20, deadline=None)
@given(inputs=ROLLOUT, as_of=st.integers(0, 100))
def test_lifecycle_adds_up_to_the_active_people_of_each_week(inputs, as_of: int) -> None:
    frame = lifecycle_long(prepare(inputs, day(as_of)))
    weekly = active_weeks(prepare(inputs, day(as_of))).group_by("week").len()
    expected = frame.join(weekly, on="week", how="left").with_columns(pl.col("len").fill_null(0))
    assert (expected["new"] + expected["returning"] + expected["resurrecting"]).to_list() == (
        expected["len"].to_list()
    )
    # dormant in week w + active in w = active in w-1 + new-or-resurrecting in w
    previous = expected["len"].shift(1, fill_value=0)
    assert (expected["returning"] + expected["dormant"]).to_list() == previous.to_list()
