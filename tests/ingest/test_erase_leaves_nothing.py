"""`adoption erase` through the real CLI: nothing of the person left in either file, references
replaced, and an old export with her address in malformed rows does not bring it back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection, state_path_for
from analytics.privacy import ERASE, audit_view, command_line_viewer
from analytics.privacy.roles import Viewer
from analytics.state.models import Outreach
from analytics.state.store import audit_frame, log_outreach, outreach_frame

NAME, EMAIL, ID = "Annabel Quistgaard", "annabel.quist@example.com", "EMP-QX7731"
SECRETS = (NAME, EMAIL, ID)


def _ingest(db: Path, *args: str) -> None:
    assert main(["ingest", *args, "--db", str(db), "--format", "json"]) == 0


def _setup(db: Path, tmp_path: Path) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "user_id,name,email,team,is_champion,champion_id,manager_id\n"
        f"{ID},{NAME},{EMAIL},Sales,true,,\n"
        f"EMP-BO,Bo Berg,bo@example.com,Sales,false,{ID},{ID}\n"
        "EMP-CY,Cy Dahl,cy@example.com,Sales,false,EMP-BO,\n"
    )
    events = tmp_path / "events.csv"
    events.write_text(
        "user_id,timestamp,event,note\n"
        + "".join(f"{EMAIL},2026-03-0{d}T10:00:00Z,login,x\n" for d in range(1, 8))
        + f"{ID},2026-03-02T11:00:00Z,chat,x\n"
        + f"bo@example.com,2026-03-02T11:00:00Z,chat,asked {EMAIL}\n"
        + f"{EMAIL},2026-03-02T10:00:00Z\n"  # malformed: quarantined with her address
    )
    _ingest(db, str(events), "--roster", str(roster))
    day = dt.date(2026, 3, 3)
    log_outreach(db, contact=Outreach(person_id=ID, contacted_on=day, channel="chat"))
    log_outreach(
        db,
        contact=Outreach(
            person_id="EMP-CY",
            contacted_on=day,
            channel="chat",
            owner=ID,
            logged_by=EMAIL,
            note=f"{NAME} will follow up",
        ),
    )
    her = Viewer(identity=EMAIL, role="champion", person_id=ID)
    audit_view(db, her, "view my cohort", {"champion": ID}, 2)


def _files_hold(db: Path, secret: str) -> list[str]:
    """Which files hold the secret's bytes (as written, lower- or upper-cased)."""
    found = []
    for path in (db, Path(f"{db}.wal"), state_path_for(db)):
        data = path.read_bytes() if path.exists() else b""
        variants = {secret, secret.lower(), secret.upper()}
        if any(v.encode() in data for v in variants):
            found.append(f"{path.name}: {secret}")
    return found


def test_erase_leaves_no_byte_of_the_person(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _setup(db_path, tmp_path)
    before = [hit for s in SECRETS for hit in _files_hold(db_path, s)]
    assert any(db_path.name in h for h in before) and any(".app.sqlite" in h for h in before)
    capsys.readouterr()

    assert main(["erase", EMAIL, "--db", str(db_path)]) == 0
    out = capsys.readouterr().out

    assert [hit for s in SECRETS for hit in _files_hold(db_path, s)] == []
    # 8 events; 1 quarantine row; her roster row; 1 outreach row about her
    for line in (
        "events deleted: 8",
        "quarantine rows deleted: 1",
        "roster rows deleted: 1",
        "outreach rows deleted: 1",
        "champion references replaced: 1",  # Bo's champion_id
        "manager references replaced: 1",  # Bo's manager_id
        "event property references replaced: 1",  # Bo's event note
        "outreach references replaced: 1",  # Cy's contact: owner, logged_by, note
        "audit entries replaced: 1",  # her own view of her cohort
    ):
        assert line in out
    with connection(db_path) as con:
        bo = con.execute("SELECT champion_id, manager_id FROM roster WHERE user_id = 'EMP-BO'")
        assert bo.fetchall() == [("erased-person", "erased-person")]
    contact = outreach_frame(db_path).row(0, named=True)
    assert (contact["owner"], contact["logged_by"]) == ("erased-person", "erased-person")
    assert contact["note"] == "erased-person will follow up"
    log = audit_frame(db_path)
    assert log["what"].to_list() == [ERASE, "view my cohort"]
    assert log["who"].to_list() == [command_line_viewer().identity, "erased-person"]
    assert json.loads(log["filters"][1]) == {"champion": "erased-person"}


def test_reingesting_her_malformed_rows_stores_nothing_of_her(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "a.csv"
    first.write_text("user_id,timestamp,event\nann@example.com,2026-03-01T10:00:00Z,login\n")
    _ingest(db_path, str(first))
    assert main(["erase", "ann@example.com", "--db", str(db_path)]) == 0
    old = tmp_path / "old_export.csv"
    old.write_text(
        "user_id,timestamp,event\n"
        "<ann@example.com>,2026-03-02T10:00:00Z\n"
        '"Ann <ANN@example.com>",2026-03-02T10:00:00Z\n'
        "\u00a0ann@example.com\u00a0,2026-03-02T10:00:00Z,login,x\n"
        "bo@example.com,2026-03-02T10:00:00Z,login,see <ann@example.com>\n"
        "bo@example.com,2026-03-02T10:00:00Z\n"
    )
    capsys.readouterr()
    _ingest(db_path, str(old))
    report = json.loads(capsys.readouterr().out)[0]
    # her three rows and Bo's row that names her are suppressed; Bo's other bad row is kept
    assert (report["read"], report["suppressed"], report["quarantined"]) == (5, 4, 1)
    assert _files_hold(db_path, "ann@example.com") == []
