"""Plan file: validated (numbers, dates, order, sizes) and saved, or refused with reasons."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics.ingest.plan import load_plan
from analytics.state.store import get_plan

GOOD = (
    "wave,name,start,planned_size\n"
    "1,Champions,2026-01-05,20\n"
    "2,Early,2026-02-02,40\n"
    "3,,2026-03-02,80\n"
    "4,Everyone,2026-03-30,\n"
)


def _plan_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_good_plan_is_saved(db_path: Path, tmp_path: Path) -> None:
    report = load_plan(db_path, _plan_file(tmp_path, GOOD))
    assert (report.status, report.loaded) == ("loaded", 4)
    waves = [(w.number, w.name, w.start, w.planned_size) for w in get_plan(db_path)]
    assert waves == [
        (1, "Champions", dt.date(2026, 1, 5), 20),
        (2, "Early", dt.date(2026, 2, 2), 40),
        (3, "Wave 3", dt.date(2026, 3, 2), 80),  # empty name -> "Wave 3"
        (4, "Everyone", dt.date(2026, 3, 30), None),  # empty size = everyone else
    ]


def test_bad_plan_is_refused_with_every_reason_and_the_old_plan_stays(
    db_path: Path, tmp_path: Path
) -> None:
    load_plan(db_path, _plan_file(tmp_path, GOOD))
    bad = (
        "wave,name,start,planned_size\n"
        "1,A,2026-02-01,20\n"
        "2,B,2026-01-01,x\n"  # starts before wave 1; size not a number
        "2,C,2026-03-01,5\n"  # wave 2 repeated
        "two,D,01/04/2026,5\n"  # wave not a number, date not ISO
    )
    report = load_plan(db_path, _plan_file(tmp_path, bad))
    assert report.status == "refused"
    for reason in (
        "line 5: wave 'two' is not a whole number",
        "line 5: start '01/04/2026' is not a date (YYYY-MM-DD)",
        "line 3: planned_size 'x' is not a whole number",
        "wave numbers repeated: 2",
        "line 3: wave starts before the previous wave",
        "previous plan kept",
    ):
        assert reason in report.error
    assert len(get_plan(db_path)) == 4


def test_plan_without_start_column_is_refused(db_path: Path, tmp_path: Path) -> None:
    report = load_plan(db_path, _plan_file(tmp_path, "wave,name\n1,A\n"))
    assert report.status == "refused" and "missing ['start']" in report.error
