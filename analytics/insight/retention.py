"""Retention cohorts: who started in each period of the window and came back k periods later."""

from __future__ import annotations

import polars as pl

from analytics.insight.periods import Calendar


def recurring_cohorts(starts: pl.DataFrame) -> pl.DataFrame:
    """One row per person per period with a start event: a person can be in many cohorts."""
    return starts.select("person_id", pl.col("period").alias("cohort")).unique()


def first_time_cohorts(first_periods: pl.DataFrame) -> pl.DataFrame:
    """One row per person: the period of their first-ever start event (all history)."""
    return first_periods.select("person_id", pl.col("first_period").alias("cohort"))


def _offsets(cohorts: pl.DataFrame, returns: pl.DataFrame, on_or_after: bool) -> pl.DataFrame:
    """Retained members per cohort and offset k >= 1: one row per (cohort, k) with n.

    Both inputs hold distinct (person, period) rows, so joined pairs are distinct and a row
    count is a person count. `on_or_after` counts a member at every k up to their latest return
    (cumulated over k by the caller), which needs only each person's last return period.
    """
    distinct_returns = returns.lazy().select("person_id", "period").unique()
    if on_or_after:
        distinct_returns = distinct_returns.group_by("person_id").agg(pl.col("period").max())
    return (
        cohorts.lazy()
        .join(distinct_returns, on="person_id")
        .select("cohort", k=pl.col("period") - pl.col("cohort"))
        .filter(pl.col("k") >= 1)
        .group_by("cohort", "k")
        .agg(pl.len().alias("n"))
        .collect()
    )


def retention_rows(
    cohorts: pl.DataFrame,
    returns: pl.DataFrame,
    *,
    calendar: Calendar,
    first: int,
    last: int,
    on_or_after: bool,
) -> pl.DataFrame:
    """One row per window period (first..last): period_start and counts (N ints, index k).

    counts[0] is the cohort size; counts[k] is how many members returned in period c+k (`on`)
    or in any period from c+k to the window's end (`on_or_after`); cells past the window are 0.
    `cohorts` has person_id, cohort (period index); `returns` has person_id, period.
    """
    intervals = last - first + 1
    members = cohorts.filter(pl.col("cohort").is_between(first, last)).unique()
    window_returns = returns.filter(pl.col("period").is_between(first, last))
    sizes = members.group_by("cohort").agg(pl.len().alias("n")).with_columns(k=pl.lit(0, pl.Int64))
    retained = _offsets(members, window_returns, on_or_after)
    grid = (
        calendar.frame(first, last)
        .rename({"period": "cohort"})
        .join(pl.select(pl.int_range(0, intervals, dtype=pl.Int64).alias("k")), how="cross")
    )
    cells = grid.join(pl.concat([sizes, retained], how="diagonal"), on=["cohort", "k"], how="left")
    cells = cells.with_columns(pl.col("n").fill_null(0).cast(pl.Int64)).sort("cohort", "k")
    if on_or_after:
        later = pl.col("n").reverse().cum_sum().reverse().over("cohort")
        cells = cells.with_columns(n=pl.when(pl.col("k") == 0).then("n").otherwise(later))
    return cells.group_by("cohort", "period_start", maintain_order=True).agg(
        pl.col("n").alias("counts")
    )
