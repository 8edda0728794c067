"""Write the running example's event log as the messy files four source systems would export.

Each system gets its own format and its own faults, plus a known handful of bad rows (PLANTED)
so that tests can check the ingest report against hand-counted numbers. Every writer returns
bytes and depends only on its input, so the files are byte-identical on every run.
"""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import numpy as np
import polars as pl

from analytics.demo.roster import rng_for
from analytics.demo.vendors import CHATGPT_FILE, COPILOT_FILE, COPILOT_SEATS_FILE, VENDOR_FILES

CRM_FILE = "crm_plugin_export.csv"
COACH_FILE = "coach_api_events.jsonl.gz"
WEB_FILES = ("web_app_2026-06_2026-08.csv", "web_app_2026-08_2026-10.csv")
CALLS_FILE = "call_analyzer.parquet"
ROSTER_FILE = "roster.csv"
PLAN_FILE = "plan.csv"
KPIS_FILE = "kpis.csv"  # weekly sales KPIs per rep (SPEC 13)
SURVEY_FILE = "survey.csv"  # one ADKAR pulse-survey round (SPEC 13)
EVENT_FILES = (CRM_FILE, COACH_FILE, *WEB_FILES, CALLS_FILE, *VENDOR_FILES)  # vendors: SPEC 10

WEB_SPLIT = (dt.datetime(2026, 9, 1), dt.datetime(2026, 8, 1))  # file 1 before, file 2 from
# bad rows planted per file, by what the ingest should do with them (hand-counted in tests)
PLANTED = {
    CRM_FILE: {"quarantined": 4, "duplicates": 1, "conflicts": 0, "warnings": 0},
    COACH_FILE: {"quarantined": 2, "duplicates": 2, "conflicts": 1, "warnings": 0},
    WEB_FILES[0]: {"quarantined": 2, "duplicates": 0, "conflicts": 0, "warnings": 0},
    WEB_FILES[1]: {"quarantined": 2, "duplicates": 1, "conflicts": 0, "warnings": 1},
    CALLS_FILE: {"quarantined": 1, "duplicates": 1, "conflicts": 0, "warnings": 0},
    # the vendor exports are clean, as vendors write them (docs/vendors.md lists their pitfalls)
    COPILOT_FILE: {"quarantined": 0, "duplicates": 0, "conflicts": 0, "warnings": 0},
    COPILOT_SEATS_FILE: {"quarantined": 0, "duplicates": 0, "conflicts": 0, "warnings": 0},
    CHATGPT_FILE: {"quarantined": 0, "duplicates": 0, "conflicts": 0, "warnings": 0},
}
DEAL_STAGES = ["Prospecting", "Discovery", "Proposal", "Negotiation", "Closed Won", None]


def route(events: pl.DataFrame) -> pl.DataFrame:
    """Add `system`: which source system recorded each event (feedback is split between the
    coach API and the web app); one row per event."""
    rng = rng_for(4)
    to_web = pl.Series(rng.random(events.height) < 0.3)
    system = (
        pl.when(pl.col("kind") == "login")
        .then(pl.lit("web_app"))
        .when(pl.col("kind") == "suggestion_shown")
        .then(pl.lit("coach_api"))
        .when(pl.col("kind") == "feedback")
        .then(pl.when(to_web).then(pl.lit("web_app")).otherwise(pl.lit("coach_api")))
        .when(pl.col("kind") == "call_analyzed")
        .then(pl.lit("call_analyzer"))
        .otherwise(pl.lit("crm_plugin"))
    )
    return events.with_columns(system.alias("system"))


def _insert_lines(lines: list[str], inserts: list[tuple[int, str]]) -> list[str]:
    """Insert planted lines before the given positions of the original list."""
    result = list(lines)
    for position, line in sorted(inserts, key=lambda item: item[0], reverse=True):
        result.insert(position, line)
    return result


def _first_row_from(frame: pl.DataFrame, moment: dt.datetime) -> int:
    """Row index of the first event at or after a moment (frames are sorted by ts)."""
    return int(frame["ts"].search_sorted(moment))


def _messy_emails(emails: pl.Series, rng: np.random.Generator) -> pl.Series:
    """E-mails as people type them into a CRM: some title-cased, some upper, stray spaces."""
    draw = pl.Series(rng.random(len(emails)))
    frame = pl.DataFrame({"email": emails, "draw": draw})
    return frame.select(
        pl.when(pl.col("draw") < 0.25)
        .then(pl.col("email").str.to_titlecase())
        .when(pl.col("draw") < 0.35)
        .then(pl.col("email").str.to_uppercase())
        .when(pl.col("draw") < 0.42)
        .then(pl.lit(" ") + pl.col("email"))
        .when(pl.col("draw") < 0.48)
        .then(pl.col("email") + pl.lit("  "))
        .otherwise(pl.col("email"))
    ).to_series()


