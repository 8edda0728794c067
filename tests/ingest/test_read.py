"""read_source_file end to end: tiny files written in the test, every format and bad case."""

from __future__ import annotations

import codecs
import gzip
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from analytics.ingest import reasons
from analytics.ingest.read import ROW_SCHEMA, FileRefused, ParsedFile, read_source_file

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
HEADER = "user_id,timestamp,event"


def _read(tmp_path: Path, content: str | bytes, name: str = "events.csv", **kwargs) -> ParsedFile:
    """Write content to a file and read it with a fixed ingest time."""
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    kwargs.setdefault("source", None)
    return read_source_file(path, now=NOW, **kwargs)


def _good(parsed: ParsedFile) -> list[dict]:
    """The rows without a reason, as (user, ts, event) dicts."""
    rows = parsed.rows.filter(pl.col("reason").is_null())
    return rows.select("user_id", "ts", "event").to_dicts()


def _reasons(parsed: ParsedFile) -> list[tuple[int, str | None]]:
    """(line_no, reason) for every row."""
    return list(zip(parsed.rows["line_no"], parsed.rows["reason"], strict=True))


JAN5 = datetime(2026, 1, 5, 10, 0)


# --- formats and encodings ----------------------------------------------------------------


def test_rows_have_the_contract_columns_and_types(tmp_path: Path) -> None:
    parsed = _read(tmp_path, f"{HEADER}\nu1,2026-01-05T10:00:00Z,login\n")
    assert parsed.rows.schema == pl.Schema(ROW_SCHEMA)
    assert parsed.rows.to_dicts() == [
        {
            "line_no": 2,
            "raw": "u1,2026-01-05T10:00:00Z,login",
            "source": "default",
            "event_id": None,
            "user_id": "u1",
            "ts": JAN5,
            "event": "login",
            "session_id": None,
            "feature": None,
            "accepted": None,
            "properties": None,
            "reason": None,
        }
    ]
    assert (
        parsed.sha256
        == hashlib.sha256(f"{HEADER}\nu1,2026-01-05T10:00:00Z,login\n".encode()).hexdigest()
    )
    assert parsed.warnings == []


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_every_delimiter(tmp_path: Path, delimiter: str) -> None:
    text = delimiter.join(["user_id", "timestamp", "event"]) + "\n"
    text += delimiter.join(["u1", "2026-01-05 10:00", "login"]) + "\n"
    parsed = _read(tmp_path, text)
    assert parsed.delimiter == delimiter
    assert _good(parsed) == [{"user_id": "u1", "ts": JAN5, "event": "login"}]


@pytest.mark.parametrize(
    "content",
    [
        codecs.BOM_UTF8 + b"user_id,timestamp,event\r\nu1,2026-01-05 10:00,login\r\n",  # BOM, CRLF
        b"user_id,timestamp,event\ru1,2026-01-05 10:00,login\r",  # CR only
        b"user_id,timestamp,event\nu1,2026-01-05 10:00,login",  # no final newline
    ],
)
def test_bom_and_line_endings(tmp_path: Path, content: bytes) -> None:
    parsed = _read(tmp_path, content)
    assert _good(parsed) == [{"user_id": "u1", "ts": JAN5, "event": "login"}]
    assert parsed.rows["line_no"].to_list() == [2]


def test_gzip_by_content_with_a_misleading_name(tmp_path: Path) -> None:
    content = gzip.compress(f"{HEADER}\nu1,2026-01-05 10:00,login\n".encode())
    parsed = _read(tmp_path, content, name="events.csv")  # not .gz
    assert parsed.gzip
    assert parsed.sha256 == hashlib.sha256(content).hexdigest()  # of the compressed bytes
    assert _good(parsed) == [{"user_id": "u1", "ts": JAN5, "event": "login"}]


