"""`adoption insight KIND`: read the options, run one explore query, print its JSON document."""

from __future__ import annotations

import datetime as dt
import json
import sys
import zoneinfo
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.db import connection, state_path_for
from analytics.insight import events
from analytics.insight.active import period_active, windowed_active
from analytics.insight.lifecycle import lifecycle_rows
from analytics.insight.periods import Calendar
from analytics.insight.query import InsightError, InsightQuery, Period
from analytics.insight.retention import first_time_cohorts, recurring_cohorts, retention_rows
from analytics.insight.stickiness import stickiness_counts
from analytics.settings import Settings, check_timezone

# PostHog's defaults: every insight is daily; retention shows 7 intervals.
DEFAULT_PERIOD: dict[str, Period] = {
    "retention": "day",
    "lifecycle": "day",
    "stickiness": "day",
    "active": "day",
}
DEFAULT_INTERVALS = 7
DEFAULT_RANGE_PERIODS = 7  # date-from defaults to date-to minus this many periods
MAX_PERIODS = 1000


def _timezone(tz: str | None, db: Path) -> str:
    """--tz, else the organisation timezone setting (the default when no app state exists)."""
    if tz is None and state_path_for(db).exists():
        # Deferred: the store imports SQLModel (about a second), which `adoption metrics` and
        # `adoption insight --tz` never need; analytics.cli imports this package's options.
        from analytics.state.store import get_settings

        tz = get_settings(db).timezone
    tz = tz or Settings().timezone
    try:
        return check_timezone(tz)
    except ValueError as error:
        raise InsightError(str(error)) from None


