"""The native read: a qualifying CSV or JSON Lines file (native_qualify) read by DuckDB's own
streaming reader into a scratch database and cleaned there by SQL, rows never in Python.

The section 3 cleaning is the rollup's SQL (analytics.rollup.rules, generated from the ingest's
own tables) plus the columns the rollup does not produce, each spelled as columns.build_rows
computes it. What the SQL cannot do exactly sends the whole file to the Python path (a
DECLINED reason): a `"` in a CSV body (quoted fields), a line over the line cap, no header or
no JSON object (the Python path words the refusal), and a timestamp the SQL cannot parse that
the Python parser can (checked on those values only).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl

from analytics.ingest import progress, reasons
from analytics.ingest.columns import (
    ACCEPTED_VALUES,
    ColumnPlan,
    fallback_source,
    known_count,
    plan_columns,
    property_names,
)
from analytics.ingest.keys import keyed_sql
from analytics.ingest.native_qualify import Qualified, qualify
from analytics.ingest.parsed import JSON_KEYS_SQL, JSON_OBJECT_SQL, ParsedFile, unnamed_tail
from analytics.ingest.scratch import ROWS_TABLE, NativeRows
from analytics.ingest.sniff import HEADER_SEARCH_LINES, find_header
from analytics.ingest.timestamps import (
    NOTE_FIRST_FIELD,
    NOTE_SECOND_FIELD,
    date_order_from,
    parse_timestamps,
)
from analytics.rollup import rules
from analytics.rollup.query import DUCKDB_PRIMITIVES_SQL

# timestamps.local_to_utc: a gap moves forward (the offset of the day before), an overlap takes
# the earlier instant (DuckDB's ICU alone takes the later one).
LOCAL_TO_UTC_SQL = """
CREATE OR REPLACE TEMP MACRO icu_utc(ts, tz) AS timezone('UTC', timezone(tz, ts));
CREATE OR REPLACE TEMP MACRO icu_local(u, tz) AS timezone(tz, timezone('UTC', u));
CREATE OR REPLACE TEMP MACRO utc_by_offset_at(ts, t0, tz) AS ts - (t0 - icu_utc(t0, tz));
CREATE OR REPLACE TEMP MACRO local_to_utc_of(ts, tz, b, a) AS CASE
    WHEN icu_local(b, tz) = ts AND icu_local(a, tz) = ts THEN least(b, a)
    WHEN icu_local(a, tz) = ts AND icu_local(b, tz) <> ts THEN a ELSE b END;
CREATE OR REPLACE TEMP MACRO local_to_utc(ts, tz) AS CASE WHEN tz = 'UTC' THEN ts
    ELSE local_to_utc_of(ts, tz, utc_by_offset_at(ts, ts - INTERVAL 1 DAY, tz),
                         utc_by_offset_at(ts, ts + INTERVAL 1 DAY, tz)) END;
"""

_LINES_SQL = """
SELECT (row_number() OVER ())::BIGINT AS line_no, coalesce(raw, '') AS line
FROM read_csv({path}, columns = {{'raw': 'VARCHAR'}}, header = false, delim = chr(1),
              quote = '', escape = '', auto_detect = false, strict_mode = false,
              compression = {compression}, max_line_size = {size}{new_line})
