"""The running example (sample_events/): Spark and DuckDB give the same outputs, and the DuckDB
rollup gives the person_day of a local `adoption ingest`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import pytest

from analytics.demo import sources
from analytics.ingest.command import ingest_paths
from analytics.rollup.command import RollupRequest, run_rollup
from analytics.rollup.engines import DuckDBEngine, SparkEngine
from tests.rollup.helpers import person_day, quarantine_counts, report

SAMPLE = Path(__file__).resolve().parents[2] / "sample_events"
# The ordinary event files (the vendor exports go through their presets, docs/vendors.md).
FILES = [SAMPLE / f for f in (sources.CRM_FILE, sources.COACH_FILE, *sources.WEB_FILES)]
FILES.append(SAMPLE / sources.CALLS_FILE)


def _request(out: Path) -> RollupRequest:
    return RollupRequest(
        events=tuple(str(f) for f in FILES), out=out, roster=SAMPLE / sources.ROSTER_FILE
    )


@pytest.fixture(scope="module")
def duckdb_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("rollup") / "duckdb"
    engine = DuckDBEngine()
    try:
        run_rollup(engine, _request(out))
    finally:
        engine.close()
    return out


def test_spark_and_duckdb_give_identical_outputs(
    spark: Any, duckdb_out: Path, tmp_path: Path
) -> None:
    out = tmp_path / "spark"
    engine = SparkEngine(spark)
    try:
        run_rollup(engine, _request(out))
    finally:
        engine.close()
    assert person_day(out).equals(person_day(duckdb_out))
    assert quarantine_counts(out).equals(quarantine_counts(duckdb_out))
    assert report(out) == report(duckdb_out)


def test_duckdb_rollup_equals_the_local_ingest(duckdb_out: Path, db_path: Path) -> None:
    ingest_paths(db_path, FILES, roster=SAMPLE / sources.ROSTER_FILE)
    with duckdb.connect(str(db_path), read_only=True) as con:
        local = con.sql(
            "SELECT person_id AS person, day, events, active_events FROM person_day ORDER BY ALL"
        ).pl()
    rolled = person_day(duckdb_out).select("person", "day", "events", "active_events")
    assert local.height > 5000
    assert rolled.cast(local.schema).equals(local)  # type: ignore[arg-type]


def test_report_balances_and_counts_the_planted_rows(duckdb_out: Path) -> None:
    entries = {Path(e["input"]).name: e for e in report(duckdb_out)}
    for entry in entries.values():
        assert entry["read"] == sum(
            entry[k] for k in ("loaded", "duplicates", "quarantined", "suppressed")
        )
    # sources.PLANTED: the CRM file's 4 bad rows and 1 duplicate, the calls file's 1 and 1
    assert (entries[sources.CRM_FILE]["quarantined"], entries[sources.CRM_FILE]["duplicates"]) == (
        4,
        1,
    )
    calls = entries[sources.CALLS_FILE]
    assert (calls["quarantined"], calls["duplicates"]) == (1, 1)
    assert pl.read_parquet(duckdb_out / "quarantine_counts.parquet").columns == [
        "input",
        "reason",
        "count",
    ]
