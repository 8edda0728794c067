"""Issue 12: a file's days are merged into the stored person_day; each merge case by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analytics.db import connection
from analytics.ingest.command import ingest_paths

FIRST = (
    "user_id,timestamp,event,accepted\n"
    "ann,2026-10-01T09:00:00Z,suggestion,true\n"
    "bob,2026-10-01T09:00:00Z,login,\n"
    "cy,2026-10-01T09:00:00Z,suggestion,false\n"
)
SECOND = (
    "user_id,timestamp,event,accepted\n"
    "ann,2026-10-01T10:00:00Z,login,\n"  # the file brings no feedback to a day that has some
    "ann,2026-10-02T09:00:00Z,login,\n"  # a new day of a known person
    "bob,2026-10-01T10:00:00Z,suggestion,true\n"  # feedback to a day that had none
    "bob,2026-10-01T11:00:00Z,suggestion,false\n"
    "cy,2026-10-01T08:00:00Z,suggestion,true\n"  # feedback on both sides: recomputed
    "dee,2026-10-02T09:00:00Z,login,\n"  # a new person
)


def test_each_merge_case_gives_the_rebuilt_day(
    db_path: Path, write_source: Callable, stored_days: Callable, full_rebuild: Callable
) -> None:
    ingest_paths(db_path, [write_source("1.csv", FIRST)])
    ingest_paths(db_path, [write_source("2.csv", SECOND)])
    with connection(db_path) as con:
        merged, tools = stored_days(con)
        # by hand (events, active, accepted, rejected, trailing rejections); no roster:
        # ann 1 Oct: 2 events, her 09:00 acceptance, nothing rejected;
        # bob 1 Oct: login, acceptance 10:00, rejection 11:00 after it: trailing 1;
        # cy 1 Oct: acceptance 08:00 (second file) before her 09:00 rejection: trailing 1
        # (summing would give the second file's 0); ann and dee 2 Oct: one login each
        assert [(r[0], str(r[1]), *r[2:7]) for r in merged] == [
            ("ann", "2026-10-01", 2, 2, 1, 0, 0),
            ("ann", "2026-10-02", 1, 1, 0, 0, 0),
            ("bob", "2026-10-01", 3, 3, 1, 1, 1),
            ("cy", "2026-10-01", 2, 2, 1, 1, 1),
            ("dee", "2026-10-02", 1, 1, 0, 0, 0),
        ]
        assert [(r[0], str(r[1]), r[4]) for r in tools] == [
            ("ann", "2026-10-01", 2),
            ("ann", "2026-10-02", 1),
            ("bob", "2026-10-01", 3),
            ("cy", "2026-10-01", 2),
            ("dee", "2026-10-02", 1),
        ]
        assert full_rebuild(con, db_path) == (merged, tools)
