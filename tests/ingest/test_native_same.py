"""The native read (DuckDB, SQL cleaning) and the Python read give the same rows and reports.

Every read the existing read tests make (their hand-written messy fixtures) is made twice, once
per path: where the native path reads the file, all ROW_SCHEMA columns (line_no, raw, reason,
properties...) and the report fields must be identical; where it declines, the reason must be
one of native.DECLINED. The existing tests' own assertions then run on the Python result.
The native rows keep `raw` for quarantined rows only: load stores no other row's raw text.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from analytics.ingest import native, read
from analytics.ingest.read import FileRefused, ParsedFile, read_source_file
from analytics.ingest.scratch import NativeRows
from analytics.ingest.timestamps import parse_timestamps
from tests.ingest import (
    test_hostile,
    test_messy_csv,
    test_messy_json,
    test_messy_timestamps,
    test_read,
)

MODULES: tuple[ModuleType, ...] = (
    test_messy_csv,
    test_messy_json,
    test_read,
    test_hostile,
    test_messy_timestamps,
)
REPORT_FIELDS = (
    "sha256", "date_order", "date_order_note", "warnings", "format", "encoding", "delimiter",
    "gzip",
)  # fmt: skip
SAMPLES = Path(__file__).resolve().parents[2] / "sample_events"
NOW = dt.datetime(2026, 11, 1, 12, 0, 0)


def assert_same(path: Path, **kwargs: Any) -> tuple[str, ParsedFile | FileRefused]:
    """Read `path` both ways; ("native" or the decline reason, the Python path's outcome)."""
    try:
        python: ParsedFile | FileRefused = read_source_file(path, **kwargs)
    except FileRefused as refused:
        python = refused
    options = native.Options(
        source=kwargs.get("source"),
        timezone=kwargs.get("timezone", "UTC"),
        date_order_setting=kwargs.get("date_order_setting"),
        mapping=kwargs.get("mapping"),
        now=_naive_utc(kwargs.get("now") or NOW),
        max_line_bytes=kwargs.get("max_line_bytes", 4_000_000),
        memory_limit="500MB",
    )
    found = native.native_read(
        Path(path), options, max_decompressed_bytes=kwargs.get("max_decompressed_bytes", 2 * 10**9)
    )
    if isinstance(found, str):
        assert found in native.DECLINED
        return found, python
    assert isinstance(python, ParsedFile), f"{path}: native read a file Python refuses: {python}"
    assert isinstance(found.rows, NativeRows)
    frame = found.rows.frame()
    found.rows.close()
    assert isinstance(python.rows, pl.DataFrame)
    quarantined_raw = pl.when(pl.col("reason").is_not_null()).then(pl.col("raw"))
    expected = python.rows.with_columns(quarantined_raw.alias("raw"))  # load keeps no other
    assert_frame_equal(frame, expected, check_dtypes=False)
    assert frame.schema == pl.Schema(read.ROW_SCHEMA)
    for name in REPORT_FIELDS:
        assert getattr(found, name) == getattr(python, name), name
    return "native", python


def _naive_utc(now: dt.datetime) -> dt.datetime:
    """The ingest time as naive UTC."""
    return now.astimezone(dt.UTC).replace(tzinfo=None) if now.tzinfo else now


def _cases() -> list[tuple[ModuleType, str, dict[str, Any]]]:
    """Every test of the read modules, with each parametrize case expanded."""
    cases = []
    for module in MODULES:
        for name, function in vars(module).items():
            if not name.startswith("test_") or not callable(function):
                continue
            marks = [m for m in getattr(function, "pytestmark", []) if m.name == "parametrize"]
            if not marks:
                cases.append((module, name, {}))
                continue
            names, values = marks[0].args[0], marks[0].args[1]
            keys = [n.strip() for n in names.split(",")] if isinstance(names, str) else names
            for value in values:
                value = value.values if hasattr(value, "values") else value
                row = value if len(keys) > 1 else (value,)
                cases.append((module, name, dict(zip(keys, row, strict=True))))
    return cases


CASES = _cases()
SEEN: Counter[str] = Counter()


@pytest.mark.parametrize(
    ("module", "name", "params"),
    CASES,
    ids=[f"{m.__name__.rsplit('.', 1)[-1]}::{n}#{i}" for i, (m, n, _) in enumerate(CASES)],
)
def test_native_and_python_reads_are_identical(
    module: ModuleType,
    name: str,
    params: dict[str, Any],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test runs unchanged with every read made both ways and compared."""

    def both(path: Path, **kwargs: Any) -> ParsedFile:
        path_used, python = assert_same(Path(path), **kwargs)
        SEEN[path_used] += 1
        if isinstance(python, FileRefused):
            raise python
        return python

    def timestamps_both(values: pl.Series, **kwargs: Any) -> Any:
        """parse_timestamps, and the same values as a CSV file read both ways."""
        texts = ["" if v is None else v for v in values.to_list()]
        if not any(c in v for v in texts for c in '",\n\r'):
            body = "".join(f"u{i},e,{v}\n" for i, v in enumerate(texts))
            path = request.getfixturevalue("tmp_path") / f"ts{len(SEEN)}.csv"
            path.write_text("user_id,event,timestamp\n" + body, encoding="utf-8")
            options = {k: kwargs[k] for k in ("timezone", "date_order_setting") if k in kwargs}
            SEEN[assert_same(path, source=None, now=NOW, **options)[0]] += 1
        return parse_timestamps(values, **kwargs)

    if module is test_messy_timestamps:
        monkeypatch.setattr(module, "parse_timestamps", timestamps_both)
    else:
        monkeypatch.setattr(module, "read_source_file", both)
    function: Callable[..., Any] = getattr(module, name)
    wanted = inspect.signature(function).parameters
    arguments = {k: v for k, v in params.items() if k in wanted}
    arguments.update({k: request.getfixturevalue(k) for k in wanted if k not in arguments})
    function(**arguments)


def test_the_fixtures_exercise_the_native_path() -> None:
    """Most messy fixtures are read natively (so the comparison above compares something)."""
    if not SEEN:
        pytest.skip("run with the comparison tests")
    assert SEEN["native"] >= 30, SEEN


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("web_app_2026-06_2026-08.csv", "native"),
        ("web_app_2026-08_2026-10.csv", "native"),
        ("coach_api_events.jsonl.gz", "native"),
        ("crm_plugin_export.csv", "native"),  # CRLF line ends, a preamble, e-mails
        ("call_analyzer.parquet", native.NOT_QUALIFIED),
        ("github_copilot_usage.ndjson", native.NO_HEADER),  # a vendor export: its preset reads it
        ("chatgpt_enterprise_weekly.csv", native.NO_HEADER),  # likewise
    ],
)
def test_sample_events_same_rows_both_ways(name: str, expected: str) -> None:
    """Each sample file: the path it takes, and identical rows when native."""
    used, _ = assert_same(SAMPLES / name, source=None, now=NOW)
    assert used == expected


TIMESTAMPS = [
    "2026-03-29 02:30", "2026-10-25 02:30:00", "2026-10-25T02:30:00.123456789",
    "2026-03-29T01:30:00Z", "2026-03-01T10:00:00+0530", "2026-03-01 10:00:00 -03", "2026/03/01",
    "03/04/2026", "03.04.2026 10:15", "3-4-2026 1:05 PM", "Mar 5 2026", "March 5th 2026 10:00",
    "5 Mar 2026", "05-Mar-2026 23:59:59", "Sunday March 1 2026", "20260301", "1772008291",
    "1772008291921", "1772008291921000", "1772008291921000000", "1772008291.5", "2026-02-30",
    "2026-01-05 25:00", "1999-12-31 23:59:59", "2026-11-03", "12/31/1999", " 2026-01-05 ",
    "2026-01-05\u00a010:00", "2026-01-05 10:00 UTC", "2026-01-05 10:00 GMT", "soon", "0", "",
    "\u0662\u0660\u0662\u0666-01-05", "31/31/2026", "13/01/2026", "2026-01-05T10:00:00.5+01:00",
]  # fmt: skip


@pytest.mark.parametrize("timezone", ["UTC", "Europe/Berlin", "America/New_York"])
@pytest.mark.parametrize("order", [None, "day_first", "month_first"])
def test_timestamp_shapes_same_both_ways(tmp_path: Path, timezone: str, order: str | None) -> None:
    """Every family, DST gap and overlap, bad and out-of-range values: one file, or the
    documented decline when a value only Python reads (the epoch with a fraction)."""
    python_only = ("1772008291.5", "\u0662\u0660\u0662\u0666-01-05", "2026-01-05\u00a010:00")
    for name, values, expected in (
        ("all.csv", TIMESTAMPS, native.TIMESTAMP_SHAPE),
        ("sql.csv", [v for v in TIMESTAMPS if v not in python_only], "native"),
    ):
        path = tmp_path / name
        body = "".join(f"u{i};e;{v}\n" for i, v in enumerate(values))
        path.write_text("user_id;event;timestamp\n" + body, encoding="utf-8")
        used, _ = assert_same(
            path, source=None, now=NOW, timezone=timezone, date_order_setting=order
        )
        assert used == expected


def test_generated_messy_rows_same_both_ways(tmp_path: Path) -> None:
    """Random rows from messy pieces (placeholders, white space, long ids, bad counts, repeated
    headers, odd e-mails, accepted words, properties): identical rows both ways."""
    import random

    rng = random.Random(12)
    users = ["u1", " U2 ", "Bob@X.COM", "null", "", "n/a", "caf\u00e9", "cafe\u0301", "a\u200bb",
             "x" * 300, "\u00a0u3", "-", "E\u0301@Mail.com"]  # fmt: skip
    events = ["login", " view ", "", "NULL", "e" * 260, "ok\u3000", "undefined"]
    stamps = ["2026-03-01 10:00", "03/04/2026", "13/02/2026", "bad", "", "1772008291", "2001-01-01"]
    ids = ["", "0", "id-1", "00000000-0000-0000-0000-000000000000", "id-1", " id-2 "]
    accepted = ["", "yes", "N", "maybe", "TRUE", "0"]
    extra = ["", "x", "caf\u00e9", "a\\b", "tab\there", "{json}", "\u2028"]
    lines = ["User ID;Event;Time;event_id;accepted;note;Extra"]
    for _ in range(400):
        fields = [rng.choice(users), rng.choice(events), rng.choice(stamps), rng.choice(ids),
                  rng.choice(accepted), rng.choice(extra), rng.choice(extra)]  # fmt: skip
        roll = rng.random()
        if roll < 0.05:
            fields = fields[:4]
        elif roll < 0.08:
            fields = [*fields, "more", "x"]
        elif roll < 0.1:
            lines.append(lines[0].upper().replace(";", " ; "))
            continue
        elif roll < 0.12:
            lines.append("   ")
            continue
        lines.append(";".join(fields))
    path = tmp_path / "generated.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    used, python = assert_same(path, source="gen", now=NOW, timezone="Europe/Berlin")
    assert used == "native"
    windows = tmp_path / "generated_crlf.csv"  # the same rows with Windows line ends
    windows.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert assert_same(windows, source="gen", now=NOW, timezone="Europe/Berlin")[0] == "native"
    assert isinstance(python, ParsedFile)
    assert isinstance(python.rows, pl.DataFrame)
    assert python.rows["reason"].null_count() > 50  # the comparison covers good rows too


def test_a_killed_parse_leaves_a_folder_the_next_one_removes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Scratch folders untouched for over a day (a killed ingest's) go; fresh ones stay."""
    import os
    import tempfile

    from analytics.ingest import scratch

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    old, fresh = tmp_path / f"{scratch.PREFIX}old", tmp_path / f"{scratch.PREFIX}fresh"
    for folder in (old, fresh):
        folder.mkdir()
        (folder / "parse.duckdb").write_bytes(b"x")
    day_and_a_bit = 25 * 3600
    for path in (old / "parse.duckdb", old):
        stamp = path.stat().st_mtime - day_and_a_bit
        os.utime(path, (stamp, stamp))
    rows = NativeRows.create()
    assert not old.exists() and fresh.exists() and rows.folder.exists()
    rows.close()
    assert not rows.folder.exists()


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"user_id,event,timestamp\r\nu1,e,2026-03-01\r\n\r\nu2,e,bad\r\n", "native"),
        (b"user_id,event,timestamp\r\nu1,e,2026-03-01\r\nu2,e,bad", "native"),  # no last end
        (b"user_id,event,timestamp\r\nu1,e,2026-03-01\nu2,e,bad\r\n", native.NOT_QUALIFIED),
        (b"user_id,event,timestamp\nu1,e,2026-03-01\r\nu2,e,bad\n", native.NOT_QUALIFIED),
        (b"user_id,event,timestamp\ru1,e,2026-03-01\r\nu2,e,bad\r\n", native.NOT_QUALIFIED),
        (b"user_id,event,timestamp\r\nu1,e,2026-03-01\r", native.NOT_QUALIFIED),  # lone CR
        (b'{"user_id":"u1","event":"e","timestamp":"2026-03-01"}\r\n{"user_id":"u2"}\r\n',
         "native"),
    ],
)  # fmt: skip
def test_line_ends_crlf_native_mixed_or_lone_cr_python(
    tmp_path: Path, body: bytes, expected: str
) -> None:
    """All-CRLF files read natively with the same rows (line numbers, blank lines, raw text);
    mixed LF/CRLF or a lone CR (which DuckDB and the Python decoder split differently): Python."""
    path = tmp_path / ("f.jsonl" if body.startswith(b"{") else "f.csv")
    path.write_bytes(body)
    assert assert_same(path, source=None, now=NOW)[0] == expected


