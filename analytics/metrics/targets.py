"""Target tracking (SPEC 4): the target path, on-track flag and the least-squares forecast."""

from __future__ import annotations

import datetime as dt
import math

import polars as pl

from analytics.metrics.active import adoption_rate, series
from analytics.metrics.population import EPSILON, Basis, days


def target_rate(basis: Basis) -> float:
    """The adoption target (setting target_rate)."""
    return basis.settings.target_rate


def path_rate(rate: float, launch: dt.date, target: dt.date, day: dt.date) -> float:
    """target rate x clamp((day - L) / (T - L), 0, 1); a path with T <= L jumps at T."""
    span = (target - launch).days
    if span <= 0:
        return rate if day >= target else 0.0
    return rate * min(1.0, max(0.0, (day - launch).days / span))


def path_expr(rate: float, launch: dt.date, target: dt.date, day: pl.Expr) -> pl.Expr:
    """path_rate as a polars expression over a column of days (same arithmetic)."""
    span = (target - launch).days
    if span <= 0:
        return pl.when(day >= pl.lit(target)).then(pl.lit(rate)).otherwise(pl.lit(0.0))
    return rate * ((day - pl.lit(launch)).dt.total_days() / span).clip(0.0, 1.0)


def least_squares_at(points: pl.DataFrame, x_at: float) -> float | None:
    """The least-squares line through (x, y) evaluated at x_at (null with < 2 distinct x)."""
    if points.height < 2:
        return None
    stats = points.select(
        x_mean=pl.col("x").mean(),
        y_mean=pl.col("y").mean(),
        sxy=((pl.col("x") - pl.col("x").mean()) * (pl.col("y") - pl.col("y").mean())).sum(),
        sxx=((pl.col("x") - pl.col("x").mean()) ** 2).sum(),
    ).to_dicts()[0]
    if not stats["sxx"]:
        return None
    slope = stats["sxy"] / stats["sxx"]
    return stats["y_mean"] + slope * (x_at - stats["x_mean"])


def forecast_rate(basis: Basis) -> float | None:
    """Adoption rate forecast at T: least squares over [D-27, D], clipped to [0, 1]."""
    if basis.target_date is None or basis.as_of is None:
        return None
    if basis.day >= basis.target_date:
        return adoption_rate(basis)
    points = (
        series(basis, basis.day - days(27), basis.day)
        .filter(pl.col("adoption_rate").is_not_null())
        .select(x=(pl.col("day") - pl.lit(basis.day)).dt.total_days(), y="adoption_rate")
    )
    value = least_squares_at(points, (basis.target_date - basis.day).days)
    return None if value is None else min(1.0, max(0.0, value))


def target_summary(basis: Basis) -> dict:
    """{rate, date, path_rate, on_track, forecast_rate, status, needed, needed_per_week,
    launch}: adoption against the target path and the forecast (SPEC 4, target tracking)."""
    rate = target_rate(basis)
    path = None
    if basis.launch is not None and basis.target_date is not None and basis.as_of is not None:
        path = path_rate(rate, basis.launch, basis.target_date, basis.day)
    current = adoption_rate(basis)
    on_track = None if current is None or path is None else current >= path - EPSILON
    forecast = forecast_rate(basis)
    needed = people_needed(rate, basis)
    weeks_left = whole_weeks_left(basis)
    return {
        "rate": rate,
        "date": basis.target_date,
        "path_rate": path,
        "on_track": on_track,
        "forecast_rate": forecast,
        "status": status(on_track, forecast, rate),
        "needed": needed,
        "needed_per_week": needed / weeks_left if needed is not None and weeks_left else None,
        "launch": basis.launch,
    }


def status(on_path: bool | None, forecast: float | None, rate: float) -> str | None:
    """`on_track` when on the path and the forecast reaches the target, `at_risk` when exactly
    one holds, `behind` when neither; None while either is unknown."""
    if on_path is None or forecast is None:
        return None
    holds = int(on_path) + int(forecast >= rate - EPSILON)
    return ("behind", "at_risk", "on_track")[holds]


def people_needed(rate: float, basis: Basis) -> int | None:
    """ceil(target rate x eligible(D)) - MAU(D): more active people the target needs at D."""
    if basis.as_of is None:
        return None
    eligible = basis.eligible
    active = int(eligible["active_28"].sum())
    return math.ceil(rate * eligible.height - EPSILON) - active


def whole_weeks_left(basis: Basis) -> int:
    """Whole weeks from D to the target date T (0 at or after T, or without T)."""
    if basis.target_date is None:
        return 0
    return max(0, (basis.target_date - basis.day).days // 7)


def whole_people(per_week: float) -> int:
    """`needed_per_week` as people say it: a whole number, rounded up (2.5 a week is 3)."""
    return math.ceil(per_week)
