"""`adoption rollup` from the command line: outputs written, bad inputs refused clearly."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from analytics.cli import main
from analytics.rollup import command as rollup_command
from tests.rollup.helpers import person_day

EVENTS = "user;time;action\nann;2026-03-02 10:00;login\nann;05.03.2026;login\n"


def test_rollup_command_writes_the_three_outputs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "e.csv").write_text(EVENTS)
    out = tmp_path / "out"
    argv = ["rollup", "--events", str(tmp_path / "e.csv"), "--date-order", "day_first"]
    assert main([*argv, "--tz", "Europe/Berlin", "--out", str(out)]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json.loads((out / "report.json").read_text())
    assert (printed[0]["read"], printed[0]["loaded"]) == (2, 2)
    # 10:00 Berlin is 09:00 UTC, still 03-02 locally; 05.03.2026 day-first is 5 March
    days = person_day(out)
    assert [str(d) for d in days["day"]] == ["2026-03-02", "2026-03-05"]
    assert (out / "quarantine_counts.parquet").is_file()
    assert sorted(p.name for p in (out / "person_day").iterdir()) == ["month=2026-03"]


def test_rollup_command_refuses_a_file_without_the_required_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "e.csv").write_text("who,when\nann,2026-03-02\n")
    argv = ["rollup", "--events", str(tmp_path / "e.csv"), "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    assert "e.csv" in capsys.readouterr().err


def test_rollup_command_refuses_a_missing_file(tmp_path: Path) -> None:
    argv = ["rollup", "--events", str(tmp_path / "nope.parquet"), "--out", str(tmp_path / "o")]
    assert main(argv) == 2


def test_rollup_out_of_memory_is_a_clear_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB running out of memory after the inputs were read (the aggregation) names the
    setting to raise instead of a traceback."""

    def out_of_memory(*_: object) -> None:
        raise duckdb.OutOfMemoryException("failed to allocate data of size 4.0 KiB")

    monkeypatch.setattr(rollup_command, "run_rollup", out_of_memory)
    (tmp_path / "e.csv").write_text(EVENTS)
    argv = ["rollup", "--events", str(tmp_path / "e.csv"), "--out", str(tmp_path / "out")]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert "out of memory" in error and "duckdb_memory_limit = 4GB" in error
