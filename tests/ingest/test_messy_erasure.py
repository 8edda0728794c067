"""Erasure against messy re-ingests: rows without a parsed user still carry the person."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection


def _ingest(db_path: Path, path: Path, capsys: pytest.CaptureFixture[str]) -> dict:
    code = main(["ingest", str(path), "--db", str(db_path), "--format", "json"])
    assert code == 0
    return json.loads(capsys.readouterr().out)[0]


def test_malformed_rows_of_an_erased_person_are_suppressed(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "a1.csv"
    first.write_text("user_id,timestamp,event\nann@x.com,2026-03-01T10:00:00Z,login\n")
    _ingest(db_path, first, capsys)
    assert main(["erase", "ann@x.com", "--db", str(db_path)]) == 0
    capsys.readouterr()
    old = tmp_path / "old_export.csv"
    old.write_text(
        "user_id,timestamp,event\n"
        "ann@x.com,2026-03-01T10:00:00Z,login,extra\n"  # wrong number of fields, Ann's row
        '" Ann@X.com ",2026-03-02T10:00:00Z\n'  # quoted, other case and spaces: still Ann
        "bo@x.com,2026-03-02T10:00:00Z\n"  # Bo was not erased: quarantined as before
        "joann@x.com,2026-03-02T10:00:00Z,login,x\n"  # a longer name holding ann@x.com
    )
    report = _ingest(db_path, old, capsys)
    # 4 rows: Ann's two malformed rows suppressed, Bo's and Joann's quarantined
    assert (report["read"], report["suppressed"], report["quarantined"]) == (4, 2, 2)
    with connection(db_path) as con:
        raws = [r[0] for r in con.execute("SELECT raw FROM quarantine ORDER BY line_no").fetchall()]
    assert raws == ["bo@x.com,2026-03-02T10:00:00Z", "joann@x.com,2026-03-02T10:00:00Z,login,x"]


def test_invalid_json_line_of_an_erased_person_is_suppressed(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["erase", "E7", "--db", str(db_path)]) == 0
    capsys.readouterr()
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"user_id": "E7", "timestamp": "2026-03-01T10:00:00Z", "event": "x"\n'  # no brace
        '{"user_id": "E8", "timestamp": "2026-03-01T10:00:00Z", "event": "x"}\n'
    )
    report = _ingest(db_path, path, capsys)
    assert (report["loaded"], report["suppressed"], report["quarantined"]) == (1, 1, 0)


def test_an_old_roster_does_not_bring_an_erased_person_back(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text("user_id,name,email\nE1,Ann,ann@x.com\nE2,Bo,bo@x.com\nE3,Cy,\n")
    assert main(["ingest", "--roster", str(roster), "--db", str(db_path)]) == 0
    assert main(["erase", "E1", "--db", str(db_path)]) == 0  # by id: her e-mail is hashed too
    assert main(["erase", "Cy@x.com", "--db", str(db_path)]) == 0  # not on the roster by e-mail
    capsys.readouterr()
    # the same HR export uploaded again, Cy now with her e-mail
    roster.write_text("user_id,name,email\nE1,Ann,ANN@x.com\nE2,Bo,bo@x.com\nE3,Cy,cy@x.com\n")
    assert main(["ingest", "--roster", str(roster), "--db", str(db_path)]) == 0
    out = capsys.readouterr().out
    with connection(db_path) as con:
        people = con.execute("SELECT user_id FROM roster ORDER BY user_id").fetchall()
    # Ann (by id and e-mail) and Cy (by e-mail) were erased on request: only Bo stays
    assert people == [("E2",)]
    assert "2 people erased on request were left out" in out
    assert "roster loaded (1 rows)" in out
