"""Bytes to text (BOMs, UTF-16, cp1252 lines, line endings) and CSV text to records."""

from __future__ import annotations

import codecs

import pytest

from analytics.ingest import decode
from analytics.ingest.decode import csv_records, decode_bytes, decode_mixed, lines_frame
from analytics.ingest.sniff import FileRefused


def _records(text: str, delimiter: str = ",") -> list[dict]:
    """Records of a CSV body (line numbers from 1) as dicts."""
    return csv_records(lines_frame(text.split("\n")), delimiter).frame.to_dicts()


def test_utf8_plain_and_with_bom_decode_the_same() -> None:
    body = "user,ts,event\ncafé,1,x\n"
    assert decode_bytes(body.encode()).text == body
    assert decode_bytes(codecs.BOM_UTF8 + body.encode()).text == body


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_both_byte_orders(encoding: str) -> None:
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    decoded = decode_bytes(bom + "user,ts\r\ncafé,1\r\n".encode(encoding))
    assert decoded.text == "user,ts\ncafé,1\n"
    assert decoded.encoding == "utf-16"


def test_crlf_and_lone_cr_become_lf() -> None:
    assert decode_bytes(b"a\r\nb\r\n").text == "a\nb\n"
    assert decode_bytes(b"a\rb\rc").text == "a\nb\nc"


def test_nul_bytes_without_utf16_bom_are_refused() -> None:
    with pytest.raises(FileRefused, match="binary"):
        decode_bytes(b"user,ts,event\n\x00\x01\x02")


def test_invalid_lines_fall_back_to_cp1252_and_valid_lines_keep_utf8() -> None:
    # line 1 is UTF-8 (é as C3 A9), line 2 cp1252 (é as E9), line 3 UTF-8 again.
    data = "café,1\n".encode() + b"caf\xe9,2\r\n" + "café,3\n".encode()
    decoded = decode_bytes(data)
    assert decoded.text == "café,1\ncafé,2\ncafé,3\n"
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.warnings == ["1 line not valid UTF-8, decoded as cp1252: lines 2"]


def test_cp1252_line_numbers_count_every_kind_of_line_break() -> None:
    # lines: 1 "ok" (CRLF), 2 "x\x93y" (CR), 3 "ok" (LF), 4 "\x80" -> bad lines 2 and 4
    text, bad = decode_mixed(b"ok\r\nx\x93y\rok\n\x80")
    assert bad == [2, 4]
    assert text == "ok\r\nx\u201cy\rok\n\u20ac"  # 0x93 is a left double quote, 0x80 the euro


@pytest.mark.parametrize("window", [1, 2, 3, 7, 1024])
def test_cp1252_lines_found_whatever_the_decoding_window(
    window: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows end after a line break (a CRLF may be cut after its CR): the same lines as one
    # pass. Lines: 1 "a\xe9" (CRLF), 2 "ok" (LF), 3 "\x93x" (CR), 4 "caf\xc3\xa9" (UTF-8), 5 "\x80"
    monkeypatch.setattr(decode, "_MIN_WINDOW", window)
    monkeypatch.setattr(decode, "_MAX_WINDOW", max(window, 4))
    text, bad = decode_mixed(b"a\xe9\r\nok\n\x93x\rcaf\xc3\xa9\n\x80")
    assert bad == [1, 3, 5]
    assert text == "a\u00e9\r\nok\n\u201cx\rcaf\u00e9\n\u20ac"


def test_every_line_cp1252_is_numbered() -> None:
    # 5,000 lines each with a cp1252 byte and no CR anywhere (once a scan to the end per line)
    text, bad = decode_mixed(b"caf\xe9\n" * 5000)
    assert bad == list(range(1, 5001))
    assert text == "caf\u00e9\n" * 5000


def test_records_split_plain_lines_and_drop_blank_ones() -> None:
    rows = _records("a,b\n\n   \nc,d\n")
    assert [(r["line_no"], r["fields"]) for r in rows] == [(1, ["a", "b"]), (4, ["c", "d"])]


def test_quoted_delimiter_and_doubled_quotes() -> None:
    rows = _records('1,"a,b","say ""hi"""')
    assert rows[0]["fields"] == ["1", "a,b", 'say "hi"']
    assert not rows[0]["malformed"]


def test_quoted_newline_keeps_one_record_numbered_by_its_first_line() -> None:
    rows = _records('1,"two\nlines",x\n2,y,z')
    assert [(r["line_no"], r["fields"]) for r in rows] == [
        (1, ["1", "two\nlines", "x"]),
        (3, ["2", "y", "z"]),  # physical line 3: the quoted field used lines 1-2
    ]
    assert rows[0]["raw"] == '1,"two\nlines",x'


def test_a_quote_inside_an_unquoted_field_is_literal() -> None:
    rows = _records('1,32" screen,x\n2,y,z')
    assert [r["fields"] for r in rows] == [["1", '32" screen', "x"], ["2", "y", "z"]]


def test_unterminated_quote_does_not_swallow_the_rest_of_the_file() -> None:
    result = csv_records(lines_frame(['1,"open,x', "2,y,z", "3,u,v"]), ",")
    rows = result.frame.to_dicts()
    assert [r["line_no"] for r in rows] == [1, 2, 3]
    assert rows[0]["malformed"]
    assert rows[1]["fields"] == ["2", "y", "z"]
    assert "line 1" in result.warnings[0]


def test_garbage_after_a_closing_quote_is_malformed() -> None:
    rows = _records('1,"a"b,c')
    assert rows[0]["malformed"]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_quoted_records_with_other_delimiters(delimiter: str) -> None:
    rows = _records(f'1{delimiter}"a{delimiter}b"{delimiter}c', delimiter)
    assert rows[0]["fields"] == ["1", f"a{delimiter}b", "c"]
