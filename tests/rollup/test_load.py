"""`adoption ingest --person-day`: a rollup replaces the (day, source) pairs it covers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import polars as pl
import pytest

from analytics.cli import main
from analytics.ingest.command import ingest_paths

EVENTS = """user_id,timestamp,event,source
ann@x.com,2026-03-02 09:00,login,web
ann@x.com,2026-03-02 10:00,login,web
ann@x.com,2026-03-03 09:00,login,web
bob,2026-03-02 09:00,login,crm
"""
ROSTER = "user_id,name,email\nE1,Ann,ann@x.com\nbob,Bob,bob@x.com\n"
D2, D3 = dt.date(2026, 3, 2), dt.date(2026, 3, 3)


def _rollup(folder: Path, rows: list[tuple[str, dt.date, int, list[str]]]) -> Path:
    """A rollup folder written by hand (person, day, events = active events, sources)."""
    part = folder / "person_day" / "month=2026-03"
    part.mkdir(parents=True)
    frame = pl.DataFrame(
        [(p, d, n, n, s) for p, d, n, s in rows],
        schema={
            "person": pl.String,
            "day": pl.Date,
            "events": pl.Int32,
            "active_events": pl.Int32,
            "sources": pl.List(pl.String),
        },
        orient="row",
    )
    frame.write_parquet(part / "part-0.parquet")
    return folder


def _person_day(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        sql = "SELECT person_id, day, events, active_events FROM person_day ORDER BY ALL"
        return con.sql(sql).fetchall()


@pytest.fixture
def app_db(db_path: Path, tmp_path: Path) -> Path:
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / "roster.csv").write_text(ROSTER)
    ingest_paths(db_path, [tmp_path / "events.csv"], roster=tmp_path / "roster.csv")
    # by hand: E1 has 2 events on 03-02 (web) and 1 on 03-03; bob 1 on 03-02 (crm)
    assert _person_day(db_path) == [("E1", D2, 2, 2), ("E1", D3, 1, 1), ("bob", D2, 1, 1)]
    return db_path


def test_a_rollup_replaces_the_days_and_sources_it_covers(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = _rollup(tmp_path / "r1", [("E1", D2, 5, ["web"]), ("carol", D2, 2, ["web"])])
    assert main(["ingest", "--person-day", str(first), "--db", str(app_db)]) == 0
    printed = json.loads(capsys.readouterr().out)
    # covers (03-02, web) only: E1's 2 local web events of 03-02 give way to the rollup's 5;
    # E1's 03-03 and bob's crm day stay; carol (not on the roster) arrives
    assert (printed["replaced_events"], printed["person_days"]) == (2, 2)
    assert _person_day(app_db) == [
        ("E1", D2, 5, 5),
        ("E1", D3, 1, 1),
        ("bob", D2, 1, 1),
        ("carol", D2, 2, 2),
    ]
    second = _rollup(tmp_path / "r2", [("ann@x.com", D2, 3, ["web"])])
    assert main(["ingest", "--person-day", str(second), "--db", str(app_db)]) == 0
    printed = json.loads(capsys.readouterr().out)
    # the same pair again: both rows of the first rollup go; ann@x.com resolves to E1
    assert printed["replaced_person_days"] == 2
    assert _person_day(app_db) == [("E1", D2, 3, 3), ("E1", D3, 1, 1), ("bob", D2, 1, 1)]


def test_metrics_work_after_loading_a_rollup(
    app_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _rollup(tmp_path / "r1", [("bob", D3, 4, ["crm"])])
    assert main(["ingest", "--person-day", str(folder), "--db", str(app_db)]) == 0
    capsys.readouterr()
    assert main(["metrics", "--as-of", "2026-03-03", "--db", str(app_db)]) == 0
    document = json.loads(capsys.readouterr().out)
    # both roster people used the tool on 03-03 (E1 locally, bob from the rollup)
    assert document["active"]["dau"] == 2


def test_a_folder_without_a_rollup_is_refused(app_db: Path, tmp_path: Path) -> None:
    assert main(["ingest", "--person-day", str(tmp_path), "--db", str(app_db)]) == 2


def test_erasure_deletes_the_persons_rollup_days(app_db: Path, tmp_path: Path) -> None:
    from analytics.ingest.erase import erase_person  # the erasure rule, imported where used

    folder = _rollup(tmp_path / "r1", [("carol", D3, 4, ["crm"]), ("bob", D3, 1, ["crm"])])
    assert main(["ingest", "--person-day", str(folder), "--db", str(app_db)]) == 0
    erasure = erase_person(app_db, "carol")
    assert erasure.events == 1  # her one rollup person-day
    assert [row[0] for row in _person_day(app_db)] == ["E1", "E1", "bob", "bob"]


def test_a_later_local_ingest_keeps_the_rollup_days(app_db: Path, tmp_path: Path) -> None:
    folder = _rollup(tmp_path / "r1", [("E1", D3, 4, ["crm"])])
    assert main(["ingest", "--person-day", str(folder), "--db", str(app_db)]) == 0
    # by hand: E1 on 03-03 = 1 local web event + 4 rollup crm events = 5
    assert ("E1", D3, 5, 5) in _person_day(app_db)
    (tmp_path / "more.csv").write_text(
        "user_id,timestamp,event,source\nann@x.com,2026-03-03 11:00,login,web\n"
    )
    ingest_paths(app_db, [tmp_path / "more.csv"])
    # a second local web event for E1 on 03-03: 2 local + 4 from the rollup = 6, not 2
    assert _person_day(app_db) == [("E1", D2, 2, 2), ("E1", D3, 6, 6), ("bob", D2, 1, 1)]
