"""The background upload registry (analytics.ui.jobs): progress, completion, errors, one per db."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.ingest.report import FileReport
from analytics.ui import jobs


def until(condition: Callable[[], bool], seconds: float = 10.0) -> None:
    """Wait for a condition the worker thread makes true (fails after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def gated(report: FileReport, gate: threading.Event) -> Callable[[], list[FileReport]]:
    """A step that waits for its gate, then returns its report."""

    def step() -> list[FileReport]:
        assert gate.wait(10)
        return [report]

    return step


def test_progress_then_completion_collected_by_its_owner(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    first, second = threading.Event(), threading.Event()
    cleaned: list[bool] = []
    a = FileReport("a.csv", read=3, loaded=2, quarantined=1)
    b = FileReport("b.csv", read=4, loaded=1, duplicates=3)
    started = jobs.start(
        db, "me", [("a.csv", gated(a, first)), ("b.csv", gated(b, second))],
        cleanup=lambda: cleaned.append(True),
    )  # fmt: skip
    assert (started.done, started.total, started.current) == (0, 2, "a.csv")
    with pytest.raises(jobs.UploadRunning):  # one upload at a time per database
        jobs.start(db, "you", [("c.csv", lambda: [])])
    first.set()
    until(lambda: (j := jobs.job(db)) is not None and j.done == 1)
    now = jobs.job(db)
    assert now is not None and not now.finished
    assert (now.current, now.fraction) == ("b.csv", 0.5)
    assert now.counts() == {"read": 3, "loaded": 2, "duplicates": 0, "quarantined": 1}
    assert jobs.collect(db, "me") is None  # still running: nothing to collect
    second.set()
    ended = jobs.wait(db, 10)
    assert ended is not None and ended.finished and ended.error is None
    assert ended.current is None and ended.fraction == 1.0
    assert ended.counts() == {"read": 7, "loaded": 3, "duplicates": 3, "quarantined": 1}
    assert cleaned == [True]
    assert jobs.collect(db, "you") is None  # another session does not take my report
    assert jobs.collect(db, "me") == ended
    assert jobs.job(db) is None  # cleared


def test_an_exception_ends_the_job_with_its_error_and_keeps_earlier_reports(
    tmp_path: Path,
) -> None:
    db = tmp_path / "b.duckdb"
    cleaned: list[bool] = []

    def broken() -> list[FileReport]:
        raise OSError("disk full")

    jobs.start(
        db, "me", [("a.csv", lambda: [FileReport("a.csv", read=1, loaded=1)]), ("b.csv", broken)],
        cleanup=lambda: cleaned.append(True),
    )  # fmt: skip
    ended = jobs.wait(db, 10)
    assert ended is not None and ended.finished
    assert ended.error == "OSError: disk full"
    assert ended.done == 1 and [r.file for r in ended.reports] == ["a.csv"]
    assert cleaned == [True]
    assert jobs.collect(db, "me") == ended


def test_a_finished_uncollected_job_does_not_block_the_next_upload(tmp_path: Path) -> None:
    db = tmp_path / "c.duckdb"
    jobs.start(db, "gone", [("a.csv", lambda: [])])  # its session closed before collecting
    assert jobs.wait(db, 10) is not None
    again = jobs.start(db, "me", [("b.csv", lambda: [])])
    assert again.names == ("b.csv",)
    jobs.wait(db, 10)
    assert jobs.collect(db, "gone") is None
    ended = jobs.collect(db, "me")
    assert ended is not None and ended.names == ("b.csv",)


def test_other_databases_are_independent(tmp_path: Path) -> None:
    gate = threading.Event()
    jobs.start(tmp_path / "x.duckdb", "me", [("a.csv", gated(FileReport("a.csv"), gate))])
    other = jobs.start(tmp_path / "y.duckdb", "me", [("b.csv", lambda: [])])  # not refused
    assert other.names == ("b.csv",)
    gate.set()
    for name in ("x.duckdb", "y.duckdb"):
        jobs.wait(tmp_path / name, 10)
        assert jobs.collect(tmp_path / name, "me") is not None
