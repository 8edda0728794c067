"""`github-copilot`: the user-level usage-metrics NDJSON (one object per user per day) and the
seat list JSON (licence holders), SPEC 10.

A user-day is active when any activity counter is positive; "prompted" (a user-initiated
interaction) is its own event name. The key is (user_id, day): a later file's row for the same
key is a revision. People are `github:<login>` until the roster's `github_login` names them.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from analytics.ingest.decode import TextTable
from analytics.ingest.read import jsonl_table
from analytics.ingest.sniff import FileRefused
from analytics.ingest.vendors.common import (
    EVENT,
    LICENCE,
    day_start,
    finish,
    require_columns,
    utc_day,
)

TOOL = "github-copilot"
PROMPTED = "user_initiated_interaction_count"
ACTIVITY_COUNTERS = (PROMPTED, "code_generation_activity_count", "code_acceptance_activity_count")
REQUIRED = ("day", "user_login")
EVENT_PROMPTED, EVENT_ACTIVE, EVENT_IDLE = "copilot_prompted", "copilot_active", "copilot_idle"


def github_user(login: pl.Expr) -> pl.Expr:
    """A GitHub login as a stored user value: `github:` + the login, lower-cased."""
    text = login.str.strip_chars().str.to_lowercase()
    return pl.when(text.fill_null("") != "").then("github:" + text)


def _counter(table: TextTable, name: str) -> pl.Expr:
    """A counter's value (0 when absent or not a number)."""
    if name not in table.names:
        return pl.lit(0.0)
    index = table.names.index(name)
    return pl.col(f"c{index}").cast(pl.Float64, strict=False).fill_null(0.0)


def _text(table: TextTable, name: str) -> pl.Expr:
    """A top-level value's text (null when the key is absent)."""
    if name not in table.names:
        return pl.lit(None, pl.String)
    return pl.col(f"c{table.names.index(name)}")


def _properties(table: TextTable) -> pl.Expr:
    """Every key but day and user_login as one JSON object, values kept as JSON."""
    kept = [(n, i) for i, n in enumerate(table.names) if n not in REQUIRED]
    pieces = [pl.lit(f'"{n}":') + pl.col(f"j{i}") for n, i in kept]
    body = pl.concat_str(pieces, separator=",", ignore_nulls=True)
    return pl.when(body != "").then("{" + body + "}")


def usage_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """The usage NDJSON as the vendor frame: one event per user per day."""
    table = jsonl_table(text)
    require_columns(table.names, REQUIRED, "GitHub Copilot user-level usage")
    if not any(name in table.names for name in ACTIVITY_COUNTERS):
        require_columns(table.names, ACTIVITY_COUNTERS, "GitHub Copilot user-level usage")
    active = pl.any_horizontal([_counter(table, n) > 0 for n in ACTIVITY_COUNTERS])
    day = utc_day(_text(table, "day"))
    user = github_user(_text(table, "user_login"))
    key_user = pl.coalesce(_text(table, "user_id"), user)
    frame = table.frame.select(
        "line_no",
        "raw",
        "structural",
        user.alias("user_id"),
        day_start(day).alias("ts"),
        day.alias("vendor_day"),
        pl.when(_counter(table, PROMPTED) > 0)
        .then(pl.lit(EVENT_PROMPTED))
        .when(active)
        .then(pl.lit(EVENT_ACTIVE))
        .otherwise(pl.lit(EVENT_IDLE))
        .alias("event"),
        pl.concat_str([key_user, day.cast(pl.String)], separator="|").alias("event_id"),
        pl.lit(None, pl.String).alias("feature"),
        _properties(table).alias("properties"),
        (~active).alias("passive"),
        pl.lit(EVENT).alias("kind"),
    )
    return finish(frame, tool=TOOL, grain="day", now=now)


SEATS_SQL = """
WITH doc AS (SELECT CAST(json_extract(?::JSON, '$.seats') AS JSON[]) AS seats)
SELECT generate_subscripts(seats, 1)::BIGINT AS line_no, unnest(seats)::VARCHAR AS raw
FROM doc
"""


def seat_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """The seat list JSON (`seats[]`) as licence rows: one per seat, held since created_at."""
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        seats = con.sql(SEATS_SQL, params=[text]).pl()
    finally:
        con.close()
    if seats.height == 0:
        raise FileRefused(None, "a GitHub Copilot seat list with no seats")
    login = pl.col("raw").str.json_path_match("$.assignee.login")
    frame = seats.select(
        "line_no",
        "raw",
        pl.lit(None, pl.String).alias("structural"),
        github_user(login).alias("user_id"),
        pl.lit(None, pl.Datetime("us")).alias("ts"),
        pl.lit(None, pl.Date).alias("vendor_day"),
        pl.lit("licence").alias("event"),
        ("seat|" + login.str.to_lowercase()).alias("event_id"),
        pl.lit(None, pl.String).alias("feature"),
        pl.col("raw").alias("properties"),
        pl.lit(True).alias("passive"),
        pl.lit(LICENCE).alias("kind"),
        utc_day(pl.col("raw").str.json_path_match("$.created_at")).alias("since"),
    )
    return finish(frame, tool=TOOL, grain="day", now=now)


def read_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """Either GitHub Copilot file: the seat list (a JSON object with `seats`) or usage NDJSON."""
    if '"seats"' in text[:4096] and text.lstrip().startswith("{") and '"day"' not in text[:4096]:
        return seat_rows(text, now=now)
    return usage_rows(text, now=now)
