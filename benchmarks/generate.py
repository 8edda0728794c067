"""Deterministic large scenarios in the shape of the running example (issue 6).

One scenario = a roster, a rollout plan and messy event exports from three systems, written
outside the repository (default /tmp/adoption-bench/<size>/):

- crm_plugin_events_N.csv: semicolon CSV, e-mails in mixed case, naive `MM/DD/YYYY HH:MM` times;
- coach_app_events_N.jsonl.gz: gzip JSON Lines, employee ids, epoch milliseconds, event ids,
  the `accepted` feedback flag;
- call_analyzer_export_N.csv: comma CSV, ISO 8601 times with offsets; call_analyzer_overlap.csv
  repeats the last tenth of the calls (an overlapping export: all duplicates).

Each source is split into consecutive exports of at most PART_ROWS rows (the upload cap is
200 MB a file): one file per source at 1M events, several at 10M.

Each file carries a few bad rows (empty or placeholder user, unparseable or out-of-range time,
wrong field count, repeated header, invalid JSON) and a few duplicates. Everything is drawn from
one seeded numpy generator with vectorised operations, so the same scenario is byte-identical on
every run and 10 million events take well under a minute or two.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import numpy as np
import polars as pl

GENERATOR_VERSION = 3
PART_ROWS = 1_500_000  # rows per export file: ~120 MB of CSV, under the 200 MB upload cap
SEED = 20261106
FIRST_DAY = dt.date(2026, 2, 25)  # the champions' pilot starts five days before launch
LAUNCH = dt.date(2026, 3, 2)  # a Monday: wave 1 starts
WAVE_OFFSETS = {1: 0, 2: 28, 3: 56, 4: 84}  # days after launch (SPEC 2.3 default plan)
WAVE_NAMES = {1: "Champions", 2: "Early adopters", 3: "Majority", 4: "Everyone else"}
SIZES: dict[str, tuple[int, int]] = {
    "1m": (1_000_000, 2_000),
    "10m": (10_000_000, 20_000),
    "100m": (100_000_000, 200_000),
}
STREAM_ABOVE = 20_000_000  # larger scenarios are generated day by day (generate_stream.py)
DEFAULT_ROOT = Path(os.environ.get("ADOPTION_BENCH_DIR", "/tmp/adoption-bench"))
REGIONS = ["North America", "EMEA", "Latin America", "APAC"]
REGION_OFFSETS = {  # minutes east of UTC, and how the call analyzer writes it
    "North America": (-300, "-05:00"),
    "EMEA": (60, "+01:00"),
    "Latin America": (-180, "-03:00"),
    "APAC": (330, "+05:30"),
}
EVENT_NAMES = [
    "login",
    "crm_note_synced",
    "suggestion_shown",
    "suggestion_feedback",
    "call_analyzed",
]
EVENT_SHARES = [0.12, 0.20, 0.30, 0.18, 0.20]
SOURCE_OF_EVENT = np.array([0, 0, 1, 1, 2])  # 0 crm_plugin, 1 coach_app, 2 call_analyzer
FEATURES = ["objection_handling", "discovery_questions", "pricing", "next_steps", "follow_up"]
CLIENT_VERSIONS = ["4.2.0", "4.2.1", "4.3.0"]
FIRST_NAMES = [
    "Aisha", "Alex", "Amelia", "Ana", "Andrew", "Ben", "Camila", "Carlos", "Chen", "Chloe",
    "Daniel", "Diego", "Elena", "Emma", "Fatima", "Felipe", "Grace", "Hiro", "Isabel", "Jack",
    "Julia", "Kenji", "Laura", "Leo", "Lucas", "Maria", "Mateo", "Maya", "Mei", "Noah",
    "Olivia", "Omar", "Priya", "Rahul", "Rosa", "Sara", "Sofia", "Tom", "Valentina", "Yuki",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Bauer", "Brown", "Chen", "Costa", "Davis", "Dubois", "Fischer", "Garcia",
    "Gupta", "Hughes", "Ito", "Kim", "Kowalski", "Lee", "Lopez", "Martin", "Meyer", "Murphy",
    "Nguyen", "Novak", "Patel", "Perez", "Rossi", "Santos", "Schmidt", "Silva", "Singh",
    "Smith", "Tanaka", "Taylor", "Wang", "Weber", "Wilson", "Young",
]  # fmt: skip


@dataclass(frozen=True)
class Scenario:
    """What to generate: clean events, roster size, days covered and the seed."""

    events: int
    people: int
    days: int = 200
    seed: int = SEED


@dataclass(frozen=True)
class ScenarioFiles:
    """Where a generated scenario lies: event files, roster, plan and its manifest."""

    root: Path
    events: list[Path]
    roster: Path
    plan: Path
    manifest: dict


def scenario_for(size: str) -> Scenario:
    """The named benchmark size ('1m', '10m', '100m') or 'N:P' for N events over P people."""
    if size in SIZES:
        events, people = SIZES[size]
        return Scenario(events=events, people=people)
    events, _, people = size.partition(":")
    return Scenario(events=int(events), people=int(people or max(10, int(events) // 500)))


def rng_for(scenario: Scenario, stream: int) -> np.random.Generator:
    """A generator per part of the scenario, so one part's draws never shift another's."""
    return np.random.default_rng([scenario.seed, stream])


def wave_start(wave: np.ndarray) -> np.ndarray:
    """Day index (0 = FIRST_DAY) of each person's effective wave start (unknown wave -> last)."""
    launch = (LAUNCH - FIRST_DAY).days
    offsets = np.array([WAVE_OFFSETS[4], *WAVE_OFFSETS.values(), WAVE_OFFSETS[4]])
    return launch + offsets[np.clip(wave, 0, 5)]


