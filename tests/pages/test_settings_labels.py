"""Settings form labels read as words, never as field names (issue 10, screenshots)."""

from __future__ import annotations

from analytics.settings import setting_fields
from analytics.ui.settings_form import label_of

LABELS = {field.name: label_of(field) for field in setting_fields()}


def test_labels_write_acronyms_and_units_once() -> None:
    assert LABELS["max_upload_mb"] == "Max upload MB"  # not "Max upload mb (MB)"
    assert LABELS["smtp_tls"] == "SMTP TLS"
    assert LABELS["webhook_url"] == "Webhook URL"
    assert LABELS["duckdb_memory_limit"] == "DuckDB memory limit"
    assert LABELS["target_rate"] == "Target rate (%)"
    assert LABELS["currency"] == "Currency"


def test_no_label_shows_an_underscore() -> None:
    assert not [label for label in LABELS.values() if "_" in label]
