"""Every tunable of the app as data: name, default and a help line (see docs/settings.md)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Setting:
    """One setting: its name, default value and a sentence a product manager understands."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("timezone", "UTC", "Organisation timezone: naive timestamps and calendar days use it"),
    Setting("passive_events", [], "Event names that do not count as activity (e.g. email_opened)"),
    Setting("date_order", {}, "Per-source day/month order when a file does not settle it"),
    Setting("source_mappings", {}, "Per-source column mapping {source: {their_column: field}}"),
    Setting("target_rate", 0.70, "Adoption target (share of eligible people active in 28 days)"),
    Setting("target_date", None, "Date the target should be reached; default launch + 182 days"),
    Setting("max_people_per_champion", 10, "Target ratio: at most this many people per champion"),
    Setting("wave_gate_rate", 0.60, "4-week adoption a wave needs before the next wave starts"),
    Setting("build_cost", None, "What the tool cost to build; value delivered = cost x adoption"),
    Setting("dormant_days", 14, "Dormant: no active event in this many days up to the as-of day"),
    Setting("at_risk_ratio", 0.5, "At risk: recent active days below this share of the prior ones"),
    Setting("min_group_size", 5, "Leadership view: groups smaller than this show no numbers"),
    Setting("outreach_effect_days", 14, "An outreach converts if the person is active within this"),
    Setting("recent_contact_days", 7, "People contacted this recently are marked on the worklist"),
    Setting(
        "message_templates",
        {},
        "Outreach next steps and messages that replace the defaults, per playbook "
        "{playbook: {next_step, message}}; placeholders like {first_name} (docs/outreach.md)",
    ),
    Setting("max_upload_mb", 200, "Largest file accepted for ingest, in MB (compressed size)"),
    Setting("max_decompressed_mb", 2000, "Largest decompressed size of a gzip file, in MB"),
    Setting("duckdb_memory_limit", "4GB", "Memory cap DuckDB may use"),
    Setting("busy_retry_seconds", 10, "How long a CLI command waits for a busy database"),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


def default(name: str) -> Any:
    """The default value of a setting, by name (KeyError for an unknown one)."""
    return SETTINGS_BY_NAME[name].default
