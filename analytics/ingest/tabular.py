"""Small per-person tables (KPIs, surveys): decode, find the header, split rows, stage, log.

Shared by `kpis.py` and `survey.py`: the section 3 rules of the event reader (decoding, gzip,
preamble, case- and space-insensitive headers, the line cap, quarantine with a reason, one
transaction per file, a clear refusal) applied to a file whose rows are one record each. Every
row's outcome is staged like an event file's (`staged`), so the quarantine-across-uploads rule
(ingest/quarantine.py) and the commit (load.finish_load) are the event files' own.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from analytics.db import execute, transaction
from analytics.ingest import quarantine
from analytics.ingest.decode import csv_records, lines_frame
from analytics.ingest.identity import registered_keys, tombstoned_sql
from analytics.ingest.keyring import erasure_keys
from analytics.ingest.load import finish_load, next_ingest_id, staged_reason_counts, with_raw_digest
from analytics.ingest.longlines import (
    DEFAULT_MAX_LINE_BYTES,
    long_line_warning,
    quarantine_long_lines,
)
from analytics.ingest.reasons import REPEATED_HEADER, WRONG_FIELD_COUNT
from analytics.ingest.report import FileReport
from analytics.ingest.roster import decode_text, normalise_header, sniff_delimiter
from analytics.ingest.sniff import FileRefused, split_header_line

HEADER_SEARCH_LINES = 20
PERSON_ALIASES = {
    "user_id": "person",
    "email": "person",
    "e_mail": "person",
    "employee_id": "person",
}
# One row per row read, in the shape load.py stages an event file (the columns
# quarantine.py and load.finish_load read): `event` is empty, so a quarantined row is fixed by
# a later row of the same file name, kind, line and person (or team).
STAGE_SQL = """
CREATE TEMP TABLE staged AS
SELECT line_no, ? AS source, user_id, '' AS event, reason, raw, raw_length, raw_sha256, outcome
FROM table_outcomes
"""
OUTCOMES_SCHEMA = {"line_no": pl.Int64, "user_id": pl.String, "outcome": pl.String}


@dataclass
class TableFile:
    """A decoded table file: text columns (normalised names) plus line_no and raw, one row per
    record; rows that could not be split (with their reason); the file's sha256."""

    rows: pl.DataFrame
    bad: pl.DataFrame
    sha256: str
    warnings: list[str]
    path: Path
    long_lines: pl.DataFrame  # lines over the cap: line_no, raw_length, raw_sha256


def column_name(name: str) -> str:
    """A header cell as matched: case- and space-insensitive, person aliases folded."""
    key = normalise_header(name)
    return PERSON_ALIASES.get(key, key)


def _header_index(lines: list[str], required: list[set[str]]) -> tuple[int, str, list[str]]:
    """The first line (of the first few) whose cells hold one of each required alternative."""
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        delimiter = sniff_delimiter(line)
        names = [column_name(c) for c in split_header_line(line, delimiter)]
        if all(set(names) & choice for choice in required):
            return index, delimiter, names
    wanted = " and ".join(" or ".join(sorted(choice)) for choice in required)
    raise FileRefused(None, f"no header line with the required columns ({wanted})")


