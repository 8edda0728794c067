"""The release rules for group-level viewers, on hand-made numbers (privacy/release.py)."""

from __future__ import annotations

import polars as pl

from analytics.privacy.release import (
    hide_small_count,
    hide_small_parts,
    rate_if_enough,
    released_bin_columns,
    released_bins,
    released_groups,
    released_impact,
)


def test_a_small_part_and_its_smallest_nonzero_sibling_are_hidden():
    # 3 never started is small; the smallest other non-zero part (dormant 6) goes too, so
    # eligible (shown elsewhere) minus the shown parts cannot give the 3 back.
    parts = {"never_started": 3, "dormant": 6, "at_risk": 0, "active": 41}
    assert hide_small_parts(parts, 5) == {
        "never_started": None,
        "dormant": None,
        "at_risk": 0,
        "active": 41,
    }


def test_two_small_parts_hide_each_other_and_zeros_stay():
    assert hide_small_parts({"a": 2, "b": 4, "c": 0, "d": 30}, 5) == {
        "a": None,
        "b": None,
        "c": 0,
        "d": 30,
    }


def test_nothing_small_nothing_hidden():
    assert hide_small_parts({"a": 5, "b": 7}, 5) == {"a": 5, "b": 7}


def test_lone_counts_and_rates():
    assert [hide_small_count(n, 5) for n in (0, 1, 4, 5, None)] == [0, None, None, 5, None]
    assert rate_if_enough(0.5, 4, 5) is None
    assert rate_if_enough(0.5, 5, 5) == 0.5
    assert rate_if_enough(0.5, None, 5) is None


def test_a_small_group_keeps_its_name_and_loses_every_value_flags_included():
    teams = pl.DataFrame(
        {
            "team": ["A", "B", "C"],
            "members": [3, 8, 20],
            "coverage": [1.0, 0.5, 0.9],
            "over_ratio": [True, False, True],
        }
    )
    released = released_groups(teams, group="team", count="members", min_size=5)
    # A is small; B (the smallest shown sibling) is suppressed too; C stays whole.
    assert released["suppressed"].to_list() == [True, True, False]
    assert released["members"].to_list() == [None, None, 20]
    assert released["over_ratio"].to_list() == [None, None, True]
    assert released["note"].to_list() == ["fewer than 5 people", "fewer than 5 people", None]
    assert released["team"].to_list() == ["A", "B", "C"]


def test_bins_of_one_to_min_minus_one_people_are_dropped_or_nulled():
    bins = pl.DataFrame({"days": [1, 2, 3, 4], "people": [0, 1, 4, 5]})
    assert released_bins(bins, count="people", min_size=5)["days"].to_list() == [1, 4]
    weeks = pl.DataFrame({"week": [1, 2], "new": [2, 9], "dormant": [-3, 0]})
    out = released_bin_columns(weeks, columns=("new", "dormant"), min_size=5)
    assert out["new"].to_list() == [None, 9]
    assert out["dormant"].to_list() == [None, 0]


def test_a_small_part_of_a_shown_group_hides_the_whole_split():
    waves = pl.DataFrame(
        {"wave": [1, 2], "eligible": [40, 80], "ever_used": [36, 68], "never_started": [4, 12]}
    )
    out = released_groups(
        waves, group="wave", count="eligible", min_size=5, parts=("ever_used", "never_started")
    )
    # Wave 1: 4 never started is small, so 36 ever used (40 - 4) goes too; wave 2 stays whole.
    assert out["ever_used"].to_list() == [None, 68]
    assert out["never_started"].to_list() == [None, 12]
    assert out["eligible"].to_list() == [40, 80]


def test_a_rate_is_released_only_on_a_denominator_of_the_minimum():
    from analytics.privacy.release import released_rates

    teams = pl.DataFrame({"trained": [4, 5, None], "trained_rate": [0.75, 0.6, 0.5]})
    out = released_rates(teams, rates={"trained_rate": "trained"}, min_size=5)
    # 4 trained people: hidden; 5: shown; a hidden denominator hides its rate too
    assert out["trained_rate"].to_list() == [None, 0.6, None]


def test_each_impact_design_is_released_on_its_own():
    """Waves of 6+ and a first-use cohort of 2 (min 5): enablement shown, adoption withheld;
    a wave of 4 withholds everything; an error passes as it is."""
    effect = {"estimate": 1.5, "ci_low": 0.5, "ci_high": 2.5, "relative": 0.1}
    full = {"kpi": "calls", "enablement": effect, "adoption": effect, "sentence": "both"}
    without = {**full, "adoption": dict.fromkeys(effect), "sentence": "enablement only"}
    shown = released_impact(
        full, without_adoption=without, smallest={"enablement": 6, "adoption": 2}, min_size=5
    )
    assert shown["enablement"] == effect and shown["adoption"]["estimate"] is None
    assert shown["sentence"] == "enablement only"
    assert "fewer than 5 people" in shown["withheld"]["adoption"]
    both = {"enablement": 6, "adoption": 5}
    assert released_impact(full, without_adoption=without, smallest=both, min_size=5) == full
    small_wave = {"enablement": 4, "adoption": 9}
    hidden = released_impact(full, without_adoption=without, smallest=small_wave, min_size=5)
    assert set(hidden) == {"kpi", "error"}
    error = {"kpi": "calls", "error": "no plan"}
    assert released_impact(error, without_adoption=error, smallest=both, min_size=5) == error
