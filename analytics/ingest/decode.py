"""Bytes to text, and CSV text to records: encodings, line endings and quoted fields.

Encodings: UTF-8 with or without BOM; UTF-16 LE/BE with BOM; and, line by line, cp1252 for the
lines that are not valid UTF-8 (valid lines keep their UTF-8, so `café` survives in both kinds).
Line endings: CRLF, LF and lone CR all end a line (universal newlines); line numbers are 1-based
in the text after that normalisation.

CSV records follow RFC 4180 with `"` as quote, doubled to escape: a record continues over line
breaks while a quoted field is open (the parity of its quote characters). A quote between two
ordinary characters (`5" screen`) is taken literally and does not open a field; a field that
starts with a quote must be properly quoted. A quote left open at the end of the file does not
swallow the rest: those lines are read one by one (and usually quarantined).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

import polars as pl

from analytics.ingest import progress
from analytics.ingest.sniff import FileRefused

_MAX_LISTED_LINES = 20


@dataclass
class DecodedText:
    """A file's text with universal newlines, the encoding used and notes for the report."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes) -> DecodedText:
    """Decode by BOM, else UTF-8, falling back to cp1252 for the lines that are not UTF-8."""
    if data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        try:  # before UTF-16: FF FE 00 00 is also UTF-16's BOM followed by a NUL
            return _normalised(_decode_utf16(data, "utf-32"), "utf-32", [])
        except FileRefused:
            pass
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _normalised(_decode_utf16(data), "utf-16", [])
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    warnings: list[str] = []
    if b"\x00" in data and not _looks_utf16(data) and not _looks_binary(data):
        data, warnings = _without_stray_nuls(data)
    if b"\x00" in data:
        if _looks_utf16(data):
            raise FileRefused(
                None,
                "the file looks like UTF-16 without a byte-order mark; save it as UTF-8 "
                "(or UTF-16 with a byte-order mark)",
            )
        raise FileRefused(
            None, "binary content (NUL bytes) in a file without a UTF-16 byte-order mark"
        )
    try:
        return _normalised(data.decode("utf-8"), "utf-8", warnings)
    except UnicodeDecodeError:
        text, cp1252_lines = decode_mixed(data)
    return _normalised(text, "utf-8+cp1252", [*warnings, cp1252_warning(cp1252_lines)])


_CONTROL_BYTES = re.compile(rb"[\x01-\x08\x0e-\x19]")
STRAY_NULS, STRAY_NUL_SHARE = 16, 0.001  # more NULs than both: binary content, not text


def _looks_binary(data: bytes) -> bool:
    """NUL bytes that are not a stray one in a text file: many of them, or other control bytes."""
    return data.count(0) > max(STRAY_NULS, len(data) * STRAY_NUL_SHARE) or bool(
        _CONTROL_BYTES.search(data)
    )


def _without_stray_nuls(data: bytes) -> tuple[bytes, list[str]]:
    """A text file with a few NUL bytes (a broken export): the NULs removed, so one bad field
    costs nothing but a warning instead of the whole file (issue 12)."""
    lines: list[int] = []
    line, start, pos = 1, 0, data.find(0)
    while pos >= 0 and len(lines) < _MAX_LISTED_LINES:  # one pass: the next NUL after each line
        line += _line_breaks(data, start, pos)
        lines.append(line)
        start = _line_end(data, pos)
        pos = data.find(0, start)
    count = data.count(0)
    shown = ",".join(str(n) for n in lines)
    plural = "s" * (count != 1)
    warning = f"{count} NUL byte{plural} removed (lines {shown})"
    return data.replace(b"\x00", b""), [warning]


def _decode_utf16(data: bytes, codec: str = "utf-16") -> str:
    """UTF-16 (or UTF-32) with its BOM (endianness from the BOM); invalid or NUL-bearing text
    is refused."""
    name = codec.upper()
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            None, f"not valid {name} despite its byte-order mark ({exc.reason})"
        ) from None
    if "\x00" in text:
        raise FileRefused(None, f"binary content (NUL characters) in a {name} file")
    return text


def _looks_utf16(data: bytes) -> bool:
    """Mostly-ASCII text in UTF-16 without a BOM: NUL in every other byte of the first 4 KB."""
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    zero_even, zero_odd = even.count(0) == len(even), odd.count(0) == len(odd)
    return len(head) >= 8 and zero_even != zero_odd  # all NUL is not text


