"""Issue 12: each file commits with its person_day rows; parsing holds no lock on the database."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.db import connection
from analytics.ingest import command
from analytics.ingest.command import ingest_paths

ROSTER = (
    "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
    "training_completed_on,active\n"
    "E1,Ann,ann@x.com,East,EU,,rep,false,,1,,\n"
    "E2,Bo,bo@x.com,East,EU,,rep,false,,1,,\n"
)
FIRST = (
    "user_id,timestamp,event,accepted\n"
    "E1,2026-10-01T09:00:00Z,login,\n"
    "ann@x.com,2026-10-01T10:00:00Z,suggestion,true\n"
    "E2,2026-10-02T09:00:00Z,login,\n"
)
SECOND = (
    "user_id,timestamp,event,accepted\n"
    "E1,2026-10-01T11:00:00Z,suggestion,false\n"  # Ann again: her 1 Oct row is recomputed
    "zed,2026-10-03T09:00:00Z,login,\n"  # not on the roster
)


def test_per_file_updates_equal_a_full_rebuild(
    db_path: Path, write_source: Callable, stored_days: Callable, full_rebuild: Callable
) -> None:
    db = db_path
    ingest_paths(db, [], roster=write_source("roster.csv", ROSTER))
    ingest_paths(db, [write_source("1.csv", FIRST), write_source("2.csv", SECOND)])
    with connection(db) as con:
        updated, tools = stored_days(con)
        # by hand: Ann 1 Oct 3 events (1 accepted, 1 rejected after it: trailing 1), Bo 2 Oct
        # 1 event, zed 3 Oct 1 event (unmatched)
        assert [(r[0], str(r[1]), r[2], r[4], r[5], r[6], r[7]) for r in updated] == [
            ("E1", "2026-10-01", 3, 1, 1, 1, True),
            ("E2", "2026-10-02", 1, 0, 0, 0, True),
            ("zed", "2026-10-03", 1, 0, 0, 0, False),
        ]
        assert full_rebuild(con, db) == (updated, tools)


def test_a_failure_between_events_and_person_day_writes_neither(
    db_path: Path, write_source: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = db_path
    ingest_paths(db, [write_source("1.csv", FIRST)])

    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError("killed between the two steps")

    monkeypatch.setattr(command, "update_for_ingest", fail)
    with pytest.raises(RuntimeError):
        ingest_paths(db, [write_source("2.csv", SECOND)])
    with connection(db) as con:
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(3,)]
        assert con.execute("SELECT count(*) FROM person_day").fetchall() == [(3,)]  # no roster


KILLER = """
import os, signal, sys
from pathlib import Path
from analytics.ingest import command
from analytics.ingest.person_day_delta import update_for_ingest

def update_then_die(con, ingest_id, settings):
    update_for_ingest(con, ingest_id, settings)
    if ingest_id == 2:  # the second file: its events and person_day are written, not committed
        os.kill(os.getpid(), signal.SIGKILL)
    return 0

command.update_for_ingest = update_then_die
command.ingest_paths(Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]])
"""


def test_a_process_killed_mid_batch_leaves_events_and_person_day_consistent(
    db_path: Path, write_source: Callable, stored_days: Callable, full_rebuild: Callable
) -> None:
    db = db_path
    files = [write_source("1.csv", FIRST), write_source("2.csv", SECOND)]
    script = [sys.executable, "-c", textwrap.dedent(KILLER), str(db), *map(str, files)]
    assert subprocess.run(script, check=False).returncode == -9
    with connection(db) as con:  # the first file committed with its person_day; not the second
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(3,)]
        committed = stored_days(con)[0]
        assert [(r[0], str(r[1]), r[2]) for r in committed] == [
            ("E1", "2026-10-01", 1),  # no roster: ann@x.com is a person of her own
            ("E2", "2026-10-02", 1),
            ("ann@x.com", "2026-10-01", 1),
        ]
        assert full_rebuild(con, db)[0] == committed


READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
print(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
"""


