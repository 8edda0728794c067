"""What both event readers share: the ParsedFile they return, and the pieces of the text table
the Python reader (read.py) and the native reader (native.py) must spell alike."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from analytics.ingest.scratch import NativeRows


@dataclass
class ParsedFile:
    """One file read: one row of `rows` per data row (header, preamble, blank lines excluded)."""

    path: Path
    sha256: str  # of the file bytes as given (before decompression)
    rows: pl.DataFrame | NativeRows  # ROW_SCHEMA columns; a scratch table when read natively
    date_order: str | None  # "day_first" | "month_first" | None (no numeric slash/dot dates)
    date_order_note: str | None
    warnings: list[str]
    format: str = "csv"  # "csv" | "jsonl" | "json_array" | "parquet"
    encoding: str | None = None  # "utf-8", "utf-16", "utf-8+cp1252"; None for Parquet
    delimiter: str | None = None  # CSV only
    gzip: bool = False
    long_lines: pl.DataFrame | None = None  # lines over the cap: line_no, raw_length, raw_sha256


def unnamed_tail(names: list[str]) -> int:
    """How many columns at the end of the header have no name (`a,b,c,` has one)."""
    count = 0
    for name in reversed(names):
        if name.replace("\ufeff", "").strip().strip('"').strip():
            break
        count += 1
    return count


JSON_OBJECT_SQL = "coalesce(CASE WHEN json_valid(raw) THEN json_type(raw) END = 'OBJECT', false)"
# Keys in order of first appearance: each distinct key list (one per object shape) once, then
# every key at its earliest (line, position within the object).
JSON_KEYS_SQL = f"""
WITH shapes AS (
    SELECT json_keys(raw) AS ks, min(line_no) AS first FROM lines WHERE {JSON_OBJECT_SQL}
    GROUP BY ks
),
flat AS (SELECT unnest(ks) AS k, generate_subscripts(ks, 1) AS pos, first FROM shapes)
SELECT k FROM flat GROUP BY k ORDER BY min([first, pos])
"""
