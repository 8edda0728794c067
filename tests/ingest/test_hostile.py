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


def test_a_stray_nul_byte_costs_nothing_but_a_warning(tmp_path: Path) -> None:
    data = (
        b"user_id,timestamp,event\n"
        b"u1,2026-03-01T10:00:00Z,lo\x00gin\n"  # line 2: one NUL inside the event
        b"u2,2026-03-01T10:00:00Z,login\r\n"
        b"u3\x00,2026-03-01T10:00:00Z,login\n"  # line 4: one inside the user
    )
    parsed = _read(tmp_path, data)
    assert _rows(parsed) == [
        (2, "u1", MAR1, "login", None),
        (3, "u2", MAR1, "login", None),
        (4, "u3", MAR1, "login", None),
    ]
    assert parsed.warnings == ["2 NUL bytes removed (lines 2,4)"]


def test_many_nul_bytes_are_still_binary_content(tmp_path: Path) -> None:
    import pytest

    from analytics.ingest.read import FileRefused

    data = b"user_id,timestamp,event\n" + b"u1,2026-03-01T10:00:00Z,x\x00\n" * 17
    with pytest.raises(FileRefused, match="binary content"):
        _read(tmp_path, data)  # 17 NULs: more than 16 and more than one byte in a thousand
