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

import codecs
import hashlib
import io
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl
from polars._typing import PolarsDataType

from analytics.ingest import progress, reasons
from analytics.ingest.columns import (
    ROW_SCHEMA,
    ColumnPlan,
    build_rows,
    known_count,
    plan_columns,
)
from analytics.ingest.decode import TextTable, csv_records, decode_bytes, lines_frame
from analytics.ingest.longlines import (
    LongLines,
    cut_long_lines,
    long_line_warning,
    quarantine_long_lines,
)
from analytics.ingest.native import Options, native_read
from analytics.ingest.parsed import (
    JSON_KEYS_SQL,
    JSON_OBJECT_SQL,
    ParsedFile,
    unnamed_tail,
)
from analytics.ingest.sniff import (
    HEADER_SEARCH_LINES,
    PARQUET_MAGIC,
    FileRefused,
    best_guess_missing,
    find_header,
    is_gzip,
    is_parquet,
    refused_content,
    safe_gunzip,
    text_kind,
)
from analytics.settings import check_timezone

__all__ = ["FileRefused", "ParsedFile", "read_source_file", "ROW_SCHEMA"]

GZIP_LAYERS = 3  # nested gzip unwrapped at most this deep


def read_source_file(
    path: Path,
    *,
    source: str | None,
    timezone: str = "UTC",
    date_order_setting: str | None = None,
    mapping: dict[str, str] | None = None,
    now: datetime | None = None,
    max_decompressed_bytes: int = 2_000_000_000,
    max_line_bytes: int = 4_000_000,
    native: bool = False,
    memory_limit: str = "1GB",
) -> ParsedFile:
    """Read, decode, map and validate one events file; FileRefused when it cannot be read.

    `now` is the ingest time (aware, or naive meaning UTC); `mapping` is the source's
    {their_column: field}; a bad timezone or date-order setting is a ValueError. With `native`
    (the ingest command sets it) a file DuckDB can read is read and cleaned by it into a scratch
    database (native.py, within `memory_limit`); any other file by the Python decoder.
    """
    path = Path(path)
    check_timezone(timezone)
    now = now or datetime.now(UTC)
    if native:
        options = Options(
            source=source,
            timezone=timezone,
            date_order_setting=date_order_setting,
            mapping=mapping,
            now=now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now,
            max_line_bytes=max_line_bytes,
            memory_limit=memory_limit,
        )
        found = native_read(path, options, max_decompressed_bytes=max_decompressed_bytes)
        if isinstance(found, ParsedFile):
            return found
    progress.mark(progress.READING, progress.PYTHON_READ)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileRefused(path, f"cannot read the file ({exc.strerror or exc})") from None
    progress.mark(progress.CHECKING, progress.PYTHON_PARSE)
    try:
        compressed = is_gzip(data)
        table, cut = read_table(
            data,
            mapping=mapping,
            max_decompressed_bytes=max_decompressed_bytes,
            max_line_bytes=max_line_bytes,
        )
        plan = plan_columns(table.names, mapping)
        if plan.missing:
            raise FileRefused(None, _missing_message(table, plan))
        built = build_rows(
            table,
            plan,
            source=source,
            timezone=timezone,
            date_order_setting=date_order_setting,
            now=now,
        )
    except FileRefused as exc:
        raise exc.of(path) from None
    return ParsedFile(
        path=path,
        sha256=hashlib.sha256(data).hexdigest(),
        rows=quarantine_long_lines(built.rows, cut),
        date_order=built.date_order,
        date_order_note=built.date_order_note,
        warnings=table.warnings + long_line_warning(cut, max_line_bytes) + built.warnings,
        format=table.format,
        encoding=table.encoding,
        delimiter=table.delimiter,
        gzip=compressed,
        long_lines=cut.frame.select("line_no", "raw_length", "raw_sha256"),
    )


def _missing_message(table: TextTable, plan: ColumnPlan) -> str:
    """Refusal text for a JSON/Parquet file whose keys lack a required field."""
    keys = ", ".join(table.names[:20]) or "none"
    if table.format == "json_object":
        return (
            f"the file is a single JSON object (keys: {keys}), not JSON Lines (one event "
            "object per line) or an array of event objects"
        )
    return f"no {' / '.join(plan.missing)} column (columns found: {keys})"


