"""The background upload registry (analytics.ui.jobs): progress, completion, errors, one per db."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest

from analytics.ingest.report import FileReport
from analytics.ui import jobs
from analytics.ui.upload import ingest_one
from tests.ingest.test_file_progress import ROWS, big_csv


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


def test_the_batch_fraction_weighs_files_by_bytes_and_time_left_waits_for_a_tenth() -> None:
    job = jobs.UploadJob(
        db="x", owner="me", names=("a.csv", "b.csv"), started=time.monotonic() - 10,
        sizes=(100, 300), done=1, phase="saving", file_fraction=0.5,
    )  # fmt: skip
    assert job.fraction == pytest.approx((100 + 300 * 0.5) / 400)  # 0.625
    left = job.seconds_left()  # 10 s for 0.625: 6 s more at that pace
    assert left is not None and left == pytest.approx(10 * 0.375 / 0.625, abs=0.1)
    unknown = replace(job, sizes=())  # sizes unknown: each file weighs one
    assert unknown.fraction == pytest.approx(1.5 / 2)
    early = replace(job, done=0, file_fraction=0.2)  # 20 / 400 = 0.05 done: too early
    assert early.seconds_left() is None
    young = replace(job, started=time.monotonic() - 2)  # 2 s in: too early
    assert young.seconds_left() is None


def test_a_real_ingest_reports_rising_fractions_within_one_file(tmp_path: Path) -> None:
    db, path = tmp_path / "d.duckdb", big_csv(tmp_path / "big.csv")
    jobs.start(db, "me", [("big.csv", partial(ingest_one, db, path, kind="events", source=None))])
    seen: list[tuple[str | None, float]] = []
    while (now := jobs.job(db)) is not None and now.done == 0 and not now.finished:
        if not seen or seen[-1] != (now.phase, now.file_fraction):
            seen.append((now.phase, now.file_fraction))
        time.sleep(0.005)
    ended = jobs.wait(db, 60)
    assert ended is not None and ended.error is None
    assert [r.loaded for r in ended.reports] == [ROWS]
    fractions = [f for _, f in seen]
    assert fractions == sorted(fractions)  # never back
    assert len({f for f in fractions if 0 < f < 1}) >= 3  # moved within the file
    assert {"checking rows", "saving"} <= {p for p, _ in seen}
    assert (ended.phase, ended.file_fraction, ended.file_rows) == (None, 0.0, None)
    assert jobs.collect(db, "me") is not None


def test_a_vendor_export_uploaded_on_the_data_page_is_recognised(tmp_path: Path) -> None:
    """The Data page's upload step (ingest_one) detects a GitHub Copilot export by its columns:
    3 rows read and loaded under the github-copilot preset; Ann (roster github_login Octo-Ann)
    has person_day rows on 03-02 and 03-03."""
    from analytics.db import connection
    from tests.ingest.vendors import files

    db = tmp_path / "a.duckdb"
    ingest_one(db, files.write(tmp_path, "roster.csv", files.ROSTER), kind="roster", source=None)
    export = files.write(tmp_path, "copilot usage.ndjson", files.GITHUB_FIRST)
    (report,) = ingest_one(db, export, kind="events", source=None)
    assert report.preset == "github-copilot"
    assert (report.read, report.loaded, report.quarantined) == (3, 3, 0)
    with connection(db) as con:
        days = con.execute(
            "SELECT CAST(day AS VARCHAR) FROM person_day WHERE person_id = 'E1' ORDER BY day"
        ).fetchall()
    assert days == [("2026-03-02",), ("2026-03-03",)]
