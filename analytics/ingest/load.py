"""Write one parsed file into DuckDB in one transaction: dedupe, suppress, quarantine, log.

Every row read ends in exactly one outcome (SPEC 3): `suppressed` (its user was erased),
`quarantined` (it has a reason), `duplicate` (its dedupe key is already stored or appears
earlier in the file) or `loaded`. The outcomes are decided by SQL over the whole file (the
native parse's scratch table, or a polars frame keyed in one temp table): the few keys that make
a duplicate first, then every row's outcome in one statement; rows are written with set-based
INSERT ... SELECT statements.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from analytics.db import (
    bump_ingest_version,
    execute,
    register_frame,
    scalar,
    transaction,
)
from analytics.ingest import progress, quarantine
from analytics.ingest.identity import identity_tokens, registered_keys, tombstoned_sql
from analytics.ingest.keyring import erasure_keys
from analytics.ingest.keys import keyed_sql
from analytics.ingest.report import FileReport
from analytics.ingest.scratch import ROW_COLUMNS, ROWS_TABLE, NativeRows

CONFLICT_EXAMPLES = 3

NO_ERASED_USERS = "SELECT NULL::VARCHAR AS user_id WHERE false"
ERASED_USERS = """
SELECT user_id FROM (SELECT DISTINCT user_id FROM parsed_rows WHERE user_id IS NOT NULL)
WHERE {tombstoned}
"""
# A row bound for quarantine stores its raw text, which may hold an erased person even when its
# parsed user is someone else or nobody (wrong number of fields, invalid JSON): every identity
# token of the raw text (identity.identity_tokens, the rule erasure deletes by) is checked.
NO_ERASED_RAW_ROWS = "SELECT NULL::BIGINT AS row_idx WHERE false"
ERASED_RAW_ROWS = """
SELECT DISTINCT row_idx FROM raw_tokens WHERE {tombstoned}
"""
# A row whose person was erased (the two small temp tables above, made once per file).
IS_ERASED_SQL = """(user_id IN (SELECT user_id FROM erased_users) IS TRUE
    OR row_idx IN (SELECT row_idx FROM erased_rows) IS TRUE)"""

# The keys that make a row a duplicate, from the rows that could load (no reason, not erased):
# repeated in the file (with the first row's content and line), or already stored. A key holds
# its source, so only the stored events of the file's sources are read, and only their key
# column until a key matches.
STORED_KEYS_SQL = """
SELECT key_number, content_number, file_name, line_no FROM events
WHERE source IN (SELECT DISTINCT source FROM candidates)
  AND key_number IN (SELECT key_number FROM candidates)
"""
NO_STORED_KEYS_SQL = """
SELECT NULL::UHUGEINT AS key_number, NULL::UHUGEINT AS content_number,
       NULL::VARCHAR AS file_name, NULL::BIGINT AS line_no WHERE false
"""
KNOWN_SQL = f"""
CREATE TEMP TABLE known_keys AS
WITH candidates AS (
    SELECT row_idx, line_no, source, key_number, content_number FROM parsed_rows
    WHERE reason IS NULL AND NOT {IS_ERASED_SQL}
),
repeated_keys AS (  -- counted first: a narrow aggregate, 3x cheaper than one with arg_min
    SELECT key_number FROM candidates GROUP BY key_number HAVING count(*) > 1
),
repeated AS (
    SELECT key_number, min(row_idx) AS first_idx,
           arg_min(content_number, row_idx) AS first_content,
           arg_min(line_no, row_idx) AS first_line
    FROM candidates WHERE key_number IN (SELECT key_number FROM repeated_keys)
    GROUP BY key_number
),
stored AS ({{stored}})
SELECT coalesce(r.key_number, s.key_number) AS key_number, r.first_idx, r.first_content,
       r.first_line, s.key_number IS NOT NULL AS is_stored, s.content_number AS stored_content,
       s.file_name AS stored_file, s.line_no AS stored_line
FROM repeated AS r FULL JOIN stored AS s ON s.key_number = r.key_number
"""
STORED_SOURCES_SQL = """
SELECT EXISTS (SELECT 1 FROM events WHERE source IN (SELECT DISTINCT source FROM parsed_rows))
"""

# Every row's outcome in one statement, no UPDATE (issue 12: an UPDATE of a large temp table
# that has spilled is very slow): suppressed and quarantined rows from their own columns; a
# row that could load is a duplicate when its key is stored or an earlier row has it, and a
# duplicate whose content differs from the kept row's (stored, else the file's first)
# conflicts. The raw text is kept for quarantine only.
STAGE_SQL = f"""
CREATE TEMP TABLE staged AS
SELECT p.* REPLACE (CASE WHEN p.reason IS NOT NULL THEN p.raw END AS raw),
       k.first_content, k.first_line, k.stored_content, k.stored_file, k.stored_line,
       CASE WHEN p.is_erased THEN 'suppressed'
            WHEN p.reason IS NOT NULL THEN 'quarantined'
            WHEN k.is_stored OR p.row_idx <> k.first_idx THEN 'duplicate'
            ELSE 'loaded' END AS outcome,
       coalesce((k.is_stored OR p.row_idx <> k.first_idx)
                AND p.content_number <> coalesce(k.stored_content, k.first_content),
                false) AS is_conflict
