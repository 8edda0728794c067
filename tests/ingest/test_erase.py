"""Erasure: counts deleted, keyed hashes only, and an old export's rows come back suppressed."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from pathlib import Path

import pytest

from analytics.db import connection
from analytics.ingest.erase import erase_command, erase_person
from analytics.ingest.load import load_parsed_file
from analytics.ingest.reasons import BAD_TIMESTAMP, WRONG_FIELD_COUNT
from analytics.privacy import ERASE, command_line_viewer
from analytics.state.models import Outreach
from analytics.state.store import audit_frame, log_outreach, outreach_frame

from ._parsed import parsed, row

NOW = dt.datetime(2026, 11, 1, 12, 0)


def _export() -> list[dict]:
    return [
        row("E1", "2026-10-01 09:00"),
        row("ann@x.com", "2026-10-01 10:00"),  # Ann by e-mail
        row("E1", "2026-10-02 09:00", accepted=True),
        row("E2", "2026-10-02 09:00"),
        row("E1", "2026-10-02 09:00", reason=BAD_TIMESTAMP),
    ]


def _setup(db_path: Path) -> None:
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO roster (user_id, email, active) VALUES "
            "('E1', 'ann@x.com', true), ('E2', 'bo@x.com', true)"
        )
        load_parsed_file(con, parsed("old.csv", _export()), ingest_time=NOW)
        # a row with the wrong number of fields: no parsed user, Ann only in its raw text
        con.execute(
            "INSERT INTO quarantine (ingest_id, file_name, line_no, reason, raw, source, user_key) "
            "VALUES (1, 'old.csv', 9, ?, 'x,ANN@x.com,2026-10-01', 'crm', NULL)",
            [WRONG_FIELD_COUNT],
        )
    log_outreach(db_path, contact=Outreach(person_id="E1", contacted_on=NOW.date(), channel="chat"))


def test_erase_deletes_everything_and_counts_it(db_path: Path, erasure_key_file: Path) -> None:
    _setup(db_path)
    erasure = erase_person(db_path, " ANN@X.com ")  # found through the roster e-mail
    # events: 3 of Ann's 4 good rows (E1 x2, ann@x.com x1); quarantine: the bad-timestamp row of E1
    # (user_key) + the raw-only row; roster: 1; outreach: 1
    assert (erasure.person, erasure.events, erasure.quarantine_rows) == ("E1", 3, 2)
    assert (erasure.roster_rows, erasure.outreach_rows) == (1, 1)
    with connection(db_path) as con:
        assert con.execute("SELECT DISTINCT user_id FROM events").fetchall() == [("E2",)]
        assert con.execute("SELECT user_id FROM roster").fetchall() == [("E2",)]
        assert con.execute("SELECT DISTINCT person_id FROM person_day").fetchall() == [("E2",)]
        hashes = {h for (h,) in con.execute("SELECT identity_hash FROM tombstones").fetchall()}
        assert con.execute("SELECT count(*) FROM meta WHERE key LIKE '%key%'").fetchall() == [(0,)]
    key = bytes.fromhex(erasure_key_file.read_text().split()[-1])  # the key file, not the db
    expected = {hmac.new(key, v.encode(), hashlib.sha256).hexdigest() for v in ("E1", "ann@x.com")}
    assert hashes == expected  # only keyed hashes: no id or e-mail kept in clear
    assert outreach_frame(db_path).height == 0


def test_reingesting_an_old_export_suppresses_the_erased_person(db_path: Path) -> None:
    _setup(db_path)
    erase_person(db_path, "E1")
    with connection(db_path) as con:
        report = load_parsed_file(con, parsed("old copy.csv", _export()), ingest_time=NOW)
        users = con.execute("SELECT DISTINCT user_id FROM events").fetchall()
        quarantined = con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0]
    # 5 rows: Ann's 3 good rows and her bad row are suppressed (4), E2's row is a duplicate (1)
    assert (report.read, report.suppressed, report.duplicates, report.loaded) == (5, 4, 1, 0)
    assert report.quarantined == 0 and report.balanced()
    assert users == [("E2",)] and quarantined == 0


def test_erase_command_prints_counts_and_audits_without_the_identity(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(db_path)
    assert erase_command(user="E1", db=db_path) == 0
    out = capsys.readouterr().out
    assert "events deleted: 3" in out and "quarantine rows deleted: 2" in out
    assert "roster rows deleted: 1" in out and "outreach rows deleted: 1" in out
    entry = audit_frame(db_path).row(0, named=True)
    # 3 events + 2 quarantine rows + 1 roster row + 1 outreach row = 7
    assert (entry["who"], entry["role"], entry["what"], entry["row_count"]) == (
        command_line_viewer().identity,
        "product_manager",
        ERASE,
        7,
    )
    assert "E1" not in entry["filters"] and "ann" not in entry["filters"].lower()
    assert audit_frame(db_path).height == 1  # one entry, spelled once


def test_erasing_someone_unknown_still_suppresses_them_later(db_path: Path) -> None:
    erasure = erase_person(db_path, "ghost")
    assert (erasure.events, erasure.roster_rows) == (0, 0)
    with connection(db_path) as con:
        report = load_parsed_file(
            con, parsed("a.csv", [row("ghost", "2026-10-01 09:00")]), ingest_time=NOW
        )
    assert (report.suppressed, report.loaded) == (1, 0)


def test_erase_of_an_empty_user_is_an_error(db_path: Path) -> None:
    assert erase_command(user="  ", db=db_path) == 2


def test_erasure_deletes_the_persons_kpi_rows_and_named_survey_answers(tmp_path):
    from analytics.db import connection
    from analytics.ingest.command import ingest_paths
    from analytics.ingest.erase import erase_person

    db = tmp_path / "adoption.duckdb"
    kpis = tmp_path / "kpis.csv"
    kpis.write_text(
        "person,week,calls\nann@example.com,2026-01-05,4\nbo@example.com,2026-01-05,2\n"
    )
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "person,team,date,awareness,desire,knowledge,ability,reinforcement\n"
        "ann@example.com,,2026-01-06,4,3,2,3,4\n,Team A,2026-01-06,5,4,4,4,4\n"
    )
    ingest_paths(db, [], kpis=[kpis], survey=[survey])
    erasure = erase_person(db, "ann@example.com")
    # one KPI row and one named answer of Ann's; Bo's row and the anonymous answer stay
    assert (erasure.kpi_rows, erasure.survey_rows) == (1, 1)
    with connection(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpis").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM survey").fetchone()[0] == 1
    # re-ingesting the old files brings nothing of Ann back: her rows are suppressed
    kpi_report, survey_report = ingest_paths(db, [], kpis=[kpis], survey=[survey])
    assert (kpi_report.read, kpi_report.suppressed, kpi_report.loaded) == (2, 1, 0)
    assert (survey_report.read, survey_report.suppressed, survey_report.loaded) == (2, 1, 0)
    with connection(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpis").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM survey").fetchone()[0] == 1
