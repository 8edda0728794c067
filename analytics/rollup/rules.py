"""The section 3 row rules as SQL expressions, generated from the local ingest's own tables.

Aliases come from `ingest.columns` (ALIASES via plan_columns), placeholders from
`USER_PLACEHOLDERS`/`EVENT_ID_PLACEHOLDERS`, reasons from `ingest.reasons`, the timestamp
families from `ingest.timestamps.PATTERNS` and `MONTH_NUMBERS`, the dedupe key from
`ingest.keys.DEDUPE_KEY_SQL`: nothing here is a second copy of a rule, only its SQL spelling.
The SQL is DuckDB's dialect; `query.to_spark` transpiles it. Three primitives have no common
spelling and are written as calls that each engine defines: `local_to_utc(ts, tz)`,
`add_micros(ts, n)` and `try_timestamp(text)` (text `YYYY-MM-DD HH:MM:SS`, null if impossible);
JSON Lines add `is_json_object(line)`, `object_keys(line)` and `json_text(line, 'key')`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analytics.ingest import reasons
from analytics.ingest.columns import EVENT_ID_PLACEHOLDERS, USER_PLACEHOLDERS
from analytics.ingest.timestamps import EARLIEST, LATEST_AHEAD, MONTH_NUMBERS, PATTERNS

# Unicode White_Space (what polars' strip_chars and Rust's regex \s remove): RE2 and Java read
# \s as ASCII only, so the set is spelled out; USER_SPACE_SQL adds ingest.columns.USER_SPACE's
# zero-width space, word joiner and BOM.
WHITE_SPACE = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
    "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
_SPACES = r"\s\x{0b}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
WHITE_SPACE_CLASS = f"[{_SPACES}]"
USER_SPACE_SQL = f"[{_SPACES}" + r"\x{200b}\x{2060}\x{feff}]"
_EPOCH_DIGITS = r"^[0-9]{1,19}$"


def literal(text: str) -> str:
    """A SQL string literal (quotes doubled): values the command builds into SQL."""
    return "'" + text.replace("'", "''") + "'"


def quote_name(name: str) -> str:
    """A quoted identifier (a column name from a file header)."""
    return '"' + name.replace('"', '""') + '"'


def in_list(values: Iterable[str]) -> str:
    """`('a', 'b')` for an IN test."""
    return "(" + ", ".join(literal(v) for v in values) + ")"


def trimmed(column: str) -> str:
    """A text column trimmed, empty as null."""
    return f"nullif(trim({column}), '')"


def strip_sql(column: str) -> str:
    """Text without leading and trailing Unicode white space (polars' strip_chars); text that
    starts and ends with a printable ASCII character is returned as it is (trim with a set of
    characters is ten times slower)."""
    printable = (
        f"ascii({column}) BETWEEN 33 AND 126 AND ascii(right({column}, 1)) BETWEEN 33 AND 126"
    )
    return f"CASE WHEN {printable} THEN {column} ELSE trim({column}, {literal(WHITE_SPACE)}) END"


def user_sql(column: str, *, spaced: bool = True) -> str:
    """ingest.columns.user_value in SQL: no white space, e-mails lower-cased, placeholders null
    (NFC normalisation is left to the local ingest: Spark has no such function); `spaced=False`
    for a column whose white space is already removed."""
    text = f"regexp_replace({column}, {literal(USER_SPACE_SQL)}, '', 'g')" if spaced else column
    cased = f"CASE WHEN strpos({text}, '@') > 0 THEN lower({text}) ELSE {text} END"
    usable = f"({text} <> '' AND lower({text}) NOT IN {in_list(USER_PLACEHOLDERS)})"
    return f"CASE WHEN {usable} THEN {cased} END"


def event_sql(column: str, *, stripped: bool = False) -> str:
    """ingest.columns.event_value: trimmed, null when empty or a placeholder (`stripped`: the
    column is already stripped of all white space, so trim would change nothing)."""
    text = column if stripped else f"trim({column})"
    placeholders = in_list(USER_PLACEHOLDERS)
    return f"CASE WHEN {text} <> '' AND lower({text}) NOT IN {placeholders} THEN {text} END"


def event_id_sql(column: str, *, stripped: bool = False) -> str:
    """ingest.columns.event_id_value: trimmed, null for placeholders (empty, 0, nil UUID...);
    `stripped` as in event_sql."""
    text = column if stripped else f"trim({column})"
    placeholders = in_list(EVENT_ID_PLACEHOLDERS)
    return f"CASE WHEN {text} <> '' AND lower({text}) NOT IN {placeholders} THEN {text} END"


def too_long_sql(columns: Iterable[str]) -> str:
    """True when any identifier is over reasons.IDENTIFIER_MAX_CHARS characters."""
    checks = [f"coalesce(length({c}) > {reasons.IDENTIFIER_MAX_CHARS}, false)" for c in columns]
    return "(" + " OR ".join(checks or ["false"]) + ")"


# --- timestamps --------------------------------------------------------------------------


def _only(pattern: str, name: str | None) -> str:
    """A PATTERNS regex with one named group capturing (as group 1) and the others not: RE2 in
    DuckDB extracts groups 0-9 only, and RE2 and Java spell names differently."""

    def replace(match: re.Match[str]) -> str:
        return "(" if match.group(1) == name else "(?:"

    return re.sub(r"\(\?P<(\w+)>", replace, pattern)


def _part(value: str, family: str, name: str) -> str:
    """One captured part of a family's pattern; null when absent."""
    if name not in re.compile(PATTERNS[family]).groupindex:
        return "NULL"
    return f"nullif(regexp_extract({value}, {literal(_only(PATTERNS[family], name))}, 1), '')"


def _matches(value: str, family: str) -> str:
    """True when the value matches a family's pattern."""
    return f"regexp_matches({value}, {literal(_only(PATTERNS[family], None))})"


def family_part_sql(value: str, family: str, name: str) -> str:
    """One captured part of a timestamp family's pattern (e.g. the numeric dates' `a`, `b`)."""
    return _part(value, family, name)


def family_matches_sql(value: str, family: str) -> str:
    """True when a trimmed timestamp text matches a family's pattern."""
    return _matches(value, family)


def _month_from_name(name_sql: str) -> str:
    """A month name (`jan`, `January`, `sept`) to its number, from timestamps.MONTH_NUMBERS."""
    cases = " ".join(f"WHEN {literal(k)} THEN {v}" for k, v in MONTH_NUMBERS.items())
    return f"CASE lower({name_sql}) {cases} END"


def _local(value: str, family: str, date_order: str) -> tuple[str, str, str]:
    """A value matched by one family: its wall-clock time, whether it wrote an offset, and the
    offset in minutes (null when impossible); timestamps._instant in SQL."""

    def p(name: str) -> str:
        return _part(value, family, name)

    if family == "numeric":
        first, second = ("b", "a") if date_order == "day_first" else ("a", "b")
        month, day = p(first), p(second)
    elif family in ("month_first", "day_first"):
        month, day = f"CAST({_month_from_name(p('mon'))} AS VARCHAR)", p("d")
    else:
        month, day = p("mo"), p("d")
    hour = f"TRY_CAST({p('H')} AS INTEGER)"
    meridiem = f"upper(substr({p('ap')}, 1, 1))"
    hour = (
        f"CASE WHEN {p('ap')} IS NULL THEN {hour} WHEN {hour} BETWEEN 1 AND 12 THEN "
        f"{hour} % 12 + CASE WHEN {meridiem} = 'P' THEN 12 ELSE 0 END END"
    )
    pieces = [
        p("y"),
        "'-'",
        f"lpad({month}, 2, '0')",
        "'-'",
        f"lpad({day}, 2, '0')",
        "' '",
        f"lpad(CAST(coalesce({hour}, 0) AS VARCHAR), 2, '0')",
        "':'",
        f"lpad(coalesce({p('M')}, '0'), 2, '0')",
        "':'",
        f"lpad(coalesce({p('S')}, '0'), 2, '0')",
    ]
    if family == "compact" or p("H") == "NULL":
        pieces[6] = "'00'"
    text = " || ".join(pieces)
    micros = f"coalesce(TRY_CAST(rpad(substr({p('f')}, 1, 6), 6, '0') AS BIGINT), 0)"
    local = f"add_micros(try_timestamp({text}), {micros})"
    if family == "compact":
        return local, "false", "NULL"
    sign = f"CASE WHEN {p('sg')} = '-' THEN -1 ELSE 1 END"
    hours, minutes = (
        f"TRY_CAST({p('oh')} AS INTEGER)",
        f"coalesce(TRY_CAST({p('om')} AS INTEGER), 0)",
    )
    offset = (
        f"CASE WHEN {p('z')} IS NOT NULL THEN 0 WHEN {hours} <= 18 AND {minutes} <= 59 "
        f"THEN {sign} * ({hours} * 60 + {minutes}) END"
    )
    has_offset = f"({p('z')} IS NOT NULL OR {p('sg')} IS NOT NULL)"
    return local, has_offset, offset


def _epoch(value: str) -> str:
    """Plain digits (not 8: a compact date) as epoch s/ms/us/ns by magnitude."""
    number = f"TRY_CAST({value} AS BIGINT)"
    micros = (
        f"CASE WHEN {number} < 100000000000 THEN {number} * 1000000 "
        f"WHEN {number} < 100000000000000 THEN {number} * 1000 "
        f"WHEN {number} < 100000000000000000 THEN {number} ELSE {number} // 1000 END"
    )
    return f"make_timestamp({micros})"


FAMILIES = ("iso", "numeric", "month_first", "day_first", "compact")


# Fast families (speed only, the native ingest): fixed-width shapes of the iso and numeric
# families (timestamps.FAST_FORMATS and _NUMERIC_SHAPE) cut by position instead of one regex per
# part; valid hours, minutes, seconds and offsets only, so their results are the regex path's.
ISO_FAST = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ](?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]{1,6})?"
    r"(?:Z|[+-](?:0[0-9]|1[0-8]):[0-5][0-9])?$"
)
NUMERIC_FAST = (
    r"^[0-9]{2}[/.\-][0-9]{2}[/.\-][0-9]{4}(?: (?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?$"
)
FAST_FAMILIES = ("iso_fast", "numeric_fast")


