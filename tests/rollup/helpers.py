"""Reading a rollup folder back for comparisons."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl


def person_day(out: Path) -> pl.DataFrame:
    """OUT/person_day as one frame sorted by person and day (the month partition dropped)."""
    frame = pl.read_parquet(out / "person_day" / "**" / "*.parquet", hive_partitioning=True)
    return frame.drop("month").sort("person", "day")


def report(out: Path) -> list[dict]:
    """OUT/report.json."""
    return json.loads((out / "report.json").read_text())


def quarantine_counts(out: Path) -> pl.DataFrame:
    """OUT/quarantine_counts.parquet."""
    return pl.read_parquet(out / "quarantine_counts.parquet")