def test_truncated_gzip_is_refused_as_a_whole(tmp_path: Path) -> None:
    body = "".join(f"u{i},2026-01-05 10:00,login\n" for i in range(2000))
    content = gzip.compress(f"{HEADER}\n{body}".encode())
    with pytest.raises(FileRefused, match=r"events\.csv\.gz: truncated gzip"):
        _read(tmp_path, content[: len(content) - 100], name="events.csv.gz")


def test_gzip_over_the_decompressed_cap_is_refused_naming_the_cap(tmp_path: Path) -> None:
    content = gzip.compress(f"{HEADER}\n".encode() + b"u,2026-01-05,x\n" * 100)
    with pytest.raises(FileRefused, match="cap of 1,000 bytes"):
        _read(tmp_path, content, max_decompressed_bytes=1000)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    content = bom + f"{HEADER}\r\ncafé,2026-01-05 10:00,login\r\n".encode(encoding)
    parsed = _read(tmp_path, content)
    assert _good(parsed) == [{"user_id": "café", "ts": JAN5, "event": "login"}]


def test_mixed_cp1252_lines_keep_cafe_in_both_kinds(tmp_path: Path) -> None:
    content = (
        f"{HEADER},note\n".encode()
        + "u1,2026-01-05 10:00,login,café\n".encode()  # UTF-8 line 2
        + b"u2,2026-01-05 10:00,login,caf\xe9\n"  # cp1252 line 3
    )
    parsed = _read(tmp_path, content)
    assert parsed.rows["properties"].to_list() == ['{"note":"café"}', '{"note":"café"}']
    assert parsed.warnings == ["1 line not valid UTF-8, decoded as cp1252: lines 3"]
    assert parsed.encoding == "utf-8+cp1252"


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image"),
        (b"PK\x03\x04\x14\x00\x00\x00", "zip archive"),
        (b"user_id,timestamp,event\nu1\x00\x00\x01,2026,x\n", "binary content"),
        (b"", "empty file"),
        (b"\n  \n", "empty file"),
    ],
)
def test_unreadable_files_are_refused_naming_the_file(
    tmp_path: Path, content: bytes, match: str
) -> None:
    with pytest.raises(FileRefused, match=match) as refused:
        _read(tmp_path, content, name="upload.bin")
    assert "upload.bin" in str(refused.value)


def test_missing_required_column_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="lacks timestamp"):
        _read(tmp_path, "user_id,event,when\nu1,login,2026-01-05\n")


def test_header_only_file_reads_zero_rows(tmp_path: Path) -> None:
    parsed = _read(tmp_path, f"{HEADER}\n")
    assert parsed.rows.height == 0
    assert parsed.rows.schema == pl.Schema(ROW_SCHEMA)


# --- structure: preamble, repeated header, field counts, quoting --------------------------


def test_preamble_lines_are_skipped_and_reported(tmp_path: Path) -> None:
    text = f"Export generated 2026-01-01\n\n{HEADER}\nu1,2026-01-05 10:00,login\n"
    parsed = _read(tmp_path, text)
    assert parsed.warnings == ["skipped 2 preamble lines before the header"]
    assert parsed.rows["line_no"].to_list() == [4]


def test_repeated_header_and_wrong_field_counts_are_quarantined(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        "u1,2026-01-05 10:00,login\n"  # line 2 good
        "USER_ID, timestamp ,Event\n"  # line 3: the header again (case/space differ)
        "u2,2026-01-05 10:00\n"  # line 4: short
        "u3,2026-01-05 10:00,login,extra\n"  # line 5: long
        "u4,2026-01-05 10:00,login\n"  # line 6 good
    )
    parsed = _read(tmp_path, text)
    assert _reasons(parsed) == [
        (2, None),
        (3, reasons.REPEATED_HEADER),
        (4, reasons.WRONG_FIELD_COUNT),
        (5, reasons.WRONG_FIELD_COUNT),
        (6, None),
    ]
    short = parsed.rows.row(2, named=True)  # never padded: no fields taken from a bad row
    assert (short["user_id"], short["raw"]) == (None, "u2,2026-01-05 10:00")


