"""`chatgpt-enterprise`: the user-engagement CSV, weekly or monthly (SPEC 10).

Every row is a licence row for its period (period totals kept as its properties); an active row
(`is_active = 1`) also gives its first and last active day as known active days. Days are UTC
calendar days. Other columns are kept as properties.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from analytics.ingest.vendors.common import (
    EVENT,
    LICENCE,
    csv_table,
    day_start,
    email_user,
    finish,
    properties_json,
    require_columns,
    utc_day,
)

TOOL = "chatgpt-enterprise"
REQUIRED = (
    "period_start",
    "period_end",
    "email",
    "is_active",
    "first_day_active_in_period",
    "last_day_active_in_period",
)
FIRST, LAST = "first_day_active_in_period", "last_day_active_in_period"
INVITED = "created_or_invited_date"  # in the export beside the documented columns: held since
ACTIVE_WORDS = ("1", "true", "yes")
ACTIVE_EVENT = "chatgpt_active_day"
WEEK_DAYS = 7  # a period longer than a week is a monthly file (grain `month`, not `period`)


def _licence_rows(base: pl.DataFrame, kept: list[str]) -> pl.DataFrame:
    """One licence row per file row, keyed by person and period; held since the user was
    created or invited when the export carries `created_or_invited_date`."""
    return base.select(
        "line_no",
        "raw",
        "structural",
        "user_id",
        pl.lit(None, pl.Datetime("us")).alias("ts"),
        pl.lit(None, pl.Date).alias("vendor_day"),
        pl.lit("licence").alias("event"),
        pl.concat_str([pl.lit("licence"), "user_id", "period_start"], separator="|").alias(
            "event_id"
        ),
        pl.lit(None, pl.String).alias("feature"),
        properties_json(kept).alias("properties"),
        pl.lit(True).alias("passive"),
        pl.lit(LICENCE).alias("kind"),
        (utc_day(pl.col(INVITED)) if INVITED in base.columns else pl.lit(None, pl.Date)).alias(
            "since"
        ),
    )


def _day_rows(base: pl.DataFrame, column: str) -> pl.DataFrame:
    """One active-day event per active row from one of its first/last active day columns."""
    day = utc_day(pl.col(column))
    return base.select(
        "line_no",
        "raw",
        pl.lit(None, pl.String).alias("structural"),
        "user_id",
        day_start(day).alias("ts"),
        day.alias("vendor_day"),
        pl.lit(ACTIVE_EVENT).alias("event"),
        pl.concat_str([pl.lit("day"), "user_id", day.cast(pl.String)], separator="|").alias(
            "event_id"
        ),
        pl.lit(None, pl.String).alias("feature"),
        pl.lit(None, pl.String).alias("properties"),
        pl.lit(False).alias("passive"),
        pl.lit(EVENT).alias("kind"),
        pl.lit(None, pl.Date).alias("since"),
    )


def read_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """The engagement CSV as the vendor frame: licence rows, then first/last active days."""
    table, _ = csv_table(text)
    require_columns(table.columns, REQUIRED, "ChatGPT Enterprise user-engagement")
    kept = [n for n in table.columns[3:] if n not in ("email", FIRST, LAST)]
    base = table.with_columns(email_user(pl.col("email")).alias("user_id"))
    readable = pl.col("structural").is_null()
    active = readable & pl.col("is_active").str.to_lowercase().is_in(ACTIVE_WORDS)
    last_differs = pl.col(LAST).fill_null("") != pl.col(FIRST).fill_null("")
    frame = pl.concat(
        [
            _licence_rows(base, kept),
            _day_rows(base.filter(active), FIRST),
            _day_rows(base.filter(active & last_differs), LAST),
        ]
    ).sort("line_no", maintain_order=True)
    return finish(frame, tool=TOOL, grain=file_grain(base), now=now)


def file_grain(base: pl.DataFrame) -> str:
    """`month` when any period of the file is longer than a week (a monthly export), else
    `period` (weekly): a monthly file cannot give the weekly or 28-day numbers exactly."""
    span = (utc_day(pl.col("period_end")) - utc_day(pl.col("period_start"))).dt.total_days() + 1
    longest = base.select(span.max()).item()
    return "month" if longest is not None and longest > WEEK_DAYS else "period"
