"""Presets are detected from the header or shape, and only when unambiguous (SPEC 10)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from analytics.ingest.vendors.detect import detect_preset
from tests.ingest.vendors import files as f


@pytest.mark.parametrize(
    ("text", "preset"),
    [
        (f.GITHUB_FIRST, "github-copilot"),
        (f.GITHUB_SEATS, "github-copilot"),
        (f.M365_GRAPH, "m365-copilot"),
        (f.M365_ADMIN, "m365-copilot"),
        (f.CHATGPT_WEEKLY, "chatgpt-enterprise"),
        (f.GEMINI, "gemini-workspace"),
        ("user_id,timestamp,event\nE1,2026-03-02T10:00:00Z,login\n", None),
        ('{"user_id": "E1", "ts": "2026-03-02T10:00:00Z", "event": "login"}\n', None),
        ("user_principal_name,last_activity_date\nann@x.com,2026-03-02\n", None),
    ],
)
def test_detect(tmp_path: Path, text: str, preset: str | None) -> None:
    assert detect_preset(f.write(tmp_path, "file", text)) == preset


def test_detect_through_gzip(tmp_path: Path) -> None:
    path = tmp_path / "copilot.ndjson.gz"
    path.write_bytes(gzip.compress(f.GITHUB_FIRST.encode()))
    assert detect_preset(path) == "github-copilot"


def test_compact_one_line_documents_are_detected(tmp_path: Path) -> None:
    # an API response saved as is: the whole JSON document on one line
    gemini = tmp_path / "gemini.json"
    gemini.write_text(json.dumps(json.loads(f.GEMINI)))
    seats = tmp_path / "seats.json"
    seats.write_text(json.dumps(json.loads(f.GITHUB_SEATS)))
    assert detect_preset(gemini) == "gemini-workspace"
    assert detect_preset(seats) == "github-copilot"
