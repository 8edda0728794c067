"""`gemini-workspace`: Google Workspace Reports API activity JSON for gemini_in_workspace_apps
(SPEC 10).

One event per `events[]` entry of each item (an item without entries is quarantined), keyed
`id.uniqueQualifier` + its index; `id.time` is an instant and takes the organisation's local
day. `event_category = inactive` and proactive actions (`summarize_proactive*`) are passive.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import polars as pl

from analytics.ingest.sniff import FileRefused
from analytics.ingest.vendors.common import EVENT, email_user, finish, json_document

TOOL = "gemini-workspace"

# One row per events[] entry; a parameter's value is its value, boolValue or intValue.
EVENTS_SQL = """
WITH doc AS (SELECT CAST(json_extract(?::JSON, '$.items') AS JSON[]) AS items),
item AS (SELECT generate_subscripts(items, 1)::BIGINT AS line_no, unnest(items) AS item FROM doc),
entry AS (
    SELECT line_no, item, CAST(json_extract(item, '$.events') AS JSON[]) AS listed FROM item
),
kept AS (  -- an item without events[] entries keeps one NULL entry: a record to quarantine
    SELECT line_no, item,
           CASE WHEN coalesce(len(listed), 0) = 0 THEN [NULL::JSON] ELSE listed END AS entries
    FROM entry
),
flat AS (
    SELECT line_no, item, generate_subscripts(entries, 1) - 1 AS idx, unnest(entries) AS ev
    FROM kept
),
params AS (
    SELECT *, CAST(json_extract(ev, '$.parameters') AS JSON[]) AS ps FROM flat
)
SELECT line_no, item::VARCHAR AS raw, idx::BIGINT AS idx, ev IS NULL AS no_events,
       json_extract_string(item, '$.id.uniqueQualifier') AS unique_qualifier,
       timezone('UTC', try_cast(json_extract_string(item, '$.id.time') AS TIMESTAMPTZ)) AS ts,
       json_extract_string(item, '$.actor.email') AS email,
       json_extract_string(ev, '$.name') AS name,
       {params},
       json_extract(ev, '$.parameters')::VARCHAR AS parameters
FROM params
"""
PARAMETERS = ("action", "app_name", "feature_source", "event_category")
# The Reports API documents an activity as its events[] ("activity events in the report"): an
# item without any entry names no action, so it is quarantined rather than dropped unseen.
NO_EVENTS = "activity item without events[] entries"


def _param_sql(name: str) -> str:
    """A parameter's value as text, by its name (an identifier of PARAMETERS, not a value)."""
    found = (
        f"list_filter(coalesce(ps, []), lambda p: json_extract_string(p, '$.name') = '{name}')[1]"
    )
    return (
        f"coalesce(json_extract_string({found}, '$.value'), "
        f"json_extract_string({found}, '$.boolValue'), "
        f"json_extract_string({found}, '$.intValue')) AS {name}"
    )


def entries(text: str) -> pl.DataFrame:
    """The activity JSON's events[] entries, one row each, with their item's id and actor."""
    document = json_document(text)
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FileRefused(None, "not a Reports API activity document: no items[] list")
    sql = EVENTS_SQL.format(params=", ".join(_param_sql(n) for n in PARAMETERS))
    con = duckdb.connect(config={"autoinstall_known_extensions": False})
    try:
        con.execute("SET TimeZone = 'UTC'")
        return con.sql(sql, params=[text]).pl()
    except duckdb.Error as exc:
        raise FileRefused(None, f"not a Reports API activity document ({exc})") from None
    finally:
        con.close()


def read_rows(text: str, *, now: datetime) -> pl.DataFrame:
    """The activity JSON as the vendor frame: one event per events[] entry."""
    rows = entries(text)
    if rows.height == 0:
        raise FileRefused(None, "a Reports API activity document with no items[]")
    action = pl.coalesce("action", "name")
    passive = (pl.col("event_category").fill_null("") == "inactive") | action.fill_null(
        ""
    ).str.starts_with("summarize_proactive")
    properties = pl.struct(
        pl.col("name").alias("event_name"), "feature_source", "event_category", "parameters"
    ).struct.json_encode()
    frame = rows.select(
        "line_no",
        "raw",
        pl.when("no_events").then(pl.lit(NO_EVENTS)).alias("structural"),
        email_user(pl.col("email")).alias("user_id"),
        pl.col("ts").cast(pl.Datetime("us")),
        pl.lit(None, pl.Date).alias("vendor_day"),
        action.alias("event"),
        pl.concat_str(
            [pl.col("unique_qualifier"), pl.col("idx").cast(pl.String)], separator="|"
        ).alias("event_id"),
        pl.col("app_name").alias("feature"),
        properties.alias("properties"),
        passive.alias("passive"),
        pl.lit(EVENT).alias("kind"),
    )
    return finish(frame, tool=TOOL, grain="event", now=now)
