"""Staggered difference-in-differences in the manner of Callaway and Sant'Anna (2021).

Group-time average effects ATT(g, t) of the units first treated in week g, at week t, against the
not-yet-treated units (first treated after t, or never), unconditional (no covariates). Post
cells (t >= g) use the universal base week g - 1; pre cells (t < g) the varying base t - 1, so
their estimates are placebo week-on-week changes that test parallel trends. Aggregations weight
each group-week by group size; 95% intervals come from a cluster bootstrap (resampled clusters,
all cells at once as one matrix product), so they hold under serial correlation within a unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

Z95 = NormalDist().inv_cdf(0.975)
NEVER = np.inf  # the start of a never-treated unit


class UnsupportedDesign(ValueError):
    """The data cannot support an estimate (the message says why, in plain words)."""


@dataclass(frozen=True)
class Panel:
    """Outcomes (units x weeks, NaN when missing), each unit's first treated week index (inf:
    never) and its cluster code (0..C-1) for the bootstrap."""

    outcome: np.ndarray
    start: np.ndarray
    cluster: np.ndarray


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap standard error and 95% interval."""

    estimate: float
    se: float
    ci_low: float
    ci_high: float

    @property
    def significant(self) -> bool:
        """Whether the 95% interval excludes zero."""
        return self.ci_low > 0 or self.ci_high < 0


@dataclass(frozen=True)
class DidResult:
    """The simple aggregate, the event study (weeks since start -> interval), the parallel
    trends check, the design's size, the untreated mean (for relative effects)."""

    overall: Interval
    event_study: dict[int, Interval]
    pre_trend_ok: bool | None
    groups: int
    units: int
    weeks: int
    untreated_mean: float
    smallest_group: int  # people in the smallest group used (for releasing to leadership)


@dataclass(frozen=True)
class Cells:
    """The estimable group-time cells: group start, week, base week (one entry per cell)."""

    group: np.ndarray
    week: np.ndarray
    base: np.ndarray


def candidate_cells(start: np.ndarray, n_weeks: int) -> Cells:
    """Every (g, t) with a base week inside the panel, for groups first treated in weeks 1..T-1."""
    finite = start[np.isfinite(start)]
    groups = np.unique(finite[(finite >= 1) & (finite <= n_weeks - 1)]).astype(int)
    g, t = (a.ravel() for a in np.meshgrid(groups, np.arange(n_weeks), indexing="ij"))
    base = np.where(t >= g, g - 1, t - 1)
    keep = (base >= 0) & (t != base)
    return Cells(g[keep], t[keep], base[keep])


def cell_matrices(panel: Panel, cells: Cells) -> tuple[np.ndarray, ...]:
    """Per unit and cell: treated and control masks, and the outcome change (0 where absent)."""
    change = panel.outcome[:, cells.week] - panel.outcome[:, cells.base]
    valid = ~np.isnan(change)
    start = panel.start[:, None]
    treated = (start == cells.group) & valid
    control = (start > cells.week) & (start != cells.group) & valid
    members = start == cells.group
    return treated, control, np.where(valid, change, 0.0), members


def cell_effects(weights: np.ndarray, matrices: tuple[np.ndarray, ...]) -> tuple[np.ndarray, ...]:
    """ATT(g, t) and group sizes for each row of unit weights (rows: point, bootstrap draws)."""
    treated, control, change, members = matrices
    with np.errstate(invalid="ignore", divide="ignore"):
        treated_mean = (weights @ (treated * change)) / (weights @ treated)
        control_mean = (weights @ (control * change)) / (weights @ control)
    return treated_mean - control_mean, weights @ members


def aggregate(att: np.ndarray, size: np.ndarray, select: np.ndarray) -> np.ndarray:
    """Group-size weighted means of cell effects, one per column of the 0/1 `select` matrix."""
    usable = ~np.isnan(att)
    weight = np.where(usable, size, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (np.where(usable, att * weight, 0.0) @ select) / (weight @ select)


def cluster_weights(cluster: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Unit weights for `draws` resamples of whole clusters (draws x units)."""
    n_clusters = int(cluster.max()) + 1
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=draws)
    return counts[:, cluster].astype(float)


def intervals(point: np.ndarray, boot: np.ndarray) -> list[Interval]:
    """Normal 95% intervals from bootstrap standard errors, one per column."""
    se = np.nanstd(boot, axis=0, ddof=1)
    return [
        Interval(float(p), float(s), float(p - Z95 * s), float(p + Z95 * s))
        for p, s in zip(point, se, strict=True)
    ]


def pre_trends_hold(pre: list[Interval]) -> bool | None:
    """No pre-period estimate differs from zero at 5% jointly (Bonferroni); None: none to check."""
    if not pre:
        return None
    z = NormalDist().inv_cdf(1 - 0.025 / len(pre))
    return all(abs(i.estimate) <= z * i.se for i in pre)


def check_design(panel: Panel, cells: Cells, att: np.ndarray) -> None:
    """Raise UnsupportedDesign when no post-start cell has both treated and control people."""
    finite = np.unique(panel.start[np.isfinite(panel.start)])
    post = (cells.week >= cells.group) & ~np.isnan(att)
    if post.any():
        return
    if finite.size <= 1 and np.isfinite(panel.start).all():
        raise UnsupportedDesign(
            "every group started in the same week and nobody is left untreated, so there is "
            "no not-yet-treated group to compare with"
        )
    if cells.group.size == 0:
        raise UnsupportedDesign("no group has a week of KPIs before its start to compare from")
    raise UnsupportedDesign("no week has both started people and not-yet-started people")


def estimate(panel: Panel, *, draws: int = 499, seed: int = 0) -> DidResult:
    """ATT(g, t) with not-yet-treated controls, aggregated simply and by weeks since start."""
    n_units, n_weeks = panel.outcome.shape
    cells = candidate_cells(panel.start, n_weeks)
    matrices = cell_matrices(panel, cells)
    att, size = cell_effects(np.ones((1, n_units)), matrices)
    check_design(panel, cells, att[0])
    usable = ~np.isnan(att[0])
    cells = Cells(cells.group[usable], cells.week[usable], cells.base[usable])
    matrices = tuple(m[:, usable] for m in matrices)
    event = cells.week - cells.group
    offsets = np.unique(event)
    select = np.column_stack([event >= 0, *(event == e for e in offsets)]).astype(float)
    point = aggregate(att[:, usable], size[:, usable], select)[0]
    boot_att, boot_size = cell_effects(cluster_weights(panel.cluster, draws, seed), matrices)
    boot = aggregate(boot_att, boot_size, select)
    overall, *by_offset = intervals(point, boot)
    study = dict(zip(offsets.tolist(), by_offset, strict=True))
    weeks = np.arange(n_weeks)[None, :]
    untreated = panel.outcome[weeks < panel.start[:, None]]
    return DidResult(
        overall=overall,
        event_study=study,
        pre_trend_ok=pre_trends_hold([i for e, i in study.items() if e < 0]),
        groups=int(np.unique(cells.group).size),
        units=n_units,
        weeks=n_weeks,
        untreated_mean=float(np.nanmean(untreated)) if untreated.size else float("nan"),
        smallest_group=int(size[0, usable].min()),
    )
