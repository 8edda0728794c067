"""The command line refuses what would print silent zeros, and stops quietly on a closed pipe."""

from __future__ import annotations

import subprocess
import sys

from analytics.cli import main

LAST_DAY = "2026-02-15"  # the tiny database's last day with events (handbuilt.LAST_DAY)


def test_an_unknown_database_is_an_error_not_a_document_of_nulls(tmp_path, capsys):
    missing = tmp_path / "typo.duckdb"
    for command in (["metrics"], ["outreach"], ["insight", "active"]):
        assert main([*command, "--db", str(missing)]) == 2
        assert "no database at" in capsys.readouterr().err
    assert not missing.exists()  # and nothing was created


def test_an_as_of_no_window_reaches_is_an_error(tiny_db, capsys):
    # 2026-03-15 is 28 days after the last day: no 28-day window holds a single event.
    assert main(["metrics", "--as-of", "2026-03-15", "--db", str(tiny_db)]) == 2
    assert "no 28-day window reaches the data" in capsys.readouterr().err
    assert main(["outreach", "--as-of", "2026-03-15", "--db", str(tiny_db)]) == 2


def test_an_as_of_a_few_days_after_the_data_runs_with_a_note(tiny_db, capsys):
    assert main(["metrics", "--as-of", "2026-02-20", "--db", str(tiny_db)]) == 0
    captured = capsys.readouterr()
    assert f"after the last day with events ({LAST_DAY})" in captured.err
    assert '"as_of": "2026-02-20"' in captured.out


def test_a_closed_pipe_ends_quietly(tiny_db):
    # The reader goes away before the command writes a byte (as `| head` does mid-output), so
    # the write fails with EPIPE: the command must end without a traceback.
    process = subprocess.Popen(
        [sys.executable, "-m", "analytics.cli", "metrics", "--db", str(tiny_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read()
    assert process.wait(timeout=120) == 0
    assert "Traceback" not in error and "BrokenPipe" not in error
