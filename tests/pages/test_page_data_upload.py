"""Data page: an upload runs in the background with progress; other sessions keep reading."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import metric, no_exception
from streamlit.testing.v1 import AppTest

from analytics.ingest import command, progress
from analytics.ui import jobs

ROOT = Path(__file__).resolve().parents[2]
# p05 never started in the tiny db (last day 2026-02-15): one good row on a new day, one bad row
WEEK = b"user_id,timestamp,event\np05,2026-02-16 09:00:00,login\np05,not a time,login\n"


class HeldParse:
    """Stands in for command.parse_file: waits for `release` (so the upload is mid-parse)."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.entered, self.release = threading.Event(), threading.Event()
        self.fail = fail
        self.real = command.parse_file

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.entered.set()
        assert self.release.wait(30)
        if self.fail is not None:
            raise self.fail
        return self.real(*args, **kwargs)


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Iterator[HeldParse]:
    """A held parse for the background worker; always released at the end of the test."""
    hold = HeldParse()
    monkeypatch.setattr(command, "parse_file", hold)
    yield hold
    hold.release.set()


def page(name: str, db: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    """A fresh session (AppTest) on a page, run once."""
    monkeypatch.setenv("ADOPTION_DB", str(db))
    return AppTest.from_file(str(ROOT / f"views/{name}.py"), default_timeout=60).run()


def start_upload(at: AppTest) -> AppTest:
    """Choose the file and click Ingest; the script returns while the worker parses."""
    at.file_uploader(key="upload_events").set_value(("week.csv", WEEK, "text/csv")).run()
    return at.button(key="ingest").click().run()


def test_upload_shows_progress_then_the_report_while_others_read_the_old_data(
    tiny_db: Path, held: HeldParse, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = start_upload(page("data", tiny_db, monkeypatch))
    no_exception(at)
    assert held.entered.wait(30)  # the worker is reading week.csv, the page has returned
    bars = at.get("progress")
    assert len(bars) == 1
    assert bars[0].proto.text == "Reading week\\.csv (0% of this file) · 0 of 1 files done"
    assert at.caption[0].value.startswith("0 rows read, 0 loaded, 0 quarantined so far · ")
    assert at.button(key="ingest").disabled and at.radio(key="upload_kind").disabled
    assert [i.value for i in at.info] == [
        "An upload is running; the next one can start when it has finished."
    ]
    # Another session meanwhile: pages render with the last committed state (no hang, no error).
    other = page("data", tiny_db, monkeypatch)
    no_exception(other)
    assert metric(other, "Rows read") == "3"  # the hand-built log only
    assert other.button(key="ingest").disabled  # one upload at a time per database
    overview = page("overview", tiny_db, monkeypatch)
    no_exception(overview)
    assert "As of the end of 2026-02-15" in overview.caption[0].value
    # The upload ends: its session shows the per-file report, the job is cleared.
    held.release.set()
    assert jobs.wait(tiny_db, 30) is not None
    at.run()
    no_exception(at)
    assert jobs.job(tiny_db) is None
    assert not at.get("progress")
    (done,) = [s.value for s in at.success]
    assert re.fullmatch(r"Every file was read in \d+ s; see where each row went below\.", done)
    report = next(d.value for d in at.dataframe if "quarantine_reasons" in d.value.columns)
    assert report[["file", "read", "loaded", "quarantined"]].values.tolist() == [
        ["week.csv", 2, 1, 1]
    ]
    assert metric(at, "Rows read") == "5"  # 3 + 2
    assert not at.button(key="ingest").disabled  # the file is still chosen; the form is back
    # A page opened now sees the new data: p05's day is the new last day.
    overview = page("overview", tiny_db, monkeypatch)
    no_exception(overview)
    assert "As of the end of 2026-02-16" in overview.caption[0].value


class HeldWhileChecking(HeldParse):
    """A parse held after telling the page it is 30 % into checking the file's rows."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        progress.mark(progress.CHECKING, (0.1, 0.5))
        progress.within(0.5)  # 0.1 + 0.4 * 0.5
        return super().__call__(*args, **kwargs)


def test_the_page_shows_the_phase_and_how_far_into_the_file(
    tiny_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold = HeldWhileChecking()
    monkeypatch.setattr(command, "parse_file", hold)
    try:
        at = start_upload(page("data", tiny_db, monkeypatch))
        assert hold.entered.wait(30)
        at.run()  # the page as the next poll draws it
        no_exception(at)
        (bar,) = at.get("progress")
        assert bar.proto.text == (
            "Checking the rows of week\\.csv (30% of this file) · 0 of 1 files done"
        )
        assert bar.proto.value == 30  # one file: the batch is where the file is
        assert at.caption[0].value.startswith("0 rows read, 0 loaded, 0 quarantined so far · ")
        assert at.caption[0].value.endswith(" s elapsed")  # too early for a time left
    finally:
        hold.release.set()
    assert jobs.wait(tiny_db, 30) is not None


def test_a_failing_upload_ends_with_a_clear_error(
    tiny_db: Path, held: HeldParse, monkeypatch: pytest.MonkeyPatch
) -> None:
    held.fail = MemoryError("out of memory while reading")
    at = start_upload(page("data", tiny_db, monkeypatch))
    held.release.set()
    assert jobs.wait(tiny_db, 30) is not None
    at.run()
    no_exception(at)
    assert [e.value for e in at.error] == [
        "The upload stopped with an error: MemoryError\\: out of memory while reading. "
        "Files listed below were committed; the others were not loaded."
    ]
    assert jobs.job(tiny_db) is None
    assert not at.button(key="ingest").disabled  # the next upload may start
    assert metric(at, "Rows read") == "3"  # nothing of it was committed


def test_a_plan_upload_is_one_step_and_leaves_no_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    from analytics.state.store import get_plan
    from analytics.ui.upload import start_upload as start

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    db = tmp_path / "plan.duckdb"
    plan = b"wave,name,start,planned_size\n1,Pilot,2026-06-01,20\n2,Everyone,2026-06-29,40\n"
    job = start(db, "me", [("../../plan.csv", plan)], kind="plan", source=None)
    assert job.names == ("plan.csv",)  # never a path from the browser
    ended = jobs.wait(db, 30)
    assert ended is not None and ended.error is None
    assert [(r.file.rsplit("/", 1)[-1], r.kind, r.status) for r in ended.reports] == [
        ("plan.csv", "plan", "loaded")
    ]
    assert [w.name for w in get_plan(db)] == ["Pilot", "Everyone"]
    assert list((tmp_path / "tmp").iterdir()) == []  # the upload's folder is gone
    assert jobs.collect(db, "me") == ended
    with pytest.raises(ValueError, match="unknown upload kind"):
        start(db, "me", [("a.csv", b"")], kind="kpis", source=None)


def test_two_uploads_with_one_name_are_both_read(tmp_path: Path) -> None:
    from analytics.ui.upload import start_upload as start

    db = tmp_path / "names.duckdb"
    first = (
        b"user_id,timestamp,event\nann,2026-10-01 09:00:00,login\nbob,2026-10-01 10:00:00,chat\n"
    )
    second = b"user_id,timestamp,event\ncid,2026-10-02 09:00:00,login\n"
    start(db, "me", [("events.csv", first), ("events.csv", second)], kind="events", source=None)
    ended = jobs.wait(db, 30)
    assert ended is not None and ended.error is None
    assert ended.names == ("events.csv", "events.csv")
    assert [(r.status, r.read, r.loaded) for r in ended.reports] == [
        ("loaded", 2, 2),
        ("loaded", 1, 1),
    ]
    assert ended.counts() == {"read": 3, "loaded": 3, "duplicates": 0, "quarantined": 0}
    assert jobs.collect(db, "me") == ended
