"""Every tunable of the app as one typed model: type, default, bounds and a description each.

The model is the single declaration: the store validates values against it when they are set,
consumers read attributes (`settings.dormant_days`), the Settings page and docs/settings.md are
generated from its fields (`setting_fields`, `settings_markdown`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic.json_schema import JsonDict

from analytics.money import check_currency

TABLE_HEADER = "| setting | default | bounds | meaning |"
DATA, TARGETS, OUTREACH = "Data and ingest", "Targets and thresholds", "Outreach and privacy"
DIGEST = "Digest, alerts and delivery"


def check_timezone(name: str) -> str:
    """The timezone name if the IANA database knows it; ValueError naming it if not."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError) as error:
        message = f"unknown timezone {name!r}: not an IANA time zone name such as Europe/Paris"
        raise ValueError(message) from error
    return name


def _setting(default: Any, description: str, group: str, unit: str = "", **bounds: Any) -> Any:
    """A field of the model with its description, its page group and the unit texts quote."""
    extra: JsonDict = {"group": group, "unit": unit}
    if isinstance(default, list | dict):
        factory = type(default)
        return Field(default_factory=factory, description=description, json_schema_extra=extra)
    return Field(default, description=description, json_schema_extra=extra, **bounds)


# What DuckDB's memory_limit accepts: a number and a unit (k, MB, GiB...), a percentage of RAM,
# or -1 (no limit); tests/test_settings.py checks this against DuckDB's own parser.
_DUCKDB_SIZE = re.compile(r"^\s*(?:-1|\d+(?:\.\d+)?\s*(?:%|bytes|b|[kmgt]i?b|[kmgt]))\s*$", re.I)


def check_duckdb_size(value: str) -> str:
    """The value if DuckDB reads it as a memory size (e.g. `384MB`, `4GB`); ValueError if not."""
    if not _DUCKDB_SIZE.match(value):
        raise ValueError(f"{value!r} is not a DuckDB memory size such as 384MB or 4GB")
    return value.strip()


