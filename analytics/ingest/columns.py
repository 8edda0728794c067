"""Which source column is which field, and the cleaning of each field (vectorised).

Header names match case- and space-insensitively (`User ID`, ` user_id `, `USER_ID`, `E-Mail`
all normalise to snake case). A per-source mapping `{their_column: field}` is applied first, then
the aliases below. Several user columns may be present: they are tried per row in ALIASES order
(`user_id` first, then the e-mail columns, ...), so `email` is the fallback when `user_id` is
unusable. For every other field the first alias present wins and the rest stay properties.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import polars as pl

from analytics.ingest import reasons
from analytics.ingest.decode import TextTable
from analytics.ingest.sniff import FileRefused
from analytics.ingest.timestamps import in_range, parse_timestamps

REQUIRED: tuple[str, ...] = ("user_id", "timestamp", "event")
ALIASES: dict[str, tuple[str, ...]] = {
    "user_id": (
        "user_id", "userid", "employee_id", "email", "e_mail", "user_email", "user", "actor",
    ),
    "timestamp": (
        "timestamp", "ts", "time", "event_time", "occurred_at", "created_at", "datetime", "date",
    ),
    "event": ("event", "event_name", "action", "type", "event_type"),
    "event_id": ("event_id", "eventid", "event_uuid"),
    "source": ("source", "source_system"),
    "session_id": ("session_id", "sessionid", "session"),
    "feature": ("feature", "feature_name"),
    "accepted": ("accepted", "is_accepted"),
}  # fmt: skip
FIELDS: tuple[str, ...] = tuple(ALIASES)
_ALIAS_TO_FIELD: dict[str, str] = {a: f for f, names in ALIASES.items() for a in names}
# Aliases without underscores, so a camel-cased spelling (`TimeStamp` -> `time_stamp`) still
# matches `timestamp`; no two fields' aliases share a compact form.
_COMPACT_ALIAS: dict[str, str] = {a.replace("_", ""): a for a in _ALIAS_TO_FIELD}

USER_PLACEHOLDERS: tuple[str, ...] = ("null", "none", "n/a", "na", "undefined", "nil", "-")
EVENT_ID_PLACEHOLDERS: tuple[str, ...] = (
    "0", "null", "none", "n/a", "na", "undefined", "nil", "-",
    "00000000-0000-0000-0000-000000000000", "00000000000000000000000000000000",
)  # fmt: skip
ACCEPTED_VALUES: dict[str, bool] = {
    **dict.fromkeys(("true", "1", "yes", "y", "t"), True),
    **dict.fromkeys(("false", "0", "no", "n", "f"), False),
}
# White space removed from user values: every Unicode White_Space character (regex \s, which
# includes NBSP and the U+2000 spaces) plus the invisible zero-width space, word joiner and BOM.
USER_SPACE = r"[\s\u200b\u2060\ufeff]"


def normalise_name(name: str) -> str:
    """A column name for matching: trimmed, unquoted (`"x"`, `'x'`, `` `x` ``, `[x]`), camelCase
    split (`eventTime`, `userID`), lower-cased, runs of space/-/. as one underscore."""
    text = name.replace("\ufeff", "").strip().strip("\"'`").strip()
    if text.startswith("[") and text.endswith("]"):  # SQL tools: [user_id]
        text = text[1:-1].strip()
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", text).lower()
    return re.sub(r"[\s\-.]+", "_", text)


def match_name(name: str) -> str:
    """normalise_name, then a known alias whenever the name equals one up to underscores."""
    normal = normalise_name(name)
    if normal in _ALIAS_TO_FIELD:
        return normal
    return _COMPACT_ALIAS.get(normal.replace("_", ""), normal)


@dataclass(frozen=True)
class ColumnPlan:
    """Where each field comes from: column indexes per field (users in priority order)."""

    names: tuple[str, ...]
    fields: dict[str, tuple[int, ...]]
    unknown: tuple[int, ...]
    missing: tuple[str, ...]

    def first(self, field: str) -> int | None:
        """The column index of a single-column field, or None when absent."""
        found = self.fields.get(field, ())
        return found[0] if found else None


def _mapping_fields(mapping: Mapping[str, str] | None) -> dict[str, str]:
    """The per-source mapping with normalised column names and fields (aliases accepted)."""
    resolved: dict[str, str] = {}
    for column, target in (mapping or {}).items():
        field = _ALIAS_TO_FIELD.get(match_name(target))
        if field is None:
            raise FileRefused(
                None,
                f"the column mapping sends {column!r} to {target!r}, which is not a field "
                f"(fields: {', '.join(FIELDS)})",
            )
        resolved[match_name(column)] = field
    return resolved


def plan_columns(names: Sequence[str], mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """Resolve header names to fields: mapping first, then aliases in priority order."""
    mapped = _mapping_fields(mapping)
    normalised = [match_name(n) for n in names]
    fields: dict[str, list[int]] = {f: [] for f in FIELDS}
    for i, name in enumerate(normalised):  # mapped columns come first for their field
        if name in mapped:
            fields[mapped[name]].append(i)
    for field, aliases in ALIASES.items():
        for alias in aliases:
            fields[field] += [i for i, n in enumerate(normalised) if n == alias and n not in mapped]
    chosen = {f: tuple(ix if f == "user_id" else ix[:1]) for f, ix in fields.items() if ix}
    split = _date_and_time(normalised, mapped)
    if split is not None and fields["timestamp"][:1] == [split[1]]:
        chosen["timestamp"] = split  # separate `date` and `time` columns, no better one
    used = {i for ix in chosen.values() for i in ix}
    return ColumnPlan(
        names=tuple(names),
        fields=chosen,
        unknown=tuple(i for i in range(len(names)) if i not in used),
        missing=tuple(f for f in REQUIRED if f not in chosen),
    )


def _date_and_time(normalised: list[str], mapped: dict[str, str]) -> tuple[int, int] | None:
    """(date index, time index) when a header has plain `date` and `time` columns (and the
    mapping names neither); the timestamp is then their text joined."""
    names = [n if n not in mapped else None for n in normalised]
    if names.count("date") == 1 and names.count("time") == 1:
        return names.index("date"), names.index("time")
    return None


def known_count(names: Sequence[str], mapping: Mapping[str, str] | None = None) -> int:
    """How many names are recognised columns (scores a delimiter while sniffing the header)."""
    mapped = _mapping_fields(mapping)
    return sum(1 for n in map(match_name, names) if n in mapped or n in _ALIAS_TO_FIELD)


def property_names(plan: ColumnPlan) -> list[str]:
    """Names of the unknown columns in properties: as written, unique, never empty."""
    seen: dict[str, int] = {}
    result = []
    for i in plan.unknown:
        base = plan.names[i].replace("\ufeff", "").strip() or f"column_{i + 1}"
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return result


def non_empty(text: pl.Expr) -> pl.Expr:
    """Trimmed text with empty as null."""
    return pl.when(text != "").then(text)


def user_value(value: pl.Expr) -> pl.Expr:
    """A user value as stored: NFC, no white space at all, e-mails lower-cased; null if unusable."""
    return usable_user(user_text(value))


def user_text(value: pl.Expr) -> pl.Expr:
    """A user value NFC-normalised with every white space character removed."""
    return value.str.normalize("NFC").str.replace_all(USER_SPACE, "")


def usable_user(text: pl.Expr) -> pl.Expr:
    """A white-space-free user value: e-mails lower-cased; null when empty or a placeholder."""
    text = (
        pl.when(text.str.contains("@", literal=True)).then(text.str.to_lowercase()).otherwise(text)
    )
    usable = (text != "") & ~text.str.to_lowercase().is_in(USER_PLACEHOLDERS)
    return pl.when(usable).then(text)


def event_value(text: pl.Expr) -> pl.Expr:
    """An event name from trimmed text; null when empty or a placeholder (row quarantined)."""
    return pl.when((text != "") & ~text.str.to_lowercase().is_in(USER_PLACEHOLDERS)).then(text)


def event_id_value(text: pl.Expr) -> pl.Expr:
    """The source's event id from trimmed text; null for placeholders (empty, 0, nil UUID...)."""
    usable = (text != "") & ~text.str.to_lowercase().is_in(EVENT_ID_PLACEHOLDERS)
    return pl.when(usable).then(text)