def test_quoted_delimiter_and_newline_inside_a_field(tmp_path: Path) -> None:
    text = (
        f"{HEADER},note\n"
        'u1,2026-01-05 10:00,login,"a, b"\n'  # line 2
        'u2,2026-01-05 10:00,login,"two\nlines"\n'  # lines 3-4
        "u3,2026-01-05 10:00,login,x\n"  # line 5
    )
    parsed = _read(tmp_path, text)
    assert parsed.rows["line_no"].to_list() == [2, 3, 5]
    assert parsed.rows["properties"].to_list() == [
        '{"note":"a, b"}',
        '{"note":"two\\nlines"}',
        '{"note":"x"}',
    ]
    assert parsed.rows["reason"].to_list() == [None, None, None]


def test_identifiers_stay_text(tmp_path: Path) -> None:
    text = "event_id,user_id,timestamp,event,session_id\n007,00123,2026-01-05 10:00,login,0042\n"
    row = _read(tmp_path, text).rows.row(0, named=True)
    assert (row["event_id"], row["user_id"], row["session_id"]) == ("007", "00123", "0042")


# --- users, events, optional fields -------------------------------------------------------


def test_placeholder_users_and_event_names_are_quarantined(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        ",2026-01-05 10:00,login\n"
        "  ,2026-01-05 10:00,login\n"
        "NULL,2026-01-05 10:00,login\n"
        "n/a,2026-01-05 10:00,login\n"
        "undefined,2026-01-05 10:00,login\n"
        "u1,2026-01-05 10:00,\n"
    )
    parsed = _read(tmp_path, text)
    assert parsed.rows["reason"].to_list() == [reasons.MISSING_USER] * 5 + [reasons.MISSING_EVENT]


def test_emails_are_lower_cased_and_stripped_of_all_white_space(tmp_path: Path) -> None:
    text = f"{HEADER}\n Ana@Example.COM\u00a0,2026-01-05 10:00,login\n"
    assert _good(_read(tmp_path, text))[0]["user_id"] == "ana@example.com"


def test_user_id_wins_and_email_is_the_fallback_per_row(tmp_path: Path) -> None:
    text = (
        "Email,User ID,Occurred At,Action\n"
        "a@x.com,u1,2026-01-05 10:00,login\n"  # user_id wins
        "B@X.com,,2026-01-05 10:00,login\n"  # empty user_id: e-mail
        "none,null,2026-01-05 10:00,login\n"  # neither is usable
    )
    parsed = _read(tmp_path, text)
    assert parsed.rows["user_id"].to_list() == ["u1", "b@x.com", None]
    assert parsed.rows["reason"].to_list() == [None, None, reasons.MISSING_USER]


def test_aliases_header_case_and_per_source_mapping(tmp_path: Path) -> None:
    text = "Actor;WANN;Type;Kanal\nu1;2026-01-05 10:00;login;web\n"
    parsed = _read(tmp_path, text, mapping={"Wann": "timestamp", "kanal": "feature"})
    row = parsed.rows.row(0, named=True)
    assert (row["user_id"], row["ts"], row["event"], row["feature"]) == ("u1", JAN5, "login", "web")
    assert row["properties"] is None


def test_unknown_columns_become_properties_json(tmp_path: Path) -> None:
    text = f'{HEADER},Region,plan tier\nu1,2026-01-05 10:00,login,EMEA,"gold ""plus"""\n'
    props = _read(tmp_path, text).rows["properties"][0]
    assert json.loads(props) == {"Region": "EMEA", "plan tier": 'gold "plus"'}


