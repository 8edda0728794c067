"""The rollup row of `make bench`: `adoption rollup` on Spark (local mode) vs DuckDB, whole
processes, outputs compared, throughput per core (docs/scale.md sizes a cluster from it)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import polars as pl

from benchmarks.generate import ScenarioFiles, generate, scenario_for
from benchmarks.run import ADOPTION, Run, run_process, say

SPARK_CORES = 2  # local[2]: the machine's two cores


def inputs(files: ScenarioFiles) -> list[Path]:
    """Every event export: CSV and JSON Lines (its invalid lines are quarantined, not fatal)."""
    return list(files.events)


def rollup_run(files: ScenarioFiles, out: Path, engine: str) -> Run:
    """One whole `adoption rollup` process on the scenario's event files and roster."""
    shutil.rmtree(out, ignore_errors=True)
    command = [ADOPTION, "rollup", "--engine", engine, "--events", *map(str, inputs(files))]
    command += ["--roster", str(files.roster), "--out", str(out)]
    if engine == "spark":
        command += ["--master", f"local[{SPARK_CORES}]"]
    return run_process(command)


def outputs(out: Path) -> tuple[pl.DataFrame, pl.DataFrame, list[dict]]:
    """person_day (sorted), quarantine counts and report of a rollup folder."""
    days = pl.read_parquet(out / "person_day" / "**" / "*.parquet", hive_partitioning=True)
    counts = pl.read_parquet(out / "quarantine_counts.parquet")
    return days.sort("person", "day"), counts, json.loads((out / "report.json").read_text())


def identical(a: Path, b: Path) -> bool:
    """The same person_day, quarantine counts and report."""
    (da, ca, ra), (db, cb, rb) = outputs(a), outputs(b)
    return da.equals(db) and ca.equals(cb) and ra == rb


def rollup_section(files: ScenarioFiles, work: Path) -> str:
    """Markdown: one run per engine, the rows read, and events per second per core."""
    runs = {
        engine: rollup_run(files, work / f"rollup-{engine}", engine)
        for engine in ("duckdb", "spark")
    }
    if any(run.returncode != 0 for run in runs.values()):
        return "\nRollup: a run failed (see the bench log).\n"
    read = sum(entry["read"] for entry in outputs(work / "rollup-duckdb")[2])
    same = identical(work / "rollup-duckdb", work / "rollup-spark")
    lines = ["", "| rollup engine | wall s | CPU s (python side) | MB | events/s per core |"]
    lines.append("|---|---:|---:|---:|---:|")
    for engine, run in runs.items():
        cores = SPARK_CORES if engine == "spark" else os.cpu_count() or 1
        rate = read / run.seconds / cores
        lines.append(
            f"| `adoption rollup --engine {engine}` | {run.seconds:.2f} | {run.cpu_seconds:.2f} "
            f"| {run.peak_mb:.0f} | {rate:,.0f} |"
        )
    verdict = "identical" if same else "**different**"
    lines.append(
        f"\nRollup: {read:,} rows read; Spark and DuckDB outputs are {verdict} "
        "(person_day, quarantine counts, report). Wall time includes process and JVM start."
    )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Run the rollup row alone: python -m benchmarks.rollup_bench [SIZE] [ROOT]."""
    argv = sys.argv[1:] if argv is None else argv
    size = argv[0] if argv else "1m"
    root = Path(argv[1]) if len(argv) > 1 else Path("/tmp/adoption-bench-rollup")
    files = generate(scenario_for(size), root / size)
    work = files.root / "work"
    work.mkdir(exist_ok=True)
    say(f"{size}: rollup on both engines")
    print(rollup_section(files, work))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