def accepted_value(text: pl.Expr) -> pl.Expr:
    """true/false/1/0/yes/no/y/n/t/f from trimmed text, case-insensitive; anything else null."""
    lowered = text.str.to_lowercase()
    return lowered.replace_strict(ACCEPTED_VALUES, default=None, return_dtype=pl.Boolean)


def accepted_unparseable(text: pl.Expr) -> pl.Expr:
    """True where trimmed accepted text is present but not one of the recognised words."""
    return ((text != "") & accepted_value(text).is_null()).fill_null(False)


# --- the contract frame ------------------------------------------------------------------

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
_SINGLE: tuple[str, ...] = ("event", "event_id", "source", "session_id", "feature", "accepted")


@dataclass
class BuiltRows:
    """The contract frame of a file plus what the report needs about it."""

    rows: pl.DataFrame  # one row per data row, ROW_SCHEMA
    date_order: str | None
    date_order_note: str | None
    warnings: list[str]


def build_rows(
    table: TextTable,
    plan: ColumnPlan,
    *,
    source: str | None,
    timezone: str,
    date_order_setting: str | None,
    now: datetime,
) -> BuiltRows:
    """Text table to the contract frame: fields cleaned, timestamps parsed, reasons given."""
    parsed = parse_timestamps(
        _timestamp_text(table, plan),
        timezone=timezone,
        date_order_setting=date_order_setting,
    )
    users = plan.fields["user_id"]
    staged = table.frame.lazy().with_columns(  # each text cleaned once, then reused by name
        pl.lit(parsed.ts).cast(pl.Datetime("us")).alias("ts"),
        *(user_text(_user_column(table, i)).alias(f"_user{k}") for k, i in enumerate(users)),
        *(_trimmed(plan, name).alias(f"_{name}") for name in _SINGLE),
    )
    rows = (
        staged.select(
            "line_no",
            "raw",
            "structural",
            _source(source).alias("source"),
            event_id_value(pl.col("_event_id")).alias("event_id"),
            pl.coalesce([usable_user(pl.col(f"_user{k}")) for k in range(len(users))]).alias(
                "user_id"
            ),
            "ts",
            event_value(pl.col("_event")).alias("event"),
            non_empty(pl.col("_session_id")).alias("session_id"),
            non_empty(pl.col("_feature")).alias("feature"),
            accepted_value(pl.col("_accepted")).alias("accepted"),
            _properties(table, plan).alias("properties"),
            _too_large(len(table.names)).alias("_too_large"),
            _too_long(len(users)).alias("_too_long"),
            accepted_unparseable(pl.col("_accepted")).alias("_bad_accepted"),
        )
        .with_columns(_reason(now).alias("reason"))
        .collect()
    )
    bad_accepted = rows.filter(pl.col("reason").is_null())["_bad_accepted"].sum()
    warnings = [f"{bad_accepted} unparseable 'accepted' value{'s' * (bad_accepted != 1)} nulled"]
    return BuiltRows(
        rows.select(list(ROW_SCHEMA)).cast(ROW_SCHEMA),  # type: ignore[arg-type]
        parsed.date_order,
        parsed.date_order_note,
        warnings if bad_accepted else [],
    )