FROM (SELECT *, {IS_ERASED_SQL} AS is_erased FROM parsed_rows) AS p
LEFT JOIN known_keys AS k
       ON k.key_number = p.key_number AND p.reason IS NULL AND NOT p.is_erased
"""

INSERT_EVENTS_SQL = """
INSERT INTO events (key_number, content_number, source, event_id, user_id, ts, event,
                    session_id, feature, accepted, properties, file_name, line_no, ingest_id)
SELECT key_number, content_number, source, event_id, user_id, ts, event, session_id,
       feature, accepted, properties, ?, line_no, ?
FROM staged WHERE outcome = 'loaded'
"""

CUT_RAW_SQL = quarantine.STORED_RAW_SQL  # the raw text a quarantined row stores (cut, hashed)
# A quarantined row already stored with the same source, reason and raw text (a re-ingest, a
# renamed copy, an overlapping export) is counted again but not stored twice.
INSERT_QUARANTINE_SQL = """
INSERT INTO quarantine (ingest_id, file_name, line_no, reason, raw, source, user_key)
SELECT ?, ?, s.line_no, s.reason, {raw}, s.source, s.user_id
FROM staged AS s
WHERE s.outcome = 'quarantined'
  AND NOT EXISTS (
      SELECT 1 FROM quarantine AS q
      WHERE q.reason = s.reason AND q.raw IS NOT DISTINCT FROM s.raw
        AND q.source IS NOT DISTINCT FROM s.source)
