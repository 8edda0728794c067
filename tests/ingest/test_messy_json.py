"""Messy JSON: one pretty-printed object, wrapped arrays, arrays of non-objects, odd user values."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from analytics.ingest import reasons
from analytics.ingest.read import FileRefused, ParsedFile, read_source_file

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
EVENT = {"user_id": "u1", "timestamp": "2026-03-01T10:00:00Z", "event": "login"}
MAR1 = datetime(2026, 3, 1, 10, 0)


def _read(tmp_path: Path, text: str, name: str = "events.json") -> ParsedFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_source_file(path, source=None, now=NOW)


def test_one_pretty_printed_event_object_is_one_row(tmp_path: Path) -> None:
    parsed = _read(tmp_path, json.dumps({**EVENT, "extra": {"a": 1}}, indent=2))
    # the whole file is one JSON object with the required keys: one event, line 1
    assert parsed.rows.select("line_no", "user_id", "ts", "event", "reason").rows() == [
        (1, "u1", MAR1, "login", None)
    ]
    assert json.loads(parsed.rows["properties"][0]) == {"extra": {"a": 1}}


def test_a_wrapper_object_is_refused_naming_its_keys(tmp_path: Path) -> None:
    text = json.dumps({"events": [EVENT], "count": 1}, indent=2)
    with pytest.raises(FileRefused, match=r"single JSON object .*events, count"):
        _read(tmp_path, text)


def test_pretty_printed_objects_one_after_another_are_refused_clearly(tmp_path: Path) -> None:
    text = json.dumps(EVENT, indent=2) + "\n" + json.dumps(EVENT, indent=2) + "\n"
    with pytest.raises(FileRefused, match="no line is a JSON object"):
        _read(tmp_path, text, name="events.jsonl")


def test_an_array_of_numbers_is_refused_as_json(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="no element is a JSON object"):
        _read(tmp_path, "[1, 2, 3]\n")


def test_object_or_array_user_values_are_missing_users(tmp_path: Path) -> None:
    lines = [
        {**EVENT, "user_id": {"id": 1}},
        {**EVENT, "user_id": ["a"]},
        {**EVENT, "user_id": {"id": 1}, "email": "Ann@X.com"},  # the e-mail is the fallback
        {**EVENT, "user_id": 123},
    ]
    parsed = _read(tmp_path, "\n".join(json.dumps(x) for x in lines), name="e.jsonl")
    assert parsed.rows.select("user_id", "reason").rows() == [
        (None, reasons.MISSING_USER),
        (None, reasons.MISSING_USER),
        ("ann@x.com", None),
        ("123", None),
    ]
