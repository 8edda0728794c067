"""Rollout curves per wave (adoption by day since start, time to first use) and the glide path."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from analytics.metrics.active import (
    active_counts,
    basis_active_days,
    day_range,
    eligible_by_day,
    series,
    window_counts,
)
from analytics.metrics.population import EPSILON, Basis, day_of, days, shared
from analytics.metrics.targets import path_expr, target_rate


def wave_members(basis: Basis) -> pl.DataFrame:
    """One row per population person in a planned wave: person_id, wave, wave_start."""
    return basis.people.filter(pl.col("wave").is_not_null()).select(
        "person_id", "wave", "wave_start", "first_active"
    )


def curve_grid(basis: Basis) -> pl.DataFrame:
    """One row per started wave per day t since its start up to D: wave, t, day, size."""
    sizes = wave_members(basis).group_by("wave").agg(size=pl.len().cast(pl.Int64))
    return (
        basis.plan.filter(pl.col("start") <= pl.lit(basis.day))
        .join(sizes, on="wave", how="left")
        .with_columns(pl.col("size").fill_null(0))
        .with_columns(t=pl.int_ranges(0, (pl.lit(basis.day) - pl.col("start")).dt.total_days() + 1))
        .explode("t")
        .with_columns(
            pl.col("t").cast(pl.Int64), day=pl.col("start") + pl.duration(days=pl.col("t"))
        )
        .select("wave", "name", "start", "t", "day", "size")
    )


@shared
def curves_table(basis: Basis) -> pl.DataFrame:
    """One row per wave per day since its start: members active in the 28 days ending it, rate."""
    grid = curve_grid(basis)
    # the next active day is per person, so joining the waves after `active_days` is the same
    members = basis_active_days(basis).join(
        wave_members(basis).select("person_id", "wave"), on="person_id"
    )
    spread = (
        window_counts(
            members,
            day_of(grid["day"].min()),
            basis.day,
            ("wave",),
            ("mau",),
        ).select("wave", "day", active=pl.col("mau").cast(pl.Int64))
        if grid.height
        else pl.DataFrame(schema={"wave": pl.Int64, "day": pl.Date, "active": pl.Int64})
    )
    return (
        grid.join(spread, on=["wave", "day"], how="left")
        .with_columns(pl.col("active").fill_null(0))
        .with_columns(
            rate=pl.when(pl.col("size") > 0).then(pl.col("active") / pl.col("size")).otherwise(None)
        )
        .sort("wave", "t")
    )


def first_use_table(basis: Basis) -> pl.DataFrame:
    """One row per wave per days-from-start-to-first-active-event value: how many people."""
    return (
        wave_members(basis)
        .filter(pl.col("first_active").is_not_null())
        .group_by("wave", days=(pl.col("first_active") - pl.col("wave_start")).dt.total_days())
        .agg(people=pl.len().cast(pl.Int64))
        .sort("wave", "days")
    )


def curves_list(basis: Basis) -> list[dict]:
    """Document form: [{wave, name, start, size, rates: [...], first_use_days: [...]}]."""
    rates = curves_table(basis).group_by("wave", maintain_order=True).agg(rates=pl.col("rate"))
    first_use = (
        first_use_table(basis)
        .group_by("wave", maintain_order=True)
        .agg(first_use_days=pl.struct("days", "people"))
    )
    sizes = wave_members(basis).group_by("wave").agg(size=pl.len().cast(pl.Int64))
    return (
        basis.plan.filter(pl.col("start") <= pl.lit(basis.day))
        .select("wave", "name", "start")
        .join(sizes, on="wave", how="left")
        .join(rates, on="wave", how="left")
        .join(first_use, on="wave", how="left")
        .with_columns(
            pl.col("size").fill_null(0),
            pl.col("first_use_days").fill_null([]),
            pl.col("rates").fill_null([]),
        )
        .sort("wave")
        .to_dicts()
    )


def mondays(first: dt.date, last: dt.date) -> pl.DataFrame:
    """One row per Monday in [first, last]."""
    start = first + days((7 - first.weekday()) % 7)
    return day_range(start, last).filter(pl.col("day").dt.weekday() == 1)


def active_needed(rate: float | None, eligible: int) -> int | None:
    """People who must be active for `rate` of `eligible` (rounded up)."""
    return None if rate is None else math.ceil(rate * eligible - EPSILON)


def milestones(basis: Basis) -> pl.DataFrame:
    """One row per Monday from L to T: path rate, planned eligible, active needed, actual rate."""
    if basis.launch is None or basis.target_date is None:
        return pl.DataFrame(
            schema={
                "week": pl.Date,
                "path_rate": pl.Float64,
                "eligible": pl.Int64,
                "active_needed": pl.Int64,
                "adoption_rate": pl.Float64,
            }
        )
    rate, launch, target = target_rate(basis), basis.launch, basis.target_date
    weeks = eligible_by_day(basis.people, mondays(launch, target))
    path = path_expr(rate, launch, target, pl.col("day"))
    actual = series(basis, launch, basis.day).select("day", "adoption_rate")
    return (
        weeks.with_columns(path_rate=path)
        .with_columns(
            active_needed=(pl.col("path_rate") * pl.col("eligible") - EPSILON).ceil().cast(pl.Int64)
        )
        .join(actual, on="day", how="left")
        .rename({"day": "week"})
        .select("week", "path_rate", "eligible", "active_needed", "adoption_rate")
    )


def glide_path(basis: Basis) -> dict:
    """Weekly milestones to the target and the additional active people needed per week."""
    if basis.launch is None or basis.target_date is None:
        eligible_at_target = 0
    else:
        at_target = day_range(basis.target_date, basis.target_date)
        eligible_at_target = int(eligible_by_day(basis.people, at_target)["eligible"][0])
    rate = target_rate(basis)
    needed = active_needed(rate, eligible_at_target) or 0
    active_now = active_counts(basis)["mau"]
    additional = max(0, needed - active_now)
    remaining_days = (basis.target_date - basis.day).days if basis.target_date else 0
    remaining_weeks = max(0, math.ceil(remaining_days / 7))
    return {
        "launch": basis.launch,
        "target_date": basis.target_date,
        "target_rate": rate,
        "eligible_at_target": eligible_at_target,
        "active_needed_at_target": needed,
        "active_now": active_now,
        "additional_active_needed": additional,
        "remaining_weeks": remaining_weeks,
        "additional_active_per_week": math.ceil(additional / remaining_weeks)
        if remaining_weeks
        else None,
        "milestones": milestones(basis).to_dicts(),
    }
