"""CSV inputs are sniffed through the engine, so any location it reads works: `file://` URIs and
globs on both engines, gzip, a BOM, a preamble line and a `;` delimiter found as on a local path.

(No http test: DuckDB's httpfs extension is not installed here and nothing may download it.)
"""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics.cli import main
from analytics.rollup.command import RollupRequest, run_rollup
from analytics.rollup.engines import DuckDBEngine, SparkEngine
from analytics.rollup.inputs import RollupInputError
from tests.rollup.helpers import person_day, report

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)
# A gzip CSV with a BOM, CRLF line ends, a preamble line and ";". Outcomes, by hand:
#  ann 03-02 10:00 login   loaded
#  bob 03-03 09:00 login   loaded
#  ann 03-02 10:00 login   duplicate (same row key: user, instant, event, source "default")
#  (no user) 03-04 login   missing user
GZIP_EVENTS = (
    "\ufeffExport of 2026-03-06\r\n"
    "user;time;action\r\n"
    "ann;2026-03-02 10:00;login\r\n"
    "bob;2026-03-03 09:00;login\r\n"
    "ann;2026-03-02 10:00;login\r\n"
    ";2026-03-04;login\r\n"
)
# Two parts behind one glob; the first (sorted) holds a preamble line, the header of both is
# dropped by content. Outcomes, by hand: three rows, all loaded (ann 03-02, bob 03-02, cy 03-05).
PART_1 = (
    "Exported by the CRM\nuser_id,timestamp,event\nann,2026-03-02,login\nbob,2026-03-02,login\n"
)
PART_2 = "user_id,timestamp,event\ncy,2026-03-05,login\n"


def _gzip_uri(tmp_path: Path) -> str:
    """GZIP_EVENTS written as events.csv.gz; its file:// URI."""
    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(GZIP_EVENTS.encode()))
    return path.as_uri()


def _glob_uri(tmp_path: Path) -> str:
    """PART_1 and PART_2 in a folder; a file:// glob naming both."""
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "part-1.csv").write_text(PART_1)
    (folder / "part-2.csv").write_text(PART_2)
    return folder.as_uri() + "/part-*.csv"


def _run(engine: Any, out: Path, *events: str) -> Path:
    try:
        run_rollup(engine, RollupRequest(events=events, out=out), now=NOW)
    finally:
        engine.close()
    return out


def _check(out: Path, gzip_uri: str, glob_uri: str) -> None:
    counts = [
        (e["input"], e["read"], e["loaded"], e["duplicates"], e["quarantined"]) for e in report(out)
    ]
    assert counts == [(gzip_uri, 4, 2, 1, 1), (glob_uri, 3, 3, 0, 0)]
    assert report(out)[0]["quarantine_reasons"] == {"missing user": 1}
    days = person_day(out).select("person", "day", "events")
    assert days.equals(
        pl.DataFrame(
            {
                "person": ["ann", "bob", "bob", "cy"],
                "day": [dt.date(2026, 3, d) for d in (2, 2, 3, 5)],
                "events": [2, 1, 1, 1],  # ann 03-02: 10:00 from the gzip, 00:00 from part-1
            },
            schema_overrides={"events": pl.Int32},
        )
    )


def test_duckdb_reads_csv_from_file_uris_and_globs(tmp_path: Path) -> None:
    gzip_uri, glob_uri = _gzip_uri(tmp_path), _glob_uri(tmp_path)
    _check(_run(DuckDBEngine(), tmp_path / "out", gzip_uri, glob_uri), gzip_uri, glob_uri)


def test_spark_reads_csv_from_file_uris_and_globs(spark: Any, tmp_path: Path) -> None:
    gzip_uri, glob_uri = _gzip_uri(tmp_path), _glob_uri(tmp_path)
    _check(_run(SparkEngine(spark), tmp_path / "out", gzip_uri, glob_uri), gzip_uri, glob_uri)


def test_duckdb_head_reads_the_first_file_of_a_glob_only(tmp_path: Path) -> None:
    glob_uri = _glob_uri(tmp_path)
    engine = DuckDBEngine()
    try:
        # part-1 has 4 lines: fewer than asked, and none of part-2's follow
        assert engine.head(glob_uri, 100) == PART_1.splitlines()
    finally:
        engine.close()


def test_spark_head_reads_the_first_file_of_a_glob_only(spark: Any, tmp_path: Path) -> None:
    assert SparkEngine(spark).head(_glob_uri(tmp_path), 100) == PART_1.splitlines()


def test_duckdb_head_names_a_missing_file(tmp_path: Path) -> None:
    engine = DuckDBEngine()
    try:
        with pytest.raises(RollupInputError, match="nope.csv: no such file"):
            engine.head((tmp_path / "nope.csv").as_uri(), 100)
    finally:
        engine.close()


def test_spark_head_names_a_missing_file_and_an_unknown_scheme(spark: Any, tmp_path: Path) -> None:
    engine = SparkEngine(spark)
    with pytest.raises(RollupInputError, match="nope.csv: .*PATH_NOT_FOUND"):
        engine.head((tmp_path / "nope.csv").as_uri(), 100)
    with pytest.raises(RollupInputError, match="s3a://bucket/e.csv: .*S3AFileSystem"):
        engine.head("s3a://bucket/e.csv", 100)


def test_rollup_command_reads_a_csv_uri_and_refuses_an_unreadable_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "out")
    assert main(["rollup", "--events", _gzip_uri(tmp_path), "--out", out]) == 0
    assert '"loaded": 2' in capsys.readouterr().out
    # DuckDB reads s3a:// only with httpfs, which is not installed here: refused, named
    assert main(["rollup", "--events", "s3a://bucket/e.csv", "--out", out]) == 2
    assert "s3a://bucket/e.csv: " in (err := capsys.readouterr().err)
    assert "httpfs" in err  # the engine's own refusal, not a local-paths-only rule
