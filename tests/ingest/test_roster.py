"""Roster: normalised identities, duplicates refused (old roster kept), bad values flagged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from analytics.db import connection, ingest_version
from analytics.ingest.roster import load_roster

HEADER = (
    "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
    "training_completed_on,active\n"
)
GOOD = HEADER + (
    "E1,Ann,Ann@X.com ,East,EU,M1,Rep,true,C1,1,2026-09-01,\n"
    "E2,Bo,bo@x.com,East,EU,M1,rep,no,E1,2,,false\n"
    "M1,Mo,mo@x.com,East,EU,,Manager,,,,,yes\n"
)


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _roster(db_path: Path) -> list[tuple]:
    with connection(db_path) as con:
        return con.execute(
            "SELECT user_id, email, role, is_champion, champion_id, wave, "
            "training_completed_on, active, flags FROM roster ORDER BY user_id"
        ).fetchall()


def test_good_roster_is_normalised(db_path: Path, tmp_path: Path) -> None:
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "roster.csv", GOOD))
        assert ingest_version(con) == 1
    assert (report.status, report.read, report.loaded, report.warnings) == ("loaded", 3, 3, [])
    assert _roster(db_path) == [
        # e-mail trimmed + lower-cased, role lower-cased, empty active = active
        ("E1", "ann@x.com", "rep", True, "C1", 1, dt.date(2026, 9, 1), True, None),
        ("E2", "bo@x.com", "rep", False, "E1", 2, None, False, None),  # active=false: left
        ("M1", "mo@x.com", "manager", False, None, None, None, True, None),
    ]


def test_duplicate_ids_are_refused_and_the_old_roster_stays(db_path: Path, tmp_path: Path) -> None:
    with connection(db_path) as con:
        load_roster(con, _write(tmp_path, "roster.csv", GOOD))
        # " E1" normalises to "E1": a duplicate of the first row
        bad = (
            HEADER + "E1,Ann,a@x.com,,,,,,,,,\n E1 ,Other,o@x.com,,,,,,,,,\nE9,N,n@x.com,,,,,,,,,\n"
        )
        report = load_roster(con, _write(tmp_path, "bad.csv", bad))
        assert ingest_version(con) == 1  # nothing changed
    assert report.status == "refused"
    assert "duplicate user_id: E1" in report.error and "previous roster kept" in report.error
    assert [r[0] for r in _roster(db_path)] == ["E1", "E2", "M1"]


def test_duplicate_emails_are_refused(db_path: Path, tmp_path: Path) -> None:
    bad = HEADER + "E1,Ann,ann@x.com,,,,,,,,,\nE2,Ann2, ANN@x.com,,,,,,,,,\n"
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "bad.csv", bad))
    assert report.status == "refused"
    assert "duplicate email: ann@x.com" in report.error
    assert _roster(db_path) == []


def test_bad_optional_values_are_nulled_and_flagged_never_dropped(
    db_path: Path, tmp_path: Path
) -> None:
    text = HEADER + (
        "E1,Ann,ann@x.com,East,EU,,rep,maybe,,two,2026-13-45,perhaps\n"
        ",Bea,bea@x.com,East,EU,,Team Lead,1,,3.0,01.09.2026,0\n"
    )
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "roster.csv", text))
    assert (report.status, report.loaded) == ("loaded", 2)  # both people kept
    rows = _roster(db_path)
    assert rows[0][:8] == ("E1", "ann@x.com", "rep", None, None, None, None, True)
    assert json.loads(rows[0][8]) == [
        "wave 'two' is not a number",
        "is_champion 'maybe' is not true/false",
        "training_completed_on '2026-13-45' is not a date (YYYY-MM-DD)",
        "active 'perhaps' is not true/false: treated as active",
    ]
    # no user_id: the e-mail is the id; free-text role kept; "3.0" is wave 3; 01.09.2026 = 1 Sep
    sep_1 = dt.date(2026, 9, 1)
    assert rows[1][:8] == ("bea@x.com", "bea@x.com", "Team Lead", True, None, 3, sep_1, False)
    assert json.loads(rows[1][8]) == ["no user_id: the e-mail is used as the id"]
    assert report.warnings[0] == "2 people have values nulled or flagged"


def test_semicolon_bom_and_header_case(db_path: Path, tmp_path: Path) -> None:
    text = "\ufeffUser ID;E-Mail;Is Champion\r\nE1;a@x.com;TRUE\r\nE2;b@x.com;\r\n"
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "r.csv", text))
    assert report.status == "loaded", report.error
    assert [(r[0], r[1], r[3]) for r in _roster(db_path)] == [
        ("E1", "a@x.com", True),
        ("E2", "b@x.com", False),
    ]


def test_champion_given_by_email_resolves_to_the_id(db_path: Path, tmp_path: Path) -> None:
    text = HEADER + "C1,Cy,cy@x.com,,,,rep,true,,,,\nE1,Ann,ann@x.com,,,,rep,,CY@x.com,,,\n"
    with connection(db_path) as con:
        load_roster(con, _write(tmp_path, "r.csv", text))
    assert [r[4] for r in _roster(db_path)] == [None, "C1"]


def test_roster_without_identity_column_is_refused(db_path: Path, tmp_path: Path) -> None:
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "r.csv", "name,team\nAnn,East\n"))
    assert report.status == "refused"
    assert "no user_id or email column" in report.error
