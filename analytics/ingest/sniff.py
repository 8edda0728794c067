"""What a source file is: container (gzip), format (CSV, JSON Lines, JSON array, Parquet) and,
for CSV, which line is the header and which delimiter splits it.

Formats are decided from content (magic bytes, first character), never from the file name, so a
gzip file called `events.csv` or a CSV called `events.txt` is read correctly.
"""

from __future__ import annotations

import csv
import gzip
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

GZIP_MAGIC = b"\x1f\x8b"
PARQUET_MAGIC = b"PAR1"
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")  # tie-break order
HEADER_SEARCH_LINES = 100  # the header must be among the first 100 lines
_CHUNK = 1 << 20

# Content we recognise and refuse by name, so the message says what the file actually is.
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a zip archive (also .xlsx/.docx); unzip or export as CSV first"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"BZh", "bzip2-compressed data (only gzip is supported)"),
    (b"\xfd7zXZ\x00", "xz-compressed data (only gzip is supported)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data (only gzip is supported)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-zip archive"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls); export as CSV first"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


class FileRefused(Exception):
    """The whole file cannot be read: `path` (None until the reader names it) and `reason`."""

    def __init__(self, path: Path | str | None, reason: str) -> None:
        super().__init__(reason if path is None else f"{path}: {reason}")
        self.path = path
        self.reason = reason

    def of(self, path: Path | str) -> FileRefused:
        """The same refusal naming the file (kept as is when it names one already)."""
        return self if self.path is not None else type(self)(path, self.reason)


@dataclass(frozen=True)
class Header:
    """The chosen header: its 0-based line index, delimiter and column names as written."""

    index: int
    delimiter: str
    names: list[str]


def refused_content(data: bytes) -> str | None:
    """A description of recognised unsupported binary content, or None when it may be ours."""
    for magic, what in _REFUSED_MAGIC:
        if data.startswith(magic):
            return what
    return None


def is_gzip(data: bytes) -> bool:
    """Gzip by its magic bytes 1f 8b, whatever the file is called."""
    return data.startswith(GZIP_MAGIC)


def is_parquet(data: bytes) -> bool:
    """Parquet by its `PAR1` magic at both ends."""
    return data.startswith(PARQUET_MAGIC) and data.endswith(PARQUET_MAGIC)


def gunzip(data: bytes, *, max_bytes: int) -> bytes:
    """Decompress all gzip members, refusing past max_bytes and refusing truncated/corrupt data."""
    inflater = zlib.decompressobj(wbits=31)
    parts: list[bytes] = []
    total = 0
    pending = data
    while True:
        chunk = inflater.decompress(pending, _CHUNK)
        total += len(chunk)
        if total > max_bytes:
            raise FileRefused(
                None,
                f"decompressed size exceeds the cap of {max_bytes:,} bytes "
                "(setting max_decompressed_mb)",
            )
        parts.append(chunk)
        pending = inflater.unconsumed_tail
        if inflater.eof:
            rest = inflater.unused_data
            if not rest.strip(b"\x00"):  # trailing NUL padding is allowed
                break
            if not is_gzip(rest):
                raise FileRefused(None, "corrupt gzip: unexpected bytes after the compressed data")
            inflater, pending = zlib.decompressobj(wbits=31), rest
        elif not pending and not chunk:
            raise FileRefused(
                None, "truncated gzip: the compressed data ends early; nothing was loaded"
            )
    return b"".join(parts)


def safe_gunzip(data: bytes, *, max_bytes: int) -> bytes:
    """gunzip with zlib's own errors turned into a refusal."""
    try:
        return gunzip(data, max_bytes=max_bytes)
    except (zlib.error, gzip.BadGzipFile) as exc:
        raise FileRefused(None, f"corrupt gzip: {exc}") from None


def text_kind(text: str) -> str:
    """ "jsonl", "json_array" or "csv" from the first non-blank character of decoded text."""
    head = text.lstrip()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]"):
        return "json_array"
    return "csv"


def split_header_line(line: str, delimiter: str) -> list[str]:
    """One header line split by a delimiter, quotes respected; no names for a line that is not
    one (a field over the csv module's 128 KB limit is no column name)."""
    try:
        return next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])
    except csv.Error:
        return []


def find_header(
    lines: Sequence[str],
    *,
    known: Callable[[list[str]], int],
    missing: Callable[[list[str]], list[str]],
) -> Header | None:
    """The first line that, split by some delimiter, holds every required column.

    Among delimiters for that line, the one whose split yields the most known columns wins
    (then the most fields, then the order of DELIMITERS). `known` counts recognised names and
    `missing` lists the required fields a split lacks (both come from columns.py).
    """
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        best: tuple[int, int, int] | None = None
        for rank, delimiter in enumerate(DELIMITERS):
            names = split_header_line(line, delimiter)
            if missing(names):
                continue
            score = (known(names), len(names), -rank)
            if best is None or score > best:
                best = score
        if best is not None:
            delimiter = DELIMITERS[-best[2]]
            return Header(index, delimiter, split_header_line(line, delimiter))
    return None


def best_guess_missing(
    lines: Sequence[str],
    *,
    known: Callable[[list[str]], int],
    missing: Callable[[list[str]], list[str]],
) -> tuple[int, list[str]]:
    """For a refusal message: the line that looked most like a header and what it lacks."""
    best = (-1, 0, ["user_id", "timestamp", "event"])
    for index, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        if not line.strip():
            continue
        for delimiter in DELIMITERS:
            names = split_header_line(line, delimiter)
            if known(names) > best[0]:
                best = (known(names), index, missing(names))
    return best[1], best[2]
