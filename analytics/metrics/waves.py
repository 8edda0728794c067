"""Rollout waves (SPEC 4): size, eligibility, use and the 2- and 4-week adoption gate per wave."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import ACTIVE, EPSILON, Basis


def members_active_between(basis: Basis, spans: dict[str, tuple[int, int]]) -> pl.DataFrame:
    """One row per wave with members active in any span: per named span (first, last), members
    with an active event in [start+first, start+last] (days); one join of activity and waves
    for all, the rows outside every span dropped before the per-wave counts."""
    lowest = min(first for first, _ in spans.values())
    highest = max(last for _, last in spans.values())
    offset = pl.col("offset")
    return (
        basis.activity.filter(ACTIVE)
        .select("person_id", "day")
        .join(basis.people.select("person_id", "wave", "wave_start"), on="person_id")
        .select("person_id", "wave", offset=(pl.col("day") - pl.col("wave_start")).dt.total_days())
        .filter(offset.is_between(lowest, highest))
        .group_by("wave")
        .agg(
            pl.col("person_id")
            .filter(offset.is_between(first, last))
            .n_unique()
            .cast(pl.Int64)
            .alias(name)
            for name, (first, last) in spans.items()
        )
    )


def member_counts(basis: Basis) -> pl.DataFrame:
    """One row per wave with members: size, eligible, ever used, active (MAU at D), median."""
    first_use = (pl.col("first_active") - pl.col("wave_start")).dt.total_days()
    return basis.people.group_by("wave").agg(
        size=pl.len().cast(pl.Int64),
        eligible=pl.col("eligible").sum().cast(pl.Int64),
        ever_used=(pl.col("eligible") & pl.col("ever_used")).sum().cast(pl.Int64),
        active=(pl.col("eligible") & pl.col("active_28")).sum().cast(pl.Int64),
        median_days_to_first_use=first_use.filter(pl.col("ever_used")).median(),
    )


def rate_after(basis: Basis, last_offset: int, name: str) -> pl.Expr:
    """Members active in the 28 days ending start+last_offset over members; null after D."""
    known = pl.col("start") + pl.duration(days=last_offset) <= pl.lit(basis.day)
    return (
        pl.when(known & (pl.col("size") > 0))
        .then(pl.col(name).fill_null(0) / pl.col("size"))
        .otherwise(None)
        .alias(name)
    )


def waves_table(basis: Basis) -> pl.DataFrame:
    """One row per planned wave with every SPEC 4 wave metric (empty without a plan)."""
    gate = basis.settings.wave_gate_rate
    # a wave without members active in a span counts 0 there (rate_after fills the nulls)
    rates = members_active_between(basis, {"rate_2w": (-14, 13), "rate_4w": (0, 27)})
    counts = ["size", "eligible", "ever_used", "active"]
    return (
        basis.plan.join(member_counts(basis), on="wave", how="left")
        .join(rates, on="wave", how="left")
        .with_columns(pl.col(counts).fill_null(0))
        .with_columns(
            adoption_rate=pl.when(pl.col("eligible") > 0)
            .then(pl.col("active") / pl.col("eligible"))
            .otherwise(None),
            never_started=pl.col("eligible") - pl.col("ever_used"),
        )
        .with_columns(rate_after(basis, 13, "rate_2w"), rate_after(basis, 27, "rate_4w"))
        .with_columns(ready_for_next=pl.col("rate_4w") >= gate - EPSILON)
        .select(
            "wave",
            "name",
            "start",
            "planned_size",
            "size",
            "eligible",
            "ever_used",
            "active",
            "adoption_rate",
            "rate_2w",
            "rate_4w",
            "median_days_to_first_use",
            "never_started",
            "ready_for_next",
        )
        .sort("wave")
    )


def waves_list(basis: Basis) -> list[dict]:
    """Document form of the waves table, one dict per wave."""
    return waves_table(basis).to_dicts()