def test_accepted_maybe_is_nulled_with_a_warning(tmp_path: Path) -> None:
    text = f"{HEADER},accepted\nu1,2026-01-05,s,YES\nu1,2026-01-05,s,maybe\nu1,2026-01-05,s,0\n"
    parsed = _read(tmp_path, text)
    assert parsed.rows["accepted"].to_list() == [True, None, False]
    assert parsed.rows["reason"].to_list() == [None, None, None]  # the events are kept
    assert parsed.warnings == ["1 unparseable 'accepted' value nulled"]


def test_source_column_then_argument_then_default(tmp_path: Path) -> None:
    text = f"{HEADER},source\nu1,2026-01-05,login,crm\nu2,2026-01-05,login, \n"
    assert _read(tmp_path, text, source="coach").rows["source"].to_list() == ["crm", "coach"]
    assert _read(tmp_path, text).rows["source"].to_list() == ["crm", "default"]


def test_placeholder_event_ids_are_null(tmp_path: Path) -> None:
    text = (
        "event_id,user_id,ts,event\n"
        "0,u1,2026-01-05,a\n"
        "00000000-0000-0000-0000-000000000000,u1,2026-01-05,b\n"
        "e9,u1,2026-01-05,c\n"
    )
    assert _read(tmp_path, text).rows["event_id"].to_list() == [None, None, "e9"]


# --- timestamps and limits ----------------------------------------------------------------


def test_timestamps_bad_and_out_of_range(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        "u1,not a date,login\n"
        "u1,1999-12-31 23:59:59,login\n"  # before 2000-01-01
        "u1,2026-06-02 12:00:01,login\n"  # NOW + 1 day + 1 s
        "u1,2026-06-02 12:00:00,login\n"  # NOW + 1 day exactly: fine
    )
    assert _read(tmp_path, text).rows["reason"].to_list() == [
        reasons.BAD_TIMESTAMP,
        reasons.TIMESTAMP_OUT_OF_RANGE,
        reasons.TIMESTAMP_OUT_OF_RANGE,
        None,
    ]


def test_timezone_and_date_order_are_reported(tmp_path: Path) -> None:
    text = f"{HEADER}\nu1,05/01/2026 10:00,login\nu1,13/01/2026 10:00,login\n"
    parsed = _read(tmp_path, text, timezone="Europe/Berlin")
    assert parsed.date_order == "day_first"
    assert parsed.date_order_note == "settled by a value whose first field exceeds 12"
    # 10:00 CET (UTC+1) is 09:00 UTC
    assert parsed.rows["ts"].to_list() == [datetime(2026, 1, 5, 9), datetime(2026, 1, 13, 9)]


def test_date_order_from_the_source_setting(tmp_path: Path) -> None:
    parsed = _read(tmp_path, f"{HEADER}\nu1,05/01/2026,login\n", date_order_setting="day_first")
    assert (parsed.date_order, parsed.date_order_note) == ("day_first", "source setting")
    assert parsed.rows["ts"].to_list() == [datetime(2026, 1, 5)]


def test_a_field_over_1_mb_is_quarantined(tmp_path: Path) -> None:
    big = "x" * 1_000_001
    parsed = _read(tmp_path, f"{HEADER},note\nu1,2026-01-05,login,{big}\nu2,2026-01-05,login,ok\n")
    assert parsed.rows["reason"].to_list() == [reasons.FIELD_TOO_LARGE, None]


def test_an_identifier_over_256_characters_is_quarantined_not_truncated(tmp_path: Path) -> None:
    long_user = "u" * 257
    text = f"{HEADER}\n{long_user},2026-01-05,login\n{'u' * 256},2026-01-05,login\n"
    parsed = _read(tmp_path, text)
    assert parsed.rows["reason"].to_list() == [reasons.IDENTIFIER_TOO_LONG, None]
    assert parsed.rows["raw"][0] == f"{long_user},2026-01-05,login"


# --- JSON Lines, JSON arrays, Parquet -------------------------------------------------------


