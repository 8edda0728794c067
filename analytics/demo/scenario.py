"""How each person of the running example behaves, and the clean events that behaviour produces.

Behaviour is drawn per person from their type (champion, rep by wave and training, manager,
executive, leaver, contractor) with seeded generators; activity is a people x days probability
matrix, so the whole event log is built with vectorised draws and no loop per event.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from analytics.demo.roster import FIRST_DAY, LAST_DAY, WAVE_STARTS, rng_for

N_DAYS = (LAST_DAY - FIRST_DAY).days + 1
ARCHETYPES = ["steady", "dormant", "fading", "lost_trust", "comeback"]
# people not on the roster who use the tool anyway (they show as unmatched users)
UNMATCHED = [
    ("contractor1@partner.com", "North America"),
    ("contractor2@partner.com", "EMEA"),
    ("contractor3@partner.com", "North America"),
    ("E01007", "APAC"),  # a new hire the roster export does not have yet
]
# working hours in UTC by region: (first second of the session window, window length)
REGION_HOURS = {
    "North America": (13 * 3600, 8 * 3600),
    "Latin America": (12 * 3600, 8 * 3600),
    "EMEA": (7 * 3600, 8 * 3600),
    "APAC": (1 * 3600, 7 * 3600),
}
FEATURES = ["call_prep", "email", "objection_handling", "forecast_notes"]
LEAVE_DAYS = [dt.date(2026, 8, 14), dt.date(2026, 9, 4), dt.date(2026, 9, 18), dt.date(2026, 10, 2)]


def day_index(day: dt.date) -> int:
    """Position of a calendar day in the scenario's day axis (0 = the pilot's first day)."""
    return (day - FIRST_DAY).days


def people_frame(roster: pl.DataFrame) -> pl.DataFrame:
    """Everyone who may produce events: the roster plus unmatched users; one row per person."""
    unmatched = pl.DataFrame(UNMATCHED, schema=["user_id", "region"], orient="row")
    unmatched = unmatched.with_columns(
        pl.when(pl.col("user_id").str.contains("@"))
        .then(pl.col("user_id"))
        .otherwise(None)
        .alias("email"),
        pl.lit("contractor").alias("role"),
        pl.lit(False).alias("is_champion"),
        pl.lit(3, dtype=pl.Int64).alias("wave"),
        pl.lit(True).alias("active"),
    )
    return pl.concat([roster, unmatched], how="diagonal").with_columns(
        pl.col("training_completed_on").is_not_null().alias("trained")
    )


def _start_days(people: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """First active day index per person (a value past the last day = not started yet)."""
    n = people.height
    wave = np.minimum(people["wave"].to_numpy(), 4)
    wave_start = np.array([day_index(WAVE_STARTS[w]) for w in (1, 2, 3, 4)])[wave - 1]
    trained = people["trained"].to_numpy()
    p_quick = np.where(trained, 0.7, 0.4)
    quick = np.floor(rng.exponential(2.5, n))
    slow = 6 + np.floor(rng.exponential(np.where(wave == 4, 30.0, 20.0), n))
    delay = np.where(rng.random(n) < p_quick, quick, slow)
    early = (wave >= 3) & (rng.random(n) < 0.06)
    delay = np.where(early, -rng.integers(3, 25, n), delay)
    champion = people["is_champion"].to_numpy()
    pilot = champion & (rng.random(n) < 0.3)
    delay = np.where(champion, rng.integers(0, 4, n), delay)
    delay = np.where(pilot, -rng.integers(3, 6, n), delay)
    late_hire = people["wave"].to_numpy() == 5
    delay = np.where(late_hire, 21 + quick, delay)
    first = np.maximum(wave_start + delay, 0).astype(np.int64)
    weekday = (first + FIRST_DAY.weekday()) % 7
    return first + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def _never_starts(people: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Whether a person never tries the tool: rarer for the trained and for early waves."""
    wave = np.minimum(people["wave"].to_numpy(), 4)
    trained = people["trained"].to_numpy()
    role = people["role"].to_numpy()
    p_trained = np.array([0.0, 0.05, 0.10, 0.22])[wave - 1]
    p_untrained = np.array([0.0, 0.20, 0.33, 0.45])[wave - 1]
    p_never = np.where(trained, p_trained, p_untrained)
    no_champion = (role == "rep") & people["champion_id"].is_null().to_numpy()
    p_never = np.where(no_champion, p_never + 0.15, p_never)
    p_never = np.where(role == "manager", 0.15, p_never)
    p_never = np.where(people["is_champion"].to_numpy() | (role == "contractor"), 0.0, p_never)
    return rng.random(people.height) < p_never