def test_a_reader_can_open_the_database_while_a_file_is_parsed(
    db_path: Path, write_source: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = db_path
    ingest_paths(db, [write_source("1.csv", FIRST)])
    seen: list[str] = []
    parse = command.parse_file

    def parse_and_read(path: Path, **kwargs: object) -> object:
        reader = [sys.executable, "-c", READER, str(db)]
        done = subprocess.run(reader, capture_output=True, text=True, check=False)
        seen.append(done.stdout.strip() or done.stderr)
        return parse(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "parse_file", parse_and_read)
    reports = ingest_paths(db, [write_source("2.csv", SECOND), write_source("3.csv", FIRST)])
    assert [r.loaded for r in reports] == [2, 0]
    assert seen == ["3", "5"]  # another process read the last committed state each time


def test_the_apps_lock_is_held_per_commit_not_while_parsing(
    db_path: Path, write_source: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections.abc import Iterator
    from contextlib import contextmanager

    steps: list[str] = []

    @contextmanager
    def lock() -> Iterator[None]:
        steps.append("lock")
        yield
        steps.append("unlock")

    parse = command.parse_file

    def parse_noted(path: Path, **kwargs: object) -> object:
        steps.append(f"parse {path.name}")
        return parse(path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(command, "parse_file", parse_noted)
    files = [write_source("1.csv", FIRST), write_source("2.csv", SECOND)]
    ingest_paths(db_path, files, guard=lock)
    assert steps == [
        "lock", "unlock",  # settings and roster (none here)
        "parse 1.csv", "lock", "unlock",
        "parse 2.csv", "lock", "unlock",
    ]  # fmt: skip


def test_a_zone_stored_by_a_run_killed_before_its_rebuild_is_caught_up(
    db_path: Path, write_source: Callable
) -> None:
    from analytics.state.store import set_setting

    db = db_path
    late = "user_id,timestamp,event\nE1,2026-10-01T23:30:00Z,login\n"
    ingest_paths(db, [write_source("1.csv", late)])
    # `ingest --tz Europe/Berlin` stored the zone and was killed before rebuilding person_day
    set_setting(db, name="timezone", value="Europe/Berlin")
    ingest_paths(
        db, [write_source("2.csv", "user_id,timestamp,event\nE2,2026-10-02T09:00:00Z,x\n")]
    )
    with connection(db) as con:
        days = con.execute("SELECT person_id, day::VARCHAR FROM person_day ORDER BY ALL").fetchall()
    # 23:30 UTC on 1 Oct is 01:30 on 2 Oct in Berlin (UTC+2 in October): E1's day moved too
    assert days == [("E1", "2026-10-02"), ("E2", "2026-10-02")]


def test_a_database_taken_between_two_files_reports_every_file(
    tmp_path: Path, db_path: Path, write_source: Callable, monkeypatch: pytest.MonkeyPatch
) -> None:
    from collections.abc import Iterator
    from contextlib import contextmanager

    from analytics.db import DatabaseBusy

    opened = command.writer
    opens: list[int] = []

    @contextmanager
    def busy_on_third(*args: object) -> Iterator[object]:
        opens.append(1)
        if len(opens) == 3:  # settings, 1.csv, then another process holds the database
            raise DatabaseBusy("database in use: another process")
        with opened(*args) as con:  # type: ignore[arg-type]
            yield con

    monkeypatch.setattr(command, "writer", busy_on_third)
    files = [write_source("1.csv", FIRST), write_source("2.csv", SECOND)]
    reports = ingest_paths(db_path, [*files, tmp_path / "3.csv"])
    assert [(Path(r.file).name, r.status, r.loaded) for r in reports] == [
        ("1.csv", "loaded", 3),
        ("2.csv", "refused", 0),
        ("3.csv", "refused", 0),
    ]
    assert reports[1].error == f"{files[1]}: not loaded, database in use: another process"
