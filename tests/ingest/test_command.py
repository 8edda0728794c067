"""`adoption ingest` end to end: batches, refusals and exit codes, JSON keys, roster/plan alone."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection
from analytics.ingest.command import ingest_paths, read_options, writer
from analytics.settings import Settings
from analytics.state.store import get_plan, get_settings, set_setting

ROSTER = (
    "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
    "training_completed_on,active\n"
    "E1,Ann,ann@x.com,East,EU,,rep,true,,1,,\n"
    "E2,Bo,bo@x.com,East,EU,,rep,false,E1,1,,\n"
)
PLAN = "wave,name,start,planned_size\n1,Champions,2026-09-01,2\n"
EVENTS = (
    "user_id,timestamp,event,event_id\n"
    "E1,2026-10-01T09:00:00Z,login,a1\n"
    "ANN@x.com,2026-10-01T10:00:00Z,suggestion_shown,a2\n"
    "E2,2026-10-02T09:00:00Z,login,a3\n"
    ",2026-10-02T09:00:00Z,login,a4\n"
    "E2,not a time,login,a5\n"
)
JSON_KEYS = [
    "file", "status", "error", "read", "loaded", "duplicates", "quarantined", "suppressed",
    "quarantine_reasons", "conflicts", "date_order", "warnings",
]  # fmt: skip


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _scalar(db_path: Path, sql: str) -> object:
    with connection(db_path) as con:
        return con.execute(sql).fetchall()[0][0]


def test_roster_alone(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    roster = _write(tmp_path, "roster.csv", ROSTER)
    assert main(["ingest", "--roster", str(roster), "--db", str(db_path)]) == 0
    assert "roster loaded (2 rows)" in capsys.readouterr().out
    assert _scalar(db_path, "SELECT count(*) FROM roster") == 2


def test_plan_alone_and_bad_plan_exit_2(db_path: Path, tmp_path: Path) -> None:
    plan = _write(tmp_path, "plan.csv", PLAN)
    assert main(["ingest", "--plan", str(plan), "--db", str(db_path)]) == 0
    assert [w.name for w in get_plan(db_path)] == ["Champions"]
    bad = _write(tmp_path, "bad_plan.csv", "wave,name,start\nx,A,2026-01-01\n")
    assert main(["ingest", "--plan", str(bad), "--db", str(db_path)]) == 2
    assert [w.name for w in get_plan(db_path)] == ["Champions"]


def test_refused_roster_exits_2(db_path: Path, tmp_path: Path) -> None:
    roster = _write(tmp_path, "roster.csv", ROSTER + "E1,Again,again@x.com,,,,,,,,,\n")
    assert main(["ingest", "--roster", str(roster), "--db", str(db_path)]) == 2
    assert _scalar(db_path, "SELECT count(*) FROM roster") == 0


def test_nothing_to_ingest_is_an_error(db_path: Path) -> None:
    assert main(["ingest", "--db", str(db_path)]) == 2


def test_unknown_timezone_is_an_error(db_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--tz", "Mars/Olympus", "--db", str(db_path)]) == 2
    assert "unknown timezone 'Mars/Olympus'" in capsys.readouterr().err
    assert get_settings(db_path).timezone == "UTC"


def test_tz_is_stored_and_person_day_rebuilt(db_path: Path) -> None:
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event) "
            "VALUES ('k', 's', 'u', '2026-10-02 03:00', 'login')"
        )
    assert main(["ingest", "--tz", "America/New_York", "--db", str(db_path)]) == 0
    assert get_settings(db_path).timezone == "America/New_York"
    assert str(_scalar(db_path, "SELECT day FROM person_day")) == "2026-10-01"  # 23:00 local


def test_progress_is_reported_per_file(db_path: Path, tmp_path: Path) -> None:
    calls = []
    ingest_paths(
        db_path,
        [],
        roster=_write(tmp_path, "roster.csv", ROSTER),
        plan=_write(tmp_path, "plan.csv", PLAN),
        progress=lambda done, total, message: calls.append((done, total, message)),
    )
    assert calls == [(1, 2, "roster.csv: loaded"), (2, 2, "plan.csv: loaded")]


def test_setting_passive_events_is_used_by_the_rebuild(db_path: Path) -> None:
    set_setting(db_path, name="passive_events", value=["email_opened"])
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event) VALUES "
            "('k1', 's', 'u', '2026-10-02 03:00', 'email_opened'), "
            "('k2', 's', 'u', '2026-10-02 04:00', 'login')"
        )
    ingest_paths(db_path, [])
    # 2 events that day, 1 of them passive -> 1 active event
    assert _scalar(db_path, "SELECT events * 10 + active_events FROM person_day") == 21


needs_read = pytest.mark.skipif(
    importlib.util.find_spec("analytics.ingest.read") is None, reason="read layer not landed"
)


def _ingest_json(db_path: Path, *args: str) -> tuple[int, list[dict]]:
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["ingest", *args, "--db", str(db_path), "--format", "json"])
    return code, json.loads(out.getvalue())


@needs_read
def test_batch_with_a_refused_file_loads_the_others(db_path: Path, tmp_path: Path) -> None:
    good = _write(tmp_path, "good.csv", EVENTS)
    binary = tmp_path / "photo.csv"
    binary.write_bytes(bytes(range(256)) * 4)
    code, reports = _ingest_json(db_path, str(binary), str(good))
    assert code == 2
    assert [list(r) for r in reports] == [JSON_KEYS, JSON_KEYS]
    refused, loaded = reports
    assert refused["status"] == "refused" and "photo.csv" in refused["error"]
    assert refused["read"] == 0 and refused["loaded"] == 0
    # 5 rows: 3 good, 1 without a user and 1 bad timestamp quarantined: 3 + 0 + 2 + 0 = 5
    assert (loaded["status"], loaded["read"], loaded["loaded"], loaded["quarantined"]) == (
        "loaded",
        5,
        3,
        2,
    )
    assert sum(loaded["quarantine_reasons"].values()) == 2
    assert _scalar(db_path, "SELECT count(*) FROM events") == 3
    assert _scalar(db_path, "SELECT count(*) FROM ingest_log WHERE status = 'refused'") == 1


@needs_read
def test_reingest_renamed_copy_and_overlap_add_nothing_twice(db_path: Path, tmp_path: Path) -> None:
    first = _write(tmp_path, "export.csv", EVENTS)
    copy = _write(tmp_path, "export (1).csv", EVENTS)
    overlap = _write(
        tmp_path,
        "export_tuesday.csv",
        "user_id,timestamp,event,event_id\n"
        "E2,2026-10-02T09:00:00Z,login,a3\n"  # already loaded
        "E2,2026-10-03T09:00:00Z,login,a6\n",  # new
    )
    assert _ingest_json(db_path, str(first))[0] == 0
    code, reports = _ingest_json(db_path, str(first), str(copy), str(overlap))
    assert code == 0
    counts = [(r["read"], r["loaded"], r["duplicates"], r["quarantined"]) for r in reports]
    # same file and renamed copy: 3 good rows stored and 2 bad rows in quarantine already, all 5
    # duplicates (nothing quarantined twice); Tuesday: a3 is a duplicate, a6 is new
    assert counts == [(5, 0, 5, 0), (5, 0, 5, 0), (2, 1, 1, 0)]
    for r in reports:
        assert r["read"] == r["loaded"] + r["duplicates"] + r["quarantined"] + r["suppressed"]
    assert _scalar(db_path, "SELECT count(*) FROM events") == 4


@needs_read
def test_roster_events_and_person_day_together(db_path: Path, tmp_path: Path) -> None:
    roster = _write(tmp_path, "roster.csv", ROSTER)
    events = _write(tmp_path, "events.csv", EVENTS)
    code, _ = _ingest_json(db_path, str(events), "--roster", str(roster))
    assert code == 0
    with connection(db_path) as con:
        rows = con.execute(
            "SELECT person_id, day::VARCHAR, events, matched FROM person_day ORDER BY ALL"
        ).fetchall()
    # E1's login and ANN@x.com's event are one person on Oct 1; E2 has one event on Oct 2
    assert rows == [("E1", "2026-10-01", 2, True), ("E2", "2026-10-02", 1, True)]


@needs_read
def test_erase_then_reingest_is_suppressed(db_path: Path, tmp_path: Path) -> None:
    roster = _write(tmp_path, "roster.csv", ROSTER)
    events = _write(tmp_path, "events.csv", EVENTS)
    _ingest_json(db_path, str(events), "--roster", str(roster))
    assert main(["erase", "ann@x.com", "--db", str(db_path)]) == 0
    code, [report] = _ingest_json(db_path, str(events))
    # Ann's 2 rows (E1, ANN@x.com) suppressed; E2's row duplicate; the 2 bad rows (the
    # bad-timestamp row is E2's, the other has no user) are in quarantine already, so they are
    # duplicates too: 0 + 3 + 0 + 2 = 5
    assert (report["loaded"], report["duplicates"], report["quarantined"]) == (0, 3, 0)
    assert report["suppressed"] == 2
    assert _scalar(db_path, "SELECT count(*) FROM events") == 1


@needs_read
def test_file_over_the_upload_cap_is_refused_naming_the_cap(db_path: Path, tmp_path: Path) -> None:
    set_setting(db_path, name="max_upload_mb", value=0.0001)  # about 105 bytes
    events = _write(tmp_path, "events.csv", EVENTS)  # 204 bytes
    code, [report] = _ingest_json(db_path, str(events))
    assert code == 2 and report["status"] == "refused"
    assert "max_upload_mb" in report["error"]
    assert _scalar(db_path, "SELECT count(*) FROM events") == 0


def test_roster_alone_rematches_person_day(db_path: Path, tmp_path: Path) -> None:
    with connection(db_path) as con:
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event) "
            "VALUES ('k', 's', 'ann@x.com', '2026-10-01 09:00', 'login')"
        )
    ingest_paths(db_path, [])
    assert _scalar(db_path, "SELECT person_id || ' ' || matched FROM person_day") == (
        "ann@x.com false"
    )
    ingest_paths(db_path, [], roster=_write(tmp_path, "roster.csv", ROSTER))
    # the roster row E1 has e-mail ann@x.com: the day now belongs to E1, matched
    assert _scalar(db_path, "SELECT person_id || ' ' || matched FROM person_day") == "E1 true"


def test_busy_database_exits_3_and_changes_nothing(db_path: Path) -> None:
    set_setting(db_path, name="busy_retry_seconds", value=0.5)
    command = [sys.executable, "-m", "analytics.cli", "ingest", "--tz", "Europe/Paris"]
    with connection(db_path):
        done = subprocess.run([*command, "--db", str(db_path)], capture_output=True, text=True)
    assert done.returncode == 3
    assert "database in use" in done.stderr
    assert get_settings(db_path).timezone == "UTC"


def test_placeholder_event_ids_fall_back_to_the_composite_key(
    db_path: Path, tmp_path: Path
) -> None:
    events = _write(
        tmp_path,
        "placeholders.csv",
        "user_id,timestamp,event,event_id,source\n"
        "E1,2026-10-01T09:00:00Z,login,0,crm\n"
        "E2,2026-10-01T09:00:00Z,login,0,crm\n"  # same placeholder id, other user: new event
        "E1,2026-10-01T09:00:00.400Z,login,null,crm\n"  # E1's login in the same second: dup
        "E1,2026-10-01T09:05:00Z,login,00000000-0000-0000-0000-000000000000,crm\n"  # new
        "E1,2026-10-01T09:05:00Z,login,,web\n",  # same second, other source: new
    )
    code, [report] = _ingest_json(db_path, str(events))
    # keys: (E1, 09:00:00, login, crm) x2, (E2, 09:00:00, ...), (E1, 09:05:00, crm), (.., web)
    # -> 4 loaded, 1 duplicate; the duplicate's timestamp differs in milliseconds: a conflict
    assert code == 0
    assert (report["loaded"], report["duplicates"], report["conflicts"]) == (4, 1, 1)


@needs_read
def test_an_unforeseen_read_failure_refuses_that_file_only(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analytics.ingest.read as read

    real_read = read.read_source_file

    def failing_read(path: Path, **options: object) -> object:
        if Path(path).name == "odd.csv":
            raise ValueError("something nobody planned for")
        return real_read(path, **options)

    monkeypatch.setattr(read, "read_source_file", failing_read)
    odd = _write(tmp_path, "odd.csv", EVENTS)
    good = _write(tmp_path, "good.csv", EVENTS)
    code, reports = _ingest_json(db_path, str(odd), str(good))
    assert code == 2
    assert (
        reports[0]["status"] == "refused" and "something nobody planned for" in reports[0]["error"]
    )
    # good.csv: the same 5 rows as above, 3 loaded and 2 quarantined
    assert (reports[1]["status"], reports[1]["loaded"]) == ("loaded", 3)


def test_ingest_works_within_the_ingest_memory_limit(db_path: Path) -> None:
    """Both DuckDB connections of an ingest (the native parse's scratch database and the commit)
    take ingest_memory_limit, not the rollup's duckdb_memory_limit."""
    settings = Settings(ingest_memory_limit="123MB", duckdb_memory_limit="4GB")
    assert read_options(settings, None)["memory_limit"] == "123MB"
    with writer(db_path, settings, None) as con:
        limit = con.execute("SELECT current_setting('memory_limit')").fetchone()
    assert limit == ("117.3 MiB",)  # 123,000,000 bytes