def _normalised(text: str, encoding: str, warnings: list[str]) -> DecodedText:
    """Universal newlines: CRLF and lone CR become LF; a DOS end-of-file mark (Ctrl-Z) at the
    very end is dropped."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1a" in text[-8:]:
        text = re.sub(r"\x1a\s*\Z", "", text)
    return DecodedText(text, encoding, warnings)


def decode_mixed(data: bytes) -> tuple[str, list[int]]:
    """UTF-8 text where each line that is not valid UTF-8 is decoded as cp1252.

    Decodes windows of whole lines, growing while they are clean and small again after a bad
    line: a decoding error copies its window into the exception, so the cost stays one pass
    over the bytes plus a bounded step per bad line (not the rest of the file per bad line).
    Returns the text and the 1-based numbers of the cp1252 lines.
    """
    parts: list[str] = []
    bad_lines: list[int] = []
    view = memoryview(data)
    size = len(data)
    pos, counted, line_no = 0, 0, 1  # line_no: number of the line that starts at `counted`
    window = _MIN_WINDOW
    while pos < size:
        stop = _window_stop(data, pos, window)
        try:
            parts.append(codecs.utf_8_decode(view[pos:stop], "strict", True)[0])
        except UnicodeDecodeError as exc:
            bad = pos + exc.start
        else:
            if stop // _TELL_EVERY != pos // _TELL_EVERY:  # the bytes decoded, about once a MB
                progress.within(stop / size)
            pos, window = stop, min(window * 2, _MAX_WINDOW)
            continue
        start = max(data.rfind(b"\n", pos, bad), data.rfind(b"\r", pos, bad), pos - 1) + 1
        end = _line_end(data, bad)
        parts.append(codecs.utf_8_decode(view[pos:start], "strict", True)[0])
        line_no += _line_breaks(data, counted, start)
        counted = start
        bad_lines.append(line_no)
        parts.append(data[start:end].decode("cp1252", errors="replace"))
        if end // _TELL_EVERY != pos // _TELL_EVERY:
            progress.within(end / size)
        pos, window = end, _MIN_WINDOW
    return "".join(parts), bad_lines


_TELL_EVERY = 1 << 20  # bytes between two progress reports of decode_mixed
_MIN_WINDOW = 1 << 10  # bytes decoded at once after a bad line (a few lines)
_MAX_WINDOW = 1 << 24  # bytes decoded at once in a long clean stretch


def _window_stop(data: bytes, pos: int, window: int) -> int:
    """End of the next window from pos: just after a line break, so a line never straddles
    two windows, or the end of the data."""
    stop = pos + window
    if stop >= len(data):
        return len(data)
    last_break = max(data.rfind(b"\n", pos, stop), data.rfind(b"\r", pos, stop))
    if last_break >= pos:
        return last_break + 1
    return min(_line_end(data, stop), len(data) - 1) + 1


def _line_end(data: bytes, start: int) -> int:
    """Index of the first line break (LF or CR) at or after start, or len(data); the CR search
    stops at the LF, so a file without CRs is not scanned to its end for each line."""
    lf = data.find(b"\n", start)
    lf = len(data) if lf < 0 else lf
    cr = data.find(b"\r", start, lf)
    return lf if cr < 0 else cr


def _line_breaks(data: bytes, start: int, end: int) -> int:
    """Universal line breaks (CRLF counts once) in data[start:end]."""
    return (
        data.count(b"\n", start, end)
        + data.count(b"\r", start, end)
        - data.count(b"\r\n", start, end)
    )


def cp1252_warning(line_numbers: list[int]) -> str:
    """The report line for cp1252 fallback, listing the first line numbers."""
    shown = ",".join(str(n) for n in line_numbers[:_MAX_LISTED_LINES])
    count = len(line_numbers)
    more = f" and {count - _MAX_LISTED_LINES} more" if count > _MAX_LISTED_LINES else ""
    plural = "s" * (count != 1)
    return f"{count} line{plural} not valid UTF-8, decoded as cp1252: lines {shown}{more}"


def lines_frame(lines: list[str], *, first_line_no: int = 1) -> pl.DataFrame:
    """One row per physical line: line_no (1-based) and line."""
    return (
        pl.DataFrame(
            {"line": pl.Series(lines, dtype=pl.String)},
        )
        .with_row_index("line_no", offset=first_line_no)
        .with_columns(pl.col("line_no").cast(pl.Int64))
    )


@dataclass
class Records:
    """CSV records: one row per record (line_no of its first line, raw text, fields list)."""

    frame: pl.DataFrame  # line_no Int64, raw String, fields List(String), malformed Boolean
    warnings: list[str]


def csv_records(lines: pl.DataFrame, delimiter: str) -> Records:
    """Group physical lines into records and split them into fields; blank records dropped."""
    quotes = pl.col("line").str.count_matches('"', literal=True)
    lines = lines.with_columns(quotes.alias("quotes"))
    if lines.height == 0 or lines["quotes"].sum() == 0:
        frame = lines.select(
            "line_no",
            pl.col("line").alias("raw"),
            pl.col("line").str.split(delimiter).alias("fields"),
            pl.lit(False).alias("malformed"),
        )
        return Records(_drop_blank(frame), [])
    grouped, warnings = _group_lines(lines, delimiter)
    plain = grouped.filter(pl.col("quotes") == 0).select(
        "line_no",
        "raw",
        pl.col("raw").str.split(delimiter).alias("fields"),
        pl.lit(False).alias("malformed"),
    )
    quoted = _split_quoted(grouped.filter(pl.col("quotes") > 0), delimiter)
    frame = pl.concat([plain, quoted]).sort("line_no")
    return Records(_drop_blank(frame), warnings)


def _drop_blank(frame: pl.DataFrame) -> pl.DataFrame:
    """Blank and white-space-only records are not rows."""
    return frame.filter(pl.col("raw").str.strip_chars() != "")


def _pad(delimiter: str) -> str:
    """White space allowed around a quoted field: spaces and tabs, spaces only for TSV."""
    return "[ ]" if delimiter == "\t" else "[ \t]"


def _group_lines(lines: pl.DataFrame, delimiter: str) -> tuple[pl.DataFrame, list[str]]:
    """Join the physical lines of multi-line records; one row per record with raw and quotes.

    A line's quotes that matter are counted after removing (1) whole quoted fields that start
    a field (after optional spaces) and close on the line with only unquoted text up to the
    next delimiter (`"a,b"`, `"x" ,`, `"a"b`: they cannot open a record), and (2) quotes
    between two ordinary characters (`32" screen`: literal); an odd count opens or closes a
    multi-line record.
    """
    d = re.escape(delimiter)
    closed = rf'(^|{d}){_pad(delimiter)}*"(?:[^"]|"")*"[^"{d}]*({d}|$)'
    stray = rf'([^"{d}\n])"([^"{d}\n])'  # a quote between two ordinary characters is literal
    doubled = pl.col("line").str.replace_all(d, delimiter * 2)  # each field keeps its own
    structural = (
        doubled.str.replace_all(closed, "${1}${2}")
        .str.replace_all(stray, "$1$2")
        .str.replace_all(stray, "$1$2")
    ).str.count_matches('"', literal=True)
    odd = pl.when(pl.col("quotes") > 0).then(structural % 2 == 1).otherwise(False)
    lines = lines.with_columns(odd.alias("odd"))
    open_before = (pl.col("odd").cast(pl.Int64).cum_sum() - pl.col("odd").cast(pl.Int64)) % 2
    lines = lines.with_columns((open_before == 0).cum_sum().alias("record"))
    warnings: list[str] = []
    if lines["odd"].sum() % 2 == 1:  # the last opened quote never closes: read its lines singly
        last = lines.filter(pl.col("odd") & (open_before == 0))["record"].max()
        first_line = lines.filter(pl.col("record") == last).select(pl.col("line_no").min()).item()
        warnings.append(
            f"a quote opened on line {first_line} is never closed; "
            "the lines from there on were read one by one"
        )
        tail = pl.col("record") >= last
        lines = lines.with_columns(
            pl.when(tail).then(pl.col("record") + pl.col("line_no")).otherwise("record")
        )
    grouped = lines.group_by("record", maintain_order=True).agg(
        pl.col("line_no").first(),
        pl.col("line").str.join("\n").alias("raw"),
        pl.col("quotes").sum(),
    )
    return grouped, warnings


def _split_quoted(records: pl.DataFrame, delimiter: str) -> pl.DataFrame:
    """Split records holding quotes into unquoted fields; records that do not parse are flagged."""
    d, pad = re.escape(delimiter), _pad(delimiter)
    field_pattern = rf'{d}(?:{pad}*"(?:[^"]|"")*"{pad}*|[^"{d}][^{d}]*|)'
    prefixed = pl.lit(delimiter) + pl.col("raw")
    pieces = prefixed.str.extract_all(field_pattern)
    covered = pieces.list.eval(pl.element().str.len_chars()).list.sum()
    padding = " " if delimiter == "\t" else " \t"
    unquoted = pieces.list.eval(_unquote(pl.element().str.slice(len(delimiter)), padding))
    return records.select(
        "line_no",
        "raw",
        unquoted.alias("fields"),
        (covered != prefixed.str.len_chars()).alias("malformed"),
    )


def _unquote(value: pl.Expr, padding: str) -> pl.Expr:
    """A field without its enclosing quotes (and the padding around them) and with doubled
    quotes undone; an unquoted field is kept exactly."""
    bare = value.str.strip_chars(padding)
    quoted = bare.str.starts_with('"') & bare.str.ends_with('"') & (bare.str.len_chars() >= 2)
    inner = bare.str.slice(1, bare.str.len_chars() - 2).str.replace_all('""', '"', literal=True)
    return pl.when(quoted).then(inner).otherwise(value)


@dataclass
class TextTable:
    """The common intermediate form: one row per data row, every source column as text."""

    frame: pl.DataFrame  # line_no, raw, structural, c0.. (and j0.. when json_values)
    names: list[str]
    json_values: bool = False
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None
    warnings: list[str] = field(default_factory=list)
