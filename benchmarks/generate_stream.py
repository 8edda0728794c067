"""The large scenarios (100M events) generated day by day, never whole in memory (issue 12).

Same shape as `generate.generate` (roster, plan, the three sources with bad lines and duplicates,
consecutive exports of at most PART_ROWS rows, the overlapping call export), but the events are
drawn one day at a time: the per-person parameters and the activity matrix (one boolean per day
and person) are held whole, the events of a day are drawn, shaped into the three sources and
spooled to one Parquet file per source and day; the exports are then written part by part from
a lazy scan of the spool. Peak memory is one day's events or one part, not the scenario.
Draws differ from the in-memory generator (one seeded stream per day), so the 1m/10m files of
`generate` are unchanged; a streamed scenario is itself byte-identical on every run.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import time
from pathlib import Path

import numpy as np
import polars as pl

from benchmarks import generate as g

DAY_STREAM = 1_000  # rng streams DAY_STREAM + day and 2 * DAY_STREAM + day, apart from 1-9
SOURCES = {
    "crm": ("crm_plugin_events_{}.csv", g.crm_plugin),
    "coach": ("coach_app_events_{}.jsonl.gz", g.coach_app),
    "calls": ("call_analyzer_export_{}.csv", g.call_analyzer),
}


def active_on(day: int, params: dict, scenario: g.Scenario) -> np.ndarray:
    """Who is active on one day (one boolean per person), from that day's own stream."""
    weekend = ((g.FIRST_DAY.weekday() + day) % 7) >= 5
    probability = (
        params["intensity"]
        * np.where(day >= params["change_day"], params["multiplier"], 1.0)
        * (0.2 if weekend else 1.0)
        * ((day >= params["first"]) & params["adopter"])
    )
    rng = g.rng_for(scenario, DAY_STREAM + day)
    return rng.random(len(probability)) < probability


def day_plan(
    active: np.ndarray, weight: np.ndarray, events: int, rng: np.random.Generator
) -> np.ndarray:
    """Clean events per day: each active cell gets one, the rest spread over the days in
    proportion to their active people's weights (one multinomial, as generate spreads them
    over the cells)."""
    cells = active.sum(axis=1)
    if cells.sum() > events:
        raise ValueError(f"{cells.sum():,} active person-days exceed {events:,} events")
    day_weight = active.astype(np.float64) @ weight
    return cells + rng.multinomial(events - int(cells.sum()), day_weight / day_weight.sum())


def day_events(
    day: int, active_row: np.ndarray, count: int, weight: np.ndarray, scenario: g.Scenario
) -> tuple[np.ndarray, np.ndarray]:
    """Day and person of the day's `count` clean events: one per active person, the rest by
    weight (heavy users more), persons in ascending order like `generate.event_cells`."""
    rng = g.rng_for(scenario, 2 * DAY_STREAM + day)
    person = np.flatnonzero(active_row)
    w = weight[person]
    extra = rng.choice(len(person), count - len(person), p=w / w.sum())
    counts = 1 + np.bincount(extra, minlength=len(person))
    return np.full(count, day), np.repeat(person, counts)


def day_scenario(scenario: g.Scenario, day: int) -> g.Scenario:
    """The scenario with a per-day seed, so the sources' own streams differ from day to day."""
    return dataclasses.replace(scenario, seed=scenario.seed * 1_000 + day)


