"""JSON Lines on both engines: an invalid line or a non-object line is quarantined as the local
ingest does ("invalid JSON"), blank lines are not rows, and the report balances."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polars as pl

from analytics.ingest.reasons import INVALID_JSON
from analytics.rollup.command import RollupRequest, run_rollup
from analytics.rollup.engines import DuckDBEngine, SparkEngine
from tests.rollup.helpers import person_day, quarantine_counts, report

NOW = dt.datetime(2026, 3, 6, 12, 0, tzinfo=dt.UTC)
# Outcomes, by hand:
#  1 ann 03-02 10:00 login web           loaded
#  2 ann 03-02 11:00 search web          loaded
#  3 bob epoch 1772611200 (03-04 08:00)  loaded
#  4 an object followed by other text    invalid JSON
#  5 a JSON array, not an object         invalid JSON
#  6 white space only                    not a row (not read)
EVENTS = (
    '{"user_id": "ann", "timestamp": "2026-03-02T10:00:00Z", "event": "login", "source": "web"}\n'
    '{"user_id": "ann", "timestamp": "2026-03-02T11:00:00Z", "event": "search", "source": "web"}\n'
    '{"user_id": "bob", "timestamp": 1772611200, "event": "login", "source": "crm"}\n'
    '{"user_id": "carol", "timestamp": "2026-03-02", "event": "login"} trailing\n'
    '["bob", "2026-03-05", "login"]\n'
    "   \n"
)


def _run(engine: Any, tmp_path: Path) -> Path:
    events = tmp_path / "events.jsonl"
    tmp_path.mkdir(parents=True, exist_ok=True)
    events.write_text(EVENTS)
    out = tmp_path / "out"
    try:
        run_rollup(engine, RollupRequest(events=(str(events),), out=out), now=NOW)
    finally:
        engine.close()
    return out


def _check(out: Path, events: Path) -> None:
    assert report(out) == [
        {
            "input": str(events),
            "read": 5,
            "loaded": 3,
            "duplicates": 0,
            "quarantined": 2,
            "suppressed": 0,
            "quarantine_reasons": {INVALID_JSON: 2},
        }
    ]
    assert quarantine_counts(out).to_dicts() == [
        {"input": str(events), "reason": "invalid JSON", "count": 2}
    ]
    expected = pl.DataFrame(
        {
            "person": ["ann", "bob"],
            "day": [dt.date(2026, 3, 2), dt.date(2026, 3, 4)],
            "events": [2, 1],
            "active_events": [2, 1],
            "sources": [["web"], ["crm"]],
        },
        schema_overrides={"events": pl.Int32, "active_events": pl.Int32},
    )
    assert person_day(out).equals(expected)


def test_duckdb_quarantines_invalid_json_lines(tmp_path: Path) -> None:
    _check(_run(DuckDBEngine(), tmp_path), tmp_path / "events.jsonl")


def test_spark_quarantines_invalid_json_lines(spark: Any, tmp_path: Path) -> None:
    _check(_run(SparkEngine(spark), tmp_path), tmp_path / "events.jsonl")


def test_both_engines_give_identical_json_lines_outputs(spark: Any, tmp_path: Path) -> None:
    duck = _run(DuckDBEngine(), tmp_path / "duckdb")
    spark_out = _run(SparkEngine(spark), tmp_path / "spark")
    assert person_day(duck).equals(person_day(spark_out))
    assert [{**e, "input": ""} for e in report(duck)] == [
        {**e, "input": ""} for e in report(spark_out)
    ]


def test_the_local_ingest_counts_the_same_json_lines(tmp_path: Path, db_path: Path) -> None:
    from analytics.ingest.command import ingest_paths  # the local rule this rollup follows

    events = tmp_path / "events.jsonl"
    events.write_text(EVENTS)
    (entry,) = [r for r in ingest_paths(db_path, [events]) if r.kind == "events"]
    # the same 5 rows read (the blank line is not one), 3 loaded, 2 "invalid JSON"
    assert (entry.read, entry.loaded, entry.quarantined) == (5, 3, 2)
    assert entry.quarantine_reasons == {INVALID_JSON: 2}
