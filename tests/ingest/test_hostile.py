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


def test_a_line_over_the_cap_is_quarantined_cut_with_its_length_and_hash(tmp_path: Path) -> None:
    import hashlib

    from analytics.ingest import reasons

    long = b'u2,2026-03-01T10:00:00Z,"' + b"x" * 200  # an open quote: must not swallow line 4
    data = b"user_id,timestamp,event\nu1,2026-03-01T10:00:00Z,login\n" + long + b"\n"
    data += b"u3,2026-03-01T10:00:00Z,login\n"
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    parsed = read_source_file(path, source=None, now=NOW, max_line_bytes=100)
    assert _rows(parsed) == [
        (2, "u1", MAR1, "login", None),
        (3, None, None, None, reasons.LINE_TOO_LONG),
        (4, "u3", MAR1, "login", None),
    ]
    assert parsed.rows["raw"][1] == long.decode()  # 225 characters: under 64K, kept whole
    assert parsed.long_lines is not None
    assert parsed.long_lines.rows() == [(3, 225, hashlib.sha256(long).hexdigest())]
    assert parsed.warnings == [
        "1 line over the line cap of 100 bytes (setting max_line_mb) quarantined with their "
        "first characters, length and hash: lines 3"
    ]


def test_a_jsonl_line_over_the_cap_is_quarantined(tmp_path: Path) -> None:
    from analytics.ingest import reasons

    good = b'{"user_id":"u1","timestamp":"2026-03-01T10:00:00Z","event":"login"}'
    long = b'{"user_id":"u2","note":"' + b"y" * 300 + b'"}'
    path = tmp_path / "events.jsonl"
    path.write_bytes(good + b"\r\n" + long + b"\r\n" + good.replace(b"u1", b"u3") + b"\n")
    parsed = read_source_file(path, source=None, now=NOW, max_line_bytes=100)
    assert _rows(parsed) == [
        (1, "u1", MAR1, "login", None),
        (2, None, None, None, reasons.LINE_TOO_LONG),
        (3, "u3", MAR1, "login", None),
    ]


def test_quarantined_raw_text_is_cut_with_its_size_and_hash(tmp_path: Path) -> None:
    import hashlib

    from analytics.db import connection
    from analytics.ingest.load import load_parsed_file

    raw = "u1,not a time," + "e" * 70_000  # under the line cap, over 64K characters
    parsed = _read(tmp_path, "user_id,timestamp,event\n" + raw + "\n")
    with connection(tmp_path / "a.duckdb") as con:
        load_parsed_file(con, parsed, ingest_time=NOW.replace(tzinfo=None))
        (stored,) = con.execute("SELECT raw FROM quarantine").fetchone() or ("",)
    digest = hashlib.sha256(raw.encode()).hexdigest()
    assert stored == raw[:65_536] + (
        f" ... [cut at 65,536 characters; the whole line is 70014 bytes, sha256 {digest}]"
    )


def test_two_uploads_with_the_same_name_both_keep_their_rows(tmp_path: Path) -> None:
    from analytics.ingest.command import ingest_paths
    from analytics.ingest.uploads import save_uploads

    header = b"user_id,timestamp,event\n"
    uploads = [
        ("events.csv", header + b"u1,2026-03-01T10:00:00Z,login\n"),
        ("C:\\exports\\events.csv", header + b"u2,2026-03-01T10:00:00Z,login\n"),
        ("../events.csv", header + b"u3,2026-03-01T10:00:00Z,login\nu4,2026-03-01T10:00:00Z,x\n"),
    ]
    folder = tmp_path / "uploads"
    paths = save_uploads(folder, uploads)
    assert [p.relative_to(folder).as_posix() for p in paths] == [
        "0/events.csv",
        "1/C:\\exports\\events.csv",  # a Windows path is one odd name on Linux, never a folder
        "2/events.csv",
    ]
    reports = ingest_paths(tmp_path / "a.duckdb", paths)
    assert [(Path(r.file).name, r.read, r.loaded) for r in reports] == [
        ("events.csv", 1, 1),
        ("C:\\exports\\events.csv", 1, 1),
        ("events.csv", 2, 2),
    ]
