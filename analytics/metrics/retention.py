"""Weekly retention (SPEC 4): share of each first-active-week cohort active k weeks later."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import ACTIVE, Basis, monday_of, shared, week_of


@shared
def active_weeks(basis: Basis) -> pl.DataFrame:
    """One row per population person per week (Monday) with an active event, up to D, in no
    particular order: the one weekly frame of retention and lifecycle, with the person's first
    active week (`first_week`, the cohort) and whether the person was active the week before
    (`returning`) and the week after (`stays`).

    Each person's distinct weeks are found as a sorted list per person and compared with their
    neighbours in the list (no self-join on text ids, no sort of the whole frame)."""
    week = pl.duration(weeks=1)
    per_person = (
        basis.activity.filter(ACTIVE)
        .group_by("person_id")
        .agg(week=week_of(pl.col("day")).unique().sort())
    )
    return (
        per_person.select(
            "person_id",
            "week",
            first_week=pl.col("week").list.first(),
            before=pl.col("week").list.shift(1),
            after=pl.col("week").list.shift(-1),
        )
        .explode("week", "before", "after")
        .select(
            "person_id",
            "week",
            "first_week",
            returning=(pl.col("before") == pl.col("week") - week).fill_null(False),
            stays=(pl.col("after") == pl.col("week") + week).fill_null(False),
        )
    )


@shared
def retention_long(basis: Basis) -> pl.DataFrame:
    """One row per cohort week per week offset k up to D's week: size, active, rate."""
    weeks = active_weeks(basis).rename({"first_week": "cohort_week"})
    sizes = (  # each person once: the row of the first week
        weeks.filter(pl.col("week") == pl.col("cohort_week"))
        .group_by("cohort_week")
        .agg(size=pl.len())
    )
    last_week = monday_of(basis.day)
    grid = (
        sizes.with_columns(
            k=pl.int_ranges(0, (pl.lit(last_week) - pl.col("cohort_week")).dt.total_days() // 7 + 1)
        )
        .explode("k")
        .with_columns(pl.col("k").cast(pl.Int64))
    )
    active = (
        weeks.with_columns(k=((pl.col("week") - pl.col("cohort_week")).dt.total_days() // 7))
        .group_by("cohort_week", "k")
        .agg(active=pl.len().cast(pl.Int64))
        .with_columns(pl.col("k").cast(pl.Int64))
    )
    return (
        grid.join(active, on=["cohort_week", "k"], how="left")
        .with_columns(pl.col("active").fill_null(0), pl.col("size").cast(pl.Int64))
        .with_columns(
            rate=pl.col("active") / pl.col("size"),
            week=pl.col("cohort_week") + pl.duration(weeks=pl.col("k")),
            partial=(pl.col("cohort_week") + pl.duration(weeks=pl.col("k")) == pl.lit(last_week))
            & pl.lit(basis.day.weekday() != 6),
        )
        .sort("cohort_week", "k")
    )


def retention_cohorts(basis: Basis) -> list[dict]:
    """Document form: [{cohort_week, size, rates: [1.0, ...], partial_last}] by cohort week."""
    partial_last = basis.day.weekday() != 6  # D's week is complete only when D is a Sunday
    nested = (
        retention_long(basis)
        .group_by("cohort_week", "size", maintain_order=True)
        .agg(rates=pl.col("rate"))
        .with_columns(partial_last=pl.lit(partial_last))
    )
    return nested.to_dicts()
