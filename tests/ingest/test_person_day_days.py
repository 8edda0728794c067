"""Issue 12: an ingest recomputes only the (person, day) rows its events fall on."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from analytics.db import connection
from analytics.ingest.command import ingest_paths

FIRST = (
    "user_id,timestamp,event,accepted\n"
    "ann,2026-10-01T09:00:00Z,suggestion,true\n"
    "ann,2026-10-02T09:00:00Z,login,\n"
)
SECOND = (  # Ann again on 1 Oct only: a rejection after her acceptance
    "user_id,timestamp,event,accepted\nann,2026-10-01T11:00:00Z,suggestion,false\n"
)
ROWS = "SELECT day::VARCHAR, events, accepted, rejected, trailing_rejections FROM person_day"


def test_only_the_days_of_the_file_are_recomputed(db_path: Path, write_source: Callable) -> None:
    ingest_paths(db_path, [write_source("1.csv", FIRST)])
    with connection(db_path) as con:  # mark 2 Oct: a recomputation would set it back to 1 event
        con.execute("UPDATE person_day SET events = 99 WHERE day = '2026-10-02'")
        con.execute("UPDATE tool_day SET events = 99 WHERE day = '2026-10-02'")
    ingest_paths(db_path, [write_source("2.csv", SECOND)])
    with connection(db_path) as con:
        rows = con.execute(ROWS + " ORDER BY day").fetchall()
        tools = con.execute("SELECT day::VARCHAR, events FROM tool_day ORDER BY day").fetchall()
    # by hand: 1 Oct 2 events, 1 accepted, 1 rejected after it; 2 Oct left as marked
    assert rows == [("2026-10-01", 2, 1, 1, 1), ("2026-10-02", 99, 0, 0, 0)]
    assert tools == [("2026-10-01", 2), ("2026-10-02", 99)]
