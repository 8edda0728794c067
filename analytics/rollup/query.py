"""The rollup written once: events -> outcomes -> person_day, quarantine counts and report.

Every statement is built here in DuckDB's SQL; `to_spark` transpiles it with sqlglot, mapping
the few engine primitives (rules.py docstring) to Spark's built-ins. The engines only read
inputs into views `input_<n>` (text columns), register `roster` and `erased_users`, and run
these statements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from analytics.db import GITHUB_IDENTITIES_SQL, IDENTITIES_SQL
from analytics.ingest.columns import ColumnPlan, fallback_source
from analytics.ingest.keys import DEDUPE_KEY_SQL
from analytics.rollup import rules

if TYPE_CHECKING:  # sqlglot is imported by to_spark only: the local ingest never needs it
    from sqlglot import exp


@dataclass(frozen=True)
class InputPlan:
    """One input as the query sees it: its view columns, their fields, and rows to skip."""

    number: int
    columns: tuple[str, ...]  # the view's column names, in order
    plan: ColumnPlan  # fields -> column indexes (plan.names are the header names)
    skip_rows: tuple[tuple[str, ...], ...] = ()  # CSV header and preamble lines, as fields
    json_lines: bool = False  # the view is text lines (`line`); columns are the objects' keys


# A blank line is not a row (the local ingest's strip): white space, Unicode spaces included.
BLANK_LINE = (
    r"^[\s\x{0b}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}"
    r"\x{3000}]*$"
)


def json_keys_sql(number: int) -> str:
    """The distinct keys of a JSON Lines input's objects (its columns, sorted on the driver)."""
    return f"SELECT DISTINCT unnest(object_keys(line)) AS key FROM input_{number}"


def _raw(inp: InputPlan, index: int) -> str:
    """Column `index` of an input as text: a view column, or a JSON Lines object's value."""
    name = inp.columns[index]
    if inp.json_lines:
        return f"json_text(line, {rules.literal(name)})"
    return f"CAST({rules.quote_name(name)} AS VARCHAR)"


def _rows(inp: InputPlan) -> str:
    """The FROM of an input: its view, or for JSON Lines its non-blank lines (BOM removed)."""
    if not inp.json_lines:
        return f"input_{inp.number}{_skip_filter(inp)}"
    line = "regexp_replace(coalesce(line, ''), '^\\x{feff}', '')"
    return (
        f"(SELECT {line} AS line FROM input_{inp.number}) AS lines "
        f"WHERE NOT regexp_matches(line, {rules.literal(BLANK_LINE)})"
    )


@dataclass(frozen=True)
class RollupOptions:
    """What the rules need besides the rows."""

    source: str | None
    timezone: str
    date_order: str
    passive_events: tuple[str, ...]
    now_utc: str  # 'YYYY-MM-DD HH:MM:SS', the rollup's "ingest time"


def _column(inp: InputPlan, field: str) -> str:
    """The trimmed text of a single-column field, or NULL when the input lacks it."""
    index = inp.plan.first(field)
    return "NULL" if index is None else f"trim({_raw(inp, index)})"


def _skip_filter(inp: InputPlan) -> str:
    """WHERE clause dropping rows equal to the header or a preamble line (CSV read headerless)."""
    if not inp.skip_rows:
        return ""
    tests = []
    for row in inp.skip_rows:
        padded = list(row) + [""] * (len(inp.columns) - len(row))
        fields = [
            f"coalesce(regexp_replace({rules.quote_name(c)}, '\\x{{feff}}', '', 'g'), '') = "
            f"{rules.literal(v.replace(chr(0xFEFF), ''))}"
            for c, v in zip(inp.columns, padded, strict=False)
        ]
        tests.append("(" + " AND ".join(fields) + ")")
    return " WHERE NOT (" + " OR ".join(tests) + ")"