# ---------------------------------------------------------------- roster and plan


def roster_arrays(scenario: Scenario) -> dict[str, np.ndarray]:
    """The organisation as arrays, one entry per person: teams of ~20, 2 champions each."""
    n = scenario.people
    rng = rng_for(scenario, 1)
    executives = max(1, n // 200)
    teams = max(1, (n - executives) // 20)
    index = np.arange(n)
    member = index - executives
    team = np.where(member >= 0, member % teams, -1)
    rank = np.where(member >= 0, member // teams, -1)
    role = np.where(member < 0, "executive", np.where(rank == 0, "manager", "rep"))
    champion = (rank == 1) | (rank == 2)
    rep_wave = rng.choice([2, 3, 4, 5, 0], size=n, p=[0.2, 0.4, 0.37, 0.015, 0.015])
    wave = np.where(champion | (member < 0), 1, np.where(rank == 0, 2, rep_wave))
    return {
        "index": index,
        "executives": np.full(n, executives),
        "teams": np.full(n, teams),
        "team": team,
        "rank": rank,
        "role": role,
        "is_champion": champion,
        "wave": wave,
        "id_number": rng.permutation(n) + 1,
        "first": rng.integers(0, len(FIRST_NAMES), n),
        "last": rng.integers(0, len(LAST_NAMES), n),
        "trained": champion | (rng.random(n) < 0.55),
        "training_offset": rng.integers(-7, 21, n),
        "leaver": rng.random(n) < 0.015,
        "active_blank": rng.random(n) < 0.02,
        "no_champion": rng.random(n) < 0.03,
    }


def roster_frame(people: dict[str, np.ndarray], scenario: Scenario) -> pl.DataFrame:
    """The roster as the HR export writes it: one row per person, SPEC 2.2 columns, as text."""
    executives, teams = int(people["executives"][0]), int(people["teams"][0])
    team, rank = people["team"], people["rank"]
    ids = pl.Series(people["id_number"]).cast(pl.String).str.zfill(6)
    manager_index = np.where(rank > 0, executives + team, np.where(rank == 0, team % executives, 0))
    champion_index = executives + team + teams * np.where(rank >= 3, 1 + rank % 2, 1)
    has_champion = (rank == 0) | (rank >= 3)
    has_champion &= ~people["no_champion"] & (champion_index < len(rank))
    last_day = FIRST_DAY + dt.timedelta(days=scenario.days - 1)
    trained_on = pl.Series(
        wave_start(people["wave"]) + people["training_offset"], dtype=pl.Int64
    ).clip(0, scenario.days - 1)
    frame = pl.DataFrame(
        {
            "user_id": ids,
            "first": np.array(FIRST_NAMES)[people["first"]],
            "last": np.array(LAST_NAMES)[people["last"]],
            "team_no": team,
            "role": people["role"],
            "is_champion": people["is_champion"],
            "wave": people["wave"],
            "manager_id": ids.gather(np.clip(manager_index, 0, len(rank) - 1)),
            "champion_id": ids.gather(np.clip(champion_index, 0, len(rank) - 1)),
        }
    )
    return frame.select(
        "user_id",
        name=pl.col("first") + " " + pl.col("last"),
        email=(pl.col("first") + "." + pl.col("last") + "." + pl.col("user_id")).str.to_lowercase()
        + "@example.com",
        team=pl.when(pl.col("team_no") < 0)
        .then(pl.lit("Sales Leadership"))
        .otherwise(pl.format("Team {}", (pl.col("team_no") + 1).cast(pl.String).str.zfill(4))),
        region=pl.Series(np.array(REGIONS)[np.where(team < 0, people["index"], team) % 4]),
        manager_id=pl.when(pl.Series(people["index"] == 0)).then(None).otherwise("manager_id"),
        role="role",
        is_champion=pl.col("is_champion").cast(pl.String).str.to_lowercase(),
        champion_id=pl.when(pl.Series(has_champion)).then("champion_id").otherwise(None),
        wave=pl.when(pl.col("wave") > 0).then(pl.col("wave").cast(pl.String)).otherwise(None),
        training_completed_on=pl.when(pl.Series(people["trained"]))
        .then(pl.lit(FIRST_DAY) + pl.duration(days=trained_on))
        .otherwise(None)
        .clip(upper_bound=last_day)
        .cast(pl.String),
        active=pl.when(pl.Series(people["leaver"]))
        .then(pl.lit("false"))
        .when(pl.Series(people["active_blank"]))
        .then(pl.lit(""))
        .otherwise(pl.lit("true")),
    )


def plan_frame(people: dict[str, np.ndarray]) -> pl.DataFrame:
    """The default rollout plan (SPEC 2.3) sized to this roster: one row per wave."""
    sizes = [int((people["wave"] == w).sum()) for w in (1, 2, 3)]
    return pl.DataFrame(
        {
            "wave": [1, 2, 3, 4],
            "name": [WAVE_NAMES[w] for w in (1, 2, 3, 4)],
            "start": [LAUNCH + dt.timedelta(days=WAVE_OFFSETS[w]) for w in (1, 2, 3, 4)],
            "planned_size": [*sizes, None],
        }
    )


# ---------------------------------------------------------------- activity


def person_parameters(
    people: dict[str, np.ndarray],
    extra: int,
    scenario: Scenario,
    rng: np.random.Generator | None = None,
) -> dict[str, np.ndarray]:
    """Per person (roster then unmatched users): adopter flag, first active day, intensity,
    change day and multiplier, drawn from `rng` (stream 2 when not given) in a fixed order."""
    rng = rng_for(scenario, 2) if rng is None else rng
    n = len(people["wave"]) + extra
    wave = np.concatenate([people["wave"], np.full(extra, 4)])
    role = np.concatenate([people["role"], np.full(extra, "rep")])
    champion = np.concatenate([people["is_champion"], np.zeros(extra, bool)])
    trained = np.concatenate([people["trained"], np.ones(extra, bool)])
    leaver = np.concatenate([people["leaver"], np.zeros(extra, bool)])
    p_adopt = np.select(
        [champion, role == "executive", role == "manager", trained], [0.97, 0.75, 0.7, 0.75], 0.5
    )
    adopter = rng.random(n) < p_adopt
    delay = rng.geometric(1 / 6, n) - 1
    early = rng.random(n) < 0.03
    first = wave_start(wave) + np.where(early, -rng.integers(1, 21, n), delay)
    first = np.where(np.arange(n) >= n - extra, rng.integers(0, scenario.days, n), first)
    intensity = 0.15 + 0.75 * rng.beta(2, 2.5, n)
    kind = rng.random(n)
    change_day = first + rng.exponential(45, n).astype(int)
    multiplier = np.where(kind < 0.18, 0.02, np.where(kind < 0.33, 0.3, 1.0))
    multiplier = np.where(leaver, 0.0, multiplier)
    return {
        "adopter": adopter,
        "first": first,
        "intensity": intensity,
        "change_day": change_day,
        "multiplier": multiplier,
    }


def activity_matrix(people: dict[str, np.ndarray], extra: int, scenario: Scenario) -> np.ndarray:
    """Active (day, person) cells: one boolean per day per person (roster + unmatched users).
    The day matrix is drawn from the same stream, after the per-person draws."""
    rng = rng_for(scenario, 2)
    params = person_parameters(people, extra, scenario, rng)
    day = np.arange(scenario.days)[:, None]
    weekend = ((FIRST_DAY.weekday() + day) % 7) >= 5
    probability = (
        params["intensity"][None, :]
        * np.where(day >= params["change_day"][None, :], params["multiplier"][None, :], 1.0)
        * np.where(weekend, 0.2, 1.0)
        * ((day >= params["first"][None, :]) & params["adopter"][None, :])
    )
    return rng.random((scenario.days, len(params["first"]))) < probability


def event_cells(active: np.ndarray, scenario: Scenario) -> tuple[np.ndarray, np.ndarray]:
    """Day and person of every clean event: each active cell gets >= 1, heavy users more."""
    rng = rng_for(scenario, 3)
    day, person = np.nonzero(active)
    if len(day) > scenario.events:  # tiny scenarios: keep a random subset of the cells
        keep = np.sort(rng.choice(len(day), scenario.events, replace=False))
        day, person = day[keep], person[keep]
    weight = rng.gamma(2.0, 1.0, active.shape[1])[person]
    extra = rng.choice(len(day), scenario.events - len(day), p=weight / weight.sum())
    counts = 1 + np.bincount(extra, minlength=len(day))
    return np.repeat(day, counts), np.repeat(person, counts)


def events_frame(
    day: np.ndarray, person: np.ndarray, people_count: int, scenario: Scenario
) -> pl.DataFrame:
    """One row per clean event: person, UTC epoch second, event, source, feedback, extras."""
    rng = rng_for(scenario, 4)
    n = len(day)
    epoch = (FIRST_DAY - dt.date(1970, 1, 1)).days * 86_400
    seconds = epoch + day.astype(np.int64) * 86_400 + rng.integers(8 * 3600, 19 * 3600, n)
    kind = rng.choice(len(EVENT_NAMES), n, p=EVENT_SHARES)
    trust = rng.beta(6, 2, people_count)
    trust[rng.random(people_count) < 0.05] = 0.1  # people losing trust in the suggestions
    accepted = rng.random(n) < trust[person]
    return pl.DataFrame(
        {
            "person": person.astype(np.int32),
            "ts": seconds,
            "ms": rng.integers(0, 1000, n, dtype=np.int64),
            "event": pl.Series(EVENT_NAMES).gather(kind),
            "source_no": SOURCE_OF_EVENT[kind].astype(np.int8),
            "accepted": pl.Series(accepted).set(pl.Series(kind != 3), None),
            "feature": pl.Series(FEATURES).gather(rng.integers(0, len(FEATURES), n)),
            "version": pl.Series(CLIENT_VERSIONS).gather(rng.integers(0, len(CLIENT_VERSIONS), n)),
            "duration": rng.integers(60, 3600, n),
        }
    ).sort("ts", "person", maintain_order=True)


def identities(roster: pl.DataFrame, extra: int) -> pl.DataFrame:
    """Per person (roster first, then unmatched users): employee id, e-mail, region."""
    guests = pl.DataFrame(
        {
            "user_id": [f"X{k:05d}" for k in range(extra)],
            "email": [f"guest{k}@partner.example" for k in range(extra)],
            "region": [REGIONS[k % 4] for k in range(extra)],
        }
    )
    return pl.concat([roster.select("user_id", "email", "region"), guests])


def with_duplicates(frame: pl.DataFrame, scenario: Scenario, stream: int) -> pl.DataFrame:
    """The rows plus ~0.1% exact repeats of sampled rows, kept in time order."""
    rng = rng_for(scenario, stream)
    repeats = frame[np.sort(rng.choice(frame.height, max(2, frame.height // 1000)))]
    return pl.concat([frame, repeats]).sort("ts", maintain_order=True)


# ---------------------------------------------------------------- the three sources


def crm_plugin(events: pl.DataFrame, ids: pl.DataFrame, scenario: Scenario) -> pl.DataFrame:
    """CRM plugin export rows: e-mail (case and spaces vary), MM/DD/YYYY HH:MM, action."""
    rng = rng_for(scenario, 5)
    rows = events.filter(pl.col("source_no") == 0)
    email = ids["email"].gather(rows["person"])
    style = pl.Series(rng.random(rows.height))
    rows = with_duplicates(
        rows.with_columns(
            email=pl.when(style < 0.08)
            .then(email.str.to_uppercase())
            .when(style < 0.10)
            .then(" " + email + " ")
            .otherwise(email)
        ),
        scenario,
        6,
    )
    return rows.select(
        "email",
        event_time=pl.from_epoch("ts", time_unit="s").dt.strftime("%m/%d/%Y %H:%M"),
        action="event",
        client_version="version",
        source=pl.lit("crm_plugin"),
    )


def coach_app(
    events: pl.DataFrame, ids: pl.DataFrame, scenario: Scenario, first_id: int = 0
) -> pl.DataFrame:
    """Coaching app rows: event id (numbered from first_id), employee id, epoch ms, session,
    feature, accepted."""
    rng = rng_for(scenario, 7)
    rows = events.filter(pl.col("source_no") == 1)
    rows = rows.with_columns(
        event_id=pl.format(
            "ev-{}", (pl.int_range(pl.len()) + first_id).cast(pl.String).str.zfill(9)
        ),
        user_id=ids["user_id"].gather(rows["person"]),
    )
    placeholder = pl.Series(rng.random(rows.height) < 0.0002)
    rows = rows.with_columns(event_id=pl.when(placeholder).then(pl.lit("0")).otherwise("event_id"))
    return with_duplicates(rows, scenario, 8).select(
        "event_id",
        "user_id",
        ts=pl.col("ts") * 1000 + pl.col("ms"),
        event="event",
        session_id=pl.format("s{}-{}", "person", pl.col("ts") // 86_400),
        feature="feature",
        accepted="accepted",
        source=pl.lit("coach_app"),
    )


def call_analyzer(events: pl.DataFrame, ids: pl.DataFrame, scenario: Scenario) -> pl.DataFrame:
    """Call analyzer rows: employee id, ISO 8601 time with the region's offset, call details."""
    rows = events.filter(pl.col("source_no") == 2)
    region = ids["region"].gather(rows["person"])
    minutes = region.replace_strict({r: m for r, (m, _) in REGION_OFFSETS.items()})
    suffix = region.replace_strict({r: s for r, (_, s) in REGION_OFFSETS.items()})
    rows = with_duplicates(
        rows.with_columns(
            user_id=ids["user_id"].gather(rows["person"]), minutes=minutes, suffix=suffix
        ),
        scenario,
        9,
    )
    local = pl.from_epoch(pl.col("ts") + pl.col("minutes") * 60, time_unit="s")
    return rows.select(
        "user_id",
        occurred_at=local.dt.strftime("%Y-%m-%dT%H:%M:%S") + pl.col("suffix"),
        event_name="event",
        call_id=pl.format("call-{}-{}", "person", "ts"),
        duration_s="duration",
        source=pl.lit("call_analyzer"),
    )


# ---------------------------------------------------------------- bad rows and writing


def bad_csv_lines(kind: str, count: int) -> list[str]:
    """Lines a person would quarantine, repeated `count` times, for one CSV source."""
    if kind == "crm":
        lines = [
            ";03/04/2026 10:00;login;4.2.0;crm_plugin",
            "null;03/04/2026 10:00;login;4.2.0;crm_plugin",
            "a.b@example.com;03/04/2026 25:61;login;4.2.0;crm_plugin",
            "a.b@example.com;01/01/1999 10:00;login;4.2.0;crm_plugin",
            "a.b@example.com;03/04/2026 10:00;login",
            "email;event_time;action;client_version;source",
        ]
    else:
        lines = [
            ",2026-03-04T10:00:00Z,call_analyzed,call-x,60,call_analyzer",
            "undefined,2026-03-04T10:00:00Z,call_analyzed,call-x,60,call_analyzer",
            "000001,2026-13-45T25:00:00+01:00,call_analyzed,call-x,60,call_analyzer",
            "000001,2031-01-01T00:00:00Z,call_analyzed,call-x,60,call_analyzer",
            "000001,2026-03-04T10:00:00Z,call_analyzed,call-x,60,call_analyzer,extra,fields",
            "user_id,occurred_at,event_name,call_id,duration_s,source",
        ]
    return lines * count


def bad_json_lines(count: int) -> list[str]:
    """JSON Lines a person would quarantine (invalid JSON, no user, bad or ancient time)."""
    lines = [
        '{"event_id": "ev-bad-1", "user_id": "000001", "ts": ',
        '{"event_id": "ev-bad-2", "user_id": null, "ts": 1772618400000, "event": "login"}',
        '{"event_id": "ev-bad-3", "user_id": "n/a", "ts": 1772618400000, "event": "login"}',
        '{"event_id": "ev-bad-4", "user_id": "000001", "ts": "yesterday", "event": "login"}',
        '{"event_id": "ev-bad-5", "user_id": "000001", "ts": 86400000, "event": "login"}',
    ]
    return [line.replace("ev-bad-", f"ev-bad-{k}-") for k in range(count) for line in lines]


def write_csv(frame: pl.DataFrame, path: Path, separator: str, bad: list[str]) -> None:
    """CSV in two halves with the bad lines between them (so a repeated header sits mid-file)."""
    half = frame.height // 2
    with path.open("wb") as out:
        frame.head(half).write_csv(out, separator=separator)
        out.write(("\n".join(bad) + "\n").encode())
        frame.slice(half).write_csv(out, separator=separator, include_header=False)


def write_jsonl_gz(frame: pl.DataFrame, path: Path, bad: list[str]) -> None:
    """gzip -1 JSON Lines streamed through the system gzip, bad lines mid-file."""
    half = frame.height // 2
    with path.open("wb") as out:
        gzip = subprocess.Popen(["gzip", "-1", "-n", "-c"], stdin=subprocess.PIPE, stdout=out)
        stream: IO[bytes] = gzip.stdin  # type: ignore[assignment]
        frame.head(half).write_ndjson(stream)
        stream.write(("\n".join(bad) + "\n").encode())
        frame.slice(half).write_ndjson(stream)
        stream.close()
        if gzip.wait() != 0:
            raise RuntimeError(f"gzip failed writing {path}")


def data_lines(frames: Iterable[pl.DataFrame]) -> int:
    """Rows written across frames (bad lines not included)."""
    return sum(frame.height for frame in frames)


def generate(
    scenario: Scenario, root: Path, *, force: bool = False, streamed: bool | None = None
) -> ScenarioFiles:
    """Write the scenario under root (skipped when the same scenario is already there); day by
    day when `streamed` (by default above STREAM_ABOVE events), so 100M fit in memory."""
    manifest_path = root / "manifest.json"
    wanted = {"generator_version": GENERATOR_VERSION, **asdict(scenario)}
    if not force and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("scenario") == wanted:
            return files_of(root, manifest)
    if scenario.events > STREAM_ABOVE if streamed is None else streamed:
        from benchmarks.generate_stream import generate_streamed  # it imports this module

        manifest = generate_streamed(scenario, root, wanted)
        manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
        return files_of(root, manifest)
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    people = roster_arrays(scenario)
    roster = roster_frame(people, scenario)
    extra = max(2, scenario.people // 250)
    day, person = event_cells(activity_matrix(people, extra, scenario), scenario)
    events = events_frame(day, person, scenario.people + extra, scenario)
    ids = identities(roster, extra)
    crm, coach, calls = (f(events, ids, scenario) for f in (crm_plugin, coach_app, call_analyzer))
    bad = max(1, scenario.events // 1_000_000)
    overlap = calls.slice(calls.height - calls.height // 10)
    written = [
        *write_parts(crm, root, "crm_plugin_events_{}.csv", bad_csv_lines("crm", bad)),
        *write_parts(coach, root, "coach_app_events_{}.jsonl.gz", bad_json_lines(bad)),
        *write_parts(calls, root, "call_analyzer_export_{}.csv", bad_csv_lines("calls", bad)),
    ]
    write_csv(overlap, root / "call_analyzer_overlap.csv", ",", [])
    roster.write_csv(root / "roster.csv")
    plan_frame(people).write_csv(root / "plan.csv")
    manifest = {
        "scenario": wanted,
        "event_files": [*(p.name for p in written), "call_analyzer_overlap.csv"],
        "clean_events": events.height,
        "people": scenario.people,
        "unmatched_people": extra,
        "rows_written": data_lines([crm, coach, calls, overlap]),
        "bad_lines_per_file": bad * 6,
        "first_day": FIRST_DAY.isoformat(),
        "last_day": (FIRST_DAY + dt.timedelta(days=scenario.days - 1)).isoformat(),
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n")
    return files_of(root, manifest)


def write_parts(frame: pl.DataFrame, root: Path, pattern: str, bad: list[str]) -> list[Path]:
    """The source's rows as consecutive exports of at most PART_ROWS rows (the upload cap is
    200 MB a file), each with the bad lines in its middle; returns the paths written."""
    parts = max(1, -(-frame.height // PART_ROWS))
    size = -(-frame.height // parts)
    paths = [root / pattern.format(number + 1) for number in range(parts)]
    for number, path in enumerate(paths):
        part = frame.slice(number * size, size)
        if path.name.endswith(".gz"):
            write_jsonl_gz(part, path, bad)
        else:
            write_csv(part, path, ";" if path.name.startswith("crm") else ",", bad)
    return paths


def files_of(root: Path, manifest: dict) -> ScenarioFiles:
    """The paths of a scenario written under root."""
    return ScenarioFiles(
        root=root,
        events=[root / name for name in manifest["event_files"]],
        roster=root / "roster.csv",
        plan=root / "plan.csv",
        manifest=manifest,
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks.generate --size 1m [--out DIR] [--force]`."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--size", default="1m", help="1m, 10m, 100m or EVENTS:PEOPLE")
    parser.add_argument("--out", type=Path, help="folder (default /tmp/adoption-bench/<size>)")
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args(argv)
    root = args.out or DEFAULT_ROOT / args.size.replace(":", "_")
    files = generate(scenario_for(args.size), root, force=args.force)
    print(json.dumps(files.manifest, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
