"""Tiny hand-built metric inputs for the metrics tests, and a seeded random rollout generator."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import polars as pl

from analytics.metrics.inputs import MetricInputs, make_inputs

MONDAY = dt.date(2024, 1, 1)  # 2024-01-01 is a Monday; day(n) = MONDAY + n days


def day(n: int) -> dt.date:
    """The day n days after Monday 2024-01-01 (day(0) is that Monday, day(6) a Sunday)."""
    return MONDAY + dt.timedelta(days=n)


def person_days(rows: list[tuple]) -> pl.DataFrame:
    """person_day rows from (person, day-number[, active_events, accepted, rejected, trailing,
    events, matched]); events defaults to active_events or 1, matched to True."""
    records = []
    for row in rows:
        person, n, active, accepted, rejected, trailing, events, matched = (
            *row,
            *[None] * (8 - len(row)),
        )
        active = 1 if active is None else active
        records.append(
            {
                "person_id": person,
                "day": day(n),
                "events": events if events is not None else max(active, 1),
                "active_events": active,
                "accepted": accepted or 0,
                "rejected": rejected or 0,
                "trailing_rejections": trailing or 0,
                "matched": True if matched is None else matched,
            }
        )
    return pl.DataFrame(records, schema_overrides={"day": pl.Date})


def roster(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Roster rows from dicts with at least user_id (other columns default to null)."""
    return pl.DataFrame(rows, infer_schema_length=None)


def plan(rows: list[tuple[int, str, int, int | None]]) -> pl.DataFrame:
    """Plan rows from (wave, name, start day-number, planned_size)."""
    return pl.DataFrame(
        [{"wave": w, "name": n, "start": day(s), "planned_size": p} for w, n, s, p in rows],
        schema={"wave": pl.Int64, "name": pl.String, "start": pl.Date, "planned_size": pl.Int64},
    )


def build(
    rows: list[tuple] = (),
    people: list[dict[str, Any]] = (),
    waves: list[tuple] = (),
    settings: dict[str, Any] | None = None,
    outreach: pl.DataFrame | None = None,
) -> MetricInputs:
    """MetricInputs from hand-written rows (empty lists = no events / no roster / no plan)."""
    return make_inputs(
        person_day=person_days(list(rows)) if rows else None,
        roster=roster(list(people)) if people else None,
        plan=plan(list(waves)) if waves else None,
        settings=settings,
        outreach=outreach,
    )


DEFAULT_WAVES = [(1, "Champions", 0, 20), (2, "Wave 2", 28, 40), (3, "Wave 3", 56, 80)]


def random_rollout(
    seed: int, n_people: int = 200, n_days: int = 150, unmatched: int = 5
) -> MetricInputs:
    """A seeded random rollout: roster in teams and waves, champions, activity and feedback."""
    rng = random.Random(seed)
    waves = DEFAULT_WAVES + [(4, "Everyone", 84, None)]
    people = []
    for i in range(n_people):
        wave = 1 if i < n_people // 10 else rng.choice([2, 3, 4, 4, None, 9])
        people.append(
            {
                "user_id": f"u{i:03d}",
                "team": f"team{i % 7}" if rng.random() > 0.02 else None,
                "role": rng.choice(["rep"] * 8 + ["manager", "Executive "]),
                "is_champion": wave == 1 and rng.random() > 0.2,
                "champion_id": f"u{rng.randrange(max(1, n_people // 10)):03d}"
                if rng.random() > 0.15
                else None,
                "wave": wave,
                "training_completed_on": day(rng.randrange(n_days)) if rng.random() > 0.5 else None,
                "active": rng.choice([True] * 12 + [None, False]),
            }
        )
    starts = {w: s for w, _, s, _ in waves}
    rows = []
    for person in people + [{"user_id": f"x{j}", "wave": 4} for j in range(unmatched)]:
        start = starts.get(person["wave"], 84) - rng.choice([0, 0, 0, 7, 30])
        daily = rng.choice([0.0, 0.05, 0.2, 0.5, 0.8])
        stop = rng.randrange(n_days * 2)
        for n in range(max(0, start), n_days):
            if rng.random() < (daily if n < stop else daily / 10):
                accepted, rejected = rng.choice([(0, 0), (0, 0), (1, 0), (0, 1), (2, 1), (0, 2)])
                rows.append(
                    (
                        person["user_id"],
                        n,
                        rng.choice([0, 1, 1, 3]),
                        accepted,
                        rejected,
                        rng.randrange(rejected + 1) if accepted else rejected,
                        None,
                        person["user_id"].startswith("u"),
                    )
                )
    return build(rows, people, waves, settings={"build_cost": 800000})