def test_json_lines_with_a_bad_line(tmp_path: Path) -> None:
    text = (
        '{"user": "00123", "ts": 1767607200, "event": "login", "n": 5, "tags": {"a": 1}}\n'
        "{not json}\n"
        "\n"
        "[1, 2]\n"
        '{"USER": "u2", "ts": "2026-01-05T10:00:00Z", "event": "login", "accepted": true}\n'
    )
    parsed = _read(tmp_path, text, name="events.jsonl")
    assert parsed.format == "jsonl"
    assert _reasons(parsed) == [
        (1, None),
        (2, reasons.INVALID_JSON),
        (4, reasons.INVALID_JSON),  # valid JSON but not an object
        (5, None),
    ]
    assert parsed.rows["user_id"].to_list() == ["00123", None, None, "u2"]
    assert parsed.rows["ts"].to_list() == [JAN5, None, None, JAN5]
    assert parsed.rows["accepted"].to_list() == [None, None, None, True]
    # properties keep JSON types: a number stays a number, an object an object
    assert json.loads(parsed.rows["properties"][0]) == {"n": 5, "tags": {"a": 1}}
    assert parsed.rows["properties"][3] is None


def test_json_array(tmp_path: Path) -> None:
    text = json.dumps(
        [
            {"user_id": "u1", "timestamp": "2026-01-05 10:00", "event": "login"},
            "not an object",
            {"user_id": "u2", "timestamp": "2026-01-05 10:00", "event": "login"},
        ]
    )
    parsed = _read(tmp_path, text, name="events.json")
    assert parsed.format == "json_array"
    assert _reasons(parsed) == [(1, None), (2, reasons.INVALID_JSON), (3, None)]


def test_json_without_required_keys_is_refused(tmp_path: Path) -> None:
    with pytest.raises(FileRefused, match="timestamp"):
        _read(tmp_path, '{"user": "u1", "event": "login"}\n', name="e.jsonl")


def test_parquet(tmp_path: Path) -> None:
    frame = pl.DataFrame(
        {
            "user_id": ["00123", "u2"],
            "ts": [datetime(2026, 1, 5, 11, 0, tzinfo=UTC), None],
            "event": ["login", "login"],
            "score": [1.5, None],
        }
    ).with_columns(pl.col("ts").dt.convert_time_zone("Europe/Berlin"))
    path = tmp_path / "events.data"
    frame.write_parquet(path)
    parsed = read_source_file(path, source="warehouse", now=NOW)
    assert parsed.format == "parquet"
    assert parsed.rows["line_no"].to_list() == [1, 2]
    assert parsed.rows["user_id"].to_list() == ["00123", "u2"]
    assert parsed.rows["ts"].to_list() == [datetime(2026, 1, 5, 11, 0), None]  # stays UTC
    assert parsed.rows["reason"].to_list() == [None, reasons.BAD_TIMESTAMP]
    assert json.loads(parsed.rows["properties"][0]) == {"score": 1.5}
    assert json.loads(parsed.rows["raw"][0])["user_id"] == "00123"


def test_truncated_parquet_and_empty_json_array_are_refused(tmp_path: Path) -> None:
    buffer = tmp_path / "full.parquet"
    pl.DataFrame({"user_id": ["u1"], "ts": ["2026-01-05"], "event": ["x"]}).write_parquet(buffer)
    content = buffer.read_bytes()
    with pytest.raises(FileRefused, match="truncated Parquet"):
        _read(tmp_path, content[:-10], name="cut.parquet")
    with pytest.raises(FileRefused, match="empty JSON array"):
        _read(tmp_path, "[ ]", name="e.json")


def test_a_refusal_names_the_file_and_the_reason_as_attributes(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    with pytest.raises(FileRefused) as refused:
        _read(tmp_path, "")
    assert (refused.value.path, refused.value.reason) == (path, "empty file")
    assert str(refused.value) == f"{path}: empty file"
