"""Messy Parquet through the real command: column types polars cannot write as JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from analytics.cli import main
from analytics.db import connection


def _ingest_json(db_path: Path, *files: str, capsys: pytest.CaptureFixture[str]) -> tuple:
    """Run `adoption ingest ... --format json`; (exit code, reports)."""
    code = main(["ingest", *files, "--db", str(db_path), "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_binary_and_duration_columns_are_kept_as_properties(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "typed.parquet"
    pl.DataFrame(
        {
            "user_id": [123],
            "timestamp": [dt.datetime(2026, 3, 1, 10, 0)],
            "event": ["login"],
            "blob": [b"\x00\xff"],
            "took": [dt.timedelta(seconds=5)],
            "nested": [{"b": b"x"}],
            "blobs": [[b"x", b"y"]],
        }
    ).write_parquet(path)
    code, [report] = _ingest_json(db_path, str(path), capsys=capsys)
    # one good row: no traceback, loaded with its odd columns as properties
    assert code == 0
    assert (report["status"], report["read"], report["loaded"]) == ("loaded", 1, 1)
    with connection(db_path) as con:
        user, ts, props = con.execute("SELECT user_id, ts, properties FROM events").fetchall()[0]
    assert (user, ts) == ("123", dt.datetime(2026, 3, 1, 10, 0))
    # bytes 00 ff in base64 = "AP8="; b"x" = "eA==", b"y" = "eQ=="; 5 s as ISO 8601 = "PT5S"
    assert json.loads(props) == {
        "blob": "AP8=",
        "took": "PT5S",
        "nested": {"b": "eA=="},
        "blobs": ["eA==", "eQ=="],
    }


def test_a_polars_panic_refuses_the_file_and_the_batch_goes_on(
    db_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import analytics.ingest.read as read

    def panicking(data: bytes) -> object:
        raise pl.exceptions.PanicException("not yet implemented: something")

    monkeypatch.setattr(read, "parquet_table", panicking)
    bad = tmp_path / "bad.parquet"
    pl.DataFrame({"user_id": ["a"], "timestamp": ["2026-03-01"], "event": ["x"]}).write_parquet(bad)
    good = tmp_path / "good.csv"
    good.write_text("user_id,timestamp,event\nu1,2026-03-01T10:00:00Z,login\n")
    code, reports = _ingest_json(db_path, str(bad), str(good), capsys=capsys)
    assert code == 2
    assert reports[0]["status"] == "refused" and "bad.parquet" in reports[0]["error"]
    assert (reports[1]["status"], reports[1]["loaded"]) == ("loaded", 1)


def test_whole_floats_read_as_whole_numbers(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # pandas turns an int or bool column with a missing value into float64: 123.0, 1.0, NaN
    path = tmp_path / "pandas.parquet"
    pl.DataFrame(
        {
            "user_id": [123.0, None, 7.5],
            "timestamp": [1772359200.0, 1772359200.0, 1772359200.5],
            "event": ["login", "login", "login"],
            "accepted": [1.0, 0.0, None],
        }
    ).write_parquet(path)
    code, [report] = _ingest_json(db_path, str(path), capsys=capsys)
    # 123.0 is the id "123"; the null user is quarantined; 7.5 stays "7.5"
    # 1772359200 = 2026-03-01 10:00:00 UTC; 1.0 / 0.0 are accepted true / false, no warning
    assert (report["loaded"], report["quarantined"], report["warnings"]) == (2, 1, [])
    with connection(db_path) as con:
        rows = con.execute("SELECT user_id, ts, accepted FROM events ORDER BY line_no").fetchall()
    assert rows == [
        ("123", dt.datetime(2026, 3, 1, 10, 0), True),
        ("7.5", dt.datetime(2026, 3, 1, 10, 0, 0, 500000), None),
    ]


def test_duckdb_parquet_with_uuid_and_interval_columns(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import duckdb

    path = tmp_path / "duck.parquet"
    con = duckdb.connect()
    con.execute(
        "COPY (SELECT 'u1' AS user_id, TIMESTAMPTZ '2026-03-01 10:00:00+02' AS timestamp, "
        "'login' AS event, uuid '6b1f6f3e-1111-4a2b-9c3d-123456789abc' AS event_id, "
        "INTERVAL 5 MINUTE AS took, MAP {'a': 1} AS m) TO ? (FORMAT parquet)",
        [str(path)],
    )
    con.close()
    code, [report] = _ingest_json(db_path, str(path), capsys=capsys)
    # polars panics on the INTERVAL column and reads the UUID as 16 bytes: both arrive as text
    assert code == 0 and report["loaded"] == 1
    with connection(db_path) as con:
        row = con.execute("SELECT event_id, ts, properties FROM events").fetchall()[0]
    # 10:00 at +02:00 = 08:00 UTC; DuckDB writes a 5-minute interval as 00:05:00
    assert row[:2] == ("6b1f6f3e-1111-4a2b-9c3d-123456789abc", dt.datetime(2026, 3, 1, 8, 0))
    assert json.loads(row[2]) == {"took": "00:05:00", "m": {"a": 1}}
