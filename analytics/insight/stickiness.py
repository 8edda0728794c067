"""Stickiness: how many people were active in exactly (or at least) n periods of a range."""

from __future__ import annotations

import polars as pl


def stickiness_counts(
    activity: pl.DataFrame, *, first: int, last: int, cumulative: bool
) -> list[int]:
    """counts[n-1] = people active in exactly n (cumulative: at least n) periods of first..last.

    `activity` has person_id, period; one list entry per possible n = 1..(last - first + 1).
    """
    periods = last - first + 1
    per_person = (
        activity.filter(pl.col("period").is_between(first, last))
        .group_by("person_id")
        .agg(pl.col("period").n_unique().cast(pl.Int64).alias("n"))
    )
    histogram = (
        pl.select(pl.int_range(1, periods + 1, dtype=pl.Int64).alias("n"))
        .join(per_person.group_by("n").agg(pl.len().alias("people")), on="n", how="left")
        .sort("n")
        .select(pl.col("people").fill_null(0).cast(pl.Int64))
    )
    if cumulative:
        histogram = histogram.select(pl.col("people").reverse().cum_sum().reverse())
    return histogram["people"].to_list()
