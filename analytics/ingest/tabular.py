"""Small per-person tables (KPIs, surveys): decode, find the header, split rows, stage, log.

Shared by `kpis.py` and `survey.py`: the section 3 rules of the event reader (decoding, gzip,
preamble, case- and space-insensitive headers, quarantine with a reason, one transaction per
file, a clear refusal) applied to a file whose rows are one record each.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from analytics.db import bump_ingest_version, execute, transaction
from analytics.ingest.decode import csv_records, lines_frame
from analytics.ingest.identity import registered_keys, tombstoned_sql
from analytics.ingest.keyring import erasure_keys
from analytics.ingest.load import next_ingest_id, write_log
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
QUARANTINE_SQL = """
INSERT INTO quarantine (ingest_id, file_name, line_no, reason, raw, source, user_key)
SELECT ?, ?, line_no, reason, raw, ?, user_key FROM staged_quarantine
"""


@dataclass(frozen=True)
class TableFile:
    """A decoded table file: text columns (normalised names) plus line_no and raw, one row per
    record; rows that could not be split (with their reason); the file's sha256."""

    rows: pl.DataFrame
    bad: pl.DataFrame
    sha256: str
    notes: list[str]


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


def read_table_file(path: Path, required: list[set[str]]) -> TableFile:
    """Read a small table file as text; FileRefused when it cannot be read at all."""
    data = Path(path).read_bytes()
    text = decode_text(data)
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
    return TableFile(good, bad, hashlib.sha256(data).hexdigest(), notes)


def blank_to_null(name: str) -> pl.Expr:
    """A text column trimmed, empty -> null."""
    value = pl.col(name).str.strip_chars()
    return pl.when(value != "").then(value)


def write_table_file(
    con: duckdb.DuckDBPyConnection,
    *,
    report: FileReport,
    insert_sql: str,
    staged: pl.DataFrame,
    quarantined: pl.DataFrame,
    sha256: str,
    at: dt.datetime,
) -> None:
    """One transaction: the new rows (insert_sql reads `staged_rows`), the quarantine rows and
    the ingest-log row; nothing of the file is written when any part fails."""
    con.register("staged_rows", staged)
    con.register("staged_quarantine", quarantined.select("line_no", "reason", "raw", "user_key"))
    try:
        with transaction(con):
            ingest_id = next_ingest_id(con)
            name = Path(report.file).name
            execute(con, insert_sql, [name, ingest_id])
            execute(con, QUARANTINE_SQL, [ingest_id, name, report.kind])
            write_log(con, report, ingest_id=ingest_id, sha256=sha256, at=at)
            bump_ingest_version(con)
    finally:
        con.unregister("staged_rows")
        con.unregister("staged_quarantine")


def reason_counts(quarantined: pl.DataFrame) -> dict[str, int]:
    """Quarantined rows per reason."""
    counts = quarantined.group_by("reason").len()
    return dict(zip(counts["reason"], counts["len"], strict=True))


def erased_rows(con: duckdb.DuckDBPyConnection, people: pl.Series) -> pl.Series:
    """True for each value naming an erased person (its keyed hash is a tombstone), so a KPI or
    survey row of someone erased is suppressed like their events (SPEC 3, erasure)."""
    values = pl.DataFrame({"person": people.cast(pl.String)})
    keys = erasure_keys(con, create=False)
    if not keys or values.is_empty():
        return pl.Series([False] * values.height)
    distinct = values.drop_nulls().unique()
    con.register("file_people", distinct)
    try:
        with registered_keys(con, keys):
            sql = f"SELECT person FROM file_people WHERE {tombstoned_sql('person')}"
            erased = [row[0] for row in execute(con, sql).fetchall()]
    finally:
        con.unregister("file_people")
    return values["person"].is_in(erased).fill_null(False)
