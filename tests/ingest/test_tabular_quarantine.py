"""KPI and survey files follow the event files' quarantine-across-uploads rule (issue 10)."""

from __future__ import annotations

from pathlib import Path

from analytics.db import connection, scalar
from analytics.ingest.command import ingest_paths
from analytics.ingest.reasons import (
    BAD_ANSWER,
    MISSING_PERSON_OR_TEAM,
    NOT_A_NUMBER,
    WEEK_NOT_MONDAY,
)

KPIS_BAD = (
    "person,week,calls\n"
    "E001,2026-06-01,12\n"
    "E002,2026-06-02,3\n"  # line 3: a Tuesday
    "E003,2026-06-01,lots\n"  # line 4: not a number
)
KPIS_FIXED = (  # line 3 now on the Monday; line 4 still bad
    "person,week,calls\nE001,2026-06-01,12\nE002,2026-06-01,3\nE003,2026-06-01,lots\n"
)
SURVEY_BAD = (
    "person,team,date,awareness,desire,knowledge,ability,reinforcement\n"
    "E001,,2026-09-01,4,4,2,3,3\n"
    "E002,,2026-09-01,6,4,1,2,3\n"  # line 3: 6 is not 1 to 5
    ",,2026-09-01,5,4,1,2,3\n"  # line 4: neither person nor team
)
SURVEY_FIXED = SURVEY_BAD.replace("E002,,2026-09-01,6", "E002,,2026-09-01,5")


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def open_rows(db: Path, kind: str) -> list[tuple[int, str]]:
    with connection(db) as con:
        rows = con.execute(
            "SELECT line_no, reason FROM quarantine WHERE source = ? AND fixed_at IS NULL "
            "ORDER BY line_no",
            [kind],
        ).fetchall()
    return [(int(n), str(r)) for n, r in rows]


def test_kpi_bad_rows_stored_once_and_marked_fixed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    path = write(tmp_path, "kpis.csv", KPIS_BAD)
    (first,) = ingest_paths(db, [], kpis=[path])
    assert (first.read, first.loaded, first.duplicates, first.quarantined) == (3, 1, 0, 2)
    (again,) = ingest_paths(db, [], kpis=[path])
    assert (again.loaded, again.duplicates, again.quarantined) == (0, 3, 0)
    assert again.already_quarantined == 2
    assert "2 rows already in quarantine from an earlier upload" in " ".join(again.warnings)
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM quarantine") == 2
    # line 3 fixed: loaded, and its quarantine row marked fixed; line 4 still counted once
    (fixed,) = ingest_paths(db, [], kpis=[write(tmp_path, "kpis.csv", KPIS_FIXED)])
    assert (fixed.loaded, fixed.duplicates, fixed.quarantined) == (1, 2, 0)
    assert fixed.fixed == 1 and fixed.already_quarantined == 1
    assert "fixed 1 quarantined row of an earlier upload" in fixed.warnings
    assert open_rows(db, "kpis") == [(4, NOT_A_NUMBER)]
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM quarantine") == 2
        assert scalar(con, "SELECT line_no FROM quarantine WHERE fixed_at IS NOT NULL") == 3
        assert scalar(con, "SELECT value FROM kpis WHERE person = 'E002'") == 3.0


def test_survey_bad_rows_stored_once_and_marked_fixed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    path = write(tmp_path, "pulse.csv", SURVEY_BAD)
    (first,) = ingest_paths(db, [], survey=[path])
    assert first.quarantine_reasons == {BAD_ANSWER: 1, MISSING_PERSON_OR_TEAM: 1}
    (again,) = ingest_paths(db, [], survey=[path])
    assert (again.loaded, again.duplicates, again.quarantined) == (0, 3, 0)
    assert again.already_quarantined == 2
    (fixed,) = ingest_paths(db, [], survey=[write(tmp_path, "pulse.csv", SURVEY_FIXED)])
    assert (fixed.loaded, fixed.duplicates, fixed.quarantined, fixed.fixed) == (1, 2, 0, 1)
    assert open_rows(db, "survey") == [(4, MISSING_PERSON_OR_TEAM)]
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM survey") == 2
        assert scalar(con, "SELECT count(*) FROM quarantine") == 2


def test_a_fix_in_another_file_name_does_not_mark_fixed(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest_paths(db, [], kpis=[write(tmp_path, "kpis.csv", KPIS_BAD)])
    (other,) = ingest_paths(db, [], kpis=[write(tmp_path, "june.csv", KPIS_FIXED)])
    assert other.fixed == 0
    assert open_rows(db, "kpis") == [(3, WEEK_NOT_MONDAY), (4, NOT_A_NUMBER)]


def test_a_file_of_bad_rows_only_is_quarantined_not_refused(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    kpis = write(tmp_path, "kpis.csv", "person,week,calls\nnull,2026-06-01,3\n")
    survey = write(tmp_path, "pulse.csv", "person,team,date,awareness\n,,2026-09-01,3\n")
    first_kpis, first_survey = ingest_paths(db, [], kpis=[kpis], survey=[survey])
    assert (first_kpis.status, first_kpis.read, first_kpis.quarantined) == ("loaded", 1, 1)
    assert (first_survey.status, first_survey.read, first_survey.quarantined) == ("loaded", 1, 1)
    again_kpis, again_survey = ingest_paths(db, [], kpis=[kpis], survey=[survey])
    assert (again_kpis.duplicates, again_kpis.already_quarantined) == (1, 1)
    assert (again_survey.duplicates, again_survey.already_quarantined) == (1, 1)
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM quarantine") == 2
