"""Adoption per team or role (SPEC 4 adoption rate within each group): the meeting leaderboard."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import Basis

GROUPS = ("team", "role", "region")  # roster columns people can be grouped by


def group_aggregates() -> list[pl.Expr]:
    """eligible, active (MAU at D), ever_used, never_started of a group of people."""
    eligible = pl.col("eligible")
    return [
        eligible.sum().cast(pl.Int64).alias("eligible"),
        (eligible & pl.col("active_28")).sum().cast(pl.Int64).alias("active"),
        (eligible & pl.col("ever_used")).sum().cast(pl.Int64).alias("ever_used"),
        (eligible & ~pl.col("ever_used")).sum().cast(pl.Int64).alias("never_started"),
    ]


def adoption_by_group(basis: Basis, group: str) -> pl.DataFrame:
    """One row per group of the population: eligible, active, adoption_rate, ever_used, ...

    Every group is listed, even one with no eligible member yet (its rate is null); people
    without a value form a group named null; without a roster there are no groups (empty).
    """
    if group not in GROUPS:
        raise ValueError(f"adoption can be grouped by {', '.join(GROUPS)}, not {group!r}")
    schema = {
        group: pl.String,
        "eligible": pl.Int64,
        "active": pl.Int64,
        "adoption_rate": pl.Float64,
        "ever_used": pl.Int64,
        "never_started": pl.Int64,
    }
    if not basis.has_roster:
        return pl.DataFrame(schema=schema)
    rate = pl.when(pl.col("eligible") > 0).then(pl.col("active") / pl.col("eligible"))
    return (
        basis.people.group_by(group)
        .agg(group_aggregates())
        .with_columns(adoption_rate=rate.otherwise(None))
        .select(list(schema))
        .sort(group, nulls_last=True)
    )


def adoption_by_team(basis: Basis) -> list[dict]:
    """Document form: one entry per team of the population with its adoption at D."""
    return adoption_by_group(basis, "team").to_dicts()