def _archetypes(people: pl.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """Each person's path after starting (index into ARCHETYPES)."""
    trained = people["trained"].to_numpy()
    champion = people["is_champion"].to_numpy()
    probs = np.where(
        trained[:, None],
        np.array([0.43, 0.28, 0.11, 0.06, 0.12]),
        np.array([0.27, 0.44, 0.12, 0.06, 0.11]),
    )
    probs = np.where(champion[:, None], np.array([0.85, 0.0, 0.10, 0.0, 0.05]), probs)
    cumulative = probs.cumsum(axis=1)
    return (rng.random(people.height)[:, None] > cumulative).sum(axis=1)


def _executive_overrides(people: pl.DataFrame, behaviour: dict[str, np.ndarray]) -> None:
    """Leadership by example, partly: the CRO uses it heavily, one VP moderately, one tried it
    and stopped, two never started."""
    executives = np.flatnonzero(people["role"].to_numpy() == "executive")
    exec_order = executives[np.argsort(people["user_id"].to_numpy()[executives])]
    reports_to_nobody = people["manager_id"].is_null().to_numpy()[exec_order]
    chosen = [*exec_order[reports_to_nobody], *exec_order[~reports_to_nobody]]  # the CRO first
    behaviour["never"][chosen] = [False, False, False, True, True]
    behaviour["archetype"][chosen[:3]] = [0, 0, 1]
    behaviour["intensity"][chosen[:3]] = [0.92, 0.45, 0.3]
    behaviour["first"][chosen[:3]] = day_index(WAVE_STARTS[2]) + np.array([0, 2, 8])


def person_behaviour(people: pl.DataFrame) -> dict[str, np.ndarray]:
    """Per-person behaviour parameters (arrays aligned with people's rows)."""
    rng = rng_for(2)
    n = people.height
    role = people["role"].to_numpy()
    champion = people["is_champion"].to_numpy()
    behaviour = {
        "first": _start_days(people, rng),
        "never": _never_starts(people, rng),
        "archetype": _archetypes(people, rng),
        "intensity": np.where(
            champion,
            rng.uniform(0.65, 0.92, n),
            np.where(role == "manager", rng.uniform(0.2, 0.45, n), rng.uniform(0.25, 0.75, n)),
        ),
        "trust": np.where(champion, rng.uniform(0.72, 0.9, n), rng.uniform(0.5, 0.85, n)),
        "duration": rng.integers(7, 50, n),
        "gap_after": rng.integers(10, 30, n),
        "gap_length": rng.integers(14, 36, n),
        "fade_from": N_DAYS - rng.integers(26, 34, n),
    }
    _executive_overrides(people, behaviour)
    leavers = np.flatnonzero(~people["active"].to_numpy())
    behaviour["never"][leavers] = False
    behaviour["archetype"][leavers] = 0
    behaviour["leave"] = np.full(n, N_DAYS)
    behaviour["leave"][leavers] = [day_index(d) for d in LEAVE_DAYS[: len(leavers)]]
    # outreach (analytics.demo.outreach.with_response): nobody contacted, nobody quiet or back
    behaviour["contacted"] = np.full(n, N_DAYS)
    behaviour["quiet_until"] = np.full(n, -1)
    behaviour["back"] = np.full(n, N_DAYS)
    behaviour["back_until"] = np.full(n, N_DAYS)
    return behaviour


def _stop_days(behaviour: dict[str, np.ndarray]) -> np.ndarray:
    """The day after which a person does nothing more (dormant, lost trust, left)."""
    first, archetype = behaviour["first"], behaviour["archetype"]
    stop = np.full(first.shape, N_DAYS)
    stop = np.where(archetype == 1, first + behaviour["duration"], stop)
    stop = np.where(archetype == 3, first + 21 + behaviour["duration"], stop)
    return np.minimum(stop, behaviour["leave"])


def activity_probability(behaviour: dict[str, np.ndarray]) -> np.ndarray:
    """Chance of being active, one row per person and one column per day."""
    days = np.arange(N_DAYS)[None, :]
    first = behaviour["first"][:, None]
    archetype = behaviour["archetype"][:, None]
    weekday = (days + FIRST_DAY.weekday()) % 7
    day_factor = np.select([weekday == 4, weekday == 5, weekday == 6], [0.8, 0.05, 0.03], 1.0)
    alive = (days >= first) & (days <= _stop_days(behaviour)[:, None])
    gap_start = first + behaviour["gap_after"][:, None]
    in_gap = (
        (archetype == 4)
        & (days >= gap_start)
        & (days < gap_start + behaviour["gap_length"][:, None])
    )
    fade_from = behaviour["fade_from"][:, None]
    fade = np.where(
        (archetype == 2) & (days >= fade_from),
        np.clip(1.0 - 0.9 * (days - fade_from) / np.maximum(N_DAYS - 1 - fade_from, 1), 0.1, 1),
        1.0,
    )
    probability = behaviour["intensity"][:, None] * day_factor * fade * alive * ~in_gap
    probability = np.where(days == first, 1.0, probability)
    probability = np.where(behaviour["never"][:, None], 0.0, probability)
    return outreach_response(probability, behaviour, day_factor)


def outreach_response(
    probability: np.ndarray, behaviour: dict[str, np.ndarray], day_factor: np.ndarray
) -> np.ndarray:
    """A contacted person is quiet from the contact day until they come back (or through the
    window); one who comes back is active that day and keeps a moderate pace for a while."""
    days = np.arange(N_DAYS)[None, :]
    back = behaviour["back"][:, None]
    quiet = (days >= behaviour["contacted"][:, None]) & (days <= behaviour["quiet_until"][:, None])
    pace = np.clip(behaviour["intensity"], 0.3, 0.6)[:, None] * day_factor
    keeps_going = (days > back) & (days <= behaviour["back_until"][:, None])
    probability = np.where(keeps_going, np.maximum(probability, pace), probability)
    probability = np.where(days == back, 1.0, probability)
    return np.where(quiet, 0.0, probability)


def acceptance_probability(behaviour: dict[str, np.ndarray]) -> np.ndarray:
    """Chance that feedback on a suggestion is an acceptance, per person and day; people who
    lose trust reject everything in their last two weeks (until outreach brings them back)."""
    days = np.arange(N_DAYS)[None, :]
    stop = _stop_days(behaviour)[:, None]
    losing = (behaviour["archetype"] == 3)[:, None]
    trust = np.broadcast_to(behaviour["trust"][:, None], (len(stop), N_DAYS))
    trust = np.where(losing & (days > stop - 26), 0.3, trust)
    trust = np.where(losing & (days > stop - 13), 0.0, trust)
    return np.where(days >= behaviour["back"][:, None], behaviour["trust"][:, None], trust)


def activity_draws(n_people: int) -> tuple[np.ndarray, np.random.Generator]:
    """The uniform draws (people x days) that decide who is active when, and the stream that
    goes on to draw the events: the same draws with or without outreach."""
    rng = rng_for(3)
    return rng.random((n_people, N_DAYS)), rng


def _per_day_counts(
    people: pl.DataFrame, person: np.ndarray, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """How many events of each kind a person does on one active day (one entry per active day)."""
    role = people["role"].to_numpy()[person]
    light = np.select([role == "executive", role == "manager"], [0.5, 0.6], 1.0)
    shown = 1 + rng.poisson(2.4 * light)
    return {
        "login": 1 + (rng.random(len(person)) < 0.15),
        "suggestion_shown": shown,
        "feedback": rng.binomial(shown, 0.6),
        "call_analyzed": rng.poisson(1.1 * light * light),
        "email_drafted": rng.poisson(0.7, len(person)),
    }


def event_log(people: pl.DataFrame, behaviour: dict[str, np.ndarray]) -> pl.DataFrame:
    """The clean truth: one row per event (user_id, email, region, ts in UTC, kind, accepted,
    session_id, feature), before any source system mangles it."""
    draws, rng = activity_draws(people.height)
    active = draws < activity_probability(behaviour)
    person, day = np.nonzero(active)
    counts = _per_day_counts(people, person, rng)
    kinds = list(counts)
    per_kind = np.stack([counts[k] for k in kinds], axis=1).ravel()
    cell = np.repeat(np.repeat(np.arange(len(person)), len(kinds)), per_kind)
    kind = np.repeat(np.tile(np.arange(len(kinds)), len(person)), per_kind)
    region = people["region"]
    opens = region.replace_strict({r: h[0] for r, h in REGION_HOURS.items()}).to_numpy()[person]
    hours = region.replace_strict({r: h[1] for r, h in REGION_HOURS.items()}).to_numpy()[person]
    session_start = opens + rng.integers(0, hours)
    offset = np.where(kind == 0, 0, rng.integers(60, 3 * 3600, len(cell)))
    accept_chance = acceptance_probability(behaviour)[person[cell], day[cell]]
    accepted = pl.Series(rng.random(len(cell)) < accept_chance).set(pl.Series(kind != 2), None)
    frame = pl.DataFrame(
        {
            "person": person[cell],
            "day": day[cell],
            "second": session_start[cell] + offset,
            "kind": np.array(kinds)[kind],
            "accepted": accepted,
            "session": cell,
            "feature": np.array(FEATURES)[rng.integers(0, len(FEATURES), len(cell))],
        }
    )
    identity = people.select("user_id", "email", "region").with_row_index("person")
    return (
        frame.join(identity.cast({"person": pl.Int64}), on="person", maintain_order="left")
        .with_columns(
            (
                pl.lit(dt.datetime.combine(FIRST_DAY, dt.time()))
                + pl.duration(days=pl.col("day"), seconds=pl.col("second"))
            ).alias("ts"),
            pl.format("s{}", pl.col("session")).alias("session_id"),
        )
        .sort("ts", "person", maintain_order=True)
        .select("user_id", "email", "region", "ts", "kind", "accepted", "session_id", "feature")
    )
