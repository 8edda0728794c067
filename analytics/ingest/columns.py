"""Which source column is which field, and the cleaning of each field (vectorised).

Header names match case- and space-insensitively (`User ID`, ` user_id `, `USER_ID`, `E-Mail`
all normalise to snake case). A per-source mapping `{their_column: field}` is applied first, then
the aliases below. Several user columns may be present: they are tried per row in ALIASES order
(`user_id` first, then the e-mail columns, ...), so `email` is the fallback when `user_id` is
unusable. For every other field the first alias present wins and the rest stay properties.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from analytics.ingest.sniff import FileRefused

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

IDENTIFIERS: tuple[str, ...] = ("user_id", "event_id", "event", "source", "session_id")
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
    """A column name for matching: trimmed, lower-cased, runs of space/-/. as one underscore."""
    text = name.replace("\ufeff", "").strip().strip('"').strip().lower()
    return re.sub(r"[\s\-.]+", "_", text)


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
        field = _ALIAS_TO_FIELD.get(normalise_name(target))
        if field is None:
            raise FileRefused(
                f"the column mapping sends {column!r} to {target!r}, which is not a field "
                f"(fields: {', '.join(FIELDS)})"
            )
        resolved[normalise_name(column)] = field
    return resolved


def plan_columns(names: Sequence[str], mapping: Mapping[str, str] | None = None) -> ColumnPlan:
    """Resolve header names to fields: mapping first, then aliases in priority order."""
    mapped = _mapping_fields(mapping)
    normalised = [normalise_name(n) for n in names]
    fields: dict[str, list[int]] = {f: [] for f in FIELDS}
    for i, name in enumerate(normalised):  # mapped columns come first for their field
        if name in mapped:
            fields[mapped[name]].append(i)
    for field, aliases in ALIASES.items():
        for alias in aliases:
            fields[field] += [i for i, n in enumerate(normalised) if n == alias and n not in mapped]
    chosen = {f: tuple(ix if f == "user_id" else ix[:1]) for f, ix in fields.items() if ix}
    used = {i for ix in chosen.values() for i in ix}
    return ColumnPlan(
        names=tuple(names),
        fields=chosen,
        unknown=tuple(i for i in range(len(names)) if i not in used),
        missing=tuple(f for f in REQUIRED if f not in chosen),
    )


def known_count(names: Sequence[str], mapping: Mapping[str, str] | None = None) -> int:
    """How many names are recognised columns (scores a delimiter while sniffing the header)."""
    mapped = _mapping_fields(mapping)
    return sum(
        1 for n in names if normalise_name(n) in mapped or normalise_name(n) in _ALIAS_TO_FIELD
    )


def property_names(plan: ColumnPlan) -> list[str]:
    """Names of the unknown columns in properties: as written, unique, never empty."""
    seen: dict[str, int] = {}
    result = []
    for i in plan.unknown:
        base = plan.names[i].replace("\ufeff", "").strip() or f"column_{i + 1}"
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return result


def clean_text(value: pl.Expr) -> pl.Expr:
    """A trimmed optional text value; empty becomes null."""
    text = value.str.strip_chars()
    return pl.when(text != "").then(text)


def user_value(value: pl.Expr) -> pl.Expr:
    """A user value as stored: NFC, no white space at all, e-mails lower-cased; null if unusable."""
    text = value.str.normalize("NFC").str.replace_all(USER_SPACE, "")
    text = (
        pl.when(text.str.contains("@", literal=True)).then(text.str.to_lowercase()).otherwise(text)
    )
    usable = (text != "") & ~text.str.to_lowercase().is_in(USER_PLACEHOLDERS)
    return pl.when(usable).then(text)


def event_value(value: pl.Expr) -> pl.Expr:
    """An event name, trimmed; null when empty or a placeholder (the row is quarantined)."""
    text = clean_text(value)
    return pl.when(~text.str.to_lowercase().is_in(USER_PLACEHOLDERS)).then(text)


def event_id_value(value: pl.Expr) -> pl.Expr:
    """The source's event id, trimmed; null for placeholders (empty, 0, null, nil UUID, ...)."""
    text = clean_text(value)
    return pl.when(~text.str.to_lowercase().is_in(EVENT_ID_PLACEHOLDERS)).then(text)


def accepted_value(value: pl.Expr) -> pl.Expr:
    """true/false/1/0/yes/no/y/n/t/f, case-insensitive; anything else null."""
    text = value.str.strip_chars().str.to_lowercase()
    return text.replace_strict(ACCEPTED_VALUES, default=None, return_dtype=pl.Boolean)


def accepted_unparseable(value: pl.Expr) -> pl.Expr:
    """True where an accepted value is present but not one of the recognised words."""
    text = value.str.strip_chars()
    return (text != "") & accepted_value(value).is_null()
