"""Lifecycle: per period, how many people were new, returning, resurrecting or went dormant."""

from __future__ import annotations

import polars as pl

from analytics.insight.periods import Calendar

STATUSES = ("new", "returning", "resurrecting", "dormant")


def _statuses(activity: pl.DataFrame, first_periods: pl.DataFrame) -> pl.DataFrame:
    """One row per person per period with a status (active periods, and dormant after them)."""
    active = activity.select("person_id", "period").unique()
    previous = active.with_columns(pl.col("period") + 1).with_columns(was_active=pl.lit(True))
    current = (
        active.join(previous, on=["person_id", "period"], how="left")
        .join(first_periods, on="person_id", how="left")
        .select(
            "person_id",
            "period",
            status=pl.when(pl.col("period") == pl.col("first_period"))
            .then(pl.lit("new"))
            .when(pl.col("was_active"))
            .then(pl.lit("returning"))
            .otherwise(pl.lit("resurrecting")),
        )
    )
    dormant = previous.join(active, on=["person_id", "period"], how="anti").select(
        "person_id", "period", status=pl.lit("dormant")
    )
    return pl.concat([current, dormant])


def lifecycle_rows(
    activity: pl.DataFrame,
    first_periods: pl.DataFrame,
    *,
    calendar: Calendar,
    first: int,
    last: int,
) -> pl.DataFrame:
    """One row per period first..last: period_start, new, returning, resurrecting, dormant (<= 0).

    `activity` (person_id, period) must cover period first - 1 too, so that the first row's
    returning and dormant counts see the period before; `first_periods` (person_id,
    first_period) is each person's first-ever active period over all history.
    """
    counts = (
        _statuses(activity, first_periods)
        .filter(pl.col("period").is_between(first, last))
        .group_by("period")
        .agg(
            pl.col("person_id").filter(pl.col("status") == s).n_unique().alias(s) for s in STATUSES
        )
    )
    return (
        calendar.frame(first, last)
        .join(counts, on="period", how="left")
        .with_columns(pl.col(STATUSES).fill_null(0).cast(pl.Int64))
        .with_columns(-pl.col("dormant"))
        .sort("period")
    )
