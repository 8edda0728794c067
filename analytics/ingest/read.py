"""Read one source file into one row per data row, each cleaned or given a quarantine reason.

The read layer never writes: it returns a ParsedFile (or raises FileRefused for a file that
cannot be read at all) and the load layer writes events and quarantine in one transaction.

Every reader produces the same intermediate text table (one row per data row: `line_no`, `raw`,
`structural` reason or null, and one String column `c{i}` per source column; JSON sources also
keep each value's JSON text as `j{i}` so properties keep numbers and nested objects), and
`build_rows` turns it into the contract frame. Checks run in the order of reasons.ALL_REASONS;
the first failing one is the row's reason.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from analytics.ingest import reasons
from analytics.ingest.columns import (
    IDENTIFIERS,
    ColumnPlan,
    accepted_unparseable,
    accepted_value,
    clean_text,
    event_id_value,
    event_value,
    known_count,
    plan_columns,
    property_names,
    user_value,
)
from analytics.ingest.decode import csv_records, decode_bytes, lines_frame
from analytics.ingest.sniff import (
    HEADER_SEARCH_LINES,
    FileRefused,
    best_guess_missing,
    find_header,
    is_gzip,
    is_parquet,
    refused_content,
    safe_gunzip,
    text_kind,
)
from analytics.ingest.timestamps import check_timezone, in_range, parse_timestamps

__all__ = ["FileRefused", "ParsedFile", "read_source_file", "ROW_SCHEMA"]

ROW_SCHEMA: dict[str, pl.DataType] = {
    "line_no": pl.Int64(),
    "raw": pl.String(),
    "source": pl.String(),
    "event_id": pl.String(),
    "user_id": pl.String(),
    "ts": pl.Datetime("us"),
    "event": pl.String(),
    "session_id": pl.String(),
    "feature": pl.String(),
    "accepted": pl.Boolean(),
    "properties": pl.String(),
    "reason": pl.String(),
}


@dataclass
class ParsedFile:
    """One file read: one row of `rows` per data row (header, preamble, blank lines excluded)."""

    path: Path
    sha256: str  # of the file bytes as given (before decompression)
    rows: pl.DataFrame  # columns and dtypes of ROW_SCHEMA
    date_order: str | None  # "day_first" | "month_first" | None (no numeric slash/dot dates)
    date_order_note: str | None
    warnings: list[str]
    format: str = "csv"  # "csv" | "jsonl" | "json_array" | "parquet"
    encoding: str | None = None  # "utf-8", "utf-16", "utf-8+cp1252"; None for Parquet
    delimiter: str | None = None  # CSV only
    gzip: bool = False


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


def read_source_file(
    path: Path,
    *,
    source: str | None,
    timezone: str = "UTC",
    date_order_setting: str | None = None,
    mapping: dict[str, str] | None = None,
    now: datetime | None = None,
    max_decompressed_bytes: int = 2_000_000_000,
) -> ParsedFile:
    """Read, decode, map and validate one events file; FileRefused when it cannot be read."""
    path = Path(path)
    check_timezone(timezone)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(f"{path}: cannot read the file ({exc.strerror or exc})") from None
    try:
        compressed = is_gzip(data)
        table = read_table(data, mapping=mapping, max_decompressed_bytes=max_decompressed_bytes)
        plan = plan_columns(table.names, mapping)
        if plan.missing:
            raise FileRefused(_missing_message(table, plan))
        built = build_rows(
            table,
            plan,
            source=source,
            timezone=timezone,
            date_order_setting=date_order_setting,
            now=now or datetime.now(UTC),
        )
    except FileRefused as exc:
        raise FileRefused(f"{path}: {exc}") from None
    rows, date_order, note, warnings = built
    return ParsedFile(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=rows,
        date_order=date_order,
        date_order_note=note,
        warnings=table.warnings + warnings,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        gzip=compressed,
    )


def _missing_message(table: TextTable, plan: ColumnPlan) -> str:
    """Refusal text for a JSON/Parquet file whose keys lack a required field."""
    keys = ", ".join(table.names[:20]) or "none"
    return f"no {' / '.join(plan.missing)} column (columns found: {keys})"


def read_table(
    data: bytes, *, mapping: dict[str, str] | None, max_decompressed_bytes: int
) -> TextTable:
    """Any supported file's bytes to the common text table (content decides the format)."""
    if is_gzip(data):
        data = safe_gunzip(data, max_bytes=max_decompressed_bytes)
    if not data.strip():
        raise FileRefused("empty file")
    what = refused_content(data)
    if what is not None:
        raise FileRefused(f"not a supported format: this is {what}")
    if is_parquet(data):
        return parquet_table(data)
    decoded = decode_bytes(data)
    if not decoded.text.strip():
        raise FileRefused("empty file")
    kind = text_kind(decoded.text)
    if kind == "csv":
        table = csv_table(decoded.text, mapping)
    elif kind == "jsonl":
        table = jsonl_table(decoded.text)
    else:
        table = json_array_table(decoded.text)
    table.encoding = decoded.encoding
    table.warnings = decoded.warnings + table.warnings
    return table


