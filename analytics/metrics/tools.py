"""Vendor tools (SPEC 10): adoption by tool, the licence funnel and the lower-bound marks.

Pure functions of the tool_day and licence frames (analytics.metrics.inputs) and the basis; a
mixed rollout is one population, so the funnel reads person_day (active when any tool saw them).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from analytics.metrics.inputs import TOOL_WINDOW_DAYS, MetricInputs
from analytics.metrics.population import ACTIVE, Basis, days

COARSE_GRAINS = ("period", "month", "snapshot")  # a day is known active, not every active day
LOWER_BOUND_KEYS = ("dau", "stickiness", "active_days_histogram")
GRAIN_ORDER = ("event", "day", "period", "month", "snapshot")  # finest to coarsest
MONTH_GRAINS = ("month",)  # a month's first and last active day: weekly windows not known
MONTH_LOWER_BOUND_KEYS = (
    "wau",
    "mau",
    "adoption_rate",
    "funnel.weekly_active",
    "funnel.habitual",
    "retention",
    "lifecycle",
)
HABITUAL_WEEKS = 3  # active in at least 3 of the last 4 weeks (7-day windows ending D)


def _up_to(frame: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Rows on or before D."""
    return frame.filter(pl.col("day") <= day)


def _tool_grains(tool_day: pl.DataFrame) -> pl.DataFrame:
    """The distinct (tool, grain) pairs of tool_day rows in the order of their last row (a few
    rows instead of one per day; ties of unknown grains resolve as over the rows)."""
    return tool_day.select("tool", "grain").unique(keep="last", maintain_order=True)


def _licensed_by(licences: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """Licence holders at D: one row per person per tool (held since D or earlier, or unknown)."""
    return licences.filter(pl.col("since").is_null() | (pl.col("since") <= day))


def tools_list(tool_day: pl.DataFrame, licences: pl.DataFrame, day: dt.date) -> list[dict]:
    """One row per tool: its coarsest grain loaded up to D, people active in [D-27, D] and
    licence holders (null without licence data for the tool), tools sorted by name."""
    seen = _up_to(tool_day, day)
    rank = pl.col("grain").replace_strict(GRAIN_ORDER, range(len(GRAIN_ORDER)), default=0)
    pairs = _tool_grains(seen)
    grains = pairs.group_by("tool").agg(pl.col("grain").sort_by(rank).last())
    active = (
        seen.filter(ACTIVE & (pl.col("day") >= day - days(TOOL_WINDOW_DAYS - 1)))
        .group_by("tool")
        .agg(pl.col("person_id").n_unique().alias("people_active_28d"))
    )
    held = (
        _licensed_by(licences, day)
        .group_by("tool")
        .agg(pl.col("person_id").n_unique().alias("licensed"))
    )
    tools = pl.concat([grains.select("tool"), held.select("tool")]).unique()
    return (
        tools.join(grains, on="tool", how="left")
        .join(active, on="tool", how="left")
        .join(held, on="tool", how="left")
        .select(
            "tool",
            pl.col("grain").fill_null("licence"),
            pl.col("people_active_28d").fill_null(0).cast(pl.Int64),
            pl.col("licensed").cast(pl.Int64),
        )
        .sort("tool")
        .to_dicts()
    )


def funnel_people(basis: Basis, licences: pl.DataFrame) -> pl.DataFrame:
    """One row per licence holder at D (the eligible population when no licence rows are
    loaded) with `used` (an active day up to D), `weekly` (active in [D-6, D]) and `habitual`
    (active in at least 3 of the 4 7-day windows ending D); any tool's activity counts."""
    held = _licensed_by(licences, basis.day)["person_id"].unique()
    base = held if held.len() else basis.eligible["person_id"]
    active = _up_to(basis.person_day, basis.day).filter(ACTIVE)
    week = (pl.lit(basis.day) - pl.col("day")).dt.total_days() // 7
    # the weekly flags group only the last 28 days' rows (2x cheaper than grouping every row)
    recent = active.filter(pl.col("day") >= pl.lit(basis.day - days(27)))
    per_person = recent.group_by("person_id").agg(
        (week == 0).any().alias("weekly"),
        (week.n_unique() >= HABITUAL_WEEKS).alias("habitual"),
    )
    used = active.select("person_id").unique().with_columns(used=pl.lit(True))
    flags = ("used", "weekly", "habitual")
    return (
        pl.DataFrame({"person_id": base.unique()})
        .join(used, on="person_id", how="left")
        .join(per_person, on="person_id", how="left")
        .select("person_id", *flags)
        .with_columns(pl.col(flags).fill_null(False))
    )


def funnel(people: pl.DataFrame) -> dict[str, int]:
    """licensed -> first use -> weekly active -> habitual, from `funnel_people`."""
    return {
        "licensed": people.height,
        "first_use": int(people["used"].sum()),
        "weekly_active": int(people["weekly"].sum()),
        "habitual": int(people["habitual"].sum()),
    }


def funnel_parts(people: pl.DataFrame) -> dict[str, int]:
    """The funnel (`funnel_people`) as a partition of the licence holders, each person in
    exactly one part: habitual first (a habitual person need not be active this week), then
    weekly active, then used, then never used; released as a partition to group viewers."""
    used, weekly, habitual = pl.col("used"), pl.col("weekly"), pl.col("habitual")
    return {
        "never_used": people.filter(~used).height,
        "used_not_weekly": people.filter(used & ~weekly & ~habitual).height,
        "weekly_not_habitual": people.filter(weekly & ~habitual).height,
        "habitual": people.filter(habitual).height,
    }


def coarse_tools(tool_day: pl.DataFrame, day: dt.date) -> list[str]:
    """Tools loaded up to D whose grain is coarser than a day (weekly/monthly periods,
    snapshots): the sources the lower bounds rest on."""
    coarse = _up_to(tool_day, day).filter(pl.col("grain").is_in(COARSE_GRAINS))
    return sorted(coarse["tool"].unique().to_list())


def lower_bounds(tool_day: pl.DataFrame, day: dt.date) -> list[str]:
    """Document keys that are lower bounds at D: DAU, stickiness and the active-days histogram
    need every active day, which period and snapshot sources do not give; a monthly source
    (two known days a month) also leaves the 7- and 28-day windows and weekly numbers short."""
    seen = _up_to(tool_day, day)
    coarse = seen.filter(pl.col("grain").is_in(COARSE_GRAINS)).height > 0
    monthly = seen.filter(pl.col("grain").is_in(MONTH_GRAINS)).height > 0
    return [*(LOWER_BOUND_KEYS if coarse else ()), *(MONTH_LOWER_BOUND_KEYS if monthly else ())]


def tool_keys(basis: Basis, inputs: MetricInputs | None) -> dict[str, Any]:
    """The SPEC 10 keys of the metrics document: tools, funnel, lower_bounds and their sources."""
    empty = MetricInputs()
    tool_day = (inputs or empty).tool_day
    licences = (inputs or empty).licences
    people = funnel_people(basis, licences)
    return {
        "tools": tools_list(tool_day, licences, basis.day),
        "funnel": funnel(people),
        "funnel_parts": funnel_parts(people),
        "lower_bounds": lower_bounds(tool_day, basis.day),
        "lower_bound_sources": coarse_tools(tool_day, basis.day),
    }