def timestamp_family_sql(value: str, *, fast: bool = False) -> str:
    """Which family a trimmed timestamp text belongs to ('epoch' first), null when none;
    `fast` tries the fixed-width shapes before the regex families."""
    epoch = f"regexp_matches({value}, {literal(_EPOCH_DIGITS)}) AND length({value}) <> 8"
    branches = [f"WHEN {epoch} THEN 'epoch'"]
    if fast:
        branches += [
            f"WHEN regexp_matches({value}, {literal(ISO_FAST)}) THEN 'iso_fast'",
            f"WHEN regexp_matches({value}, {literal(NUMERIC_FAST)}) THEN 'numeric_fast'",
        ]
    branches += [f"WHEN {_matches(value, f)} THEN {literal(f)}" for f in FAMILIES]
    return "CASE " + " ".join(branches) + " END"


def numeric_fields_sql(value: str, family: str) -> tuple[str, str]:
    """The two leading fields (a, b) of a numeric date of either numeric family, as integers."""
    fast = [f"substr({value}, {start}, 2)" for start in (1, 4)]
    slow = [_part(value, "numeric", name) for name in ("a", "b")]
    return tuple(  # type: ignore[return-value]
        f"TRY_CAST(CASE {family} WHEN 'numeric_fast' THEN {f} ELSE {s} END AS INTEGER)"
        for f, s in zip(fast, slow, strict=True)
    )


