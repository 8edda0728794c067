"""Issue 12: an ingest killed (SIGKILL) at any point leaves events and person_day consistent.

A child process ingests two files and kills itself at one point of the second file: while it
is parsed, between the two files, inside its commit before and after the events insert and
before its log row, and after its commit before the database is closed. Each point leaves
either both files or the first one only, with person_day equal to a full rebuild and one log
row per committed file; running the same ingest again then gives a clean run's state.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analytics.db import connection
from analytics.ingest.command import ingest_paths

FIRST = (
    "user_id,timestamp,event,accepted\n"
    "E1,2026-10-01T09:00:00Z,login,\n"
    "E1,2026-10-01T10:00:00Z,suggestion,true\n"
    "E2,2026-10-02T09:00:00Z,login,\n"
)
SECOND = (
    "user_id,timestamp,event,accepted\n"
    "E1,2026-10-01T11:00:00Z,suggestion,false\n"  # E1's 1 Oct again: her day changes
    "E3,2026-10-03T09:00:00Z,login,\n"
)
# The child: the hooks wrap the real functions and SIGKILL the process at the point asked for.
CHILD = """
import os, signal, sys
from contextlib import contextmanager
from pathlib import Path

from analytics.ingest import command, load

point = sys.argv[1]


def die():
    os.kill(os.getpid(), signal.SIGKILL)


parse = command.parse_file


def parse_hooked(path, **kwargs):
    if point == "parse start" and path.name == "2.csv":
        die()
    parsed = parse(path, **kwargs)
    if point == "parse end" and path.name == "2.csv":
        die()
    return parsed


writer = command.writer
opened = []


@contextmanager
def writer_hooked(*args):
    with writer(*args) as con:
        opened.append(1)
        yield con
        if point == "after commit" and len(opened) == 3:  # settings, 1.csv, 2.csv
            die()
    if point == "between files" and len(opened) == 2:  # 1.csv committed and closed
        die()


execute = load.execute


def execute_hooked(con, sql, params=None):
    second = sql == load.INSERT_EVENTS_SQL and params[1] == 2
    if point == "before insert" and second:
        die()
    result = execute(con, sql, params)
    if point == "after insert" and second:
        die()
    return result


write_log = load.write_log


def write_log_hooked(con, report, *, ingest_id, **kwargs):
    if point == "before log" and ingest_id == 2:
        die()
    return write_log(con, report, ingest_id=ingest_id, **kwargs)


command.parse_file = parse_hooked
command.writer = writer_hooked
load.execute = execute_hooked
load.write_log = write_log_hooked
command.ingest_paths(Path(sys.argv[2]), [Path(p) for p in sys.argv[3:]])
print("not killed")
"""


def _state(
    db: Path, stored_days: Callable, full_rebuild: Callable
) -> tuple[list, list, list, list]:
    """events, log rows, person_day and tool_day, after checking that person_day and tool_day
    equal a full rebuild from the events stored (the two fixtures of tests/ingest/conftest.py)."""
    with connection(db) as con:
        events = con.execute("SELECT user_id, ts, event FROM events ORDER BY ALL").fetchall()
        logged = con.execute("SELECT file_name FROM ingest_log ORDER BY ingest_id").fetchall()
        person_day, tool_day = stored_days(con)
        assert full_rebuild(con, db) == (person_day, tool_day)
    return events, logged, person_day, tool_day


@pytest.mark.parametrize(
    ("point", "second_committed"),
    [
        ("parse start", False),
        ("parse end", False),
        ("between files", False),
        ("before insert", False),
        ("after insert", False),
        ("before log", False),
        ("after commit", True),
    ],
)
def test_a_kill_at_any_point_leaves_events_and_person_day_consistent(
    tmp_path: Path,
    db_path: Path,
    write_source: Callable,
    stored_days: Callable,
    full_rebuild: Callable,
    point: str,
    second_committed: bool,
) -> None:
    db = db_path
    files = [write_source("1.csv", FIRST), write_source("2.csv", SECOND)]
    child = [sys.executable, "-c", CHILD, point, str(db), *map(str, files)]
    done = subprocess.run(child, capture_output=True, text=True, check=False)
    assert done.returncode == -9, done.stdout + done.stderr

    events, logged, person_day, _ = _state(db, stored_days, full_rebuild)
    # by hand: 1.csv holds 3 events (E1 twice on 1 Oct, E2 on 2 Oct), 2.csv 2 more
    assert len(events) == (5 if second_committed else 3)
    assert logged == ([("1.csv",), ("2.csv",)] if second_committed else [("1.csv",)])
    e1_day = [row for row in person_day if row[0] == "E1"]
    # E1 on 1 Oct: 2 events (1 accepted) from 1.csv; a third (rejected, after it) from 2.csv
    expected = (3, 1, 1, 1) if second_committed else (2, 1, 0, 0)
    assert [(r[2], r[4], r[5], r[6]) for r in e1_day] == [expected]

    ingest_paths(db, files)  # the same ingest again: it completes the batch
    clean = tmp_path / "clean.duckdb"
    ingest_paths(clean, files)
    again, _, pd_again, td_again = _state(db, stored_days, full_rebuild)
    clean_events, _, clean_pd, clean_td = _state(clean, stored_days, full_rebuild)
    assert (again, pd_again, td_again) == (clean_events, clean_pd, clean_td)
