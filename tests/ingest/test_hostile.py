"""Hostile inputs (issue 12): each gives a report, never a traceback, and costs at most its row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from analytics.ingest.read import ParsedFile, read_source_file

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
MAR1 = datetime(2026, 3, 1, 10, 0)


def _read(tmp_path: Path, content: str | bytes, name: str = "events.csv") -> ParsedFile:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_source_file(path, source=None, now=NOW)


def _rows(parsed: ParsedFile) -> list[tuple]:
    return parsed.rows.select("line_no", "user_id", "ts", "event", "reason").rows()


def test_camel_case_of_a_known_alias_is_recognised(tmp_path: Path) -> None:
    text = "User_Id,TimeStamp,EVENT_NAME,Event_ID\nu1,2026-03-01T10:00:00Z,login,e1\n"
    parsed = _read(tmp_path, text)
    assert _rows(parsed) == [(2, "u1", MAR1, "login", None)]
    assert parsed.rows["event_id"].to_list() == ["e1"]


def test_camel_case_alias_in_a_source_mapping(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("who,TimeStamp,what\nu1,2026-03-01T10:00:00Z,login\n")
    mapping = {"Who": "user_id", "What": "event"}
    parsed = read_source_file(path, source=None, now=NOW, mapping=mapping)
    assert _rows(parsed) == [(2, "u1", MAR1, "login", None)]