def _timestamp_text(table: TextTable, plan: ColumnPlan) -> pl.Series:
    """The timestamp column's text; for separate date and time columns, "date time" (the date
    alone when the time is empty, nothing without a date)."""
    columns = plan.fields["timestamp"]
    if len(columns) == 1:
        return table.frame[f"c{columns[0]}"]
    date, time = (pl.col(f"c{i}").str.strip_chars() for i in columns)
    joined = pl.when(time.fill_null("") == "").then(date).otherwise(date + " " + time)
    return table.frame.select(pl.when(date != "").then(joined).alias("ts"))["ts"]


def _user_column(table: TextTable, index: int) -> pl.Expr:
    """A user column's text; a JSON object or array is no user (null), a number is its text."""
    text = pl.col(f"c{index}")
    if not table.json_values:
        return text
    return pl.when(~pl.col(f"j{index}").str.contains(r"^\s*[\[{]").fill_null(False)).then(text)


def _trimmed(plan: ColumnPlan, name: str) -> pl.Expr:
    """A single-column field's text, trimmed; a null string when the column is absent."""
    index = plan.first(name)
    return pl.lit(None, pl.String) if index is None else pl.col(f"c{index}").str.strip_chars()


DEFAULT_SOURCE = "default"  # the source of a row without its own when no --source is given


