"""Weekly lifecycle (SPEC 4): new, returning, resurrecting and dormant people per week."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.population import Basis, day_of, monday_of, shared
from analytics.metrics.retention import active_weeks


def week_range(first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per Monday from first to last inclusive."""
    return pl.DataFrame({"week": pl.date_range(first, last, "1w", eager=True)})


@shared
def lifecycle_long(basis: Basis) -> pl.DataFrame:
    """One row per week from the first active week to D's week: new, returning, resurrecting,
    dormant (a positive count of people active the week before and not this week)."""
    weeks = active_weeks(basis)
    if not weeks.height:
        return pl.DataFrame(
            schema={
                "week": pl.Date,
                "new": pl.Int64,
                "returning": pl.Int64,
                "resurrecting": pl.Int64,
                "dormant": pl.Int64,
                "active": pl.Int64,
            }
        )
    status = (
        weeks.select(
            "week",
            new=pl.col("week") == pl.col("first_week"),
            returning=pl.col("returning"),
        )
        .group_by("week")
        .agg(
            new=pl.col("new").sum(),
            returning=pl.col("returning").sum(),
            resurrecting=(~pl.col("new") & ~pl.col("returning")).sum(),
            active=pl.len(),
        )
    )
    dormant = (  # active in a week and not the next: dormant in the next
        weeks.filter(~pl.col("stays"))
        .group_by(week=pl.col("week") + pl.duration(weeks=1))
        .agg(dormant=pl.len())
    )
    return (
        week_range(day_of(weeks["week"].min()), monday_of(basis.day))
        .join(status, on="week", how="left")
        .join(dormant, on="week", how="left")
        .select(
            "week",
            pl.col("new", "returning", "resurrecting", "dormant", "active")
            .fill_null(0)
            .cast(pl.Int64),
        )
        .sort("week")
    )


def lifecycle_weeks(basis: Basis) -> list[dict]:
    """Document form: [{week, new, returning, resurrecting, dormant}] by week."""
    return lifecycle_long(basis).drop("active").to_dicts()