def read_table(
    data: bytes,
    *,
    mapping: dict[str, str] | None,
    max_decompressed_bytes: int,
    max_line_bytes: int = 4_000_000,
) -> tuple[TextTable, LongLines]:
    """Any supported file's bytes to the common text table (content decides the format), and
    the lines cut for being over max_line_bytes (JSON Lines and CSV in UTF-8 or cp1252)."""
    for _ in range(GZIP_LAYERS):  # a gzip inside a gzip (compressed twice by two tools)
        if not is_gzip(data):
            break
        data = safe_gunzip(data, max_bytes=max_decompressed_bytes)
    if not data.strip():
        raise FileRefused(None, "empty file")
    what = refused_content(data)
    if what is not None:
        raise FileRefused(None, f"not a supported format: this is {what}")
    cut = LongLines.none()
    if is_parquet(data):
        return parquet_table(data), cut
    if data.startswith(PARQUET_MAGIC):
        raise FileRefused(None, "truncated Parquet: the closing PAR1 marker is missing")
    if (
        not data[:64]
        .lstrip()
        .startswith((b"[", codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE))
    ):
        data, cut = cut_long_lines(data, max_line_bytes)  # a JSON array is one document
    decoded = decode_bytes(data)
    if not decoded.text.strip():
        raise FileRefused(None, "empty file")
    kind = text_kind(decoded.text)
    if kind == "csv" and decoded.text.lstrip().startswith("[") and _is_json(decoded.text):
        kind = "json_array"  # an array of something other than objects
    if kind == "csv":
        table = csv_table(decoded.text, mapping)
    elif kind == "jsonl":
        table = jsonl_table(decoded.text)
    else:
        table = json_array_table(decoded.text)
    table.encoding = decoded.encoding
    table.warnings = decoded.warnings + table.warnings
    return table, cut


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
            None,
            f"no header line with the required columns user, timestamp and event in the first "
            f"{HEADER_SEARCH_LINES} lines (the likeliest, line {line + 1}, lacks "
            f"{', '.join(lacking)})",
        )
    body = lines_frame(lines[header.index + 1 :], first_line_no=header.index + 2)
    records = csv_records(body, header.delimiter)
    width = len(header.names)
    named = width - unnamed_tail(header.names)  # a trailing delimiter on the header only
    is_header = header_key(pl.col("raw")) == header_key(pl.lit(lines[header.index]))
    count = pl.col("fields").list.len()
    wrong_count = pl.col("malformed") | (count < named) | (count > width)
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
    names = list(header.names)
    while (
        len(names) > named
        and frame[f"c{len(names) - 1}"].str.strip_chars().fill_null("").eq("").all()
    ):  # an unnamed trailing column with no values is nothing
        frame = frame.drop(f"c{len(names) - 1}")
        names.pop()
    warnings = list(records.warnings)
    if header.index:
        plural = "s" * (header.index != 1)
        warnings.insert(0, f"skipped {header.index} preamble line{plural} before the header")
    return TextTable(frame, names, delimiter=header.delimiter, warnings=warnings)


def header_key(text: pl.Expr) -> pl.Expr:
    """A line compared with the header: no quotes, white space or BOM, lower case."""
    return text.str.replace_all(r'[\s"\ufeff]', "").str.to_lowercase()


# --- JSON --------------------------------------------------------------------------------


def _duckdb() -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for JSON work (no extension downloads)."""
    return duckdb.connect(config={"autoinstall_known_extensions": False})


def _is_json(text: str) -> bool:
    """True when the whole text is one valid JSON document."""
    con = _duckdb()
    try:
        return bool(con.execute("SELECT json_valid(?)", [text]).fetchall()[0][0])
    finally:
        con.close()


def jsonl_table(text: str) -> TextTable:
    """JSON Lines: one object per non-blank line; a bad line becomes an INVALID_JSON row.

    When no line is an object, the whole file may be one (pretty-printed) JSON object: it is
    read as one row (format `json_object`); anything else is refused.
    """
    lines = lines_frame(text.split("\n")).rename({"line": "raw"})
    lines = lines.filter(pl.col("raw").str.strip_chars() != "")
    table = json_objects_table(lines, kind="jsonl")
    if table.names:
        return table
    if _is_json(text):
        whole = pl.DataFrame({"line_no": [1], "raw": [text.strip()]})
        return json_objects_table(whole, kind="json_object")
    raise FileRefused(
        None, "not JSON Lines: no line is a JSON object (one event object per line is expected)"
    )


def json_array_table(text: str) -> TextTable:
    """A JSON array of objects; an element that is not an object becomes an INVALID_JSON row."""
    con = _duckdb()
    try:
        if not con.execute("SELECT json_valid(?)", [text]).fetchall()[0][0]:
            raise FileRefused(
                None, "invalid JSON: the file starts like a JSON array but does not parse"
            )
        elements = con.sql(
            "WITH d AS (SELECT CAST(?::JSON AS JSON[]) AS a) "
            "SELECT generate_subscripts(a, 1)::BIGINT AS line_no, unnest(a)::VARCHAR AS raw FROM d",
            params=[text],
        ).pl()
    finally:
        con.close()
    if elements.height == 0:
        raise FileRefused(None, "empty file (an empty JSON array)")
    table = json_objects_table(elements, kind="json_array")
    if not table.names:
        raise FileRefused(None, "a JSON array, but no element is a JSON object (one per event)")
    return table


_JSON_VALUES_SQL = f"""
SELECT ok, CASE WHEN ok THEN json_extract_string(raw, $paths::VARCHAR[]) END AS s,
       CASE WHEN ok THEN json_extract(raw, $paths::VARCHAR[])::VARCHAR[] END AS j
