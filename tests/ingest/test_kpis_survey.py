"""KPI and survey ingest (SPEC 13, section 3 guarantees): quarantine, refusal, idempotence."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.db import connection, scalar
from analytics.ingest.command import ingest_paths
from analytics.ingest.reasons import (
    BAD_ANSWER,
    BAD_WEEK,
    MISSING_PERSON_OR_TEAM,
    MISSING_USER,
    NOT_A_NUMBER,
    WEEK_NOT_MONDAY,
    WRONG_FIELD_COUNT,
)

KPIS = (
    "Exported by CRM\n"
    "Person,Week,Calls,Revenue\n"
    "E001,2026-06-01,12,1000\n"
    "ana@example.com,2026-06-01,8,\n"
    "null,2026-06-01,3,4\n"  # no person
    "E002,2026-06-02,3,4\n"  # a Tuesday
    "E003,01/06/2026,3,4\n"  # not YYYY-MM-DD
    "E004,2026-06-01,lots,4\n"  # not a number
    "E005,2026-06-01,1\n"  # short row
    "E001,2026-06-01,12,1000\n"  # the same row again: a duplicate
)
SURVEY = (
    "person,team,date,awareness,desire,knowledge,ability,reinforcement\n"
    "E001,,2026-09-01,4,4,2,3,3\n"
    ",EMEA South,2026-09-01,5,4,1,2,\n"
    ",EMEA South,2026-09-01,5,4,1,2,\n"  # a second anonymous person, same answers: kept
    ",,2026-09-01,5,4,1,2,3\n"  # neither person nor team
    "E002,,2026-09-01,6,4,1,2,3\n"  # 6 is not 1 to 5
)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_kpi_rows_are_loaded_quarantined_or_duplicates(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    (report,) = ingest_paths(db, [], kpis=[write(tmp_path, "kpis.csv", KPIS)])
    assert report.status == "loaded" and report.balanced()
    assert (report.read, report.loaded, report.duplicates, report.quarantined) == (8, 2, 1, 5)
    assert report.quarantine_reasons == {
        MISSING_USER: 1,
        WEEK_NOT_MONDAY: 1,
        BAD_WEEK: 1,
        NOT_A_NUMBER: 1,
        WRONG_FIELD_COUNT: 1,
    }
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM kpis") == 3  # E001 calls+revenue, ana calls
        assert scalar(con, "SELECT count(*) FROM quarantine WHERE source = 'kpis'") == 5
        assert scalar(con, "SELECT person FROM kpis WHERE kpi = 'calls' AND value = 8") == (
            "ana@example.com"
        )


def test_reingesting_a_renamed_copy_adds_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest_paths(db, [], kpis=[write(tmp_path, "kpis.csv", KPIS)])
    (again,) = ingest_paths(db, [], kpis=[write(tmp_path, "copy.csv", KPIS)])
    # the 5 bad rows are already in quarantine: counted once, under duplicates (3 + 5)
    assert (again.loaded, again.duplicates, again.quarantined) == (0, 8, 0)
    assert again.already_quarantined == 5 and again.quarantine_reasons == {}
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM kpis") == 3
        assert scalar(con, "SELECT count(*) FROM quarantine") == 5


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("name,calls\nE1,3\n", "required columns"),
        ("person,week\nE1,2026-06-01\n", "no KPI columns"),
        ("", "empty"),
    ],
)
def test_unreadable_kpi_files_are_refused_whole(tmp_path: Path, text: str, why: str) -> None:
    db = tmp_path / "a.duckdb"
    good = write(tmp_path, "good.csv", KPIS)
    bad = write(tmp_path, "bad.csv", text)
    refused, loaded = ingest_paths(db, [], kpis=[bad, good])
    assert refused.status == "refused" and why in (refused.error or "")
    assert "bad.csv" in (refused.error or "")
    assert loaded.status == "loaded"


def test_binary_kpi_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "kpis.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (report,) = ingest_paths(tmp_path / "a.duckdb", [], kpis=[path])
    assert report.status == "refused"


def test_survey_answers_quarantine_and_idempotence(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    path = write(tmp_path, "survey.csv", SURVEY)
    (report,) = ingest_paths(db, [], survey=[path])
    assert report.balanced()
    assert (report.read, report.loaded, report.quarantined) == (5, 3, 2)
    assert report.quarantine_reasons == {MISSING_PERSON_OR_TEAM: 1, BAD_ANSWER: 1}
    (again,) = ingest_paths(db, [], survey=[path])
    # 3 answers already stored + 2 rows already in quarantine (counted once, not stored twice)
    assert (again.loaded, again.duplicates, again.already_quarantined) == (0, 5, 2)
    with connection(db) as con:
        assert scalar(con, "SELECT count(*) FROM survey") == 3
        assert scalar(con, "SELECT count(*) FROM survey WHERE reinforcement IS NULL") == 2
