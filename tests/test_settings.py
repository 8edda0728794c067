"""The typed settings: validated when set, typed when read, described for forms and texts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pytest
from sqlmodel import Session

from analytics.settings import (
    SettingError,
    Settings,
    check_duckdb_size,
    field_of,
    from_stored,
    quote_value,
    setting_fields,
)
from analytics.state.models import SettingValue
from analytics.state.store import engine_for, get_settings, set_setting


def test_defaults_are_the_documented_ones() -> None:
    settings = Settings()
    assert (settings.target_rate, settings.min_group_size, settings.timezone) == (0.7, 5, "UTC")
    assert settings.target_date is None and settings.passive_events == []


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("target_rate", 1.5, "less than or equal to 1"),
        ("target_rate", -0.1, "greater than or equal to 0"),
        ("min_group_size", 0, "greater than or equal to 1"),
        ("dormant_days", "soon", "valid integer"),
        ("timezone", "Mars/Olympus", "unknown timezone 'Mars/Olympus'"),
        ("target_date", "next year", "valid date"),
        ("date_order", {"crm": "sideways"}, "day_first"),
        ("ingest_memory_limit", "lots", "not a DuckDB memory size"),
        ("duckdb_memory_limit", "100000000", "not a DuckDB memory size"),
    ],
)
def test_set_setting_refuses_bad_values_with_a_clear_message(
    db_path: Path, name: str, value: object, message: str
) -> None:
    with pytest.raises(SettingError, match=f"setting {name} = .* refused") as refused:
        set_setting(db_path, name=name, value=value)
    assert message in str(refused.value)
    assert getattr(get_settings(db_path), name) == getattr(Settings(), name)  # nothing stored


def test_unknown_setting_is_a_key_error(db_path: Path) -> None:
    with pytest.raises(KeyError, match="unknown setting: nope"):
        set_setting(db_path, name="nope", value=1)


def test_values_are_typed_when_read(db_path: Path) -> None:
    set_setting(db_path, name="target_date", value="2024-06-30")
    set_setting(db_path, name="build_cost", value=800_000)
    settings = get_settings(db_path)
    assert settings.target_date == dt.date(2024, 6, 30)
    assert settings.build_cost == 800_000.0 and isinstance(settings.build_cost, float)


def test_a_stored_value_no_longer_valid_reads_as_the_default(db_path: Path) -> None:
    with Session(engine_for(db_path)) as session:  # written before validation existed
        session.add(SettingValue(name="target_rate", value_json=json.dumps("seventy")))
        session.add(SettingValue(name="retired_setting", value_json="1"))
        session.commit()
    assert get_settings(db_path) == Settings()
    assert from_stored({"dormant_days": 7, "at_risk_ratio": 9}).dormant_days == 7


def test_fields_describe_type_bounds_and_group_for_a_form() -> None:
    rate = field_of("target_rate")
    assert (rate.annotation, rate.minimum, rate.maximum, rate.default) == (float, 0, 1, 0.7)
    assert rate.group == "Targets and thresholds" and rate.description
    assert field_of("max_upload_mb").exclusive_minimum
    assert [f.name for f in setting_fields()] == list(Settings.model_fields)


def test_texts_quote_a_setting_with_its_unit() -> None:
    settings = Settings(dormant_days=10, at_risk_ratio=0.5, min_group_size=7)
    assert settings.quote("dormant_days") == "10 days"
    assert settings.quote("at_risk_ratio") == "50%"
    assert settings.quote("min_group_size") == "7 people"
    assert quote_value("build_cost", None) == "unset"


# DuckDB also takes "-2GB" (no limit): refused here, where only -1 means that.
SIZES = [
    "384MB",
    "4GB",
    "1.5GB",
    "2g",
    "500kb",
    "1TB",
    "80%",
    "-1",
    "100000000",
    "lots",
    "4GBs",
    "GB",
    "1.5.GB",
]


@pytest.mark.parametrize("value", [*SIZES, "512 MiB", "1 GB", ""])
def test_a_memory_size_is_valid_exactly_when_duckdb_reads_it(value: str) -> None:
    """The settings accept what DuckDB's memory_limit accepts, and refuse what it refuses."""
    con = duckdb.connect()
    try:
        con.execute("SET memory_limit = ?", [value])
        duckdb_reads = True
    except duckdb.Error:
        duckdb_reads = False
    finally:
        con.close()
    try:
        check_duckdb_size(value)
        we_accept = True
    except ValueError:
        we_accept = False
    assert we_accept == duckdb_reads