def staged_select(inp: InputPlan, options: RollupOptions) -> str:
    """One input's rows with the fields cleaned (staging: rename and clean only)."""
    fallback = fallback_source(options.source)
    users = [_raw(inp, i) for i in inp.plan.fields["user_id"]]
    invalid = "NOT is_json_object(line)" if inp.json_lines else "false"
    user = "coalesce(" + ", ".join([*(rules.user_sql(u) for u in users), "NULL"]) + ")"
    identifiers = [
        *users,
        *(_column(inp, f) for f in ("event_id", "event", "source", "session_id")),
    ]
    return (
        f"SELECT {inp.number} AS input_no, {user} AS user_id, "
        f"{_column(inp, 'timestamp')} AS ts_text, "
        f"{rules.event_sql(_column(inp, 'event'))} AS event, "
        f"{rules.event_id_sql(_column(inp, 'event_id'))} AS event_id, "
        f"coalesce(nullif({_column(inp, 'source')}, ''), {rules.literal(fallback)}) AS source, "
        f"{rules.too_long_sql(identifiers)} AS too_long, {invalid} AS invalid_json "
        f"FROM {_rows(inp)}"
    )


def checked_sql(inputs: Sequence[InputPlan], options: RollupOptions) -> str:
    """Every row read with its instant and its quarantine reason (null for a good row)."""
    union = " UNION ALL ".join(staged_select(i, options) for i in inputs)
    family = rules.timestamp_family_sql("ts_text")
    parts = rules.timestamp_parts_sql("ts_text", "ts_family", date_order=options.date_order)
    columns = ", ".join(f"{sql} AS {name}" for name, sql in parts.items())
    ts = rules.timestamp_sql(tz=options.timezone)
    reason = rules.reason_sql(
        invalid_json="invalid_json",
        too_long="too_long",
        user="user_id",
        ts="ts",
        event="event",
        now_utc=options.now_utc,
    )
    return (
        f"SELECT *, {reason} AS reason FROM (SELECT *, {ts} AS ts FROM "
        f"(SELECT *, {columns} FROM (SELECT *, {family} AS ts_family FROM ({union}) AS staged)"
        " AS families) AS parts) AS parsed"
    )


def users_sql() -> str:
    """The distinct usable users (checked against the tombstones on the driver)."""
    return "SELECT DISTINCT user_id FROM checked WHERE user_id IS NOT NULL"


# Outcomes as the local ingest decides them (ingest/load.py): suppressed, quarantined,
# duplicate (a key seen earlier: earlier input, then earlier instant, user, event), loaded.
DECIDED_SQL = """
SELECT input_no, user_id, ts, event, source, reason,
       CASE WHEN e.erased IS NOT NULL THEN 'suppressed'
            WHEN reason IS NOT NULL THEN 'quarantined'
            WHEN row_number() OVER (PARTITION BY dedupe_key
                                    ORDER BY input_no, ts, user_id, event) > 1 THEN 'duplicate'
            ELSE 'loaded' END AS outcome
FROM (SELECT c.*, x.erased
      FROM (SELECT *, CASE WHEN reason IS NULL THEN {key} END AS dedupe_key FROM checked) AS c
      LEFT JOIN (SELECT DISTINCT user_id AS erased FROM erased_users) AS x
      ON x.erased = c.user_id) AS e
"""


def decided_sql() -> str:
    """Every row read with its outcome (suppressed, quarantined, duplicate, loaded)."""
    key = " ".join(DEDUPE_KEY_SQL.split())
    return DECIDED_SQL.format(key=key)


def person_day_sql(options: RollupOptions) -> str:
    """One row per person per local day: events, active events, the sources seen (sorted)."""
    passive = options.passive_events
    active = f"event NOT IN {rules.in_list(passive)}" if passive else "true"
    identities = IDENTITIES_SQL.format(github=GITHUB_IDENTITIES_SQL)
    return f"""
SELECT person, day, CAST(count(*) AS INTEGER) AS events,
       CAST(count(*) FILTER (WHERE is_active) AS INTEGER) AS active_events,
       list_sort(list_distinct(list(source))) AS sources,
       strftime(day, '%Y-%m') AS month
FROM (SELECT coalesce(i.person_id, d.user_id) AS person,
             local_day(d.ts, {rules.literal(options.timezone)}) AS day, d.source,
             {active} AS is_active
      FROM decided AS d LEFT JOIN ({identities}) AS i ON i.key = d.user_id
      WHERE d.outcome = 'loaded') AS located
GROUP BY person, day
"""