def crm_export(events: pl.DataFrame) -> bytes:
    """CRM plugin export: BOM, a preamble line, ';', CRLF, e-mails in mixed case with spaces,
    naive `MM/DD/YYYY HH:MM` times, aliased headers, an unknown `Deal Stage` column, no ids."""
    rng = rng_for(5)
    rows = (
        events.filter(pl.col("system") == "crm_plugin")
        .with_columns(pl.col("email").fill_null(pl.col("user_id")))
        .with_columns(pl.col("ts").dt.truncate("1m"))
        .unique(["email", "ts", "kind"], keep="first", maintain_order=True)
    )
    stages = np.array(DEAL_STAGES, dtype=object)[rng.integers(0, len(DEAL_STAGES), rows.height)]
    table = rows.select(
        _messy_emails(rows["email"], rng).alias("Email"),
        pl.col("ts").dt.strftime("%m/%d/%Y %H:%M").alias("Event Time"),
        pl.col("kind").alias("Action"),
        pl.Series("Deal Stage", stages.tolist(), dtype=pl.String),
        pl.lit("crm_plugin").alias("Source"),
    )
    header, *lines = table.write_csv(separator=";").splitlines()
    july = _first_row_from(rows, dt.datetime(2026, 7, 14))
    someone, other = rows["email"][july + 120], rows["email"][july + 160]
    planted = [
        (july, lines[july]),  # exported twice: an exact duplicate
        (july + 40, ";07/15/2026 10:31;email_drafted;Discovery;crm_plugin"),  # empty user
        (july + 80, "null;07/16/2026 11:02;email_drafted;Proposal;crm_plugin"),
        (july + 120, f"{someone};not a date;email_drafted;;crm_plugin"),
        (july + 160, f"{other};07/21/2026 09:12"),  # a short row
    ]
    body = [
        "CRM plugin export generated 2026-10-30",
        header,
        *_insert_lines(lines, planted),
    ]
    return ("\ufeff" + "\r\n".join(body) + "\r\n").encode("utf-8")


def _uuids(count: int, rng: np.random.Generator) -> pl.Series:
    """Random UUID-shaped ids (version 4 layout), drawn from the seeded generator."""
    raw = rng.integers(0, 256, size=(count, 16), dtype=np.uint8).tobytes().hex().encode()
    hex_ids = pl.Series(np.frombuffer(raw, dtype="S32").astype("U32"))
    return (
        pl.DataFrame({"h": hex_ids})
        .select(
            pl.concat_str(
                pl.col("h").str.slice(0, 8),
                pl.col("h").str.slice(8, 4),
                pl.lit("4") + pl.col("h").str.slice(13, 3),
                pl.col("h").str.slice(16, 4),
                pl.col("h").str.slice(20, 12),
                separator="-",
            )
        )
        .to_series()
    )


def _json_line(record: dict[str, object]) -> str:
    """One compact JSON line, as the API writes them."""
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False)