def test_a_crlf_split_across_read_chunks_is_one_line_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The qualifying scan reads in chunks: a CR ending one chunk pairs with the next LF."""
    from analytics.ingest import native_qualify

    body = b"user_id,event,timestamp\r\nu1,e,2026-03-01\r\nu2,e,2026-03-02\r\n"
    path = tmp_path / "f.csv"
    path.write_bytes(body)
    for size in (1, 2, 3, 5, 7, 24, 25, 26):  # 24: the first chunk ends on the first CR
        monkeypatch.setattr(native_qualify, "_CHUNK", size)
        found = native_qualify.qualify(path, max_decompressed_bytes=10**6)
        assert found is not None and found.crlf, size
        path.write_bytes(body.replace(b"\r\nu2", b"\nu2"))  # now mixed
        assert native_qualify.qualify(path, max_decompressed_bytes=10**6) is None, size
        path.write_bytes(body)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('user_id,event,timestamp,note\nu1,e,2026-03-01,"a,b"\n"u2","e","2026-03-02",x\n',
         "native"),
        ('user_id,event,timestamp,note\nu1,e,2026-03-01,"say ""hi"""\nu2,e,bad,""\n', "native"),
        ('user_id;event;timestamp;note\nu1;e;"2026-03-01 10:00";"a;b"\nu2;e;x;"";extra\n',
         "native"),
        ('user_id\tevent\ttimestamp\tnote\nu1\te\t2026-03-01\t"a\tb"\n', "native"),
        ('user_id|event|timestamp|note\nu1|e|2026-03-01|"a|b"\n', "native"),
        ('user_id,event,timestamp,note\nu1,e,2026-03-01, "padded"\n', native.QUOTED),
        ('user_id,event,timestamp,note\nu1,e,2026-03-01,32" screen\n', native.QUOTED),
        ('user_id,event,timestamp,note\nu1,e,2026-03-01,"two\nlines"\n', native.QUOTED),
        ('user_id,event,timestamp,note\nu1,e,2026-03-01,"a"b\n', native.QUOTED),
    ],
)  # fmt: skip
def test_well_formed_quoted_fields_native_anything_else_python(
    tmp_path: Path, body: str, expected: str
) -> None:
    """Fields quoted whole (delimiters and doubled quotes inside) are split and unquoted in SQL
    with the same rows; padding, stray quotes or a field spanning lines: the Python path."""
    path = tmp_path / "f.csv"
    path.write_text(body, encoding="utf-8")
    assert assert_same(path, source=None, now=NOW)[0] == expected
