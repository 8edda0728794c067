"""Active people: DAU/WAU/MAU, adoption rate, stickiness, active-days histogram, daily series."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.inputs import MetricInputs
from analytics.metrics.population import ACTIVE, Basis, as_day, day_of, days, prepare, ratio, shared


def active_counts(basis: Basis) -> dict[str, int]:
    """DAU, WAU, MAU at D: eligible people with an active event on D, in [D-6, D], in [D-27, D]."""
    eligible = basis.eligible
    return {
        "dau": int(eligible["active_today"].sum()),
        "wau": int(eligible["active_7"].sum()),
        "mau": int(eligible["active_28"].sum()),
    }


def adoption_rate(basis: Basis) -> float | None:
    """MAU(D) / eligible(D): the headline number (null with nobody eligible)."""
    eligible = basis.eligible
    return ratio(int(eligible["active_28"].sum()), eligible.height)


def stickiness(basis: Basis) -> float | None:
    """Mean DAU over [D-27, D] divided by MAU(D) (null when MAU is 0)."""
    window = basis.activity.filter(ACTIVE & (pl.col("day") >= pl.lit(basis.day - days(27))))
    mean_dau = window.height / 28  # one activity row per person per active day; all eligible
    return ratio(mean_dau, active_counts(basis)["mau"])


def active_days_histogram(basis: Basis) -> list[int]:
    """28 counts: eligible people active on exactly k of the days [D-27, D], index 0 = k of 1."""
    counts = basis.eligible.filter(pl.col("active_days_28") > 0).group_by("active_days_28").len()
    by_k = dict(zip(counts["active_days_28"].to_list(), counts["len"].to_list(), strict=True))
    return [int(by_k.get(k, 0)) for k in range(1, 29)]


def day_range(start: dt.date, end: dt.date) -> pl.DataFrame:
    """One row per calendar day from start to end inclusive (empty when end < start)."""
    if end < start:
        return pl.DataFrame(schema={"day": pl.Date})
    return pl.DataFrame({"day": pl.date_range(start, end, "1d", eager=True)})


def eligible_by_day(people: pl.DataFrame, day_frame: pl.DataFrame) -> pl.DataFrame:
    """One row per day: population people eligible on it (eligible_from on or before the day)."""
    starts = people["eligible_from"].drop_nulls().sort()
    counts = starts.search_sorted(day_frame["day"], side="right")
    return day_frame.with_columns(eligible=pl.Series(counts, dtype=pl.Int64))


WINDOWS = {"dau": 1, "wau": 7, "mau": 28}  # people active in the n days ending each day


def active_days(activity: pl.DataFrame, by: tuple[str, ...] = ()) -> pl.DataFrame:
    """One row per person per active day with the person's next active day (or null), in no
    particular order (a window over each person's days: 3x cheaper than sorting the text ids)."""
    return (
        activity.filter(ACTIVE)
        .select(*by, "person_id", "day")
        .with_columns(following=pl.col("day").shift(-1).over("person_id", order_by="day"))
    )


def window_counts(
    active: pl.DataFrame,
    first: dt.date,
    last: dt.date,
    by: tuple[str, ...] = (),
    windows: tuple[str, ...] = tuple(WINDOWS),
) -> pl.DataFrame:
    """One row per day in [first, last] (per group): people active in each window ending it
    (the windows named, of dau, wau, mau: the rollout curves need only mau).

    An active day keeps its person in an n-day window from that day to n - 1 days later; cut
    short the day before the person's next active day, these spans never overlap, so each
    count is a running sum of +1 where a span starts and -1 after it ends (no 28x explode).
    A span ends min(n, gap) days after its start (gap: days to the next active day), so the
    rows are counted once per day and gap (capped at the widest window: a few thousand rows)
    and every window's starts and ends are summed from those counts.
    """
    widest = max(WINDOWS[name] for name in windows)
    gap = (pl.col("following") - pl.col("day")).dt.total_days()
    spans = active.group_by(
        *by, "day", gap=pl.min_horizontal(gap, pl.lit(widest)).fill_null(widest)
    ).agg(n=pl.len().cast(pl.Int32))
    starts = (
        spans.group_by(*by, "day")
        .agg(pl.col("n").sum().cast(pl.Int32))
        .select(*by, "day", *(pl.col("n").alias(name) for name in windows))
    )
    stops = [
        spans.group_by(
            *by, day=pl.col("day") + pl.duration(days=pl.min_horizontal("gap", pl.lit(width)))
        )
        .agg(pl.col("n").sum().cast(pl.Int32))
        .select(
            *by,
            "day",
            **{other: -pl.col("n") if other == name else pl.lit(0, pl.Int32) for other in windows},
        )
        for name, width in WINDOWS.items()
        if name in windows
    ]
    changes = pl.concat([starts, *stops]).group_by(*by, "day").agg(pl.col(*windows).sum())
    earliest = as_day(active["day"].min())
    calendar = day_range(min(first, earliest) if earliest is not None else first, last)
    grid = active.select(*by).unique().join(calendar, how="cross") if by else calendar
    running = pl.col(*windows).fill_null(0).cum_sum()
    return (
        grid.join(changes, on=[*by, "day"], how="left")
        .sort(*by, "day")
        .with_columns(running.over(by) if by else running)
        .filter(pl.col("day") >= pl.lit(first))
    )


@shared
def basis_active_days(basis: Basis) -> pl.DataFrame:
    """`active_days` of the basis's activity, once per basis: the daily series and the wave
    curves (joined to the waves) count windows over the same next-active-day spans."""
    return active_days(basis.activity)


def active_by_day(active: pl.DataFrame, day_frame: pl.DataFrame) -> pl.DataFrame:
    """One row per day: people active that day, in the 7 and in the 28 days ending it (from
    `active_days` rows)."""
    counts = (
        window_counts(active, day_of(day_frame["day"].min()), day_of(day_frame["day"].max()))
        if day_frame.height
        else None
    )
    if counts is None or not counts.height:
        return day_frame.with_columns(pl.lit(0, pl.Int64).alias(name) for name in WINDOWS)
    return day_frame.join(counts, on="day", how="left").with_columns(
        pl.col(*WINDOWS).fill_null(0).cast(pl.Int64)
    )


@shared
def series(basis: Basis, start: dt.date, end: dt.date) -> pl.DataFrame:
    """One row per day in [start, min(end, D)]: eligible, DAU, WAU, MAU and adoption rate."""
    day_frame = day_range(start, min(end, basis.day))
    return (
        eligible_by_day(basis.people, day_frame)
        .join(active_by_day(basis_active_days(basis), day_frame), on="day", how="left")
        .with_columns(
            adoption_rate=pl.when(pl.col("eligible") > 0)
            .then(pl.col("mau") / pl.col("eligible"))
            .otherwise(None)
        )
        .sort("day")
    )


def adoption_series(
    inputs: MetricInputs, start: dt.date | None = None, end: dt.date | None = None
) -> pl.DataFrame:
    """One row per day from start (default: launch) to end (default: latest event day).

    Columns: day, eligible, dau, wau, mau, adoption_rate. Events after `end` are ignored.
    """
    return basis_series(prepare(inputs, end), start)


def basis_series(basis: Basis, start: dt.date | None = None) -> pl.DataFrame:
    """`adoption_series` from a prepared basis: one row per day from start (default: launch)
    to D (empty without events)."""
    if basis.as_of is None:
        return series(basis, basis.day, basis.day - days(1))
    first = start or basis.launch or basis.first_event_day or basis.day
    return series(basis, first, basis.day)
