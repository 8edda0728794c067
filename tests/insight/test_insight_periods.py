"""Period indexes: weeks start Monday or Sunday, months are calendar months."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analytics.insight.periods import Calendar


def test_sunday_belongs_to_the_monday_week_or_starts_its_own_week() -> None:
    sunday = dt.date(2024, 1, 7)
    monday_weeks = Calendar("week", "monday")
    sunday_weeks = Calendar("week", "sunday")
    # Monday weeks: Mon 2024-01-01 .. Sun 2024-01-07; Sunday weeks: Sun 2024-01-07 .. Sat 01-13.
    assert monday_weeks.start(monday_weeks.index(sunday)) == dt.date(2024, 1, 1)
    assert sunday_weeks.start(sunday_weeks.index(sunday)) == dt.date(2024, 1, 7)
    # The Saturday before is in the previous Sunday week (starting 2023-12-31).
    assert sunday_weeks.start(sunday_weeks.index(dt.date(2024, 1, 6))) == dt.date(2023, 12, 31)


def test_months_are_calendar_months_and_consecutive() -> None:
    months = Calendar("month")
    assert months.start(months.index(dt.date(2024, 2, 29))) == dt.date(2024, 2, 1)
    assert months.end(months.index(dt.date(2024, 2, 10))) == dt.date(2024, 2, 29)
    # December 2023 and January 2024 are consecutive periods.
    assert months.index(dt.date(2024, 1, 1)) - months.index(dt.date(2023, 12, 31)) == 1


def test_shift_by_months_clamps_to_the_month_end() -> None:
    # 2024-03-31 minus one month: February 2024 has 29 days.
    assert Calendar("month").shift(dt.date(2024, 3, 31), -1) == dt.date(2024, 2, 29)
    assert Calendar("week").shift(dt.date(2024, 3, 31), -7) == dt.date(2024, 2, 11)
    assert Calendar("day").shift(dt.date(2024, 3, 1), -7) == dt.date(2024, 2, 23)


@pytest.mark.parametrize(
    "calendar", [Calendar("day"), Calendar("week"), Calendar("week", "sunday"), Calendar("month")]
)
def test_polars_expressions_agree_with_python(calendar: Calendar) -> None:
    days = [dt.date(2023, 12, 1) + dt.timedelta(days=n) for n in range(120)]
    frame = pl.DataFrame({"day": days}).with_columns(calendar.index_expr(pl.col("day")))
    assert frame["period"].to_list() == [calendar.index(d) for d in days]
    starts = calendar.frame(frame["period"].min(), frame["period"].max())
    assert starts["period_start"].to_list() == [calendar.start(p) for p in starts["period"]]
