"""Active people: per day over a trailing window of days (DAU/WAU/MAU), or per calendar period."""

from __future__ import annotations

import polars as pl

from analytics.insight.periods import Calendar


def windowed_active(
    person_days: pl.DataFrame, *, calendar: Calendar, first: int, last: int, window: int
) -> pl.DataFrame:
    """One row per day first..last: people with an event in the `window` days ending that day.

    `person_days` has person_id, period (day index). Each active day covers itself and the next
    window - 1 days; a person's overlapping covers merge into intervals, and a running sum of
    +1 at each interval's start and -1 after its end counts covered people per day.
    """
    days = person_days.select("person_id", "period").unique().sort("person_id", "period")
    gap = pl.col("period") - pl.col("period").shift(1).over("person_id")
    intervals = (
        days.with_columns(starts=(gap.is_null() | (gap > window)).cum_sum().over("person_id"))
        .group_by("person_id", "starts")
        .agg(pl.col("period").min().alias("start"), (pl.col("period").max() + window).alias("stop"))
    )
    deltas = (
        pl.concat(
            [
                intervals.select(pl.col("start").alias("period"), delta=pl.lit(1, pl.Int64)),
                intervals.select(pl.col("stop").alias("period"), delta=pl.lit(-1, pl.Int64)),
            ]
        )
        .group_by("period")
        .agg(pl.col("delta").sum())
    )
    lookback = first - window + 1
    earlier = deltas.filter(pl.col("period") < lookback)["delta"].sum()
    return (
        calendar.frame(lookback, last)
        .join(deltas, on="period", how="left")
        .with_columns(count=pl.col("delta").fill_null(0).cum_sum() + earlier)
        .filter(pl.col("period") >= first)
        .select("period", "period_start", pl.col("count").cast(pl.Int64))
    )


def period_active(
    activity: pl.DataFrame, *, calendar: Calendar, first: int, last: int
) -> pl.DataFrame:
    """One row per period first..last: distinct people with an event in that calendar period."""
    counts = activity.group_by("period").agg(pl.col("person_id").n_unique().alias("count"))
    return (
        calendar.frame(first, last)
        .join(counts, on="period", how="left")
        .with_columns(pl.col("count").fill_null(0).cast(pl.Int64))
        .sort("period")
    )
