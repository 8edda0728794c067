"""Calendar periods (day, week, month) as consecutive integers, so "the period before" is p - 1.

A period index is a plain integer: days since 1970-01-01, weeks since the week holding that day
(weeks start Monday or Sunday), or months since January of year 0. Frames carry the index; the
period's first day is derived from it only for output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import polars as pl

Period = Literal["day", "week", "month"]
WeekStart = Literal["monday", "sunday"]

EPOCH = dt.date(1970, 1, 1)  # a Thursday
# Days to add to "days since epoch" so that floor division by 7 changes on the week's first day.
_WEEK_SHIFT = {"monday": 3, "sunday": 4}


@dataclass(frozen=True)
class Calendar:
    """How days are grouped into periods: day, week (starting Monday or Sunday) or month."""

    period: Period = "day"
    week_start: WeekStart = "monday"

    def index(self, day: dt.date) -> int:
        """The index of the period that contains `day`."""
        if self.period == "month":
            return day.year * 12 + day.month - 1
        days = (day - EPOCH).days
        if self.period == "week":
            return (days + _WEEK_SHIFT[self.week_start]) // 7
        return days

    def start(self, index: int) -> dt.date:
        """The first day of the period with this index."""
        if self.period == "month":
            return dt.date(index // 12, index % 12 + 1, 1)
        if self.period == "week":
            return EPOCH + dt.timedelta(days=7 * index - _WEEK_SHIFT[self.week_start])
        return EPOCH + dt.timedelta(days=index)

    def end(self, index: int) -> dt.date:
        """The last day of the period with this index."""
        return self.start(index + 1) - dt.timedelta(days=1)

    def index_expr(self, day: pl.Expr) -> pl.Expr:
        """Polars expression: the period index of a Date column."""
        if self.period == "month":
            return (day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1).alias(
                "period"
            )
        days = day.cast(pl.Int64)
        if self.period == "week":
            return ((days + _WEEK_SHIFT[self.week_start]) // 7).alias("period")
        return days.alias("period")

    def start_expr(self, index: pl.Expr) -> pl.Expr:
        """Polars expression: the first day (Date) of the period index in `index`."""
        if self.period == "month":
            return pl.date(index // 12, index % 12 + 1, 1)
        if self.period == "week":
            return (index * 7 - _WEEK_SHIFT[self.week_start]).cast(pl.Date)
        return index.cast(pl.Date)

    def frame(self, first: int, last: int) -> pl.DataFrame:
        """One row per period from index `first` to `last` inclusive: period, period_start."""
        return pl.select(pl.int_range(first, last + 1, dtype=pl.Int64).alias("period")).select(
            "period", self.start_expr(pl.col("period")).alias("period_start")
        )

    def shift(self, day: dt.date, periods: int) -> dt.date:
        """The day `periods` periods before (negative) or after `day`; month ends are clamped."""
        if self.period == "day":
            return day + dt.timedelta(days=periods)
        if self.period == "week":
            return day + dt.timedelta(weeks=periods)
        month = self.index(day) + periods
        last_day = self.end(month).day
        return dt.date(month // 12, month % 12 + 1, min(day.day, last_day))
