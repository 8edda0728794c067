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


def training_and_trust_by_team(basis: Basis) -> pl.DataFrame:
    """One row per team with eligible people: adoption among its trained and untrained eligible
    people; acceptance of AI suggestions over the team's feedback (the population's, as the
    document's trust.by_team) with how many people gave feedback; lost trust (eligible)."""
    eligible, active = pl.col("eligible"), pl.col("active_28")
    trained = eligible & pl.col("trained")
    untrained = eligible & ~pl.col("trained")
    accepted, rejected = pl.col("accepted").sum(), pl.col("rejected").sum()

    def rate(numerator: str, denominator: str) -> pl.Expr:
        return pl.when(pl.col(denominator) > 0).then(pl.col(numerator) / pl.col(denominator))

    return (
        basis.people.with_columns(pl.col("team").fill_null("(no team)"))
        .group_by("team")
        .agg(
            eligible=eligible.sum().cast(pl.Int64),
            trained=trained.sum().cast(pl.Int64),
            trained_active=(trained & active).sum().cast(pl.Int64),
            untrained=untrained.sum().cast(pl.Int64),
            untrained_active=(untrained & active).sum().cast(pl.Int64),
            feedback_people=((pl.col("accepted") + pl.col("rejected")) > 0).sum().cast(pl.Int64),
            acceptance_rate=pl.when(accepted + rejected > 0).then(accepted / (accepted + rejected)),
            lost_trust=(eligible & pl.col("lost_trust")).sum().cast(pl.Int64),
        )
        .filter(pl.col("eligible") > 0)
        .with_columns(
            trained_rate=rate("trained_active", "trained"),
            untrained_rate=rate("untrained_active", "untrained"),
        )
        .select(
            "team",
            "eligible",
            "trained",
            "trained_rate",
            "untrained",
            "untrained_rate",
            "feedback_people",
            "acceptance_rate",
            "lost_trust",
        )
        .sort("team")
    )
