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
    """One row per cohort member per offset k >= 1 that counts them as retained."""
    returned = (
        cohorts.join(returns.select("person_id", "period").unique(), on="person_id")
        .with_columns(k=pl.col("period") - pl.col("cohort"))
        .filter(pl.col("k") >= 1)
    )
    if not on_or_after:
        return returned.select("cohort", "person_id", "k").unique()
    # On or after: a return in period c+j also counts for every k <= j, so keep each member's
    # latest offset and count them at every k up to it (done by a reverse cumulative sum below).
    return returned.group_by("cohort", "person_id").agg(pl.col("k").max())


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
    in_window = cohorts.filter(pl.col("cohort").is_between(first, last))
    window_returns = returns.filter(pl.col("period").is_between(first, last))
    sizes = (
        in_window.group_by("cohort")
        .agg(pl.col("person_id").n_unique().alias("n"))
        .with_columns(k=pl.lit(0, pl.Int64))
    )
    retained = (
        _offsets(in_window, window_returns, on_or_after)
        .group_by("cohort", "k")
        .agg(pl.col("person_id").n_unique().alias("n"))
    )
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
