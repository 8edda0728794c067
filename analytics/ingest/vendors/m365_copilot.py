"""`m365-copilot`: the Microsoft 365 Copilot usage user-detail CSV, Graph or admin-centre header
(SPEC 10).

A file is a snapshot: each (person, app, last-activity date) is one active day, the same triple
in a later snapshot a duplicate. Every listed person holds a licence (one licence row per person
per snapshot, the period totals as its properties). Concealed names refuse the file.
"""

from __future__ import annotations

import re
from datetime import datetime

import polars as pl

from analytics.ingest.sniff import FileRefused
from analytics.ingest.vendors.common import (
    EVENT,
    LICENCE,
    csv_table,
    day_start,
    email_user,
    finish,
    properties_json,
    utc_day,
)

TOOL = "m365-copilot"
USER_COLUMNS = ("user_principal_name", "user_name")  # Graph, admin centre
REFRESH = "report_refresh_date"
ALL_APPS = "all apps"
ACTIVE_EVENT = "m365_copilot_active_day"
CONCEALED = r"^[0-9a-fA-F]{32}$"
CONCEALED_MESSAGE = (
    "user names are concealed (32 hex digits instead of user principal names); this app does "
    "not try to match them. In the Microsoft 365 admin center, go to Settings > Org settings > "
    "Reports and clear 'Display concealed user, group, and site names in all reports', then "
    "download the report again"
)


def app_name(header: str) -> str:
    """The app a last-activity column is about ('Word Copilot Last Activity Date' -> 'Word',
    'Microsoft Teams Copilot Last Activity Date' and 'Last activity date of Teams Copilot (UTC)'
    -> 'Teams', the overall one -> 'all apps'; the same name in both headers)."""
    text = re.sub(r"\(.*?\)", "", header)
    text = re.sub(r"(?i)last activity date( of)?|copilot|microsoft", "", text)
    text = " ".join(text.split())
    return text or ALL_APPS


def _user_column(names: list[str]) -> str:
    """The user column of either header, or a refusal naming both."""
    for name in USER_COLUMNS:
        if name in names:
            return name
    raise FileRefused(
        None,
        "not a Microsoft 365 Copilot user-detail file: no 'User Principal Name' (Graph) or "
        f"'User name' (admin center) column (columns found: {', '.join(names[:30])})",
    )


def read_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """The user-detail CSV as the vendor frame: licence rows, then one event per app date."""
    table, written = csv_table(text)
    names = table.columns[3:]
    user = _user_column(names)
    dates = {n: app_name(w) for n, w in zip(names, written, strict=True) if "last_activity" in n}
    if not dates:
        raise FileRefused(
            None,
            "not a Microsoft 365 Copilot user-detail file: no 'Last Activity Date' column "
            f"(columns found: {', '.join(names[:30])})",
        )
    if table[user].str.contains(CONCEALED).any():
        raise FileRefused(None, CONCEALED_MESSAGE)
    refresh = pl.col(REFRESH) if REFRESH in names else pl.lit("")
    base = table.with_columns(
        email_user(pl.col(user)).alias("user_id"), refresh.fill_null("").alias("_refresh")
    )
    kept = [n for n in names if n != user and n not in dates]
    licences = base.select(
        "line_no",
        "raw",
        "structural",
        "user_id",
        pl.lit(None, pl.Datetime("us")).alias("ts"),
        pl.lit(None, pl.Date).alias("vendor_day"),
        pl.lit("licence").alias("event"),
        pl.concat_str([pl.lit("licence"), "user_id", "_refresh"], separator="|").alias("event_id"),
        pl.lit(None, pl.String).alias("feature"),
        properties_json(kept).alias("properties"),
        pl.lit(True).alias("passive"),
        pl.lit(LICENCE).alias("kind"),
    )
    cells = (
        base.filter(pl.col("structural").is_null())
        .unpivot(index=["line_no", "raw", "user_id"], on=list(dates), variable_name="column")
        .filter(pl.col("value").fill_null("") != "")
        .with_columns(
            pl.col("column").replace_strict(dates).alias("feature"),
            utc_day(pl.col("value")).alias("vendor_day"),
        )
    )
    events = cells.select(
        "line_no",
        "raw",
        pl.lit(None, pl.String).alias("structural"),
        "user_id",
        day_start(pl.col("vendor_day")).alias("ts"),
        "vendor_day",
        pl.lit(ACTIVE_EVENT).alias("event"),
        pl.concat_str(
            ["user_id", "feature", pl.col("vendor_day").cast(pl.String)], separator="|"
        ).alias("event_id"),
        "feature",
        pl.lit(None, pl.String).alias("properties"),
        pl.lit(False).alias("passive"),
        pl.lit(EVENT).alias("kind"),
    )
    frame = pl.concat([licences, events]).sort("line_no", maintain_order=True)
    return finish(frame, tool=TOOL, grain="snapshot", now=now)