def part_plan(rows: int, cap: int | None = None) -> list[tuple[int, int]]:
    """(offset, rows) of each export of a source: the fewest parts of at most `cap` rows
    (PART_ROWS), of equal size but the last, as `generate.write_parts` cuts them."""
    cap = cap or g.PART_ROWS
    parts = max(1, -(-rows // cap))
    size = -(-rows // parts)
    return [(number * size, min(size, rows - number * size)) for number in range(parts)]


def day_sources(
    events: pl.DataFrame, ids: pl.DataFrame, scenario: g.Scenario, first_id: int
) -> dict[str, pl.DataFrame]:
    """The day's rows of each source that has any (coach event ids numbered from first_id)."""
    present = set(events["source_no"].unique().to_list())
    makers = {
        "crm": lambda: g.crm_plugin(events, ids, scenario),
        "coach": lambda: g.coach_app(events, ids, scenario, first_id),
        "calls": lambda: g.call_analyzer(events, ids, scenario),
    }
    return {name: make() for number, (name, make) in enumerate(makers.items()) if number in present}


def spool_day(day: int, frames: dict[str, pl.DataFrame], spool: Path) -> dict[str, int]:
    """Write one day's rows of each source to the spool; returns the rows per source."""
    for source, frame in frames.items():
        frame.write_parquet(spool / f"{source}_{day:04d}.parquet", compression="lz4")
    return {source: frame.height for source, frame in frames.items()}


def write_source(source: str, rows: int, spool: Path, root: Path, bad: list[str]) -> list[Path]:
    """The source's exports from its spool, one part in memory at a time."""
    pattern, _ = SOURCES[source]
    scan = pl.scan_parquet(sorted(spool.glob(f"{source}_*.parquet")))
    paths = []
    for number, (offset, size) in enumerate(part_plan(rows)):
        path = root / pattern.format(number + 1)
        part = scan.slice(offset, size).collect()
        if path.name.endswith(".gz"):
            g.write_jsonl_gz(part, path, bad)
        else:
            g.write_csv(part, path, ";" if source == "crm" else ",", bad)
        paths.append(path)
    return paths


def overlap_names(rows: int) -> list[str]:
    """The overlapping call exports: one file as in `generate`, or parts when over PART_ROWS."""
    parts = len(part_plan(rows))
    if parts == 1:
        return ["call_analyzer_overlap.csv"]
    return [f"call_analyzer_overlap_{number + 1}.csv" for number in range(parts)]


def write_overlap(calls: int, rows: int, spool: Path, root: Path) -> list[Path]:
    """The last `rows` calls again (an overlapping export, all duplicates), in parts."""
    scan = pl.scan_parquet(sorted(spool.glob("calls_*.parquet")))
    paths = [root / name for name in overlap_names(rows)]
    for path, (offset, size) in zip(paths, part_plan(rows), strict=True):
        g.write_csv(scan.slice(calls - rows + offset, size).collect(), path, ",", [])
    return paths


def generate_streamed(scenario: g.Scenario, root: Path, wanted: dict) -> dict:
    """Write the scenario under root day by day; returns its manifest."""
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    spool = root / "spool"
    shutil.rmtree(spool, ignore_errors=True)
    spool.mkdir()
    people = g.roster_arrays(scenario)
    roster = g.roster_frame(people, scenario)
    extra = max(2, scenario.people // 250)
    params = g.person_parameters(people, extra, scenario)
    active = np.stack([active_on(day, params, scenario) for day in range(scenario.days)])
    rng = g.rng_for(scenario, 3)
    weight = np.asarray(rng.gamma(2.0, 1.0, active.shape[1]))
    per_day = day_plan(active, weight, scenario.events, rng)
    trust_rng = g.rng_for(scenario, 4)
    trust = np.asarray(trust_rng.beta(6, 2, active.shape[1]))
    trust[trust_rng.random(active.shape[1]) < 0.05] = 0.1
    ids = g.identities(roster, extra)
    totals = dict.fromkeys(SOURCES, 0)
    for day in range(scenario.days):
        if per_day[day] == 0:
            continue
        days, person = day_events(day, active[day], int(per_day[day]), weight, scenario)
        events = day_frame(days, person, trust, day_scenario(scenario, day))
        frames = day_sources(events, ids, day_scenario(scenario, day), totals["coach"])
        for source, rows in spool_day(day, frames, spool).items():
            totals[source] += rows
    bad = max(1, scenario.events // 1_000_000)
    written = [
        *write_source("crm", totals["crm"], spool, root, g.bad_csv_lines("crm", bad)),
        *write_source("coach", totals["coach"], spool, root, g.bad_json_lines(bad)),
        *write_source("calls", totals["calls"], spool, root, g.bad_csv_lines("calls", bad)),
    ]
    overlap_rows = totals["calls"] // 10
    written += write_overlap(totals["calls"], overlap_rows, spool, root)
    shutil.rmtree(spool)
    roster.write_csv(root / "roster.csv")
    g.plan_frame(people).write_csv(root / "plan.csv")
    return {
        "scenario": wanted,
        "event_files": [p.name for p in written],
        "clean_events": int(per_day.sum()),
        "people": scenario.people,
        "unmatched_people": extra,
        "rows_written": sum(totals.values()) + overlap_rows,
        "bad_lines_per_file": bad * 6,
        "first_day": g.FIRST_DAY.isoformat(),
        "last_day": (g.FIRST_DAY + dt.timedelta(days=scenario.days - 1)).isoformat(),
        "streamed": True,
        "seconds": round(time.perf_counter() - started, 2),
    }


def day_frame(
    day: np.ndarray, person: np.ndarray, trust: np.ndarray, scenario: g.Scenario
) -> pl.DataFrame:
    """One day's clean events in the columns of `generate.events_frame` (trust per person is
    drawn once for the whole scenario, the rest from the day's scenario)."""
    rng = g.rng_for(scenario, 4)
    n = len(day)
    epoch = (g.FIRST_DAY - dt.date(1970, 1, 1)).days * 86_400
    seconds = epoch + day.astype(np.int64) * 86_400 + rng.integers(8 * 3600, 19 * 3600, n)
    kind = rng.choice(len(g.EVENT_NAMES), n, p=g.EVENT_SHARES)
    accepted = rng.random(n) < trust[person]
    return pl.DataFrame(
        {
            "person": person.astype(np.int32),
            "ts": seconds,
            "ms": rng.integers(0, 1000, n, dtype=np.int64),
            "event": pl.Series(g.EVENT_NAMES).gather(kind),
            "source_no": g.SOURCE_OF_EVENT[kind].astype(np.int8),
            "accepted": pl.Series(accepted).set(pl.Series(kind != 3), None),
            "feature": pl.Series(g.FEATURES).gather(rng.integers(0, len(g.FEATURES), n)),
            "version": pl.Series(g.CLIENT_VERSIONS).gather(
                rng.integers(0, len(g.CLIENT_VERSIONS), n)
            ),
            "duration": rng.integers(60, 3600, n),
        }
    ).sort("ts", "person", maintain_order=True)
