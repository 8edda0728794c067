"""`adoption outreach`: CSV (spreadsheet-safe) and JSON worklists from a small database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import polars as pl
import pytest

from analytics.cli import main
from analytics.db import bump_ingest_version, connection
from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs
from analytics.outreach import WORKLIST_COLUMNS
from analytics.state import store
from analytics.state.models import Wave

START = dt.date(2026, 3, 1)
D = dt.date(2026, 3, 31)
EVIL = '=HYPERLINK("http://evil.example","click")'
SQLISH = "Robert'); DROP TABLE roster;--"


def _days(first: str, last: str) -> list[dt.date]:
    return pl.date_range(
        dt.date.fromisoformat(first), dt.date.fromisoformat(last), eager=True
    ).to_list()


@pytest.fixture
def small_db(db_path: Path) -> Path:
    """c1, p4 and m1 active daily; p1 never started; p2 dormant since 03-10; p3 at risk."""
    active = {
        "c1": _days("2026-03-01", "2026-03-31"),
        "p4": _days("2026-03-01", "2026-03-31"),
        "m1": _days("2026-03-01", "2026-03-31"),
        "p2": _days("2026-03-01", "2026-03-10"),  # nothing in [03-18, 03-31]: dormant
        # 8 days in [03-04, 03-17], 2 in [03-18, 03-31]: 2 < 8 / 2 -> at risk
        "p3": _days("2026-03-04", "2026-03-11") + [dt.date(2026, 3, 20), dt.date(2026, 3, 25)],
    }
    rows = [(person, day) for person, days in active.items() for day in days]
    person_day = pl.DataFrame(rows, schema={"person_id": pl.String, "day": pl.Date}, orient="row")
    person_day = person_day.with_columns(
        events=pl.lit(2),
        active_events=pl.lit(2),
        accepted=pl.lit(0),
        rejected=pl.lit(0),
        trailing_rejections=pl.lit(0),
        matched=pl.lit(True),
    )
    roster = [
        ("c1", "Cara Lee", "c1@ex.com", "East", None, True, None),
        ("p1", EVIL, "p1@ex.com", "East", "m1", False, "c1"),
        ("p2", "Dan Ortiz", "p2@ex.com", "East", "m1", False, "c1"),
        ("p3", "Ann Berg", "p3@ex.com", "East", "m1", False, "c1"),
        ("p4", SQLISH, "p4@ex.com", "East", "m1", False, "c1"),
        ("m1", "Mia Chen", "m1@ex.com", "East", None, False, None),
    ]
    with connection(db_path) as con:
        con.executemany(
            "INSERT INTO roster (user_id, name, email, team, manager_id, is_champion, champion_id,"
            " wave, role, active) VALUES (?, ?, ?, ?, ?, ?, ?, 1, 'rep', true)",
            roster,
        )
        con.register("person_day_frame", person_day.to_arrow())
        con.execute(
            "INSERT INTO person_day SELECT person_id, day, events, active_events, accepted,"
            " rejected, trailing_rejections, matched FROM person_day_frame"
        )
        bump_ingest_version(con)
    store.save_plan(db_path, waves=[Wave(number=1, name="Everyone", start=START)])
    return db_path


def _csv(capsysbinary, *args: str) -> list[dict[str, str]]:
    assert main(["outreach", *args]) == 0
    text = capsysbinary.readouterr().out.decode("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def test_csv_rows_match_the_documents_segments(small_db: Path, capsysbinary) -> None:
    rows = _csv(capsysbinary, "--db", str(small_db), "--format", "csv")
    assert list(rows[0]) == list(WORKLIST_COLUMNS)
    # at risk p3 first, then dormant p2, then never started p1
    assert [r["person_id"] for r in rows] == ["p3", "p2", "p1"]
    segments = build_document(load_inputs(small_db), D)["segments"]
    assert segments == {"never_started": 1, "dormant": 1, "at_risk": 1, "active": 3}
    assert len(rows) == segments["never_started"] + segments["dormant"] + segments["at_risk"]
    p3 = rows[0]
    assert p3["reason"] == "active 8 of the previous 14 days, 2 of the last 14"
    assert (p3["owner_name"], p3["owner_role"]) == ("Cara Lee", "champion")
    # p2 last active 03-10: 31 - 10 = 21 days before D
    assert rows[1]["reason"] == "last active 21 days ago"
    assert rows[1]["days_inactive"] == "21"


def test_csv_escapes_formulas_and_keeps_sql_text(small_db: Path, capsysbinary) -> None:
    rows = _csv(capsysbinary, "--db", str(small_db), "--as-of", "2026-03-31", "--format", "csv")
    p1 = next(r for r in rows if r["person_id"] == "p1")
    assert p1["name"] == "'" + EVIL
    # the formula text is also inside the message ("Hi =HYPERLINK(...") but not at its start
    assert p1["message"].startswith("Hi =HYPERLINK(")


def test_json_is_a_list_of_objects(small_db: Path, capsysbinary) -> None:
    assert main(["outreach", "--db", str(small_db), "--format", "json"]) == 0
    rows = json.loads(capsysbinary.readouterr().out)
    assert [r["person_id"] for r in rows] == ["p3", "p2", "p1"]
    assert rows[2]["name"] == EVIL  # JSON is data, not a spreadsheet: no escaping
    assert rows[1]["last_active_day"] == "2026-03-10"
    assert rows[0]["contacted_recently"] is False
    assert set(rows[0]) == set(WORKLIST_COLUMNS)


def test_as_of_earlier_changes_the_list(small_db: Path, capsysbinary) -> None:
    # at D = 03-12: p2 was active 03-10 (recent), p3 active 03-04..03-11 -> nobody dormant or at
    # risk; p1 (invited 03-01) never started
    rows = _csv(capsysbinary, "--db", str(small_db), "--as-of", "2026-03-12", "--format", "csv")
    assert [r["person_id"] for r in rows] == ["p1"]
    assert rows[0]["reason"] == "invited 11 days ago, never used the tool"


def test_bad_as_of_and_missing_database(db_path: Path, capsysbinary) -> None:
    assert main(["outreach", "--db", str(db_path), "--as-of", "31/03/2026"]) == 2
    assert b"YYYY-MM-DD" in capsysbinary.readouterr().err
    assert main(["outreach", "--db", str(db_path), "--format", "json"]) == 2  # no such file
    assert b"no database at" in capsysbinary.readouterr().err
    with connection(db_path):
        pass  # an empty database: an empty worklist
    assert main(["outreach", "--db", str(db_path), "--format", "json"]) == 0
    assert json.loads(capsysbinary.readouterr().out) == []
    rows = _csv(capsysbinary, "--db", str(db_path), "--format", "csv")
    assert rows == []


def test_roster_ingest_keeps_hostile_names_verbatim(db_path: Path, tmp_path: Path, capsysbinary):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "user_id,name,email,team,role,is_champion,champion_id,wave,active\n"
        "u1,Ann Active,ann@ex.com,East,rep,true,,1,true\n"
        f'u2,"{SQLISH}",bob@ex.com,East,rep,false,u1,1,true\n'
        f'u3,"{EVIL.replace(chr(34), chr(34) * 2)}",eve@ex.com,East,rep,false,u1,1,true\n',
        encoding="utf-8",
    )
    events = tmp_path / "events.csv"
    events.write_text("user_id,timestamp,event\nu1,2026-03-02 10:00,login\n", encoding="utf-8")
    code = main(["ingest", str(events), "--roster", str(roster), "--db", str(db_path)])
    assert code == 0
    capsysbinary.readouterr()
    with connection(db_path, read_only=True) as con:
        names = [r[0] for r in con.execute("SELECT name FROM roster ORDER BY user_id").fetchall()]
    # stored as written (values reach SQL as parameters; the roster table still exists)
    assert names == ["Ann Active", SQLISH, EVIL]
    rows = _csv(capsysbinary, "--db", str(db_path), "--format", "csv")
    # without a plan everyone is eligible from the first day with events: u2, u3 never started
    by_id = {r["person_id"]: r for r in rows}
    assert sorted(by_id) == ["u2", "u3"]
    assert by_id["u2"]["name"] == SQLISH
    assert by_id["u3"]["name"] == "'" + EVIL
    assert by_id["u2"]["owner_name"] == "Ann Active"