@contextmanager
def _read_only(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database opened read-only; a missing file reads as an empty database."""
    if not db.exists():
        print(f"adoption insight: note: no database at {db}; every count is 0", file=sys.stderr)
        con = duckdb.connect(":memory:")
        try:
            yield con
        finally:
            con.close()
        return
    with connection(db, read_only=True) as con:
        yield con


def _date_to(con: duckdb.DuckDBPyConnection, value: dt.date | None, tz: str) -> dt.date:
    """--date-to, else the latest event's local day, else today in the time zone."""
    if value is not None:
        return value
    latest = events.latest_day(con, tz=tz)
    return latest if latest is not None else dt.datetime.now(zoneinfo.ZoneInfo(tz)).date()


def _date_from(value: dt.date | None, calendar: Calendar, date_to: dt.date) -> dt.date:
    """--date-from (never after date-to), else date-to minus seven periods."""
    if value is None:
        return calendar.shift(date_to, -DEFAULT_RANGE_PERIODS)
    if value > date_to:
        raise InsightError(f"--date-from {value} is after --date-to {date_to}")
    return value


def _check_span(first: int, last: int) -> None:
    """Refuse windows too long to be a sensible explore query."""
    if last - first + 1 > MAX_PERIODS:
        raise InsightError(f"the query spans {last - first + 1} periods; at most {MAX_PERIODS}")


def _with_period(frame: pl.DataFrame, calendar: Calendar, day: str) -> pl.DataFrame:
    """Add the period index of the Date column `day`."""
    return frame.with_columns(calendar.index_expr(pl.col(day)))


def _rows(frame: pl.DataFrame, columns: list[str]) -> list[dict[str, Any]]:
    """Frame rows as JSON-ready dicts with period_start as YYYY-MM-DD, oldest first."""
    return (
        frame.sort("period_start")
        .with_columns(pl.col("period_start").dt.to_string("%Y-%m-%d"))
        .select("period_start", *columns)
        .to_dicts()
    )


def _retention_window(
    con: duckdb.DuckDBPyConnection, query: InsightQuery, calendar: Calendar, tz: str
) -> tuple[int, int]:
    """First and last period of the retention window: N periods ending with --date-to's."""
    date_to = _date_to(con, query.date_to, tz)
    date_from = query.date_from
    if date_from is not None and date_from > date_to:
        raise InsightError(f"--date-from {date_from} is after --date-to {date_to}")
    if query.intervals is not None and query.intervals < 1:
        raise InsightError(f"--intervals must be at least 1, not {query.intervals}")
    last = calendar.index(date_to)
    if query.intervals is not None:
        first = last - query.intervals + 1
    elif date_from is not None:
        first = calendar.index(date_from)
    else:
        first = last - DEFAULT_INTERVALS + 1
    _check_span(first, last)
    return first, last


def _cohorts(
    con: duckdb.DuckDBPyConnection,
    query: InsightQuery,
    calendar: Calendar,
    window: dict[str, Any],
    returns: pl.DataFrame,
) -> pl.DataFrame:
    """Cohort members (person_id, cohort): first-ever or every period with a start event."""
    start_event = query.start_event or query.event
    if query.type == "first_time":
        firsts = events.first_days(con, event=start_event, tz=window["tz"], tool=query.tool)
        first_period = calendar.index_expr(pl.col("first_day")).alias("first_period")
        return first_time_cohorts(firsts.select("person_id", first_period))
    if start_event == (query.return_event or query.event):
        return recurring_cohorts(returns)
    starts = events.person_days(con, event=start_event, **window)
    return recurring_cohorts(_with_period(starts, calendar, "day"))


def _retention(con: duckdb.DuckDBPyConnection, query: InsightQuery, tz: str) -> dict:
    """{"rows": [{"period_start", "counts"}]}: one row per period of the window."""
    calendar = Calendar(query.period or DEFAULT_PERIOD["retention"], query.week_start)
    first, last = _retention_window(con, query, calendar, tz)
    window: dict[str, Any] = {
        "tz": tz,
        "day_from": calendar.start(first),
        "day_to": calendar.end(last),
        "tool": query.tool,
    }
    return_event = query.return_event or query.event
    returns = _with_period(events.person_days(con, event=return_event, **window), calendar, "day")
    rows = retention_rows(
        _cohorts(con, query, calendar, window, returns),
        returns,
        calendar=calendar,
        first=first,
        last=last,
        on_or_after=query.criterion == "on_or_after",
    )
    return {"rows": _rows(rows, ["counts"])}


def _range(
    con: duckdb.DuckDBPyConnection, query: InsightQuery, calendar: Calendar, tz: str
) -> tuple[int, int, dt.date]:
    """The period indexes holding --date-from and --date-to (with defaults), and --date-to."""
    date_to = _date_to(con, query.date_to, tz)
    date_from = _date_from(query.date_from, calendar, date_to)
    first, last = calendar.index(date_from), calendar.index(date_to)
    _check_span(first, last)
    return first, last, date_to


def _activity(
    con: duckdb.DuckDBPyConnection,
    query: InsightQuery,
    tz: str,
    calendar: Calendar,
    first: int,
    day_to: dt.date,
) -> pl.DataFrame:
    """One row per person per active day from period `first`'s first day to `day_to`.

    The first period is always read whole. Lifecycle passes its last period's last day (whole
    periods); stickiness and active pass --date-to, so a last period that runs past --date-to
    only counts up to the end of that day (as PostHog's stickiness and trends do).
    """
    days = events.person_days(
        con,
        event=query.event,
        tz=tz,
        day_from=calendar.start(first),
        day_to=day_to,
        tool=query.tool,
    )
    return _with_period(days, calendar, "day")


def _lifecycle(con: duckdb.DuckDBPyConnection, query: InsightQuery, tz: str) -> dict:
    """{"rows": [{"period_start", "new", "returning", "resurrecting", "dormant"}]}."""
    calendar = Calendar(query.period or DEFAULT_PERIOD["lifecycle"], query.week_start)
    first, last, _ = _range(con, query, calendar, tz)
    activity = _activity(con, query, tz, calendar, first - 1, calendar.end(last))
    firsts = events.first_days(con, event=query.event, tz=tz, tool=query.tool).select(
        "person_id", calendar.index_expr(pl.col("first_day")).alias("first_period")
    )
    rows = lifecycle_rows(activity, firsts, calendar=calendar, first=first, last=last)
    return {"rows": _rows(rows, ["new", "returning", "resurrecting", "dormant"])}


def _stickiness(con: duckdb.DuckDBPyConnection, query: InsightQuery, tz: str) -> dict:
    """{"periods": P, "counts": [P ints], "rows": [{"n", "count"}]}: people active in n periods.

    `rows` repeats `counts` in the rows form of the other queries: one row per n = 1..P.
    """
    calendar = Calendar(query.period or DEFAULT_PERIOD["stickiness"], query.week_start)
    first, last, date_to = _range(con, query, calendar, tz)
    activity = _activity(con, query, tz, calendar, first, date_to)
    counts = stickiness_counts(activity, first=first, last=last, cumulative=query.cumulative)
    rows = [{"n": n, "count": count} for n, count in enumerate(counts, start=1)]
    return {"periods": last - first + 1, "counts": counts, "rows": rows}


def _active(con: duckdb.DuckDBPyConnection, query: InsightQuery, tz: str) -> dict:
    """{"rows": [{"period_start", "count"}]}: trailing-window actives per day, or per period."""
    calendar = Calendar(query.period or DEFAULT_PERIOD["active"], query.week_start)
    if query.window is not None and query.window < 1:
        raise InsightError(f"--window must be at least 1 day, not {query.window}")
    first, last, date_to = _range(con, query, calendar, tz)
    if calendar.period != "day":
        if query.window is not None:
            print(
                f"adoption insight: note: --window is ignored with --period {calendar.period} "
                "(distinct people per calendar period)",
                file=sys.stderr,
            )
        activity = _activity(con, query, tz, calendar, first, date_to)
        rows = period_active(activity, calendar=calendar, first=first, last=last)
    else:
        window = query.window or 1
        activity = _activity(con, query, tz, calendar, first - window + 1, date_to)
        rows = windowed_active(activity, calendar=calendar, first=first, last=last, window=window)
    return {"rows": _rows(rows, ["count"])}


QUERIES = {
    "retention": _retention,
    "lifecycle": _lifecycle,
    "stickiness": _stickiness,
    "active": _active,
}


def run_insight(query: InsightQuery, db: Path | str) -> dict[str, Any]:
    """Run one explore query on a database and return its JSON document."""
    db = Path(db)
    tz = _timezone(query.tz, db)
    with _read_only(db) as con:
        return QUERIES[query.kind](con, query, tz)


def insight_command(query: InsightQuery, db: Path) -> int:
    """CLI entry: print the document as JSON; bad options go to stderr with exit code 2."""
    try:
        document = run_insight(query, db)
    except InsightError as error:
        print(f"adoption insight: error: {error}", file=sys.stderr)
        return 2
    except duckdb.Error as error:
        print(f"adoption insight: error: cannot read {db}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(document))
    return 0