FROM (SELECT _row, raw, {JSON_OBJECT_SQL} AS ok FROM lines) ORDER BY _row
"""


def json_objects_table(lines: pl.DataFrame, *, kind: str) -> TextTable:
    """Rows of JSON text (line_no, raw) to the text table; keys in order of first appearance.

    Two DuckDB queries over the registered lines (keys, then values); the raw text stays in
    polars and the values come back in the lines' order (`_row`).
    """
    lines = lines.sort("line_no", maintain_order=True).with_row_index("_row")
    con = _duckdb()
    try:
        con.register("lines", lines)
        names = [key for (key,) in con.execute(JSON_KEYS_SQL).fetchall()]
        paths = ["/" + k.replace("~", "~0").replace("/", "~1") for k in names] or ["/"]
        values = con.sql(_JSON_VALUES_SQL, params={"paths": paths}).pl()
    finally:
        con.close()
    frame = pl.concat([lines.select("line_no", "raw"), values], how="horizontal").select(
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
        as_text = _parquet_text_columns(data)
        source = _parquet_as_text(data, as_text) if as_text else pl.read_parquet(io.BytesIO(data))
    except Exception as exc:  # polars, pyarrow and DuckDB raise several types for corrupt files
        raise FileRefused(None, f"unreadable Parquet: {exc}") from None
    source = source.select(_jsonable(pl.col(n), t).alias(n) for n, t in source.schema.items())
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


def _parquet_text_columns(data: bytes) -> list[str]:
    """Top-level UUID and INTERVAL columns, which polars reads as bytes or cannot read at all."""
    import pyarrow.parquet as pq  # only for Parquet: pyarrow and numpy cost 0.3 s (issue 12)

    schema = pq.ParquetFile(io.BytesIO(data)).schema
    columns = (schema.column(i) for i in range(len(schema)))
    return [
        c.path
        for c in columns
        if "." not in c.path and (c.logical_type.type == "UUID" or c.converted_type == "INTERVAL")
    ]


def _parquet_as_text(data: bytes, columns: list[str]) -> pl.DataFrame:
    """The whole Parquet file through DuckDB with the given columns cast to text (a UUID as
    `6b1f...-...`, an interval as `00:05:00`); DuckDB reads files, so the bytes go to a
    temporary one."""
    quoted = ['"' + c.replace('"', '""') + '"' for c in columns]  # identifiers, not values
    casts = ", ".join(f"CAST({q} AS VARCHAR) AS {q}" for q in quoted)
    with tempfile.TemporaryDirectory(prefix="adoption-parquet-") as folder:
        path = Path(folder) / "file.parquet"
        path.write_bytes(data)
        con = _duckdb()
        try:
            return con.sql(
                f"SELECT * REPLACE ({casts}) FROM read_parquet(?)", params=[str(path)]
            ).pl()
        finally:
            con.close()


def _jsonable(column: pl.Expr, dtype: PolarsDataType) -> pl.Expr:
    """A column polars can write as JSON: bytes as base64 text, durations as ISO 8601 text
    (`PT5S`), also inside lists, arrays and structs; other types unchanged."""
    if isinstance(dtype, pl.Binary):
        return column.bin.encode("base64")
    if isinstance(dtype, pl.Duration):
        return column.dt.to_string("iso")
    if not _holds_unwritable(dtype):
        return column
    if isinstance(dtype, (pl.List, pl.Array)):
        listed = column.cast(pl.List(dtype.inner)) if isinstance(dtype, pl.Array) else column
        return listed.list.eval(_jsonable(pl.element(), dtype.inner))
    if isinstance(dtype, pl.Struct):
        fields = [
            _jsonable(column.struct.field(f.name), f.dtype).alias(f.name) for f in dtype.fields
        ]
        return pl.when(column.is_not_null()).then(pl.struct(fields))
    return column


def _holds_unwritable(dtype: PolarsDataType) -> bool:
    """True when a type is or contains Binary or Duration (polars panics writing them to JSON)."""
    if isinstance(dtype, (pl.Binary, pl.Duration)):
        return True
    if isinstance(dtype, (pl.List, pl.Array)):
        return _holds_unwritable(dtype.inner)
    if isinstance(dtype, pl.Struct):
        return any(_holds_unwritable(f.dtype) for f in dtype.fields)
    return False


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
    if dtype.is_float():  # pandas stores ints and bools with gaps as floats: 123.0 is "123"
        whole = column.is_finite() & (column == column.floor()) & (column.abs() < 2**53)
        return (
            pl.when(whole)
            .then(column.cast(pl.Int64).cast(pl.String))
            .otherwise(column.cast(pl.String))
        )
    return column.cast(pl.String)


def _json_value(name: str) -> pl.Expr:
    """One column's values as JSON text, cut out of a one-field struct's JSON rendering."""
    prefix = len(json.dumps(name)) + 2  # {"name":
    encoded = pl.struct(pl.col(name)).struct.json_encode()
    return encoded.str.slice(prefix, encoded.str.len_chars() - prefix - 1)