class Settings(BaseModel):
    """The app's settings; a field never saved keeps its default (docs/settings.md)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    timezone: str = _setting(
        "UTC",
        "Organisation timezone (an IANA name). Timestamps without an offset are read in it, and "
        "calendar days (and so every daily, weekly and 28-day window) are days in it. Changing it "
        "rebuilds person_day.",
        DATA,
    )
    passive_events: list[str] = _setting(
        [],
        "Event names that do not count as use (for example `email_opened`). Passive events are "
        "kept and shown, but an *active event* is any event not in this list; changing it "
        "rebuilds person_day.",
        DATA,
    )
    date_order: dict[str, Literal["day_first", "month_first"]] = _setting(
        {},
        "Per source, `day_first` or `month_first` for files whose dates do not settle the order "
        "themselves (no first field above 12). Otherwise month-first, and the ingest report says "
        "so.",
        DATA,
    )
    source_mappings: dict[str, dict[str, str]] = _setting(
        {},
        "Per source, a column mapping `{source: {their_column: field}}` for column names the "
        "common aliases do not cover.",
        DATA,
    )
    max_upload_mb: float = _setting(
        200, "Largest file accepted for ingest, in MB (compressed size).", DATA, "MB", gt=0
    )
    max_decompressed_mb: float = _setting(
        2000, "Largest decompressed size of a gzip file, in MB.", DATA, "MB", gt=0
    )
    max_line_mb: float = _setting(
        4,
        "Longest line of any uploaded file, in MB: a longer line is quarantined with its first "
        "64K characters, its length and its hash (a roster or plan is refused), so one line "
        "cannot exhaust memory.",
        DATA,
        "MB",
        gt=0,
    )
    duckdb_memory_limit: str = _setting(
        "4GB",
        "Memory DuckDB may use for a rollup (`adoption rollup --engine duckdb`, a DuckDB size "
        "such as `4GB`).",
        DATA,
    )
    ingest_memory_limit: str = _setting(
        "320MB",
        "Memory DuckDB may use while one file is ingested (a DuckDB size such as `320MB`): the "
        "parse and the commit spill to disk beyond it, so an ingest, and an upload inside the "
        "app server, stays small whatever the file.",
        DATA,
    )
    busy_retry_seconds: float = _setting(
        10,
        "How long a CLI command waits for a database another process is using, before exiting "
        'with "database in use".',
        DATA,
        "seconds",
        ge=0,
    )
    target_rate: float = _setting(
        0.70,
        "The adoption target: share of eligible people active in the last 28 days.",
        TARGETS,
        "rate",
        ge=0,
        le=1,
    )
    target_date: dt.date | None = _setting(
        None,
        "The date the target should be reached (`YYYY-MM-DD`); unset = launch + 182 days.",
        TARGETS,
    )
    max_people_per_champion: int = _setting(
        10,
        "A team with more eligible non-champions per champion than this is flagged.",
        TARGETS,
        "people",
        ge=1,
    )
    wave_gate_rate: float = _setting(
        0.60,
        'A wave is "ready for the next wave" when its 4-week adoption rate is at least this.',
        TARGETS,
        "rate",
        ge=0,
        le=1,
    )
    build_cost: float | None = _setting(
        None,
        "What the tool cost to build; value delivered = build cost x adoption rate. Unset = "
        "value delivered is empty.",
        TARGETS,
        ge=0,
    )
    currency: str = _setting(
        "USD",
        "ISO 4217 code of the currency money is shown in (build cost, value delivered), for "
        "example EUR or GBP.",
        TARGETS,
    )
    dormant_days: int = _setting(
        14,
        "Dormant: no active event in this many days up to the as-of day; the same length is the "
        '"recent" and the "prior" window of at risk.',
        TARGETS,
        "days",
        ge=1,
    )
    at_risk_ratio: float = _setting(
        0.5,
        "At risk: active on fewer than this share of the days they were active in the prior "
        "window (exactly the share is not at risk).",
        TARGETS,
        "rate",
        ge=0,
        le=1,
    )
    outreach_effect_days: int = _setting(
        14,
        "An outreach converts when the person has an active event within this many days after "
        "the contact day.",
        TARGETS,
        "days",
        ge=1,
    )
    recent_contact_days: int = _setting(
        7,
        "People contacted this recently are marked on the outreach worklist, so nobody is "
        "nagged twice.",
        OUTREACH,
        "days",
        ge=0,
    )
    message_templates: dict[str, dict[str, str]] = _setting(
        {},
        "Outreach next steps and messages that replace the defaults, per playbook "
        "`{playbook: {next_step, message}}`, with placeholders such as `{first_name}` "
        "(docs/outreach.md).",
        OUTREACH,
    )
    min_group_size: int = _setting(
        5,
        'Leadership view: a group smaller than this shows "fewer than N people" and no numbers.',
        OUTREACH,
        "people",
        ge=1,
    )

    team_drop_points: float = _setting(
        5,
        "Alert and digest: a team whose adoption rate fell by at least this many percentage "
        "points since the last digest.",
        DIGEST,
        "points",
        ge=0,
        le=100,
    )
    forecast_miss_points: float = _setting(
        5,
        "Alert: the forecast at the target date misses the target rate by more than this many "
        "percentage points.",
        DIGEST,
        "points",
        ge=0,
        le=100,
    )
    champion_no_contact_days: int = _setting(
        14,
        "Alert: a champion's cohort has non-adopters and no contact logged for any of them in "
        "this many days.",
        DIGEST,
        "days",
        ge=1,
    )
    smtp_host: str | None = _setting(
        None, "SMTP server the digest is e-mailed through; unset = no e-mail.", DIGEST
    )
    smtp_port: int = _setting(25, "SMTP server port.", DIGEST, ge=1, le=65535)
    smtp_sender: str = _setting("adoption@localhost", "From address of the digest e-mails.", DIGEST)
    smtp_tls: bool = _setting(
        False, "Upgrade the SMTP connection with STARTTLS before sending.", DIGEST
    )
    digest_recipients: dict[str, list[str]] = _setting(
        {},
        "E-mail recipients per digest role: `{product_manager: [...], leadership: [...], "
        "champion:ID: [...]}`.",
        DIGEST,
    )
    webhook_url: str | None = _setting(
        None,
        "Chat webhook (Slack- or Teams-compatible JSON `{text}`) the digest is posted to; "
        "unset = none.",
        DIGEST,
    )
    delivery_attempts: int = _setting(
        3,
        "How many times a digest send is tried before it is recorded as failed.",
        DIGEST,
        ge=1,
        le=10,
    )
    delivery_retry_seconds: float = _setting(
        2,
        "Wait before the first retry of a failed send; doubled before each next one.",
        DIGEST,
        "seconds",
        ge=0,
        le=300,
    )

    @field_validator("duckdb_memory_limit", "ingest_memory_limit")
    @classmethod
    def _duckdb_size(cls, value: str) -> str:
        """Only sizes DuckDB's memory_limit accepts (else every ingest or rollup would fail)."""
        return check_duckdb_size(value)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        """Only IANA timezone names."""
        return check_timezone(value)

    @field_validator("currency", mode="before")
    @classmethod
    def _known_currency(cls, value: Any) -> Any:
        """Only ISO 4217 codes the display table knows (analytics/money.py), upper-cased."""
        return check_currency(value)

    @field_validator("target_date", mode="before")
    @classmethod
    def _date_part(cls, value: Any) -> Any:
        """Stored text may carry a time ('2024-06-30T00:00:00'): keep its date part."""
        if isinstance(value, str):
            return value.strip()[:10] or None
        return value.date() if isinstance(value, dt.datetime) else value

    def quote(self, name: str) -> str:
        """The setting's value as a screen text quotes it: '14 days', '70%', '5 people'."""
        return quote_value(name, getattr(self, name))


