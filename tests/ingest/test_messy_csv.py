"""Messy CSV files: quoting with spaces, camelCase headers, trailing delimiters, nested gzip."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from analytics.ingest import reasons
from analytics.ingest.read import ParsedFile, read_source_file

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HEADER = "user_id,timestamp,event"
MAR1 = datetime(2026, 3, 1, 10, 0)


def _read(tmp_path: Path, content: str | bytes, name: str = "events.csv") -> ParsedFile:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return read_source_file(path, source=None, now=NOW)


def _rows(parsed: ParsedFile) -> list[tuple]:
    return parsed.rows.select("line_no", "user_id", "ts", "event", "reason").rows()


def test_space_between_a_closing_quote_and_the_delimiter(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        'u3,"2026-03-01T10:00:00Z" ,x\n'  # space after the closing quote
        'u4, "2026-03-01T10:00:00Z",x\n'  # space before the opening quote
        'u5,"2026-03-01T10:00:00Z"\t,"a, b"  \n'  # tab after one, spaces after the last
        'u6,2026-03-01T10:00:00Z,32" screen\n'  # a literal quote inside a word stays literal
    )
    parsed = _read(tmp_path, text)
    # four rows, one per line: nothing merges with the next line; spaces around quotes go
    assert _rows(parsed) == [
        (2, "u3", MAR1, "x", None),
        (3, "u4", MAR1, "x", None),
        (4, "u5", MAR1, "a, b", None),
        (5, "u6", MAR1, '32" screen', None),
    ]


def test_escaped_quote_pair_next_to_a_delimiter_stays_inside_the_field(tmp_path: Path) -> None:
    text = f'{HEADER}\nu1,2026-03-01T10:00:00Z,"he said "" , ok"\nu2,2026-03-01T10:00:00Z,x\n'
    parsed = _read(tmp_path, text)
    assert _rows(parsed) == [(2, "u1", MAR1, 'he said " , ok', None), (3, "u2", MAR1, "x", None)]


def test_text_after_a_closing_quote_does_not_join_distant_lines(tmp_path: Path) -> None:
    text = (
        f"{HEADER},note\n"
        'u1,2026-03-01T10:00:00Z,x,"a" b\n'  # junk after a closing quote: this row only
        "u2,2026-03-01T10:00:00Z,x,ok\n"
        "u3,2026-03-01T10:00:00Z,x,ok\n"
        'u4,2026-03-01T10:00:00Z,x,"c"d\n'
    )
    parsed = _read(tmp_path, text)
    # before: the two odd lines paired up and lines 2-5 became one quarantined record
    assert _rows(parsed) == [
        (2, None, None, None, reasons.WRONG_FIELD_COUNT),
        (3, "u2", MAR1, "x", None),
        (4, "u3", MAR1, "x", None),
        (5, None, None, None, reasons.WRONG_FIELD_COUNT),
    ]
    assert parsed.warnings == []


def test_camel_case_headers_match_their_fields(tmp_path: Path) -> None:
    text = (
        "userId,eventTime,eventName,eventId,sessionId,featureName,isAccepted,createdAt\n"
        "u1,2026-03-01T10:00:00Z,login,e1,s1,f1,yes,2020-01-01\n"
    )
    parsed = _read(tmp_path, text)
    row = parsed.rows.select(
        "user_id", "ts", "event", "event_id", "session_id", "feature", "accepted", "properties"
    ).row(0)
    # eventTime is the first timestamp alias present; createdAt (a second one) is a property
    assert row == ("u1", MAR1, "login", "e1", "s1", "f1", True, '{"createdAt":"2020-01-01"}')


def test_header_with_a_trailing_delimiter(tmp_path: Path) -> None:
    text = (
        f"{HEADER},\n"
        "u1,2026-03-01T10:00:00Z,login,\n"  # the same trailing delimiter: fine
        "u2,2026-03-01T10:00:00Z,login\n"  # no trailing delimiter: the unnamed column is absent
        "u4,2026-03-01T10:00:00Z\n"  # a named column missing: still the wrong number
    )
    parsed = _read(tmp_path, text)
    assert _rows(parsed) == [
        (2, "u1", MAR1, "login", None),
        (3, "u2", MAR1, "login", None),
        (4, None, None, None, reasons.WRONG_FIELD_COUNT),
    ]
    # the unnamed column never holds a value: it is not a property
    assert parsed.rows["properties"].to_list() == [None, None, None]


def test_a_value_under_an_unnamed_column_is_kept(tmp_path: Path) -> None:
    text = f"{HEADER},\nu1,2026-03-01T10:00:00Z,login,kept\nu2,2026-03-01T10:00:00Z,login\n"
    parsed = _read(tmp_path, text)
    assert [r[4] for r in _rows(parsed)] == [None, None]
    assert parsed.rows["properties"].to_list()[0] == '{"column_4":"kept"}'


def test_gzip_inside_gzip_is_unwrapped(tmp_path: Path) -> None:
    inner = gzip.compress(f"{HEADER}\nu1,2026-03-01T10:00:00Z,login\n".encode())
    parsed = _read(tmp_path, gzip.compress(inner), name="events.csv.gz.gz")
    assert _rows(parsed) == [(2, "u1", MAR1, "login", None)]


def test_ctrl_z_end_of_file_marker_is_not_a_row(tmp_path: Path) -> None:
    parsed = _read(tmp_path, f"{HEADER}\r\nu1,2026-03-01T10:00:00Z,login\r\n\x1a")
    assert parsed.rows.height == 1
    assert parsed.rows.filter(pl.col("reason").is_not_null()).height == 0


def test_bracketed_and_backquoted_header_names(tmp_path: Path) -> None:
    # SQL tools write [user_id] or `user_id`; the names inside are what match
    parsed = _read(tmp_path, "[user_id],`timestamp`,'event'\nu1,2026-03-01T10:00:00Z,login\n")
    assert _rows(parsed) == [(2, "u1", MAR1, "login", None)]


def test_utf32_with_bom_is_decoded(tmp_path: Path) -> None:
    import codecs

    text = f"{HEADER}\r\ncaf\u00e9,2026-03-01T10:00:00Z,login\r\n"
    parsed = _read(tmp_path, codecs.BOM_UTF32_LE + text.encode("utf-32-le"))
    assert _rows(parsed) == [(2, "caf\u00e9", MAR1, "login", None)]


def test_utf16_without_bom_is_refused_saying_so(tmp_path: Path) -> None:
    import pytest

    from analytics.ingest.read import FileRefused

    text = f"{HEADER}\r\nu1,2026-03-01T10:00:00Z,login\r\n"
    with pytest.raises(FileRefused, match="UTF-16 without a byte-order mark"):
        _read(tmp_path, text.encode("utf-16-le"))
    with pytest.raises(FileRefused, match="UTF-16 without a byte-order mark"):
        _read(tmp_path, text.encode("utf-16-be"))
    with pytest.raises(FileRefused, match="binary content"):  # only NULs: not text at all
        _read(tmp_path, b"\x00" * 100)


def test_separate_date_and_time_columns_make_the_timestamp(tmp_path: Path) -> None:
    text = (
        "Date,Time,User,Action,Note\n"
        "2026-03-01,10:00,u1,login,a\n"
        "03/01/2026,2:30 PM,u2,login,b\n"  # month-first by default: March 1, 14:30
        "2026-03-01,,u3,login,c\n"  # no time: the date alone (midnight)
        ",10:00,u4,login,d\n"  # no date: unparseable, never today
    )
    parsed = _read(tmp_path, text)
    assert _rows(parsed) == [
        (2, "u1", MAR1, "login", None),
        (3, "u2", datetime(2026, 3, 1, 14, 30), "login", None),
        (4, "u3", datetime(2026, 3, 1), "login", None),
        (5, "u4", None, "login", reasons.BAD_TIMESTAMP),
    ]
    # both columns are used: neither is a property
    assert parsed.rows["properties"].to_list()[0] == '{"Note":"a"}'


def test_a_real_timestamp_column_wins_over_date_and_time(tmp_path: Path) -> None:
    text = "timestamp,date,time,user_id,event\n2026-03-01T10:00:00Z,2020-01-01,09:00,u1,x\n"
    parsed = _read(tmp_path, text)
    assert _rows(parsed) == [(2, "u1", MAR1, "x", None)]
    assert parsed.rows["properties"][0] == '{"date":"2020-01-01","time":"09:00"}'
