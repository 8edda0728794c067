"""Trust (SPEC 4): acceptance of AI suggestions overall, per team, person and week; lost trust."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import Basis, acceptance_rate_expr, week_of

FEEDBACK = ["accepted", "rejected"]


def feedback_sums() -> list[pl.Expr]:
    """Summed accepted and rejected feedback events of a group."""
    return [pl.col(name).sum().cast(pl.Int64) for name in FEEDBACK]


def acceptance_overall(basis: Basis) -> float | None:
    """accepted / (accepted + rejected) over the population's feedback up to D."""
    return basis.activity.select(feedback_sums()).select(acceptance_rate_expr()).item()


def trust_by_team(basis: Basis) -> pl.DataFrame:
    """One row per team of the population: accepted, rejected, acceptance_rate."""
    if not basis.has_roster:
        return pl.DataFrame(
            schema={
                "team": pl.String,
                "accepted": pl.Int64,
                "rejected": pl.Int64,
                "acceptance_rate": pl.Float64,
            }
        )
    return (
        basis.people.group_by("team")
        .agg(feedback_sums())
        .with_columns(acceptance_rate=acceptance_rate_expr())
        .sort("team", nulls_last=True)
    )


def trust_by_person(basis: Basis) -> pl.DataFrame:
    """One row per population person with feedback: accepted, rejected, rate, lost_trust."""
    return basis.people.filter((pl.col("accepted") + pl.col("rejected")) > 0).select(
        "person_id", "team", "accepted", "rejected", "acceptance_rate", "lost_trust"
    )


def trust_by_week(basis: Basis) -> pl.DataFrame:
    """One row per week (Monday) with feedback: accepted, rejected, acceptance_rate."""
    return (
        basis.activity.filter((pl.col("accepted") + pl.col("rejected")) > 0)
        .group_by(week=week_of(pl.col("day")))
        .agg(feedback_sums())
        .with_columns(acceptance_rate=acceptance_rate_expr())
        .sort("week")
    )


def lost_trust_count(basis: Basis) -> int:
    """Eligible people whose last 3 feedback events were rejections and who are dormant at D."""
    return int(basis.eligible["lost_trust"].sum())


def trust_summary(basis: Basis) -> dict:
    """{acceptance_rate, lost_trust, by_team, by_week, by_person} for the metrics document."""
    return {
        "acceptance_rate": acceptance_overall(basis),
        "lost_trust": lost_trust_count(basis),
        "by_team": trust_by_team(basis).to_dicts(),
        "by_week": trust_by_week(basis).to_dicts(),
        "by_person": trust_by_person(basis).drop("team").to_dicts(),
    }


def acceptance_weeks(basis: Basis) -> pl.DataFrame:
    """One row per week (Monday) with feedback: people who gave feedback, accepted, rejected,
    acceptance_rate (the rates of trust_by_week, with the people they rest on)."""
    return (
        basis.activity.filter((pl.col("accepted") + pl.col("rejected")) > 0)
        .group_by(week=week_of(pl.col("day")))
        .agg(pl.col("person_id").n_unique().cast(pl.Int64).alias("people"), *feedback_sums())
        .with_columns(acceptance_rate=acceptance_rate_expr())
        .sort("week")
    )