# --- CSV ---------------------------------------------------------------------------------


def csv_table(text: str, mapping: dict[str, str] | None) -> TextTable:
    """CSV text to the text table: header found after any preamble, records split and checked."""
    lines = text.split("\n")
    known = lambda names: known_count(names, mapping)  # noqa: E731
    missing = lambda names: list(plan_columns(names, mapping).missing)  # noqa: E731
    header = find_header(lines, known=known, missing=missing)
    if header is None:
        line, lacking = best_guess_missing(lines, known=known, missing=missing)
        raise FileRefused(
            f"no header line with the required columns user, timestamp and event in the first "
            f"{HEADER_SEARCH_LINES} lines (the likeliest, line {line + 1}, lacks "
            f"{', '.join(lacking)})"
        )
    body = lines_frame(lines[header.index + 1 :], first_line_no=header.index + 2)
    records = csv_records(body, header.delimiter)
    width = len(header.names)
    is_header = _header_key(pl.col("raw")) == _header_key(pl.lit(lines[header.index]))
    wrong_count = pl.col("malformed") | (pl.col("fields").list.len() != width)
    structural = (
        pl.when(is_header)
        .then(pl.lit(reasons.REPEATED_HEADER))
        .when(wrong_count)
        .then(pl.lit(reasons.WRONG_FIELD_COUNT))
        .otherwise(pl.lit(None, pl.String))
    )
    frame = records.frame.with_columns(structural.alias("structural")).select(
        "line_no",
        "raw",
        "structural",
        *(
            pl.when(pl.col("structural").is_null())
            .then(pl.col("fields").list.get(i, null_on_oob=True))
            .alias(f"c{i}")
            for i in range(width)
        ),
    )
    warnings = list(records.warnings)
    if header.index:
        plural = "s" * (header.index != 1)
        warnings.insert(0, f"skipped {header.index} preamble line{plural} before the header")
    return TextTable(frame, header.names, delimiter=header.delimiter, warnings=warnings)


def _header_key(text: pl.Expr) -> pl.Expr:
    """A line compared with the header: no quotes, white space or BOM, lower case."""
    return text.str.replace_all(r'[\s"\ufeff]', "").str.to_lowercase()


# --- JSON --------------------------------------------------------------------------------