def read_table_file(
    path: Path, required: list[set[str]], *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> TableFile:
    """Read a small table file as text; FileRefused when it cannot be read at all. A line over
    max_line_bytes is quarantined with its first characters, length and hash (longlines)."""
    data = Path(path).read_bytes()
    text, cut = decode_text(data, max_line_bytes=max_line_bytes)
    if not text.strip():
        raise FileRefused(None, "the file is empty")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    index, delimiter, names = _header_index(lines, required)
    body = lines_frame(lines[index + 1 :], first_line_no=index + 2)
    records = csv_records(body, delimiter).frame
    header_line = lines[index].strip()
    reason = (
        pl.when(pl.col("raw").str.strip_chars() == header_line)
        .then(pl.lit(REPEATED_HEADER))
        .when(pl.col("malformed") | (pl.col("fields").list.len() != len(names)))
        .then(pl.lit(WRONG_FIELD_COUNT))
    )
    records = records.with_columns(reason.alias("reason"))
    good = records.filter(pl.col("reason").is_null()).select(
        "line_no",
        "raw",
        *(pl.col("fields").list.get(i).alias(n) for i, n in enumerate(names)),
    )
    bad = records.filter(pl.col("reason").is_not_null()).select(
        "line_no", "raw", "reason", pl.lit(None, pl.String).alias("user_key")
    )
    notes = [f"skipped {index} preamble line(s) before the header"] if index else []
    notes += long_line_warning(cut, max_line_bytes)
    return TableFile(
        rows=good,
        bad=quarantine_long_lines(bad, cut),
        sha256=hashlib.sha256(data).hexdigest(),
        warnings=notes,
        path=Path(path),
        long_lines=cut.frame.select("line_no", "raw_length", "raw_sha256"),
    )


def blank_to_null(name: str) -> pl.Expr:
    """A text column trimmed, empty -> null."""
    value = pl.col(name).str.strip_chars()
    return pl.when(value != "").then(value)


def write_table_file(
    con: duckdb.DuckDBPyConnection,
    *,
    report: FileReport,
    table: TableFile,
    insert_sql: str,
    staged: pl.DataFrame,
    outcomes: pl.DataFrame,
    quarantined: pl.DataFrame,
    at: dt.datetime,
) -> None:
    """One transaction: the new rows (insert_sql reads `staged_rows`), then the event files'
    finish (quarantine rows not stored yet, fixed rows marked, the log row); nothing of the file
    is written when any part fails. `outcomes` holds line_no, user_id and outcome (loaded,
    duplicate, suppressed) of every row not quarantined."""
    con.register("staged_rows", staged)
    con.register("table_outcomes", _outcome_rows(table, outcomes, quarantined))
    try:
        with transaction(con):
            execute(con, STAGE_SQL, [report.kind])
            _set_aside_known(con, report)
            ingest_id = next_ingest_id(con)
            execute(con, insert_sql, [table.path.name, ingest_id])
            finish_load(con, report, table, ingest_id=ingest_id, at=at, hook=None)
    finally:
        con.unregister("staged_rows")
        con.unregister("table_outcomes")


def _outcome_rows(
    table: TableFile, outcomes: pl.DataFrame, quarantined: pl.DataFrame
) -> pl.DataFrame:
    """Every row read with its outcome, person, reason and raw text (raw kept for quarantine)."""
    bad = quarantined.select(
        pl.col("line_no").cast(pl.Int64),
        pl.col("user_key").cast(pl.String).alias("user_id"),
        pl.lit("quarantined").alias("outcome"),
        pl.col("reason").cast(pl.String),
        pl.col("raw").cast(pl.String),
    )
    good = outcomes.select(
        *(pl.col(c).cast(t) for c, t in OUTCOMES_SCHEMA.items()),
        pl.lit(None, pl.String).alias("reason"),
        pl.lit(None, pl.String).alias("raw"),
    )
    return with_raw_digest(pl.concat([bad, good]), table.long_lines)


def _set_aside_known(con: duckdb.DuckDBPyConnection, report: FileReport) -> None:
    """The staged rows already in quarantine move from quarantined to duplicates (counted once);
    the report's reasons are counted here, once, from what stays quarantined."""
    already = quarantine.set_aside_known(con)
    report.already_quarantined = already
    report.duplicates += already
    report.quarantined -= already
    report.quarantine_reasons = staged_reason_counts(con)
    if not report.balanced():
        raise AssertionError(f"{report.file}: rows read do not balance: {report.to_json()}")


def erased_rows(con: duckdb.DuckDBPyConnection, people: pl.Series) -> pl.Series:
    """True for each value naming an erased person (its keyed hash is a tombstone), so a KPI or
    survey row of someone erased is suppressed like their events (SPEC 3, erasure)."""
    values = pl.DataFrame({"person": people.cast(pl.String)})
    keys = erasure_keys(con, create=False)
    if not keys or values.is_empty():
        return pl.Series([False] * values.height, dtype=pl.Boolean)
    distinct = values.drop_nulls().unique()
    con.register("file_people", distinct)
    try:
        with registered_keys(con, keys):
            sql = f"SELECT person FROM file_people WHERE {tombstoned_sql('person')}"
            erased = [row[0] for row in execute(con, sql).fetchall()]
    finally:
        con.unregister("file_people")
    return values["person"].is_in(erased).fill_null(False)