""".replace("{raw}", CUT_RAW_SQL)

INSERT_LOG_SQL = """
INSERT INTO ingest_log (ingest_id, file_name, sha256, status, error, "read", loaded, duplicates,
                        quarantined, suppressed, conflicts, quarantine_reasons, date_order,
                        warnings, ingested_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

CONFLICT_EXAMPLES_SQL = """
SELECT line_no, stored_file, stored_line, first_line FROM staged
WHERE is_conflict ORDER BY line_no LIMIT ?
"""


BeforeCommit = Callable[[duckdb.DuckDBPyConnection, int], object]  # (con, ingest_id)


class StagedLike(Protocol):
    """What staging needs from any parsed event-like file (ParsedFile, VendorFile)."""

    @property
    def path(self) -> Path | str:
        """The file read."""

    sha256: str
    warnings: list[str]

    @property
    def rows(self) -> pl.DataFrame | NativeRows:
        """The rows read: a frame, or a native read's scratch table."""


class ParsedLike(Protocol):
    """What load needs from the read layer's ParsedFile."""

    @property
    def path(self) -> Path | str:
        """The file read."""

    sha256: str
    date_order: str | None
    date_order_note: str | None
    warnings: list[str]

    @property
    def rows(self) -> pl.DataFrame | NativeRows:
        """The rows read: a frame, or a native read's scratch table."""


def next_ingest_id(con: duckdb.DuckDBPyConnection) -> int:
    """The id of the next ingest_log row (one per file ingested or refused)."""
    return scalar(con, "SELECT coalesce(max(ingest_id), 0) + 1 FROM ingest_log")


def raw_token_rows(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per identity token of each row bound for quarantine (row_idx, user_id)."""
    return (
        rows.filter(pl.col("reason").is_not_null())
        .select("row_idx", identity_tokens(pl.col("raw")).alias("user_id"))
        .explode("user_id")
        .drop_nulls("user_id")
    )


def with_raw_digest(rows: pl.DataFrame, cut: pl.DataFrame | None = None) -> pl.DataFrame:
    """rows with raw_length and raw_sha256: a cut line's original ones (longlines), else null
    (the quarantine insert computes them from the raw text)."""
    if "raw_length" in rows.columns:
        return rows
    if cut is not None and cut.height:
        return rows.join(cut, on="line_no", how="left", maintain_order="left")
    return rows.with_columns(
        pl.lit(None, pl.Int64).alias("raw_length"), pl.lit(None, pl.String).alias("raw_sha256")
    )


def _stage(con: duckdb.DuckDBPyConnection, rows: pl.DataFrame | NativeRows) -> None:
    """Decide every row's outcome into the temp table `staged`: one row per row read."""
    keys = erasure_keys(con, create=False)
    erasing = bool(keys) and scalar(con, "SELECT count(*) FROM tombstones") > 0
    erased, erased_raw = NO_ERASED_USERS, NO_ERASED_RAW_ROWS
    if erasing:
        erased = ERASED_USERS.format(tombstoned=tombstoned_sql("user_id"))
        erased_raw = ERASED_RAW_ROWS.format(tombstoned=tombstoned_sql("user_id"))
    with _parsed_rows(con, rows) as quarantined:
        tokens = raw_token_rows(quarantined() if erasing else _NO_TOKEN_ROWS)
        register_frame(con, "raw_tokens", tokens.select("row_idx", "user_id"))
        try:
            with registered_keys(con, keys):
                execute(con, f"CREATE TEMP TABLE erased_users AS {erased}")
                execute(con, f"CREATE TEMP TABLE erased_rows AS {erased_raw}")
        finally:
            con.unregister("raw_tokens")
        stored = STORED_KEYS_SQL if scalar(con, STORED_SOURCES_SQL) else NO_STORED_KEYS_SQL
        execute(con, KNOWN_SQL.format(stored=stored))
        execute(con, STAGE_SQL)
        for table in ("known_keys", "erased_users", "erased_rows"):
            execute(con, f"DROP TABLE {table}")


_NO_TOKEN_ROWS = pl.DataFrame(schema={"row_idx": pl.UInt32, "raw": pl.String, "reason": pl.String})


@contextmanager
def _parsed_rows(
    con: duckdb.DuckDBPyConnection, rows: pl.DataFrame | NativeRows
) -> Iterator[Callable[[], pl.DataFrame]]:
    """`parsed_rows` (row_idx, ROW_SCHEMA, raw_length, raw_sha256, key_number, content_number)
    for the staging: a polars frame keyed here, or a native read's scratch table (keyed by the
    parse) attached read-only, its rows never in Python; yields a function giving the rows
    bound for quarantine (row_idx, raw, reason)."""
    if isinstance(rows, pl.DataFrame):
        indexed = with_raw_digest(rows).with_row_index("row_idx")
        register_frame(con, "parsed_frame", indexed)
        # a view, not a copy: the keys of the rows that could load are hashed twice (known keys,
        # then outcomes), which costs less than holding the file once more
        execute(con, f"CREATE TEMP VIEW parsed_rows AS {keyed_sql('FROM parsed_frame')}")
        try:
            yield lambda: indexed.filter(pl.col("reason").is_not_null())
        finally:
            execute(con, "DROP VIEW parsed_rows")
            con.unregister("parsed_frame")
        return
    path = str(rows.database).replace("'", "''")
    execute(con, f"ATTACH '{path}' AS native_scratch (READ_ONLY)")
    try:
        view = f"SELECT {ROW_COLUMNS} FROM native_scratch.{ROWS_TABLE}"
        execute(con, f"CREATE TEMP VIEW parsed_rows AS {view}")
        sql = "SELECT row_idx, raw, reason FROM parsed_rows WHERE reason IS NOT NULL"
        yield lambda: con.sql(sql).pl()
    finally:
        execute(con, "DROP VIEW IF EXISTS parsed_rows")
        execute(con, "DETACH native_scratch")


def _outcome_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Rows per outcome in `staged`."""
    rows = execute(con, "SELECT outcome, count(*) FROM staged GROUP BY outcome").fetchall()
    return {outcome: count for outcome, count in rows}


def staged_reason_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Quarantined rows per reason in `staged`, most frequent first."""
    sql = (
        "SELECT reason, count(*) AS n FROM staged WHERE outcome = 'quarantined' "
        "GROUP BY reason ORDER BY n DESC, reason"
    )
    return {reason: count for reason, count in execute(con, sql).fetchall()}


def _conflicts(con: duckdb.DuckDBPyConnection) -> tuple[int, list[str]]:
    """How many duplicates differ in content from the kept row, and a few readable examples."""
    total = scalar(con, "SELECT count(*) FROM staged WHERE is_conflict")
    examples = []
    for line_no, stored_file, stored_line, first_line in execute(
        con, CONFLICT_EXAMPLES_SQL, [CONFLICT_EXAMPLES]
    ).fetchall():
        kept = (
            f"the event stored from {stored_file} line {stored_line}"
            if stored_file is not None
            else f"line {first_line} of this file"
        )
        examples.append(f"conflict: line {line_no} has the same key as {kept}, different content")
    return total, examples


def load_parsed_file(
    con: duckdb.DuckDBPyConnection,
    parsed: ParsedLike,
    *,
    ingest_time: dt.datetime,
    before_commit: BeforeCommit | None = None,
) -> FileReport:
    """Load one parsed file atomically and return its report (read = loaded+dup+quar+supp)."""
    file_name = Path(parsed.path).name
    with transaction(con):
        ingest_id = next_ingest_id(con)
        notes = [parsed.date_order_note] if parsed.date_order_note else []
        report = stage_and_report(con, parsed, notes=notes, date_order=parsed.date_order)
        progress.mark(progress.SAVING, progress.WRITE[isinstance(parsed.rows, NativeRows)], con)
        execute(con, INSERT_EVENTS_SQL, [file_name, ingest_id])
        finish_load(con, report, parsed, ingest_id=ingest_id, at=ingest_time, hook=before_commit)
    return report


def stage_and_report(
    con: duckdb.DuckDBPyConnection,
    parsed: StagedLike,
    *,
    outcomes_sql: tuple[str, ...] = (),
    notes: list[str] | None = None,
    **fields: Any,
) -> FileReport:
    """Stage a parsed file's rows into `staged`, decide their outcomes (then `outcomes_sql`, e.g.
    a vendor file's revisions) and report them. Shared by every event-like file (vendor files
    too), so the quarantine-across-uploads rule and the balance check hold for all of them."""
    rows = parsed.rows
    if isinstance(rows, pl.DataFrame):
        rows = with_raw_digest(rows, getattr(parsed, "long_lines", None))
    _stage(con, rows)
    already = quarantine.set_aside_known(con)
    for sql in outcomes_sql:
        execute(con, sql)
    counts = _outcome_counts(con)
    conflicts, examples = _conflicts(con)
    revised = counts.get("revised", 0)  # a revision replaces a stored row: it counts as loaded
    report = FileReport(
        file=str(parsed.path),
        read=parsed.rows.height,
        loaded=counts.get("loaded", 0) + revised,
        duplicates=counts.get("duplicate", 0) + already,
        already_quarantined=already,
        quarantined=counts.get("quarantined", 0),
        suppressed=counts.get("suppressed", 0),
        quarantine_reasons=staged_reason_counts(con),
        conflicts=conflicts,
        warnings=[*parsed.warnings, *(notes or []), *examples],
        revisions=revised,
        **fields,
    )
    if not report.balanced():
        raise AssertionError(f"{report.file}: rows read do not balance: {report.to_json()}")
    return report


def finish_load(
    con: duckdb.DuckDBPyConnection,
    report: FileReport,
    parsed: StagedLike,
    *,
    ingest_id: int,
    at: dt.datetime,
    hook: BeforeCommit | None,
) -> None:
    """After the file's own rows are written: mark the quarantine rows it fixes, store its new
    quarantine rows and its log row, drop `staged`, run the hook (person_day), bump the version."""
    file_name = Path(parsed.path).name
    report.fixed = quarantine.mark_fixed(con, file_name=file_name, at=at)
    report.warnings += quarantine.notes(already=report.already_quarantined, fixed=report.fixed)
    execute(con, INSERT_QUARANTINE_SQL, [ingest_id, file_name])
    write_log(con, report, ingest_id=ingest_id, sha256=parsed.sha256, at=at)
    execute(con, "DROP TABLE staged")
    if hook is not None:  # e.g. person_day for this file's people (issue 12)
        hook(con, ingest_id)
    bump_ingest_version(con)


def write_log(
    con: duckdb.DuckDBPyConnection,
    report: FileReport,
    *,
    ingest_id: int,
    sha256: str | None,
    at: dt.datetime,
) -> None:
    """One ingest_log row for a file, loaded or refused."""
    execute(
        con,
        INSERT_LOG_SQL,
        [
            ingest_id,
            Path(report.file).name,
            sha256,
            report.status,
            report.error,
            report.read,
            report.loaded,
            report.duplicates,
            report.quarantined,
            report.suppressed,
            report.conflicts,
            json.dumps(report.quarantine_reasons),
            report.date_order,
            json.dumps(report.warnings),
            at,
        ],
    )


def log_refused(
    con: duckdb.DuckDBPyConnection, report: FileReport, *, sha256: str | None, at: dt.datetime
) -> None:
    """Record a refused file in the ingest log (nothing else of it is written)."""
    with transaction(con):
        write_log(con, report, ingest_id=next_ingest_id(con), sha256=sha256, at=at)
        bump_ingest_version(con)
