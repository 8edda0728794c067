"""The line cap (setting max_line_mb) for roster, plan, KPI and survey files (issue 12).

KPI and survey rows are quarantined one by one, so a line over the cap costs its row; a roster
or plan whose line cannot be split is refused whole (SPEC 3, "Roster integrity"), so a line over
the cap refuses it with the line named and the previous one kept.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from analytics.db import connection, scalar
from analytics.ingest.command import ingest_paths
from analytics.ingest.reasons import LINE_TOO_LONG
from analytics.state.store import set_setting

CAP_MB = 0.001  # int(0.001 * 1024 * 1024) = 1048 bytes
CAP_TEXT = "line cap of 1,048 bytes (setting max_line_mb)"
LONG = "x" * 2000  # one field of 2,000 bytes: over the cap


def capped_db(tmp_path: Path) -> Path:
    db = tmp_path / "a.duckdb"
    set_setting(db, name="max_line_mb", value=CAP_MB)
    return db


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_kpi_line_over_the_cap_is_quarantined_cut_and_counted_once(tmp_path: Path) -> None:
    db = capped_db(tmp_path)
    long_line = f"E002,2026-06-01,{LONG}"  # line 3: 2,016 bytes
    text = f"person,week,calls\nE001,2026-06-01,12\n{long_line}\nE003,2026-06-01,4\n"
    path = write(tmp_path, "kpis.csv", text)
    (report,) = ingest_paths(db, [], kpis=[path])
    assert report.status == "loaded" and report.balanced()
    assert (report.read, report.loaded, report.quarantined) == (3, 2, 1)
    assert report.quarantine_reasons == {LINE_TOO_LONG: 1}
    assert any(CAP_TEXT in w and "lines 3" in w for w in report.warnings)
    digest = hashlib.sha256(long_line.encode()).hexdigest()
    with connection(db) as con:
        ((line_no, raw),) = con.execute("SELECT line_no, raw FROM quarantine").fetchall()
        assert scalar(con, "SELECT count(*) FROM kpis") == 2
    assert line_no == 3
    assert raw == f"{long_line} ... [cut at 65,536 characters; the whole line is 2016 bytes, " + (
        f"sha256 {digest}]"
    )
    (again,) = ingest_paths(db, [], kpis=[path])  # the cut row is found again: stored once
    assert (again.duplicates, again.quarantined, again.already_quarantined) == (3, 0, 1)
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM quarantine") == 1


def test_a_survey_line_over_the_cap_is_quarantined(tmp_path: Path) -> None:
    db = capped_db(tmp_path)
    text = (
        "person,team,date,awareness,desire,knowledge,ability,reinforcement\n"
        f"E001,{LONG},2026-09-01,4,4,2,3,3\n"
        "E002,,2026-09-01,5,4,1,2,3\n"
    )
    (report,) = ingest_paths(db, [], survey=[write(tmp_path, "pulse.csv", text)])
    assert (report.read, report.loaded, report.quarantined) == (2, 1, 1)
    assert report.quarantine_reasons == {LINE_TOO_LONG: 1}


def test_a_roster_line_over_the_cap_refuses_the_roster(tmp_path: Path) -> None:
    db = capped_db(tmp_path)
    good = "user_id,team\nE1,East\nE2,West\n"
    (first,) = ingest_paths(db, [], roster=write(tmp_path, "roster.csv", good))
    assert first.status == "loaded"
    long_roster = f"user_id,team\nE1,East\nE2,{LONG}\nE3,West\n"
    (refused,) = ingest_paths(db, [], roster=write(tmp_path, "roster.csv", long_roster))
    assert refused.status == "refused"
    assert "the previous one is kept: line 3 is over the " + CAP_TEXT in (refused.error or "")
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM roster") == 2  # the old roster stays


def test_a_plan_line_over_the_cap_refuses_the_plan(tmp_path: Path) -> None:
    db = capped_db(tmp_path)
    text = f"wave,name,start,planned_size\n1,{LONG},2026-09-01,10\n2,B,2026-10-01,10\n"
    (report,) = ingest_paths(db, [], plan=write(tmp_path, "plan.csv", text))
    assert report.status == "refused"
    assert "line 2 is over the " + CAP_TEXT in (report.error or "")


def test_an_event_line_over_the_cap_is_stored_once_across_uploads(tmp_path: Path) -> None:
    db = capped_db(tmp_path)
    text = f"user_id,timestamp,event\nu1,2026-03-01T10:00:00Z,x\nu2,2026-03-01T10:00:00Z,{LONG}\n"
    path = write(tmp_path, "events.csv", text)
    ingest_paths(db, [path])
    (again,) = ingest_paths(db, [path])
    assert (again.duplicates, again.quarantined, again.already_quarantined) == (2, 0, 1)
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM quarantine") == 1


def test_a_roster_or_plan_over_the_upload_cap_is_refused_before_reading(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    set_setting(db, name="max_upload_mb", value=0.001)  # 1,048 bytes
    roster = write(tmp_path, "roster.csv", "user_id,team\n" + "E1,East\n" * 200)  # 1,613 bytes
    plan = write(tmp_path, "plan.csv", "wave,name,start,planned_size\n" + "1,A,2026-09-01,1\n" * 70)
    refused_roster, refused_plan = ingest_paths(db, [], roster=roster, plan=plan)
    assert refused_roster.status == "refused" and refused_roster.kind == "roster"
    assert "over the upload cap max_upload_mb" in (refused_roster.error or "")
    assert refused_plan.status == "refused" and refused_plan.kind == "plan"
    assert "over the upload cap max_upload_mb" in (refused_plan.error or "")
