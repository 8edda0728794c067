"""Lines over the line cap (setting max_line_mb): cut out before decoding, quarantined after.

A line longer than the cap is replaced, before any decoding or splitting, by a one-line
placeholder (so line numbers and the other rows are unchanged and its quotes cannot swallow the
next lines); its row is then quarantined with reason `line over the line cap`, its raw text cut
to the first QUARANTINE_RAW_CHARS characters, and its original length and sha256 kept (issue 12:
memory and the Data page stay bounded whatever one line holds).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from analytics.ingest import reasons

PLACEHOLDER = b"\x1fline over the line cap\x1f"  # no quote, no delimiter: one record, one field
DEFAULT_MAX_LINE_BYTES = 4_000_000  # callers pass the setting max_line_mb in bytes
QUARANTINE_RAW_CHARS = 65_536  # raw text kept for any quarantined row; the rest is cut
_CHUNK = 1 << 26  # bytes scanned at a time for line breaks (a 64 MB mask at most)
_MAX_WINDOWS = 100_000  # windows the quick check may look at before it leaves it to numpy
_SCHEMA = {"line_no": pl.Int64, "raw": pl.String, "raw_length": pl.Int64, "raw_sha256": pl.String}


@dataclass
class LongLines:
    """The lines cut from a file: their numbers, first characters, lengths and hashes."""

    frame: pl.DataFrame  # line_no Int64, raw String, raw_length Int64, raw_sha256 String

    @classmethod
    def none(cls) -> LongLines:
        """No line cut."""
        return cls(pl.DataFrame(schema=_SCHEMA))

    @property
    def count(self) -> int:
        """How many lines were cut."""
        return self.frame.height


def cut_long_lines(data: bytes, max_line_bytes: int) -> tuple[bytes, LongLines]:
    """data with every line over max_line_bytes replaced by PLACEHOLDER, and what was cut.

    Line lengths come from the positions of the line breaks (numpy, in chunks: one pass, no
    per-line Python); most files have no long line and are returned as they are (no copy).
    """
    parts: list[bytes] = []
    rows: list[tuple[int, str, int, str]] = []
    pos, line_no = 0, 1
    for start, end in _long_spans(data, max_line_bytes):
        line_no += _line_breaks(data, pos, start)
        line = data[start:end]
        head = line[: QUARANTINE_RAW_CHARS * 4].decode("utf-8", errors="replace")
        rows.append((line_no, head[:QUARANTINE_RAW_CHARS], len(line), _sha256(line)))
        parts += [data[pos:start], PLACEHOLDER]
        pos = end
    cut = LongLines(pl.DataFrame(rows, schema=_SCHEMA, orient="row"))
    if not rows:
        return data, cut
    parts.append(data[pos:])
    return b"".join(parts), cut


def _may_hold_a_long_line(data: bytes, max_line_bytes: int) -> bool:
    """False when no line can be over the cap: a line longer than max_line_bytes covers a whole
    aligned window of max_line_bytes // 2 bytes, so every window holding a line break rules
    them out (C-speed finds, no numpy import: 0.1 s of a 1 s re-ingest, issue 12)."""
    window = max(max_line_bytes // 2, 1)
    if len(data) <= max_line_bytes:
        return False
    if len(data) // window > _MAX_WINDOWS:
        return True  # a tiny cap on a big file: numpy finds the lines
    for start in range(0, len(data) - window + 1, window):
        end = start + window
        if data.find(b"\n", start, end) < 0 and data.find(b"\r", start, end) < 0:
            return True
    return False


def _long_spans(data: bytes, max_line_bytes: int) -> list[tuple[int, int]]:
    """(start, end) of each line longer than max_line_bytes (CR, LF and CRLF end lines)."""
    if not _may_hold_a_long_line(data, max_line_bytes):
        return []
    import numpy as np  # only for a file that may hold a long line

    spans: list[tuple[int, int]] = []
    line_start = 0
    for offset in range(0, len(data), _CHUNK):
        chunk = np.frombuffer(data, np.uint8, count=min(_CHUNK, len(data) - offset), offset=offset)
        breaks = np.flatnonzero((chunk == 10) | (chunk == 13)) + offset
        if breaks.size == 0:
            continue
        starts = np.concatenate(([line_start], breaks[:-1] + 1))
        for i in np.flatnonzero(breaks - starts > max_line_bytes):
            spans.append((int(starts[i]), int(breaks[i])))
        line_start = int(breaks[-1]) + 1
    if len(data) - line_start > max_line_bytes:
        spans.append((line_start, len(data)))
    return spans


def _sha256(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def _line_breaks(data: bytes, start: int, end: int) -> int:
    """Universal line breaks (CRLF counts once) in data[start:end]."""
    return (
        data.count(b"\n", start, end)
        + data.count(b"\r", start, end)
        - data.count(b"\r\n", start, end)
    )


def quarantine_long_lines(rows: pl.DataFrame, cut: LongLines) -> pl.DataFrame:
    """The rows of cut lines get their reason and their cut raw text; other rows unchanged."""
    if cut.count == 0:
        return rows
    marked = rows.join(
        cut.frame.select("line_no", pl.col("raw").alias("_cut_raw")), on="line_no", how="left"
    )
    is_cut = pl.col("_cut_raw").is_not_null()
    fields = [c for c in rows.columns if c not in ("line_no", "raw", "reason")]
    return marked.select(
        "line_no",
        pl.when(is_cut).then("_cut_raw").otherwise("raw").alias("raw"),
        *(pl.when(is_cut).then(None).otherwise(pl.col(c)).alias(c) for c in fields),
        pl.when(is_cut).then(pl.lit(reasons.LINE_TOO_LONG)).otherwise("reason").alias("reason"),
    ).select(rows.columns)


def long_line_warning(cut: LongLines, max_line_bytes: int) -> list[str]:
    """The report line for cut lines (none when nothing was cut)."""
    if cut.count == 0:
        return []
    shown = ",".join(str(n) for n in cut.frame["line_no"].head(20))
    plural = "s" * (cut.count != 1)
    return [
        f"{cut.count} line{plural} over the line cap of {max_line_bytes:,} bytes (setting "
        f"max_line_mb) quarantined with their first characters, length and hash: lines {shown}"
    ]
