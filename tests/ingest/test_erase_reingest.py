"""Erasure leftovers of issue 9: an old roster re-ingested after erasing a champion names her
nowhere (other people's references read `erased-person`, her own row stays out)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection, state_path_for

NAME, EMAIL, ID = "Annabel Quistgaard", "annabel.quist@example.com", "EMP-QX7731"
SECRETS = (NAME, EMAIL, ID)
ROSTER = (
    "user_id,name,email,team,is_champion,champion_id,manager_id\n"
    f"{ID},{NAME},{EMAIL},Sales,true,,\n"
    f"EMP-BO,Bo Berg,bo@example.com,Sales,false,{ID},{ID}\n"
    f"EMP-CY,Cy Dahl,cy@example.com,Sales,false,{EMAIL.upper()},EMP-BO\n"
    "EMP-DI,Di Ek,di@example.com,Sales,false,EMP-BO,\n"
)


def _files_hold(db: Path, secret: str) -> list[str]:
    """Which files hold the secret's bytes (as written, lower- or upper-cased)."""
    found = []
    for path in (db, Path(f"{db}.wal"), state_path_for(db)):
        data = path.read_bytes() if path.exists() else b""
        if any(v.encode() in data for v in {secret, secret.lower(), secret.upper()}):
            found.append(f"{path.name}: {secret}")
    return found


def _ingest_roster(db: Path, roster: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(["ingest", "--roster", str(roster), "--db", str(db)]) == 0
    return capsys.readouterr().out


def test_reingested_old_roster_points_at_erased_person_not_at_her(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    _ingest_roster(db_path, roster, capsys)
    assert main(["erase", ID, "--db", str(db_path)]) == 0

    report = _ingest_roster(db_path, roster, capsys)

    # 4 read, her own row suppressed, Bo's two references and Cy's (by e-mail) replaced
    assert "1 people erased on request were left out" in report
    assert "3 references to people erased on request read 'erased-person'" in report
    with connection(db_path) as con:
        rows = con.execute(
            "SELECT user_id, champion_id, manager_id FROM roster ORDER BY user_id"
        ).fetchall()
    assert rows == [
        ("EMP-BO", "erased-person", "erased-person"),
        ("EMP-CY", "erased-person", "EMP-BO"),
        ("EMP-DI", "EMP-BO", None),
    ]
    assert [hit for s in SECRETS for hit in _files_hold(db_path, s)] == []