"""


@dataclass(frozen=True)
class Options:
    """What the cleaning needs besides the file (read_source_file's arguments)."""

    source: str | None
    timezone: str
    date_order_setting: str | None
    mapping: dict[str, str] | None
    now: datetime  # naive UTC
    max_line_bytes: int
    memory_limit: str


@dataclass(frozen=True)
class _Text:
    """The shape of `text` in the scratch database: a table of the JSON values, or for CSV a
    view over the lines (splitting a line again is cheaper than storing the split)."""

    names: list[str]
    plan: ColumnPlan
    json_values: bool
    warnings: list[str]
    kind: str
    delimiter: str | None


# Why a file goes to the Python path (native_read returns one of these).
NOT_QUALIFIED = "not plain UTF-8 CSV or JSON Lines (native_qualify)"
DUCKDB_READ = "DuckDB's line reader failed"
LONG_LINE = "a line over the line cap"
NO_HEADER = "no header or no required column (the Python path words the refusal)"
QUOTED = "a quote character in the CSV body"
NO_OBJECT = "no JSON object line"
TIMESTAMP_SHAPE = "a timestamp only the Python parser reads"
WIDE = "more columns than MAX_COLUMNS"
DECLINED = (
    NOT_QUALIFIED, DUCKDB_READ, LONG_LINE, NO_HEADER, QUOTED, NO_OBJECT, TIMESTAMP_SHAPE, WIDE,
)  # fmt: skip
MAX_COLUMNS = 200  # one SQL expression per column: a 10,000-column file would compile slowly


def native_read(path: Path, options: Options, *, max_decompressed_bytes: int) -> ParsedFile | str:
    """The ParsedFile of a qualifying file read natively, or why the Python path reads it."""
    rows = NativeRows.create()
    inflate_to = rows.folder / "inflated"  # a gzip file's content: inflated once, here
    facts = qualify(
        path.resolve(), max_decompressed_bytes=max_decompressed_bytes, inflate_to=inflate_to
    )
    if facts is None:
        rows.close()
        return NOT_QUALIFIED
    try:
        con = duckdb.connect(str(rows.database), config={"autoinstall_known_extensions": False})
        try:
            parsed = _parse(con, path, facts, options, rows)
        finally:
            progress.release(con)
            con.close()
    except BaseException:
        rows.close()
        raise
    if isinstance(parsed, str):
        rows.close()
    return parsed


def _setup(con: duckdb.DuckDBPyConnection, rows: NativeRows, memory_limit: str) -> None:
    """Bounded memory (spilling into the scratch folder) and the rules' SQL primitives."""
    con.execute(f"SET memory_limit = {rules.literal(memory_limit)}")
    con.execute(f"SET temp_directory = {rules.literal(str(rows.folder / 'spill'))}")
    con.execute("SET enable_progress_bar = false")
    # The scratch table lives for one commit: writing it uncompressed halves its cost.
    con.execute("SET force_compression = 'uncompressed'")
    con.execute(DUCKDB_PRIMITIVES_SQL)
    con.execute(LOCAL_TO_UTC_SQL)


def _parse(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    facts: Qualified,
    options: Options,
    rows: NativeRows,
) -> ParsedFile | str:
    """Lines, text (view or table), date order, rows; a DECLINED reason as soon as the Python
    path is needed."""
    _setup(con, rows, options.memory_limit)
    source = facts.inflated or path.resolve()
    lines = _LINES_SQL.format(
        path=rules.literal(str(source)),
        compression=rules.literal("gzip" if facts.gzip and not facts.inflated else "none"),
        size=max(options.max_line_bytes + 2, 1 << 21),
        new_line=", new_line = '\\r\\n'" if facts.crlf else "",
    )
    progress.mark(progress.READING, progress.NATIVE_READ, con)
    # JSON Lines go straight to `json_lines` (validity computed on the way), CSV to `lines`.
    table = "lines" if facts.kind == "csv" else "json_lines"
    select = f"SELECT line_no, line FROM ({lines})"
    if facts.kind == "jsonl":
        select = _json_lines_sql(lines, options.max_line_bytes)
    try:
        con.execute(f"CREATE TEMP TABLE {table} AS {select}")
    except duckdb.Error:
        return DUCKDB_READ  # a line over DuckDB's own cap, a byte it reads otherwise
    finally:
        if facts.inflated:
            facts.inflated.unlink(missing_ok=True)  # read: its disk space back at once
    # Every later statement carries line numbers in columns: DuckDB may write in any order.
    con.execute("SET preserve_insertion_order = false")
    column = "line" if facts.kind == "csv" else "raw"
    too_long = con.execute(f"SELECT max(strlen({column})) FROM {table}").fetchone()
    if too_long and too_long[0] is not None and too_long[0] > options.max_line_bytes:
        return LONG_LINE  # cut and quarantined by the Python path's long-line rule
    progress.mark(progress.CHECKING, progress.NATIVE_TEXT, con)
    text = _csv_text(con, options) if facts.kind == "csv" else _jsonl_text(con, options.mapping)
    if isinstance(text, str):
        return text
    ts_text = _timestamp_text(text.plan)
    order, note = _date_order(con, ts_text, options.date_order_setting)
    progress.mark(progress.CHECKING, progress.NATIVE_ROWS, con)
    con.execute("BEGIN")  # one commit (one WAL sync of the scratch file) for both statements
    rows_sql = keyed_sql(_rows_sql(text, options, ts_text, order))  # keyed outside the lock
    con.execute(f"CREATE TABLE {ROWS_TABLE} AS {rows_sql}")
    # The text carries no line text (a copy of every line): the few rows bound for
    # quarantine take theirs from the lines table here.
    con.execute(
        f"UPDATE {ROWS_TABLE} SET raw = l.{column} FROM {table} AS l "
        f"WHERE {ROWS_TABLE}.reason IS NOT NULL AND l.line_no = {ROWS_TABLE}.line_no"
    )
    con.execute("COMMIT")
    con.execute(f"DROP {'TABLE' if text.json_values else 'VIEW'} text")
    con.execute(f"DROP TABLE {table}")
    if _python_parses_more(con, options, order, note):
        return TIMESTAMP_SHAPE
    rows.height, bad_accepted = _counts(con)
    con.execute("CHECKPOINT")
    warnings = list(text.warnings)
    if bad_accepted:
        warnings.append(
            f"{bad_accepted} unparseable 'accepted' value{'s' * (bad_accepted != 1)} nulled"
        )
    return ParsedFile(
        path=path,
        sha256=facts.sha256,
        rows=rows,
        date_order=order,
        date_order_note=note,
        warnings=warnings,
        format=text.kind,
        encoding="utf-8",
        delimiter=text.delimiter,
        gzip=facts.gzip,
        long_lines=None,
    )


# --- CSV ---------------------------------------------------------------------------------


def _csv_text(con: duckdb.DuckDBPyConnection, options: Options) -> _Text | str:
    """CSV lines to the text view `text` (read.csv_table's rules), or why the Python path
    reads the file (no header, quotes, too wide)."""
    sql = f"SELECT line FROM lines WHERE line_no <= {HEADER_SEARCH_LINES} ORDER BY line_no"
    head = [line for (line,) in con.execute(sql).fetchall()]
    mapping = options.mapping
    header = find_header(
        head,
        known=lambda names: known_count(names, mapping),
        missing=lambda names: list(plan_columns(names, mapping).missing),
    )
    if header is None:
        return NO_HEADER
    field = _quoted_field_sql(header.delimiter)
    d = re.escape(header.delimiter)
    well_formed = rules.literal(f"^{field}(?:{d}{field})*$")
    quoted = (
        f"SELECT count(*) FROM lines WHERE line_no > {header.index + 1} AND contains(line, '\"') "
        f"AND NOT regexp_full_match(line, {well_formed})"
    )
    if _scalar(con, quoted):
        return QUOTED  # stray quotes, padding, fields spanning lines: the Python path splits them
    width = len(header.names)
    if width > MAX_COLUMNS:
        return WIDE
    named = width - unnamed_tail(header.names)
    key = f"lower(regexp_replace({rules.literal(head[header.index])}, {_NOISE}, '', 'g'))"
    line_key = f"lower(regexp_replace(line, {_NOISE}, '', 'g'))"
    if head[header.index].isascii():  # a cheap anchored test first: most lines fail at once
        line_key = f"CASE WHEN {_header_like(head[header.index])} THEN {line_key} END"
    count = "len(f)"
    structural = (
        f"CASE WHEN {line_key} = {key} THEN {rules.literal(reasons.REPEATED_HEADER)} "
        f"WHEN {count} < {named} OR {count} > {width} "
        f"THEN {rules.literal(reasons.WRONG_FIELD_COUNT)} END"
    )
    columns = ", ".join(
        f"CASE WHEN structural IS NULL THEN f[{i + 1}] END AS c{i}" for i in range(width)
    )
    con.execute(  # a view: the date order and the rows split the lines again, no copy kept
        f"CREATE TEMP VIEW text AS SELECT line_no, raw, structural, {columns} FROM ("
        f"SELECT line_no, NULL::VARCHAR AS raw, f, {structural} AS structural FROM ("
        f"SELECT line_no, line, {_split_sql(header.delimiter)} AS f FROM lines "
        f"WHERE line_no > {header.index + 1} AND {rules.strip_sql('line')} <> ''))"
    )
    names = list(header.names)
    while len(names) > named and not _scalar(
        con, f"SELECT count(*) FROM text WHERE {rules.strip_sql(f'c{len(names) - 1}')} <> ''"
    ):  # an unnamed trailing column with no values is nothing
        names.pop()
    warnings = []
    if header.index:
        plural = "s" * (header.index != 1)
        warnings.append(f"skipped {header.index} preamble line{plural} before the header")
    plan = plan_columns(names, mapping)
    if plan.missing:
        return NO_HEADER
    return _Text(names, plan, False, warnings, "csv", header.delimiter)


def _quoted_field_sql(delimiter: str) -> str:
    """One field of a well-formed line (RE2): quoted whole (`"a,b"`, doubled quotes inside)
    or holding no quote at all. decode.csv_records reads such lines as one record each."""
    d = re.escape(delimiter)
    return f'(?:"(?:[^"]|"")*"|[^"{d}]*)'


def _split_sql(delimiter: str) -> str:
    """A line's fields: split at the delimiter, or for a line with quotes (well-formed, checked
    above) each field matched whole, then unquoted as decode._unquote does."""
    d = re.escape(delimiter)
    field = _quoted_field_sql(delimiter)
    pattern = rules.literal(f"{d}({field})")
    unquoted = (
        "list_transform(regexp_extract_all({line}, {pattern}, 1), lambda x: CASE WHEN "
        "starts_with(x, '\"') THEN replace(x[2:-2], '\"\"', '\"') ELSE x END)"
    )
    prefixed = f"({rules.literal(delimiter)} || line)"
    return (
        f"CASE WHEN contains(line, '\"') THEN "
        f"{unquoted.format(line=prefixed, pattern=pattern)} "
        f"ELSE string_split(line, {rules.literal(delimiter)}) END"
    )


# read.header_key's `[\s"\ufeff]`: white space, quotes and BOM, left out when lines are compared
_NOISE_CLASS = rules.WHITE_SPACE_CLASS[:-1] + '"\\x{feff}]'
_NOISE = rules.literal(_NOISE_CLASS)


def _header_like(header: str) -> str:
    """A necessary condition for a line to equal an ASCII header up to white space, quotes,
    BOM and case: its letters in order with only those between (one anchored RE2 match)."""
    noise = _NOISE_CLASS
    kept = [c for c in header if not (c.isspace() or c in '"\ufeff')]
    body = noise + "*" + "".join(re.escape(c) + noise + "*" for c in kept)
    return f"regexp_matches(line, {rules.literal('(?i)^' + body + '$')})"


# --- JSON Lines --------------------------------------------------------------------------


def _json_lines_sql(lines: str, max_line_bytes: int) -> str:
    """Non-blank lines with their validity as JSON objects (read.json_objects_table's rule),
    read from the file in one pass; blank lines over the cap are kept for the long-line test.
    A valid document whose first non-space character is `{` is an object, so json_type (a
    second parse) runs only on the odd lines that start otherwise."""
    is_object = (  # CASE, not AND/OR: the optimizer may reorder those, json_type first
        "CASE WHEN NOT json_valid(raw) THEN false WHEN starts_with(ltrim(raw), '{') THEN true "
        "ELSE coalesce(json_type(raw) = 'OBJECT', false) END"
    )
    return (
        f"SELECT line_no, raw, {is_object} AS ok FROM ("
        f"SELECT line_no, line AS raw FROM ({lines}) "
        f"WHERE {rules.strip_sql('line')} <> '' OR strlen(line) > {max_line_bytes})"
    )


def _jsonl_text(con: duckdb.DuckDBPyConnection, mapping: dict[str, str] | None) -> _Text | str:
    """The `json_lines` objects to the text table `text` (read.json_objects_table's values);
    NO_OBJECT when no line is an object (maybe one pretty-printed object: the Python path
    decides). Values are extracted with one parse per line: the JSON text of a value (`j`) only
    for the columns that become properties; a user value is known to be an object or array
    (not a user) by its type, looked up only when its text starts like one."""
    keys_sql = JSON_KEYS_SQL.replace(
        f"FROM lines WHERE {JSON_OBJECT_SQL}", "FROM json_lines WHERE ok"
    )
    assert keys_sql != JSON_KEYS_SQL
    names = [k for (k,) in con.execute(keys_sql).fetchall()]
    if not names:
        return NO_OBJECT
    if len(names) > MAX_COLUMNS:
        return WIDE
    plan = plan_columns(names, mapping)
    if plan.missing:
        return NO_HEADER
    paths = [rules.literal("/" + k.replace("~", "~0").replace("/", "~1")) for k in names]
    listed = "[" + ", ".join(paths) + "]"
    values = [f"s[{i + 1}] AS c{i}" for i in range(len(names))]
    for i in plan.fields["user_id"]:
        starts = f"(starts_with(s[{i + 1}], '{{') OR starts_with(s[{i + 1}], '['))"
        nested = f"json_type(raw, {paths[i]}) IN ('OBJECT', 'ARRAY')"
        values.append(f"CASE WHEN {starts} THEN {nested} ELSE false END AS nested{i}")
    json_columns = sorted(plan.unknown)
    if json_columns:
        picked = "[" + ", ".join(paths[i] for i in json_columns) + "]"
        values.append(f"CASE WHEN ok THEN json_extract(raw, {picked})::VARCHAR[] END AS j")
    con.execute(
        "CREATE TEMP TABLE text AS SELECT line_no, NULL::VARCHAR AS raw, structural, "
        + ", ".join(
            [f"c{i}" for i in range(len(names))]
            + [f"nested{i}" for i in plan.fields["user_id"]]
            + [f"j[{k + 1}] AS j{i}" for k, i in enumerate(json_columns)]
        )
        + f" FROM (SELECT line_no, raw, ok, CASE WHEN NOT ok THEN "
        f"{rules.literal(reasons.INVALID_JSON)} END AS structural, {', '.join(values)} FROM ("
        f"SELECT line_no, raw, ok, CASE WHEN ok THEN json_extract_string(raw, {listed}) END AS s "
        f"FROM json_lines))"
    )
    return _Text(names, plan, True, [], "jsonl", None)


# --- the rows ----------------------------------------------------------------------------


def _timestamp_text(plan: ColumnPlan) -> str:
    """columns._timestamp_text in SQL: one column, or "date time" from two (date alone when
    the time is empty, nothing without a date); stripped as parse_timestamps strips."""
    columns = plan.fields["timestamp"]
    if len(columns) == 1:
        return rules.strip_sql(f"c{columns[0]}")
    date, time = (rules.strip_sql(f"c{i}") for i in columns)
    joined = f"CASE WHEN coalesce({time}, '') = '' THEN {date} ELSE {date} || ' ' || {time} END"
    return rules.strip_sql(f"CASE WHEN {date} <> '' THEN {joined} END")


_NUMERIC_START = rules.literal(r"^[0-9]{1,2}[/.\-]")  # every numeric date starts so: a cheap test


def _date_order(
    con: duckdb.DuckDBPyConnection, ts_text: str, setting: str | None
) -> tuple[str | None, str | None]:
    """timestamps.decide_date_order over the file's numeric dates, its facts in one query (none
    when a first, stopping scan finds no value starting like a numeric date)."""
    # A value starting with 1-2 digits and a separator is neither an epoch nor ISO: of the
    # families only the two numeric ones can take it first, so only their patterns are tried.
    numeric_start = f"regexp_matches(v, {_NUMERIC_START})"
    first = f"SELECT 1 FROM (SELECT {ts_text} AS v FROM text) WHERE {numeric_start} LIMIT 1"
    if not con.execute(first).fetchall():
        # no numeric date at all (ISO or epoch files): the facts below would all be false
        return date_order_from(
            plausible=False, first_settles=False, second_settles=False, setting=setting
        )
    fast = rules.literal(rules.NUMERIC_FAST)
    numeric = rules.family_matches_sql("v", "numeric")
    family = (
        f"CASE WHEN regexp_matches(v, {fast}) THEN 'numeric_fast' WHEN {numeric} THEN 'numeric' END"
    )
    a, b = rules.numeric_fields_sql("v", "family")
    sql = f"""
    SELECT count(*) > 0, coalesce(bool_or(a > 12 AND b <= 12), false),
           coalesce(bool_or(b > 12 AND a <= 12), false)
    FROM (SELECT {a} AS a, {b} AS b FROM (SELECT v, {family} AS family
          FROM (SELECT {ts_text} AS v FROM text) WHERE {numeric_start})
          WHERE family IN ('numeric', 'numeric_fast'))
    WHERE a <= 31 AND b <= 31
    """
    found = con.execute(sql).fetchone()
    assert found is not None
    plausible, first, second = found
    return date_order_from(
        plausible=bool(plausible),
        first_settles=bool(first),
        second_settles=bool(second),
        setting=setting,
    )


def _rows_sql(text: _Text, options: Options, ts_text: str, order: str | None) -> str:
    """The contract rows (columns.build_rows in SQL), row_idx = line_no (line order); raw is
    kept for the rows bound for quarantine only (load stores no other row's raw text)."""
    plan = text.plan
    users = plan.fields["user_id"]

    def single(name: str) -> str:
        index = plan.first(name)
        return "NULL::VARCHAR" if index is None else rules.strip_sql(f"c{index}")

    def user_column(index: int) -> str:
        if not text.json_values:
            return f"c{index}"
        return f"CASE WHEN NOT nested{index} THEN c{index} END"

    stage = [
        *(f"{_no_space(_nfc(user_column(i)))} AS _user{k}" for k, i in enumerate(users)),
        *(f"{single(n)} AS _{n}" for n in _SINGLE),
        f"{ts_text} AS ts_text",
        f"{_too_large(len(text.names))} AS too_large",
        f"{_properties(text)} AS properties",
    ]
    fallback = fallback_source(options.source)
    user = (
        "coalesce("
        + ", ".join(
            [*(rules.user_sql(f"_user{k}", spaced=False) for k in range(len(users))), "NULL"]
        )
        + ")"
    )
    identifiers = [
        *(f"_user{k}" for k in range(len(users))),
        "_event_id",
        "_event",
        "_source",
        "_session_id",
    ]
    accepted = " ".join(
        f"WHEN {rules.literal(word)} THEN {str(value).lower()}"
        for word, value in ACCEPTED_VALUES.items()
    )
    cleaned = [
        f"coalesce(nullif(_source, ''), {rules.literal(fallback)}) AS source",
        f"{rules.event_id_sql('_event_id', stripped=True)} AS event_id",
        f"{user} AS user_id",
        f"{rules.event_sql('_event', stripped=True)} AS event",
        "nullif(_session_id, '') AS session_id",
        "nullif(_feature, '') AS feature",
        f"CASE lower(_accepted) {accepted} END AS accepted",
        f"{rules.too_long_sql(identifiers)} AS too_long",
    ]
    family = rules.timestamp_family_sql("ts_text", fast=True)
    parts = rules.timestamp_parts_sql(
        "ts_text", "ts_family", date_order=order or "month_first", fast=True
    )
    part_columns = ", ".join(f"{sql} AS {name}" for name, sql in parts.items())
    now = options.now.isoformat(sep=" ")
    reason = rules.reason_sql(
        invalid_json="false",
        too_long="too_long",
        user="user_id",
        ts="ts",
        event="event",
        now_utc=now,
        structural="structural",
        too_large="too_large",
    )
    out = (
        "line_no AS row_idx, line_no, CASE WHEN reason IS NOT NULL THEN raw END AS raw, source, "
        "event_id, user_id, ts, event, session_id, feature, accepted, properties, reason, "
        "NULL::BIGINT AS raw_length, NULL::VARCHAR AS raw_sha256, "
        "coalesce(_accepted <> '' AND accepted IS NULL, false) AS bad_accepted, "
        "CASE WHEN ts IS NULL THEN ts_text END AS ts_text"
    )
    return (
        f"SELECT {out} FROM (SELECT *, {reason} AS reason FROM ("
        f"SELECT *, CAST({rules.timestamp_sql(tz=options.timezone)} AS TIMESTAMP) AS ts FROM ("
        f"SELECT *, {part_columns} FROM (SELECT *, {family} AS ts_family FROM ("
        f"SELECT *, {', '.join(cleaned)} FROM ("
        f"SELECT line_no, raw, structural, {', '.join(stage)} FROM text)))))) "
    )


def _nfc(text: str) -> str:
    """NFC-normalised text; ASCII (as many bytes as characters) is already NFC."""
    return f"CASE WHEN strlen({text}) = length({text}) THEN {text} ELSE nfc_normalize({text}) END"


_ASCII_SPACE = (" ", "\t", "\n", "\x0b", "\x0c", "\r")


def _no_space(text: str) -> str:
    """The text without columns.USER_SPACE characters; an ASCII text without ASCII white space
    (most user values) has none, so the global regex replace runs on the others only."""
    clean = " AND ".join(
        [f"strlen({text}) = length({text})"]
        + [f"NOT contains({text}, chr({ord(c)}))" for c in _ASCII_SPACE]
    )
    space = rules.literal(rules.USER_SPACE_SQL)
    return f"CASE WHEN {clean} THEN {text} ELSE regexp_replace({text}, {space}, '', 'g') END"


_SINGLE = ("event", "event_id", "source", "session_id", "feature", "accepted")


def _too_large(width: int) -> str:
    """True where any field is over reasons.FIELD_MAX_BYTES bytes."""
    checks = [f"coalesce(strlen(c{i}) > {reasons.FIELD_MAX_BYTES}, false)" for i in range(width)]
    return "(" + " OR ".join([*checks, "false"]) + ")"


def _properties(text: _Text) -> str:
    """columns._properties: unknown columns as one JSON object text; null when none."""
    plan = text.plan
    if not plan.unknown:
        return "NULL::VARCHAR"
    pairs = list(zip(property_names(plan), plan.unknown, strict=True))
    if text.json_values:
        pieces = [f"{rules.literal(json.dumps(name) + ':')} || j{i}" for name, i in pairs]
        body = f"concat_ws(',', {', '.join(pieces)})"
        value = f"CASE WHEN {body} <> '' THEN '{{' || {body} || '}}' END"
    else:
        args = ", ".join(f"{rules.literal(name)}, c{i}" for name, i in pairs)
        value = f"json_object({args})::VARCHAR"
    return f"CASE WHEN structural IS NULL THEN {value} END"


# A value settling each order as the whole file's values did (timestamps.decide_date_order),
# put first among the values re-checked so the Python parser decides as it would on the file.
_SETTLERS = {NOTE_FIRST_FIELD: "13/01/2000", NOTE_SECOND_FIELD: "01/13/2000"}


def _python_parses_more(
    con: duckdb.DuckDBPyConnection, options: Options, order: str | None, note: str | None
) -> bool:
    """True when the Python parser reads a timestamp the SQL could not (a shape the SQL
    families lack, e.g. an epoch with a fraction): then the Python path reads the file."""
    sql = f"SELECT DISTINCT ts_text FROM {ROWS_TABLE} WHERE ts IS NULL AND ts_text <> ''"
    values = [v for (v,) in con.execute(sql).fetchall()]
    if not values:
        return False
    settler = _SETTLERS.get(note or "")
    parsed = parse_timestamps(
        pl.Series("v", [settler, *values] if settler else values, dtype=pl.String),
        timezone=options.timezone,
        date_order_setting=order,
    )
    return parsed.ts.slice(1 if settler else 0).is_not_null().any()


def _counts(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Rows read, and the good rows' unparseable 'accepted' values (a warning)."""
    found = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE reason IS NULL AND bad_accepted) "
        f"FROM {ROWS_TABLE}"
    ).fetchone()
    assert found is not None
    return int(found[0]), int(found[1])


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """One integer from a query."""
    found = con.execute(sql).fetchone()
    return int(found[0]) if found and found[0] is not None else 0
