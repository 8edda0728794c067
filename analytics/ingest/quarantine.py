"""Quarantine across uploads: a row already in quarantine counts once, a fixed row is marked fixed.

Hooked into `load.load_parsed_file` between staging and commit (docs/decisions.md, "Quarantine
across uploads"):
- a row bound for quarantine whose source, reason and raw text are already stored (an earlier
  upload of the same or an overlapping file) is set aside as `already quarantined`: the report
  counts it under `duplicates` (read = loaded + duplicates + quarantined + suppressed holds) and
  says how many (`already_quarantined`, and a line in the warnings): each bad line counts once;
- an open quarantine row is marked fixed (`fixed_at`, `fixed_by`) when a later file with the same
  name and source loads (or already holds) a row at the same line, of the same user when the
  quarantined row had one, and whose event name appears in the quarantined raw text.
"""

from __future__ import annotations

import datetime as dt
import re

import duckdb

from analytics.db import execute, scalar
from analytics.ingest.longlines import QUARANTINE_RAW_CHARS

ALREADY = "already quarantined"  # the staged outcome of a row already stored in quarantine

# The raw text a quarantined row stores: whole up to QUARANTINE_RAW_CHARS characters, else cut
# there and ended with the whole line's size in bytes and sha256 (issue 12: the Data page never
# ships a huge row). A line over the line cap comes cut already, with its own size and hash.
STORED_RAW_SQL = f"""
CASE WHEN s.raw_length IS NULL AND length(s.raw) <= {QUARANTINE_RAW_CHARS} THEN s.raw
     ELSE left(s.raw, {QUARANTINE_RAW_CHARS})
          || ' ... [cut at {QUARANTINE_RAW_CHARS:,} characters; the whole line is '
          || coalesce(s.raw_length, strlen(s.raw)) || ' bytes, sha256 '
          || coalesce(s.raw_sha256, sha256(s.raw)) || ']'
END
"""

# Compared as stored: a cut row (a long line) is found again by its cut text, length and hash.
SET_ASIDE_SQL = f"""
UPDATE staged AS s SET outcome = '{ALREADY}'
WHERE s.outcome = 'quarantined'
  AND EXISTS (
      SELECT 1 FROM quarantine AS q
      WHERE q.reason = s.reason AND q.raw IS NOT DISTINCT FROM ({STORED_RAW_SQL})
        AND q.source IS NOT DISTINCT FROM s.source)
"""

MARK_FIXED_SQL = """
UPDATE quarantine AS q SET fixed_at = ?, fixed_by = ?
FROM (SELECT DISTINCT source, line_no, user_id, event FROM staged
      WHERE outcome IN ('loaded', 'duplicate')) AS s
WHERE q.fixed_at IS NULL AND q.file_name = ?
  AND q.source IS NOT DISTINCT FROM s.source AND q.line_no = s.line_no
  AND (q.user_key IS NULL OR q.user_key = s.user_id)
  AND contains(coalesce(q.raw, ''), s.event)
"""

# An absolute server path inside a message (an upload's temporary folder, a data directory):
# only the file name is shown (the Data page shows no server paths). RE2 and `re` alike.
FOLDER_PATTERN = r"(^|[\s'\"(])(/[^/\s'\"]+)+/"


def set_aside_known(con: duckdb.DuckDBPyConnection) -> int:
    """Mark staged quarantine rows already stored in quarantine; return how many."""
    execute(con, SET_ASIDE_SQL)
    return scalar(con, f"SELECT count(*) FROM staged WHERE outcome = '{ALREADY}'")


def mark_fixed(con: duckdb.DuckDBPyConnection, *, file_name: str, at: dt.datetime) -> int:
    """Mark the open quarantine rows this file's loaded rows fix; return how many (none to look
    for when no open row has this file's name: the usual case, and a scan of every staged row
    saved)."""
    sql = "SELECT count(*) FROM quarantine WHERE fixed_at IS NULL AND file_name = ?"
    if not scalar(con, sql, [file_name]):
        return 0
    before = open_count(con)
    execute(con, MARK_FIXED_SQL, [at, file_name, file_name])
    return before - open_count(con)


def notes(*, already: int, fixed: int) -> list[str]:
    """Plain report lines for the rows set aside and fixed (kept in the ingest log's warnings)."""
    lines = []
    if already:
        lines.append(
            f"{already} {_rows(already)} already in quarantine from an earlier upload"
            " (counted once, under duplicates)"
        )
    if fixed:
        lines.append(f"fixed {fixed} quarantined {_rows(fixed)} of an earlier upload")
    return lines


def _rows(count: int) -> str:
    return "row" if count == 1 else "rows"


def open_count(con: duckdb.DuckDBPyConnection) -> int:
    """Rows in quarantine now: stored and not fixed by a later upload."""
    return scalar(con, "SELECT count(*) FROM quarantine WHERE fixed_at IS NULL")


def without_folders(text: str | None) -> str | None:
    """A message with every absolute folder path removed (file names kept)."""
    return None if text is None else re.sub(FOLDER_PATTERN, r"\1", text)
