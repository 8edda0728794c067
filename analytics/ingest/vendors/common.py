"""What every preset shares: the vendor frame, text tables of CSV and JSON, day parsing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from analytics.ingest import reasons
from analytics.ingest.columns import ROW_SCHEMA, normalise_name, user_value
from analytics.ingest.decode import csv_records, decode_bytes, lines_frame
from analytics.ingest.sniff import FileRefused, is_gzip, safe_gunzip
from analytics.ingest.timestamps import in_range

EVENT, LICENCE = "event", "licence"  # the two kinds of record a vendor file holds
VENDOR_SCHEMA: dict[str, pl.DataType] = {
    **ROW_SCHEMA,
    "vendor_day": pl.Date(),  # a UTC calendar day given without a time, kept as it is
    "passive": pl.Boolean(),
    "tool": pl.String(),
    "grain": pl.String(),  # event | day | period | snapshot
    "kind": pl.String(),  # event | licence
    "since": pl.Date(),  # licence rows: held since (when the vendor says)
}
DAY_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y")
MAX_BYTES = 2_000_000_000


@dataclass
class VendorFile:
    """One vendor file read: one row of `rows` per record (VENDOR_SCHEMA)."""

    path: Path
    sha256: str
    preset: str
    rows: pl.DataFrame
    warnings: list[str] = field(default_factory=list)


def file_text(path: Path) -> tuple[str, str]:
    """The decoded text of a file (gzip unwrapped) and the sha256 of its bytes."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise FileRefused(path, f"cannot read the file ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if is_gzip(data):
        data = safe_gunzip(data, max_bytes=MAX_BYTES)
    text = decode_bytes(data).text
    if not text.strip():
        raise FileRefused(path, "empty file")
    return text, digest


def csv_table(text: str) -> tuple[pl.DataFrame, list[str]]:
    """A CSV export as one row per record: line_no, raw, structural and one text column per
    header name (normalised snake case), plus the header names as written."""
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip())
    written = next(csv.reader([lines[start]]))
    names = [normalise_name(n) for n in written]
    records = csv_records(lines_frame(lines[start + 1 :], first_line_no=start + 2), ",").frame
    wrong = pl.col("malformed") | (pl.col("fields").list.len() != len(names))
    frame = records.select(
        "line_no",
        "raw",
        pl.when(wrong).then(pl.lit(reasons.WRONG_FIELD_COUNT)).alias("structural"),
        *(
            pl.col("fields").list.get(i, null_on_oob=True).str.strip_chars().alias(name)
            for i, name in enumerate(names)
        ),
    )
    return frame, written


def require_columns(present: list[str], required: tuple[str, ...], what: str) -> None:
    """Refuse a file lacking documented columns, naming them and the columns found."""
    missing = [name for name in required if name not in present]
    if missing:
        raise FileRefused(
            None,
            f"not a {what} file: missing column{'s' * (len(missing) > 1)} "
            f"{', '.join(missing)} (columns found: {', '.join(present[:30]) or 'none'}); "
            "columns are matched by name, so renamed columns must be renamed back",
        )


def properties_json(names: list[str]) -> pl.Expr:
    """The given text columns as one JSON object per row (null values left out)."""
    if not names:
        return pl.lit(None, pl.String)
    return pl.struct([pl.col(n) for n in names]).struct.json_encode()


def utc_day(text: pl.Expr) -> pl.Expr:
    """A vendor day given without a time (first 10 characters of ISO text or a US/EU date)."""
    trimmed = text.str.strip_chars().str.slice(0, 10)
    return pl.coalesce([trimmed.str.strptime(pl.Date, f, strict=False) for f in DAY_FORMATS])


def email_user(text: pl.Expr) -> pl.Expr:
    """An e-mail or user principal name as a stored user value (lower-cased, no white space)."""
    return user_value(text.cast(pl.String))


def finish(frame: pl.DataFrame, *, tool: str, grain: str, now: datetime) -> pl.DataFrame:
    """Give every record its quarantine reason and the vendor frame's columns and types.

    `frame` holds line_no, raw, structural, user_id, ts, vendor_day, event, event_id, feature,
    properties, passive and kind (since optional); licence rows need no time.
    """
    is_event = pl.col("kind") == EVENT
    reason = (
        pl.when(pl.col("structural").is_not_null())
        .then(pl.col("structural"))
        .when(pl.col("user_id").is_null())
        .then(pl.lit(reasons.MISSING_USER))
        .when(is_event & pl.col("ts").is_null())
        .then(pl.lit(reasons.BAD_TIMESTAMP))
        .when(is_event & ~in_range(pl.col("ts"), now))
        .then(pl.lit(reasons.TIMESTAMP_OUT_OF_RANGE))
        .when(pl.col("event").is_null())
        .then(pl.lit(reasons.MISSING_EVENT))
    )
    filled = frame.with_columns(
        pl.lit(tool).alias("source"),
        pl.lit(tool).alias("tool"),
        pl.lit(grain).alias("grain"),
        pl.lit(None, pl.Boolean).alias("accepted"),
        pl.lit(None, pl.String).alias("session_id"),
        *([] if "since" in frame.columns else [pl.lit(None, pl.Date).alias("since")]),
    )
    return filled.with_columns(reason.alias("reason")).select(
        pl.col(name).cast(dtype) for name, dtype in VENDOR_SCHEMA.items()
    )


def day_start(day: pl.Expr) -> pl.Expr:
    """A UTC day as the naive instant of its midnight (the stored `ts` of a day record)."""
    return day.cast(pl.Datetime("us"))


def json_document(text: str) -> object:
    """One JSON document, or a refusal saying it does not parse."""
    try:
        return json.loads(text)
    except ValueError as exc:
        raise FileRefused(None, f"invalid JSON ({exc})") from None


def jsonl_lines(text: str) -> pl.DataFrame:
    """JSON Lines text as line_no, raw for each non-blank line."""
    lines = lines_frame(text.split("\n")).rename({"line": "raw"})
    return lines.filter(pl.col("raw").str.strip_chars() != "")


def as_csv_text(frame: pl.DataFrame) -> str:
    """A frame as CSV text (used by the demo writers and tests)."""
    buffer = io.StringIO()
    frame.write_csv(buffer)
    return buffer.getvalue()