def _fast_parts(value: str, family: str, date_order: str) -> tuple[str, str, str]:
    """(wall clock, has an offset, offset minutes) of a fast family, cut by position."""
    if family == "numeric_fast":
        a, b = f"substr({value}, 1, 2)", f"substr({value}, 4, 2)"
        month, day = (b, a) if date_order == "day_first" else (a, b)
        slashes = f"substr({value}, 3, 1) = '/' AND substr({value}, 6, 1) = '/'"
        first, second = ("%d", "%m") if date_order == "day_first" else ("%m", "%d")
        date = f"{first}/{second}/%Y"
        direct = (  # the common `MM/DD/YYYY[ HH:MM[:SS]]`: one strptime by its length
            f"CASE length({value}) WHEN 10 THEN try_strptime({value}, {literal(date)}) "
            f"WHEN 16 THEN try_strptime({value}, {literal(date + ' %H:%M')}) "
            f"ELSE try_strptime({value}, {literal(date + ' %H:%M:%S')}) END"
        )
        hour = f"CASE WHEN length({value}) > 10 THEN substr({value}, 12, 2) ELSE '00' END"
        minute = f"CASE WHEN length({value}) > 10 THEN substr({value}, 15, 2) ELSE '00' END"
        second = f"CASE WHEN length({value}) = 19 THEN substr({value}, 18, 2) ELSE '00' END"
        text = (
            f"substr({value}, 7, 4) || '-' || {month} || '-' || {day} || ' ' || {hour} || ':' "
            f"|| {minute} || ':' || {second}"
        )
        return f"CASE WHEN {slashes} THEN {direct} ELSE try_timestamp({text}) END", "false", "NULL"
    size = (
        f"(CASE WHEN right({value}, 1) = 'Z' THEN 1 "
        f"WHEN substr({value}, -6, 1) IN ('+', '-') THEN 6 ELSE 0 END)"
    )
    fraction = (
        f"CASE WHEN substr({value}, 20, 1) = '.' "
        f"THEN substr({value}, 21, length({value}) - 20 - {size}) END"
    )
    micros = f"coalesce(TRY_CAST(rpad({fraction}, 6, '0') AS BIGINT), 0)"
    wall = f"substr({value}, 1, 10) || ' ' || substr({value}, 12, 8)"
    clock = f"add_micros(try_timestamp({wall}), {micros})"
    sign = f"CASE WHEN substr({value}, -6, 1) = '-' THEN -1 ELSE 1 END"
    minutes = (
        f"CASE {size} WHEN 1 THEN 0 WHEN 6 THEN {sign} * (CAST(substr({value}, -5, 2) AS INTEGER)"
        f" * 60 + CAST(substr({value}, -2, 2) AS INTEGER)) END"
    )
    return clock, f"{size} > 0", minutes


