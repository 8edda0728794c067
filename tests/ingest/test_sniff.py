"""Container and header sniffing: gzip by content, refusals, delimiter and header choice."""

from __future__ import annotations

import gzip

import pytest

from analytics.ingest.columns import known_count, plan_columns
from analytics.ingest.sniff import (
    FileRefused,
    find_header,
    is_gzip,
    is_parquet,
    refused_content,
    safe_gunzip,
    text_kind,
)


def _header(lines: list[str]):
    """find_header with the real column rules and no mapping."""
    return find_header(
        lines,
        known=lambda names: known_count(names),
        missing=lambda names: list(plan_columns(names).missing),
    )


def test_gzip_is_detected_by_magic_bytes_not_name() -> None:
    assert is_gzip(gzip.compress(b"user_id,ts,event\n"))
    assert not is_gzip(b"user_id,ts,event\n")


def test_gunzip_round_trips_and_reads_concatenated_members() -> None:
    data = gzip.compress(b"a\n") + gzip.compress(b"b\n")
    assert safe_gunzip(data, max_bytes=100) == b"a\nb\n"


def test_truncated_gzip_is_refused() -> None:
    data = gzip.compress(b"user_id,ts,event\n" * 1000)
    with pytest.raises(FileRefused, match="truncated gzip"):
        safe_gunzip(data[: len(data) // 2], max_bytes=10**6)


def test_corrupt_gzip_is_refused() -> None:
    data = bytearray(gzip.compress(b"hello world " * 100))
    data[20:30] = b"\xff" * 10
    with pytest.raises(FileRefused, match="gzip"):
        safe_gunzip(bytes(data), max_bytes=10**6)


def test_decompressed_size_cap_is_named_in_the_refusal() -> None:
    data = gzip.compress(b"x" * 5000)
    with pytest.raises(FileRefused, match="cap of 4,999 bytes"):
        safe_gunzip(data, max_bytes=4999)
    assert len(safe_gunzip(data, max_bytes=5000)) == 5000  # exactly at the cap is fine


@pytest.mark.parametrize(
    ("data", "word"),
    [
        (b"PK\x03\x04rest", "zip"),
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
        (b"%PDF-1.7", "PDF"),
    ],
)
def test_known_binary_formats_are_named(data: bytes, word: str) -> None:
    assert word in (refused_content(data) or "")


def test_csv_is_not_mistaken_for_binary() -> None:
    assert refused_content(b"user_id,ts,event\n") is None


def test_parquet_magic_at_both_ends() -> None:
    assert is_parquet(b"PAR1....PAR1")
    assert not is_parquet(b"PAR1 but a text file")


def test_text_kind_from_first_character() -> None:
    assert text_kind('\n {"user_id": 1}\n') == "jsonl"
    assert text_kind('[ {"a": 1} ]') == "json_array"
    assert text_kind("[]") == "json_array"
    assert text_kind("[Export] generated\nuser_id,ts,event\n") == "csv"
    assert text_kind("user_id,ts,event\n") == "csv"


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_sniffed_from_the_header(delimiter: str) -> None:
    header = _header([delimiter.join(["user_id", "timestamp", "event", "note"]), "u1"])
    assert header is not None
    assert header.delimiter == delimiter
    assert header.names == ["user_id", "timestamp", "event", "note"]


def test_only_a_delimiter_that_splits_out_the_required_columns_counts() -> None:
    # Split by ";" the line gives 4 known names; split by "," only the pieces
    # "user_id;ts;event;feature" and "x" (the required ones are not all found).
    header = _header(["user_id;ts;event;feature,x"])
    assert header is not None
    assert header.delimiter == ";"
    assert header.names == ["user_id", "ts", "event", "feature,x"]


def test_quoted_header_names_respect_quotes() -> None:
    header = _header(['"user_id","timestamp","event","a,b"'])
    assert header is not None
    assert header.names == ["user_id", "timestamp", "event", "a,b"]


def test_preamble_lines_are_skipped_to_the_first_header_line() -> None:
    lines = ["Export generated 2026-01-01", "", "user_id,ts,event", "u1,2026-01-01,login"]
    header = _header(lines)
    assert header is not None
    assert header.index == 2


def test_no_header_with_required_columns_is_none() -> None:
    assert _header(["user_id,event,when", "u1,login,yesterday"]) is None
