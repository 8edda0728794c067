"""Hand-written small cases: every quarantine reason, the dedupe key, a tombstone, on both
engines (the same expected values, worked out by hand below)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics.ingest.erase import erase_person
from analytics.rollup.command import RollupRequest, run_rollup
from analytics.rollup.engines import DuckDBEngine, SparkEngine
from tests.rollup.helpers import person_day, quarantine_counts, report

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)
# A preamble line, then 12 rows. Outcomes, by hand:
#  1 e1 ann 03-02 web           loaded   (E1 through the roster e-mail)
#  2 e1 ann 03-02 11:00 web     duplicate (event id e1 again within source web)
#  3 e1 bob 03-02 crm           loaded   (same id, other source: another key)
#  4 bob 03/04/2026 08:00 crm   loaded   (month-first; no id: row key bob|08:00:00|login|crm)
#  5 id 0 bob epoch 1772611200  duplicate (0 is no id; 2026-03-04 08:00:00 UTC: same row key)
#  6 user "null"                missing user
#  7 user empty                 missing user
#  8 "not a date"               unparseable timestamp
#  9 1999-12-31                 timestamp out of range (before 2000)
# 10 2026-03-08 (> NOW + 1 day) timestamp out of range (future)
# 11 event empty                missing event name
# 12 ghost (erased)             suppressed
EVENTS = """Export of 2026-03-06
event_id,user_id,timestamp,event,source
e1,ANN@x.com,2026-03-02T10:00:00Z,login,web
e1,ann@x.com,2026-03-02T11:00:00Z,login,web
e1,bob,2026-03-02 09:00,login,crm
,bob,03/04/2026 08:00,login,crm
0,bob,1772611200,login,crm
,null,2026-03-02,login,crm
,,2026-03-02,login,crm
,bob,not a date,login,crm
,bob,1999-12-31,login,crm
,bob,2026-03-08,login,crm
,bob,2026-03-05,,crm
,ghost,2026-03-05,login,crm
"""
ROSTER = "user_id,email\nE1,ann@x.com\n"


def _run(engine: Any, tmp_path: Path, db: Path | None) -> Path:
    (tmp_path / "events.csv").write_text(EVENTS)
    (tmp_path / "roster.csv").write_text(ROSTER)
    out = tmp_path / "out"
    request = RollupRequest(
        events=(str(tmp_path / "events.csv"),), out=out, roster=tmp_path / "roster.csv", db=db
    )
    try:
        run_rollup(engine, request, now=NOW)
    finally:
        engine.close()
    return out


def _check(out: Path, events: Path) -> None:
    assert report(out) == [
        {
            "input": str(events),
            "read": 12,
            "loaded": 3,
            "duplicates": 2,
            "quarantined": 6,
            "suppressed": 1,
            "quarantine_reasons": {
                "missing event name": 1,
                "missing user": 2,
                "timestamp out of range": 2,
                "unparseable timestamp": 1,
            },
        }
    ]
    assert quarantine_counts(out)["count"].sum() == 6
    expected = pl.DataFrame(
        {
            "person": ["E1", "bob", "bob"],
            "day": [dt.date(2026, 3, 2), dt.date(2026, 3, 2), dt.date(2026, 3, 4)],
            "events": [1, 1, 1],
            "active_events": [1, 1, 1],
            "sources": [["web"], ["crm"], ["crm"]],
        },
        schema_overrides={"events": pl.Int32, "active_events": pl.Int32},
    )
    assert person_day(out).equals(expected)


@pytest.fixture
def erased_db(db_path: Path) -> Path:
    """An app database that has erased "ghost" (a tombstone, no other data)."""
    erase_person(db_path, "ghost")
    return db_path


def test_duckdb_reasons_dedupe_and_tombstone(tmp_path: Path, erased_db: Path) -> None:
    _check(_run(DuckDBEngine(), tmp_path, erased_db), tmp_path / "events.csv")


def test_spark_reasons_dedupe_and_tombstone(spark: Any, tmp_path: Path, erased_db: Path) -> None:
    _check(_run(SparkEngine(spark), tmp_path, erased_db), tmp_path / "events.csv")


def test_without_the_database_nobody_is_suppressed(tmp_path: Path) -> None:
    out = _run(DuckDBEngine(), tmp_path, None)
    entry = report(out)[0]
    assert (entry["loaded"], entry["suppressed"]) == (4, 0)  # ghost's row 12 loads