def timestamp_parts_sql(
    value: str, family: str, *, date_order: str, fast: bool = False
) -> dict[str, str]:
    """Per row, from its family column: the wall clock (or the epoch instant), the offset kind
    ('utc', 'exact', 'local') and the offset minutes; each family's captures evaluated once
    (`fast`: the fixed-width families too)."""
    parts = {f: _local(value, f, date_order) for f in FAMILIES}
    if fast:
        parts.update({f: _fast_parts(value, f, date_order) for f in FAST_FAMILIES})
    clock = " ".join(f"WHEN {literal(f)} THEN {parts[f][0]}" for f in parts)
    kind = " ".join(
        f"WHEN {literal(f)} THEN CASE WHEN {parts[f][1]} THEN 'exact' ELSE 'local' END"
        for f in parts
    )
    offset = " ".join(f"WHEN {literal(f)} THEN {parts[f][2]}" for f in parts)
    return {
        "ts_clock": f"CASE {family} WHEN 'epoch' THEN {_epoch(value)} {clock} END",
        "ts_kind": f"CASE {family} WHEN 'epoch' THEN 'utc' {kind} END",
        "ts_offset": f"CASE {family} {offset} END",
    }


def timestamp_sql(*, tz: str) -> str:
    """The naive UTC instant from the parts columns (null when nothing fits)."""
    exact = "add_micros(ts_clock, -60000000 * CAST(ts_offset AS BIGINT))"
    return (
        f"CASE ts_kind WHEN 'utc' THEN ts_clock WHEN 'exact' THEN {exact} "
        f"WHEN 'local' THEN local_to_utc(ts_clock, {literal(tz)}) END"
    )


def in_range_sql(ts: str, now_utc: str) -> str:
    """timestamps.in_range: on/after 2000-01-01 and at most one day after `now_utc`."""
    earliest = literal(EARLIEST.strftime("%Y-%m-%d %H:%M:%S"))
    ahead = int(LATEST_AHEAD.total_seconds() * 1_000_000)
    latest = f"add_micros(CAST({literal(now_utc)} AS TIMESTAMP), {ahead})"
    return f"({ts} >= CAST({earliest} AS TIMESTAMP) AND {ts} <= {latest})"


def reason_sql(
    *,
    invalid_json: str,
    too_long: str,
    user: str,
    ts: str,
    event: str,
    now_utc: str,
    structural: str | None = None,
    too_large: str | None = None,
) -> str:
    """The first failing check among the reasons a query can tell, in ALL_REASONS order;
    `structural` (a column holding the line's structural reason) and `too_large` (a field over
    FIELD_MAX_BYTES) are for the native ingest, which reads lines the rollup does not."""
    checks = {
        reasons.INVALID_JSON: invalid_json,
        reasons.IDENTIFIER_TOO_LONG: too_long,
        reasons.MISSING_USER: f"{user} IS NULL",
        reasons.BAD_TIMESTAMP: f"{ts} IS NULL",
        reasons.TIMESTAMP_OUT_OF_RANGE: f"NOT {in_range_sql(ts, now_utc)}",
        reasons.MISSING_EVENT: f"{event} IS NULL",
    }
    if too_large is not None:
        checks[reasons.FIELD_TOO_LARGE] = too_large
    ordered = [r for r in reasons.ALL_REASONS if r in checks]  # the local ingest's order
    first = f"WHEN {structural} IS NOT NULL THEN {structural} " if structural else ""
    whens = " ".join(f"WHEN {checks[r]} THEN {literal(r)}" for r in ordered)
    return f"CASE {first}{whens} END"