def fallback_source(source: str | None) -> str:
    """The source of the rows without their own: the ingest's (`--source`), else "default"."""
    return source.strip() if source and source.strip() else DEFAULT_SOURCE


def _source(source: str | None) -> pl.Expr:
    """The row's own source when present and non-empty, else fallback_source."""
    return pl.coalesce(non_empty(pl.col("_source")), pl.lit(fallback_source(source)))


def _properties(table: TextTable, plan: ColumnPlan) -> pl.Expr:
    """Unknown columns as one JSON object text per row; null when there are none.

    CSV values are JSON strings; JSON and Parquet values keep their JSON type (numbers,
    booleans, nested objects); keys absent from a JSON object are left out.
    """
    if not plan.unknown:
        return pl.lit(None, pl.String)
    pairs = list(zip(property_names(plan), plan.unknown, strict=True))
    if table.json_values:
        pieces = [pl.lit(json.dumps(name) + ":") + pl.col(f"j{i}") for name, i in pairs]
        body = pl.concat_str(pieces, separator=",", ignore_nulls=True)
        text: pl.Expr = pl.when(body != "").then("{" + body + "}")
    else:
        text = pl.struct([pl.col(f"c{i}").alias(name) for name, i in pairs]).struct.json_encode()
    return pl.when(pl.col("structural").is_null()).then(text)


def _too_large(width: int) -> pl.Expr:
    """True where any field of the row is over reasons.FIELD_MAX_BYTES."""
    checks = [pl.col(f"c{i}").str.len_bytes() > reasons.FIELD_MAX_BYTES for i in range(width)]
    return pl.any_horizontal([*checks, pl.lit(False)]).fill_null(False)


def _too_long(user_columns: int) -> pl.Expr:
    """True where any identifier (every user column, event_id, event, source, session_id)
    is over reasons.IDENTIFIER_MAX_CHARS characters; they are never truncated."""
    texts = [f"_user{k}" for k in range(user_columns)]
    texts += ["_event_id", "_event", "_source", "_session_id"]
    checks = [pl.col(t).str.len_chars() > reasons.IDENTIFIER_MAX_CHARS for t in texts]
    return pl.any_horizontal(checks).fill_null(False)


def _reason(now: datetime) -> pl.Expr:
    """The first failing check, in the order of reasons.ALL_REASONS; null for a good row."""
    return (
        pl.when(pl.col("structural").is_not_null())
        .then(pl.col("structural"))
        .when(pl.col("_too_large"))
        .then(pl.lit(reasons.FIELD_TOO_LARGE))
        .when(pl.col("_too_long"))
        .then(pl.lit(reasons.IDENTIFIER_TOO_LONG))
        .when(pl.col("user_id").is_null())
        .then(pl.lit(reasons.MISSING_USER))
        .when(pl.col("ts").is_null())
        .then(pl.lit(reasons.BAD_TIMESTAMP))
        .when(~in_range(pl.col("ts"), now))
        .then(pl.lit(reasons.TIMESTAMP_OUT_OF_RANGE))
        .when(pl.col("event").is_null())
        .then(pl.lit(reasons.MISSING_EVENT))
        .otherwise(pl.lit(None, pl.String))
    )
