"""The 100M scenario's plan (sizes, parts, days) without generating 100M rows, and the streamed
generator on a small scenario: deterministic, exports within the part cap, nothing lost."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from benchmarks import generate
from benchmarks.generate import generate as generate_scenario
from benchmarks.generate import scenario_for
from benchmarks.generate_stream import day_events, day_plan, overlap_names, part_plan

SMALL = "20000:40"


def test_100m_size_and_streaming() -> None:
    scenario = scenario_for("100m")
    assert (scenario.events, scenario.people) == (100_000_000, 200_000)
    assert scenario.events > generate.STREAM_ABOVE >= scenario_for("10m").events


def test_part_plan_cuts_equal_parts_under_the_cap() -> None:
    assert part_plan(10, cap=4) == [(0, 4), (4, 4), (8, 2)]  # 3 parts of ceil(10 / 3) = 4
    assert part_plan(8, cap=4) == [(0, 4), (4, 4)]
    assert part_plan(0, cap=4) == [(0, 0)]
    # 100M: the CRM plugin's 32% of events plus 0.1% duplicates = 32,032,000 rows (about):
    # ceil(32,032,000 / 1,500,000) = 22 parts of 32,032,000 / 22 = 1,456,000 rows.
    plan = part_plan(32_032_000)
    assert len(plan) == 22 and {size for _, size in plan} == {1_456_000}
    assert plan[-1] == (21 * 1_456_000, 1_456_000)


def test_overlap_is_one_file_until_it_needs_parts() -> None:
    assert overlap_names(200_000) == ["call_analyzer_overlap.csv"]  # as generate names it
    assert overlap_names(2_002_000) == [  # 100M: a tenth of ~20M calls, 2 parts of 1,001,000
        "call_analyzer_overlap_1.csv",
        "call_analyzer_overlap_2.csv",
    ]


def test_day_plan_gives_each_active_cell_one_event_and_spreads_the_rest() -> None:
    active = np.array([[True, False, True], [False, True, False], [False, False, False]])
    weight = np.array([1.0, 2.0, 3.0])
    per_day = day_plan(active, weight, 10, np.random.default_rng(1))
    # day 0: 2 active people, day 1: 1, day 2: none (weight 0, so no extra events either)
    assert per_day.sum() == 10 and per_day[0] >= 2 and per_day[1] >= 1 and per_day[2] == 0
    with pytest.raises(ValueError, match="exceed"):
        day_plan(active, weight, 2, np.random.default_rng(1))  # 3 cells, 2 events


def test_day_events_only_for_active_people_in_order() -> None:
    scenario = scenario_for(SMALL)
    day, person = day_events(7, np.array([True, False, True]), 5, np.ones(3), scenario)
    assert list(day) == [7] * 5
    assert set(person) == {0, 2} and list(person) == sorted(person)


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file in a folder except the manifest (it records the seconds taken)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.name != "manifest.json"
    }


def gz_lines(path: Path) -> list[str]:
    """The lines of a gzip text file."""
    return gzip.decompress(path.read_bytes()).decode().splitlines()


def data_rows(path: Path) -> int:
    """Lines of an export that are rows: not the header, blank or one of the fixed bad lines."""
    if path.name.endswith(".gz"):
        return sum(not line.startswith('{"event_id": "ev-bad-') for line in gz_lines(path))
    lines = path.read_text().splitlines()[1:]
    return len(lines) - sum(is_bad_csv(line) or not line for line in lines)  # blank mid-file


def is_bad_csv(line: str) -> bool:
    """One of generate.bad_csv_lines (the fixed bad rows every CSV export carries)."""
    return line in generate.bad_csv_lines("crm", 1) or line in generate.bad_csv_lines("calls", 1)


def test_streamed_scenario_is_deterministic_and_parts_stay_under_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generate, "PART_ROWS", 3_000)
    files = generate_scenario(scenario_for(SMALL), tmp_path / "a", streamed=True)
    again = generate_scenario(scenario_for(SMALL), tmp_path / "b", streamed=True)
    assert digests(files.root) == digests(again.root)
    assert not (files.root / "spool").exists()
    manifest = files.manifest
    assert manifest["clean_events"] == 20_000 and manifest["streamed"]
    rows = {path.name: data_rows(path) for path in files.events}
    assert max(rows.values()) <= 3_000 and sum(rows.values()) == manifest["rows_written"]
    crm = [name for name in rows if name.startswith("crm_plugin_events_")]
    assert len(crm) >= 3  # ~6,400 CRM rows in parts of at most 3,000
    assert set(manifest["event_files"]) == {p.name for p in files.events}
    assert files.roster.read_text().count("\n") == 41  # header + 40 people


def test_streamed_event_ids_never_repeat_across_days(tmp_path: Path) -> None:
    files = generate_scenario(scenario_for(SMALL), tmp_path / "s", streamed=True)
    lines = [
        json.loads(line)
        for path in files.events
        if path.name.endswith(".gz")
        for line in gz_lines(path)
        if line.startswith('{"event_id":"ev-0')
    ]
    frame = pl.DataFrame(lines).select("event_id", "user_id", "ts")
    per_id = frame.group_by("event_id").agg(pl.struct("user_id", "ts").n_unique().alias("n"))
    assert per_id["n"].max() == 1  # an id is one event (its duplicates repeat it exactly)
    assert frame["event_id"].n_unique() > files.manifest["clean_events"] // 4


def test_phase_lines_total_each_phase_and_name_the_slowest(tmp_path: Path) -> None:
    from benchmarks.run import phase_lines

    path = tmp_path / "phases.jsonl"
    rows = [
        {"file": "a.csv", "phase": "parse", "wall_s": 1.0, "cpu_s": 0.5, "peak_mb": 100},
        {"file": "b.csv", "phase": "parse", "wall_s": 2.0, "cpu_s": 1.5, "peak_mb": 200},
        {"file": "a.csv", "phase": "commit", "wall_s": 3.0, "cpu_s": 2.0, "peak_mb": 300},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    lines = phase_lines(path)
    assert "| parse | 2 | 3.0 | 2.0 | 200 |" in lines  # 1.0 + 2.0 s wall, 0.5 + 1.5 s CPU
    assert "| commit | 1 | 3.0 | 2.0 | 300 |" in lines
    assert lines[-1].startswith("Slowest phases: a.csv commit 3.0 s (2.0 s CPU, 300 MB); b.csv")
    assert phase_lines(tmp_path / "none.jsonl") == ["No per-file phases were recorded."]


def test_ingest_timed_logs_a_parse_and_a_commit_per_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    files = generate_scenario(scenario_for("2000:40"), tmp_path / "tiny")
    out, db = tmp_path / "phases.jsonl", tmp_path / "t.duckdb"
    command = [sys.executable, "-m", "benchmarks.ingest_timed", "--phases", str(out), "ingest"]
    done = subprocess.run(
        [*command, *map(str, files.events), "--db", str(db), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 4  # the same report as `adoption ingest`
    logged = [json.loads(line) for line in out.read_text().splitlines()]
    names = [p.name for p in files.events]
    assert [(r["file"], r["phase"]) for r in logged] == [
        (name, phase) for name in names for phase in ("parse", "commit")
    ]
    assert all(r["wall_s"] >= 0 and r["peak_mb"] > 0 for r in logged)