def _duckdb() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for JSON work (no extension downloads)."""
    return duckdb.connect(config={"autoinstall_known_extensions": False})


def jsonl_table(text: str) -> TextTable:
    """JSON Lines: one object per non-blank line; a bad line becomes an INVALID_JSON row."""
    lines = lines_frame(text.split("\n")).rename({"line": "raw"})
    lines = lines.filter(pl.col("raw").str.strip_chars() != "")
    return json_objects_table(lines, kind="jsonl")


def json_array_table(text: str) -> TextTable:
    """A JSON array of objects; an element that is not an object becomes an INVALID_JSON row."""
    con = _duckdb()
    try:
        if not con.execute("SELECT json_valid(?)", [text]).fetchall()[0][0]:
            raise FileRefused("invalid JSON: the file starts like a JSON array but does not parse")
        elements = con.sql(
            "WITH d AS (SELECT CAST(?::JSON AS JSON[]) AS a) "
            "SELECT generate_subscripts(a, 1)::BIGINT AS line_no, unnest(a)::VARCHAR AS raw FROM d",
            params=[text],
        ).pl()
    finally:
        con.close()
    return json_objects_table(elements, kind="json_array")


def json_objects_table(lines: pl.DataFrame, *, kind: str) -> TextTable:
    """Rows of JSON text (line_no, raw) to the text table; keys in order of first appearance."""
    con = _duckdb()
    try:
        con.register("lines", lines)
        checked = con.sql(
            "SELECT line_no, raw, coalesce(CASE WHEN json_valid(raw) THEN json_type(raw) END "
            "= 'OBJECT', false) AS ok FROM lines ORDER BY line_no"
        ).pl()
        con.register("checked", checked)
        keys = con.sql(
            "SELECT unnest(json_keys(raw)) AS k FROM checked WHERE ok ORDER BY line_no"
        ).pl()
        names = keys["k"].unique(maintain_order=True).to_list()
        paths = ["/" + k.replace("~", "~0").replace("/", "~1") for k in names] or ["/"]
        values = con.sql(
            "SELECT line_no, raw, ok, CASE WHEN ok THEN json_extract_string(raw, ?::VARCHAR[]) END"
            " AS s, CASE WHEN ok THEN json_extract(raw, ?::VARCHAR[])::VARCHAR[] END AS j "
            "FROM checked ORDER BY line_no",
            params=[paths, paths],
        ).pl()
    finally:
        con.close()
    frame = values.select(
        pl.col("line_no").cast(pl.Int64),
        "raw",
        pl.when(~pl.col("ok")).then(pl.lit(reasons.INVALID_JSON)).alias("structural"),
        *(pl.col("s").list.get(i).alias(f"c{i}") for i in range(len(names))),
        *(pl.col("j").list.get(i).alias(f"j{i}") for i in range(len(names))),
    )
    return TextTable(frame, names, json_values=True, format=kind)


# --- Parquet -----------------------------------------------------------------------------


def parquet_table(data: bytes) -> TextTable:
    """Parquet rows to the text table: values rendered as text, raw as a JSON object."""
    try:
        source = pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # polars raises several types for corrupt files
        raise FileRefused(f"unreadable Parquet: {exc}") from None
    names = source.columns
    texts = [_as_text(pl.col(n), source.schema[n]).alias(f"c{i}") for i, n in enumerate(names)]
    values = [_json_value(n).alias(f"j{i}") for i, n in enumerate(names)]
    frame = source.select(
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("line_no"),
        pl.struct(pl.all()).struct.json_encode().alias("raw"),
        pl.lit(None, pl.String).alias("structural"),
        *texts,
        *values,
    )
    return TextTable(frame, names, json_values=True, format="parquet")


def _as_text(column: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """A Parquet value as text: instants as ISO 8601 (UTC offset when zoned), the rest cast."""
    if isinstance(dtype, pl.Datetime):
        if dtype.time_zone is not None:
            utc = column.dt.convert_time_zone("UTC")
            return utc.dt.strftime("%Y-%m-%dT%H:%M:%S%.f+00:00")
        return column.dt.strftime("%Y-%m-%dT%H:%M:%S%.f")
    if isinstance(dtype, pl.Date):
        return column.dt.strftime("%Y-%m-%d")
    if dtype.is_nested() or isinstance(dtype, pl.Binary):
        name = column.meta.output_name()
        return _json_value(name)
    return column.cast(pl.String)


def _json_value(name: str) -> pl.Expr:
    """One column's values as JSON text, cut out of a one-field struct's JSON rendering."""
    prefix = len(json.dumps(name)) + 2  # {"name":
    encoded = pl.struct(pl.col(name)).struct.json_encode()
    return encoded.str.slice(prefix, encoded.str.len_chars() - prefix - 1)


# --- rows --------------------------------------------------------------------------------


def build_rows(
    table: TextTable,
    plan: ColumnPlan,
    *,
    source: str | None,
    timezone: str,
    date_order_setting: str | None,
    now: datetime,
) -> tuple[pl.DataFrame, str | None, str | None, list[str]]:
    """The contract frame (ROW_SCHEMA) plus date order, its note and row-level warnings."""
    frame = table.frame
    ts_column = f"c{plan.first('timestamp')}"
    parsed = parse_timestamps(
        frame[ts_column], timezone=timezone, date_order_setting=date_order_setting
    )
    frame = frame.with_columns(parsed.ts.cast(pl.Datetime("us")).alias("_ts"))
    rows = frame.select(
        "line_no",
        "raw",
        _source(plan, source).alias("source"),
        _optional(plan, "event_id", event_id_value).alias("event_id"),
        pl.coalesce([user_value(_col(i)) for i in plan.fields["user_id"]]).alias("user_id"),
        pl.col("_ts").alias("ts"),
        event_value(_col(plan.first("event"))).alias("event"),
        _optional(plan, "session_id", clean_text).alias("session_id"),
        _optional(plan, "feature", clean_text).alias("feature"),
        _optional(plan, "accepted", accepted_value).alias("accepted"),
        _properties(table, plan).alias("properties"),
        _reason(table, plan, now).alias("reason"),
        _accepted_flag(plan).alias("_bad_accepted"),
    )
    warnings = []
    bad_accepted = rows.filter(pl.col("reason").is_null())["_bad_accepted"].sum()
    if bad_accepted:
        plural = "s" * (bad_accepted != 1)
        warnings.append(f"{bad_accepted} unparseable 'accepted' value{plural} nulled")
    rows = rows.drop("_bad_accepted").cast(ROW_SCHEMA)  # type: ignore[arg-type]
    return rows, parsed.date_order, parsed.date_order_note, warnings


def _col(index: int | None) -> pl.Expr:
    """The text column of a source column index."""
    return pl.col(f"c{index}")


def _optional(plan: ColumnPlan, name: str, clean) -> pl.Expr:  # noqa: ANN001
    """A cleaned optional field, or a null of the right type when the column is absent."""
    index = plan.first(name)
    if index is None:
        return pl.lit(None, pl.Boolean if name == "accepted" else pl.String)
    return clean(_col(index))


def _source(plan: ColumnPlan, source: str | None) -> pl.Expr:
    """The row's own source when present and non-empty, else the ingest's, else "default"."""
    fallback = pl.lit(source.strip() if source and source.strip() else "default")
    index = plan.first("source")
    return fallback if index is None else pl.coalesce(clean_text(_col(index)), fallback)


def _accepted_flag(plan: ColumnPlan) -> pl.Expr:
    """True where `accepted` holds a value that is not a recognised true/false word."""
    index = plan.first("accepted")
    return pl.lit(False) if index is None else accepted_unparseable(_col(index)).fill_null(False)


def _properties(table: TextTable, plan: ColumnPlan) -> pl.Expr:
    """Unknown columns as one JSON object text per row; null when there are none."""
    if not plan.unknown:
        return pl.lit(None, pl.String)
    names = property_names(plan)
    if table.json_values:
        pieces = [
            pl.lit(json.dumps(name) + ":") + pl.col(f"j{i}")
            for name, i in zip(names, plan.unknown, strict=True)
        ]
        body = pl.concat_str(pieces, separator=",", ignore_nulls=True)
        text = pl.when(body != "").then("{" + body + "}")
    else:
        text = pl.struct([_col(i).alias(n) for n, i in zip(names, plan.unknown, strict=True)])
        text = text.struct.json_encode()
    return pl.when(pl.col("structural").is_null()).then(text)


def _reason(table: TextTable, plan: ColumnPlan, now: datetime) -> pl.Expr:
    """The first failing check, in the order of reasons.ALL_REASONS; null for a good row."""
    columns = [_col(i) for i in range(len(table.names))]
    too_large = pl.any_horizontal(
        [(c.str.len_bytes() > reasons.FIELD_MAX_BYTES).fill_null(False) for c in columns]
        or [pl.lit(False)]
    )
    identifier_columns = [i for f in IDENTIFIERS for i in plan.fields.get(f, ())]
    too_long = pl.any_horizontal(
        [
            (clean_text(_col(i)).str.len_chars() > reasons.IDENTIFIER_MAX_CHARS).fill_null(False)
            for i in identifier_columns
        ]
    )
    user = pl.coalesce([user_value(_col(i)) for i in plan.fields["user_id"]])
    event = event_value(_col(plan.first("event")))
    return (
        pl.when(pl.col("structural").is_not_null())
        .then(pl.col("structural"))
        .when(too_large)
        .then(pl.lit(reasons.FIELD_TOO_LARGE))
        .when(too_long)
        .then(pl.lit(reasons.IDENTIFIER_TOO_LONG))
        .when(user.is_null())
        .then(pl.lit(reasons.MISSING_USER))
        .when(pl.col("_ts").is_null())
        .then(pl.lit(reasons.BAD_TIMESTAMP))
        .when(~in_range(pl.col("_ts"), now))
        .then(pl.lit(reasons.TIMESTAMP_OUT_OF_RANGE))
        .when(event.is_null())
        .then(pl.lit(reasons.MISSING_EVENT))
        .otherwise(pl.lit(None, pl.String))
    )