class SettingError(ValueError):
    """A value refused for a setting, with a message naming the setting and the rule."""


@dataclass(frozen=True)
class SettingField:
    """What a form needs to draw one setting: type, default, bounds, description, group."""

    name: str
    annotation: Any
    default: Any
    description: str
    group: str
    unit: str
    minimum: float | None
    maximum: float | None
    exclusive_minimum: bool


def _bounds(name: str) -> tuple[float | None, float | None, bool]:
    """(minimum, maximum, minimum excluded) of a numeric setting, from its constraints."""
    low = high = None
    exclusive = False
    for rule in Settings.model_fields[name].metadata:
        for attribute, is_exclusive in (("ge", False), ("gt", True)):
            if getattr(rule, attribute, None) is not None:
                low, exclusive = getattr(rule, attribute), is_exclusive
        if getattr(rule, "le", None) is not None:
            high = rule.le
    return low, high, exclusive


def setting_fields() -> Iterator[SettingField]:
    """Every setting in declaration order, for generated forms and docs."""
    for name, info in Settings.model_fields.items():
        extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
        low, high, exclusive = _bounds(name)
        yield SettingField(
            name=name,
            annotation=info.annotation,
            default=info.get_default(call_default_factory=True),
            description=info.description or "",
            group=str(extra.get("group", "")),
            unit=str(extra.get("unit", "")),
            minimum=low,
            maximum=high,
            exclusive_minimum=exclusive,
        )


def field_of(name: str) -> SettingField:
    """One setting's form description (KeyError for a name that is not a setting)."""
    for field in setting_fields():
        if field.name == name:
            return field
    raise KeyError(f"unknown setting: {name}")


def quote_value(name: str, value: Any) -> str:
    """A setting value as on-screen text: rates as percentages, counts with their unit."""
    unit = field_of(name).unit
    if value is None:
        return "unset"
    if unit == "rate":
        return f"{float(value):.0%}"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value} {unit}".strip()


def validated_value(name: str, value: Any) -> Any:
    """The value converted to the setting's type; SettingError saying why it is refused."""
    if name not in Settings.model_fields:
        raise KeyError(f"unknown setting: {name}")
    try:
        return getattr(Settings.model_validate({name: value}), name)
    except ValidationError as error:
        reasons = "; ".join(e["msg"] for e in error.errors())
        raise SettingError(f"setting {name} = {value!r} refused: {reasons}") from None


def from_stored(stored: Mapping[str, Any]) -> Settings:
    """Settings from stored values; an unknown name or a no longer valid value keeps the default."""
    values = {}
    for name, value in stored.items():
        try:
            values[name] = validated_value(name, value)
        except (KeyError, SettingError):
            continue
    return Settings.model_validate(values)


def stored_json(name: str, value: Any) -> str:
    """The JSON text a validated setting value is stored as."""
    return json.dumps(Settings.model_validate({name: value}).model_dump(mode="json")[name])


def _default_text(value: Any) -> str:
    """A default as docs/settings.md shows it."""
    if value is None:
        return "none"
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"


def _bounds_text(field: SettingField) -> str:
    """Bounds as docs/settings.md shows them ('' when unbounded)."""
    low_sign = ">" if field.exclusive_minimum else ">="
    low = "" if field.minimum is None else f"{low_sign} {field.minimum}"
    high = "" if field.maximum is None else f"<= {field.maximum}"
    return ", ".join(part for part in (low, high) if part)


def settings_markdown() -> str:
    """The settings tables of docs/settings.md, one per group, generated from the model."""
    lines: list[str] = []
    groups = dict.fromkeys(f.group for f in setting_fields())
    for group in groups:
        lines += ["", f"## {group}", "", TABLE_HEADER, "|---|---|---|---|"]
        for field in (f for f in setting_fields() if f.group == group):
            lines.append(
                f"| `{field.name}` | {_default_text(field.default)} | {_bounds_text(field)} "
                f"| {field.description} |"
            )
    return "\n".join(lines).lstrip("\n") + "\n"