QUARANTINE_COUNTS_SQL = """
SELECT input_no, reason, count(*) AS count FROM decided WHERE outcome = 'quarantined'
GROUP BY input_no, reason
"""
REPORT_SQL = """
SELECT input_no, count(*) AS "read",
       count(*) FILTER (WHERE outcome = 'loaded') AS loaded,
       count(*) FILTER (WHERE outcome = 'duplicate') AS duplicates,
       count(*) FILTER (WHERE outcome = 'quarantined') AS quarantined,
       count(*) FILTER (WHERE outcome = 'suppressed') AS suppressed
FROM decided GROUP BY input_no
"""

TIMESTAMP_TEXT = "yyyy-MM-dd HH:mm:ss"


def _spark_primitive(node: exp.Expr) -> exp.Expr:
    """The engine primitives of rules.py in Spark's built-ins."""
    from sqlglot import exp  # here, not at the top: only the Spark path transpiles

    if isinstance(node, exp.DataType) and node.this == exp.DataType.Type.TIMESTAMPNTZ:
        return exp.DataType.build("TIMESTAMP")  # session time zone is UTC: naive UTC instants
    if not isinstance(node, exp.Anonymous):
        return node
    name, args = node.name.lower(), node.expressions
    if name == "local_to_utc":
        return exp.Anonymous(this="to_utc_timestamp", expressions=args)
    if name == "add_micros":
        micros = exp.Add(
            this=exp.Anonymous(this="unix_micros", expressions=[args[0]]), expression=args[1]
        )
        return exp.Anonymous(this="timestamp_micros", expressions=[micros])
    if name == "try_timestamp":
        fmt = exp.Literal.string(TIMESTAMP_TEXT)
        return exp.Anonymous(this="try_to_timestamp", expressions=[args[0], fmt])
    if name == "is_json_object":  # Jackson reads past a first object: the line must end there
        keys = exp.Anonymous(this="json_object_keys", expressions=[args[0]])
        ends = exp.RegexpLike(this=args[0], expression=exp.Literal.string(r"\}\s*$"))
        known = exp.Not(this=exp.Is(this=keys, expression=exp.Null()))
        return exp.Paren(this=exp.and_(known, ends))
    if name == "object_keys":
        return exp.Anonymous(this="json_object_keys", expressions=args)
    if name == "json_text":
        path = exp.Literal.string(f"$['{args[1].name}']")
        return exp.Anonymous(this="get_json_object", expressions=[args[0], path])
    if name == "local_day":
        local = exp.Anonymous(this="from_utc_timestamp", expressions=args)
        return exp.Cast(this=local, to=exp.DataType.build("DATE"))
    return node


def to_spark(sql: str) -> str:
    """One DuckDB statement as Spark SQL."""
    import sqlglot  # here, not at the top: ~0.1-0.3 s of import on every local ingest

    tree = sqlglot.parse_one(sql, read="duckdb")
    for node in reversed(list(tree.walk(bfs=False))):  # innermost first: calls nest
        replaced = _spark_primitive(node)
        if replaced is not node:
            node.replace(replaced)
    return tree.sql(dialect="spark")


# The primitives in DuckDB (local_day and identities come from analytics.db's rules). add_micros
# in integer microseconds: adding an interval (`ts + to_microseconds(n)`) costs more per row.
DUCKDB_PRIMITIVES_SQL = """
CREATE OR REPLACE TEMP MACRO local_to_utc(ts, tz) AS
    CASE WHEN tz = 'UTC' THEN ts ELSE timezone('UTC', timezone(tz, ts)) END;
CREATE OR REPLACE TEMP MACRO add_micros(ts, n) AS make_timestamp(epoch_us(ts) + n);
CREATE OR REPLACE TEMP MACRO try_timestamp(t) AS try_strptime(t, '%Y-%m-%d %H:%M:%S');
CREATE OR REPLACE TEMP MACRO is_json_object(t) AS
    coalesce(CASE WHEN json_valid(t) THEN json_type(t) END = 'OBJECT', false);
CREATE OR REPLACE TEMP MACRO object_keys(t) AS CASE WHEN is_json_object(t) THEN json_keys(t) END;
CREATE OR REPLACE TEMP MACRO json_text(t, k) AS CASE WHEN is_json_object(t)
    THEN json_extract_string(t, '/' || replace(replace(k, '~', '~0'), '/', '~1')) END;
"""