def coach_api(events: pl.DataFrame) -> bytes:
    """Coach API log: gzip JSON Lines, employee ids, epoch milliseconds, an event_id on every
    row, `accepted` true/false on feedback, `source` = coach_api."""
    rng = rng_for(6)
    rows = events.filter(pl.col("system") == "coach_api")
    table = rows.select(
        _uuids(rows.height, rng).alias("event_id"),
        pl.col("user_id").alias("employee_id"),
        (pl.col("ts").dt.epoch("ms")).alias("ts"),
        pl.when(pl.col("kind") == "feedback")
        .then(pl.lit("suggestion_feedback"))
        .otherwise(pl.col("kind"))
        .alias("event"),
        "accepted",
        pl.lit("coach_api").alias("source"),
        "session_id",
        "feature",
        pl.lit("coach-2.3").alias("model_version"),
    )
    buffer = io.BytesIO()
    table.write_ndjson(buffer)
    lines = buffer.getvalue().decode("utf-8").splitlines()
    june = _first_row_from(rows, dt.datetime(2026, 6, 22))
    feedback = june + int(table["event"].slice(june).eq("suggestion_feedback").arg_max() or 0)
    original = json.loads(lines[feedback])
    conflicting = {**original, "accepted": not original["accepted"]}
    no_user = {**original, "event_id": "e-null-user", "employee_id": None}
    epoch_zero = {**original, "event_id": "e-epoch-zero", "ts": 0}
    planted = [
        (june, lines[june]),  # an API retry: exact duplicate
        (feedback + 1, _json_line(conflicting)),  # same id, the other answer
        (june + 300, _json_line(no_user)),
        (june + 600, _json_line(epoch_zero)),
    ]
    text = "\n".join(_insert_lines(lines, planted)) + "\n"
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _web_timestamps() -> pl.Expr:
    """ISO 8601 as the web app writes it: Berlin offsets for EMEA, +08:00 for APAC, else Z."""
    utc = pl.col("ts").dt.replace_time_zone("UTC")
    iso = "%Y-%m-%dT%H:%M:%S%:z"
    return (
        pl.when(pl.col("region") == "EMEA")
        .then(utc.dt.convert_time_zone("Europe/Berlin").dt.strftime(iso))
        .when(pl.col("region") == "APAC")
        .then(utc.dt.convert_time_zone("Asia/Singapore").dt.strftime(iso))
        .otherwise(utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"))
    )


def web_table(events: pl.DataFrame) -> pl.DataFrame:
    """The web app's rows: one per event, with its own ids, `user_id` sometimes empty (only the
    e-mail known), ISO timestamps with offsets, and one `accepted=maybe` in September."""
    rng = rng_for(7)
    rows = events.filter(pl.col("system") == "web_app")
    email_only = pl.Series(rng.random(rows.height) < 0.08)
    sequence = pl.int_range(1, pl.len() + 1).cast(pl.String).str.zfill(7)
    table = rows.select(
        "ts",
        (pl.lit("wa-") + sequence).alias("event_id"),
        pl.when((email_only & pl.col("email").is_not_null()) | pl.col("user_id").str.contains("@"))
        .then(None)
        .otherwise(pl.col("user_id"))
        .alias("user_id"),
        "email",
        _web_timestamps().alias("timestamp"),
        pl.when(pl.col("kind") != "feedback")
        .then(pl.col("kind"))
        .when(pl.col("accepted"))
        .then(pl.lit("suggestion_accepted"))
        .otherwise(pl.lit("suggestion_rejected"))
        .alias("event"),
        "session_id",
        "feature",
        pl.col("accepted").cast(pl.String),
        pl.lit("4.12.0").alias("app_version"),
        pl.lit("web_app").alias("source"),
    )
    september = _first_row_from(table, dt.datetime(2026, 9, 14))
    maybe = september + int(table["accepted"].slice(september).is_not_null().arg_max() or 0)
    return table.with_columns(table["accepted"].scatter(maybe, "maybe"))


def web_exports(events: pl.DataFrame) -> tuple[bytes, bytes]:
    """Two comma-separated web app exports that overlap in August (the same rows twice)."""
    table = web_table(events)
    first = table.filter(pl.col("ts") < WEB_SPLIT[0])
    second = table.filter(pl.col("ts") >= WEB_SPLIT[1])
    first_header, *first_lines = first.drop("ts").write_csv().splitlines()
    second_header, *second_lines = second.drop("ts").write_csv().splitlines()
    june = _first_row_from(first, dt.datetime(2026, 6, 10))
    first_planted = [
        (june, "wa-9000001,,,2026-06-10T10:00:00Z,login,s-x1,,,4.12.0,web_app"),  # no user
        (june + 500, "wa-9000002,N/A,,2026-07-02T10:00:00Z,login,s-x2,,,4.12.0,web_app"),
    ]
    october = _first_row_from(second, dt.datetime(2026, 10, 1))
    second_planted = [
        (october, second_header),  # two exports pasted together: the header again
        (october + 200, second_lines[october + 200]),  # exact duplicate
        (october + 400, "wa-9000003,E00101,,1970-01-01T00:00:00Z,login,s-x3,,,4.12.0,web_app"),
    ]
    first_text = "\n".join([first_header, *_insert_lines(first_lines, first_planted)]) + "\n"
    second_text = "\n".join([second_header, *_insert_lines(second_lines, second_planted)]) + "\n"
    return first_text.encode("utf-8"), second_text.encode("utf-8")


def call_analyzer(events: pl.DataFrame) -> bytes:
    """Call analyzer table as Parquet: `employee_id`, naive UTC `created_at`, `type`, a duration;
    no event ids, one row without a user, one exact duplicate."""
    rng = rng_for(8)
    rows = events.filter(pl.col("system") == "call_analyzer").unique(
        ["user_id", "ts"], keep="first", maintain_order=True
    )
    table = rows.select(
        pl.col("user_id").alias("employee_id"),
        pl.col("ts").dt.cast_time_unit("ms").alias("created_at"),
        pl.col("kind").alias("type"),
        pl.Series("duration_sec", rng.integers(120, 3600, rows.height)),
        pl.lit("call_analyzer").alias("source"),
    )
    august = _first_row_from(rows, dt.datetime(2026, 8, 5))
    no_user = table.slice(august + 10, 1).with_columns(pl.lit("").alias("employee_id"))
    table = pl.concat(
        [table.slice(0, august + 1), table.slice(august, 1), no_user, table.slice(august + 1)]
    )
    buffer = io.BytesIO()
    table.write_parquet(buffer, compression="zstd", statistics=False)
    return buffer.getvalue()


def roster_csv(roster: pl.DataFrame) -> bytes:
    """The roster as HR exports it: comma CSV, UTF-8, LF; ids keep their leading zeros; a few
    messy-but-valid `active` values (empty = active, TRUE, yes)."""
    active = roster["active"].cast(pl.String)
    still_here = np.flatnonzero(roster["active"].to_numpy())
    active = active.scatter([int(still_here[7]), int(still_here[60])], None)
    active = active.scatter([int(still_here[99])], "TRUE").scatter([int(still_here[150])], "yes")
    return roster.with_columns(active.alias("active")).write_csv().encode("utf-8")


def plan_csv(plan: pl.DataFrame) -> bytes:
    """The rollout plan: wave,name,start,planned_size (empty size = everyone else)."""
    return plan.write_csv().encode("utf-8")
