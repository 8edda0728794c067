"""The staggered DiD estimator: a hand-computed example and panels with a known effect."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from analytics.impact.did import NEVER, Panel, UnsupportedDesign, estimate

Effect = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (group start, week) -> effect


def test_hand_computed_example() -> None:
    # weeks 0..2; A starts in week 1, B in week 2, C never.
    # ATT(1,1) = (4-1) - mean(3-2, 1-0) = 2; ATT(1,2) = (6-1) - (1-0) = 4 (only C not yet treated)
    # ATT(2,2) = (7-3) - (1-1) = 4; pre ATT(2,1) = (3-2) - (1-0) = 0
    # simple = (2 + 4 + 4) / 3; event study: e=0 (2+4)/2 = 3, e=1 4, e=-1 0
    panel = Panel(
        outcome=np.array([[1.0, 4, 6], [2, 3, 7], [0, 1, 1]]),
        start=np.array([1, 2, NEVER]),
        cluster=np.array([0, 1, 2]),
    )
    result = estimate(panel, draws=50)
    assert result.overall.estimate == pytest.approx(10 / 3)
    assert {e: i.estimate for e, i in result.event_study.items()} == pytest.approx(
        {-1: 0.0, 0: 3.0, 1: 4.0}
    )
    assert (result.groups, result.units, result.weeks) == (2, 3, 3)
    assert result.untreated_mean == pytest.approx((1 + 2 + 3 + 0 + 1 + 1) / 6)


STARTS = (4, 8, 12, 16)  # four waves a month apart; the last has no later controls


def simulate(effect: Effect, seed: int, *, never: bool = False, units: int = 240) -> Panel:
    """A balanced panel of 20 weeks: person level, a common trend, the effect, noise."""
    rng = np.random.default_rng(seed)
    starts = np.array([*STARTS, NEVER] if never else STARTS, dtype=float)
    start = starts[np.arange(units) % starts.size]
    weeks = np.arange(20)
    trend = 10 + 0.3 * weeks + np.sin(weeks / 2)
    level = rng.normal(0, 2, units)[:, None] + 0.2 * np.nan_to_num(start, posinf=20)[:, None]
    treated = weeks[None, :] >= start[:, None]
    lift = np.where(treated, effect(start[:, None], weeks[None, :]), 0.0)
    outcome = level + trend + lift + rng.normal(0, 1, (units, weeks.size))
    return Panel(outcome, start, np.arange(units))


def truth(effect: Effect, never: bool) -> float:
    """The simple aggregate of the true effects over the cells the estimator can use."""
    starts = np.array(STARTS, dtype=float)
    g, t = (a.ravel() for a in np.meshgrid(starts, np.arange(20), indexing="ij"))
    controls = np.full(g.shape, True) if never else t < max(STARTS)
    post = (t >= g) & controls
    return float(effect(g[post], t[post]).mean())  # equal group sizes


def twfe(panel: Panel) -> float:
    """The plain two-way fixed-effects coefficient (unit and week dummies, one treatment dummy)."""
    units, weeks = panel.outcome.shape
    treated = (np.arange(weeks)[None, :] >= panel.start[:, None]).astype(float).ravel()
    unit = np.repeat(np.eye(units), weeks, axis=0)
    week = np.tile(np.eye(weeks), (units, 1))[:, 1:]
    design = np.column_stack([treated, unit, week])
    return float(np.linalg.lstsq(design, panel.outcome.ravel(), rcond=None)[0][0])


CASES: dict[str, Effect] = {
    "constant": lambda g, t: np.full(np.broadcast(g, t).shape, 2.0),
    "growing": lambda g, t: 0.5 * (t - g + 1),
    "per_wave": lambda g, t: np.broadcast_to(
        np.select([g == 4, g == 8], [3.0, 1.0], -1.0), np.broadcast(g, t).shape
    ),
    "zero": lambda g, t: np.zeros(np.broadcast(g, t).shape),
}


@pytest.mark.parametrize("never", [False, True])
@pytest.mark.parametrize("case", list(CASES))
def test_interval_covers_the_truth(case: str, never: bool) -> None:
    effect = CASES[case]
    covered = [
        (r := estimate(simulate(effect, seed, never=never), seed=seed).overall).ci_low
        <= truth(effect, never)
        <= r.ci_high
        for seed in range(5)
    ]
    assert sum(covered) >= 4, covered


def test_zero_effect_is_rarely_significant() -> None:
    significant = [
        estimate(simulate(CASES["zero"], seed), draws=199, seed=seed).overall.significant
        for seed in range(20)
    ]
    assert sum(significant) <= 3


def test_event_study_recovers_growth_and_flat_pre_trends() -> None:
    result = estimate(simulate(CASES["growing"], 1, never=True))
    for offset in (0, 3, 6):
        interval = result.event_study[offset]
        assert interval.ci_low <= 0.5 * (offset + 1) <= interval.ci_high
    assert result.pre_trend_ok is True


def test_two_way_fixed_effects_is_biased_where_ours_is_not() -> None:
    effect = CASES["growing"]
    panel = simulate(effect, 3)
    ours = estimate(panel, seed=3).overall
    target = truth(effect, never=False)
    assert ours.ci_low <= target <= ours.ci_high
    assert abs(twfe(panel) - target) > 1.0  # about 0.2 against a true 2.6 here


def test_same_week_for_everyone_is_unsupported() -> None:
    panel = Panel(np.ones((4, 6)), np.full(4, 3.0), np.arange(4))
    with pytest.raises(UnsupportedDesign, match="same week"):
        estimate(panel)


def test_bootstrap_is_seeded() -> None:
    panel = simulate(CASES["constant"], 7)
    assert estimate(panel, seed=1) == estimate(panel, seed=1)
