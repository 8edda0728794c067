"""The running example's organisation: 200 reps in 15 teams, their managers, executives, a plan.

Every person is drawn once from fixed tables and a seeded generator, so the roster is the same on
every machine and every run. One row per person; columns as SPEC 2.2 names them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

SEED = 20260601
LAUNCH = dt.date(2026, 6, 1)  # a Monday: wave 1 starts
FIRST_DAY = dt.date(2026, 5, 27)  # the pre-launch pilot's first events
LAST_DAY = dt.date(2026, 10, 29)  # the latest event day, hence the default as-of day
WAVE_STARTS = {
    1: LAUNCH,
    2: LAUNCH + dt.timedelta(days=28),
    3: LAUNCH + dt.timedelta(days=56),
    4: LAUNCH + dt.timedelta(days=84),
}
LEADERSHIP_TEAM = "Sales Leadership"

# team, region, reps, champions, wave of its ordinary reps, volunteers for wave 2
TEAMS: list[tuple[str, str, int, int, int, int]] = [
    ("NA Enterprise East", "North America", 18, 2, 3, 1),
    ("NA Enterprise West", "North America", 16, 2, 3, 1),
    ("NA Mid-Market", "North America", 16, 1, 4, 2),  # one champion for 16 people: over 1:10
    ("NA SMB", "North America", 15, 2, 4, 2),
    ("NA Inside Sales", "North America", 12, 0, 4, 2),  # no champion: borrows Mid-Market's
    ("EMEA North", "EMEA", 10, 1, 3, 1),
    ("EMEA DACH", "EMEA", 14, 2, 3, 1),
    ("EMEA South", "EMEA", 13, 0, 4, 2),  # no champion and nobody assigned
    ("UK & Ireland", "EMEA", 15, 2, 3, 1),
    ("LatAm Brazil", "Latin America", 9, 1, 4, 1),
    ("LatAm Spanish-speaking", "Latin America", 17, 2, 4, 2),
    ("APAC ANZ", "APAC", 10, 1, 3, 1),
    ("APAC Japan", "APAC", 9, 1, 4, 1),
    ("APAC Southeast Asia", "APAC", 16, 2, 3, 1),
    ("India", "APAC", 10, 1, 4, 1),
]
BORROWED_CHAMPION_TEAM = {"NA Inside Sales": "NA Mid-Market"}
REGIONS = ["North America", "EMEA", "Latin America", "APAC"]

# reps who left during the rollout (active=false) after using the tool: team, wave
LEAVERS: list[tuple[str, int]] = [
    ("NA SMB", 2),
    ("EMEA DACH", 3),
    ("LatAm Spanish-speaking", 2),
    ("NA Enterprise West", 3),
]
# late hires whose roster wave (5) is missing from the plan: they count as the last wave
LATE_HIRE_TEAMS = ["NA SMB", "India"]

FIRST_NAMES = [
    "Aisha", "Alex", "Amelia", "Ana", "Andrew", "Anna", "Ben", "Camila", "Carlos", "Chen",
    "Chloe", "Daniel", "David", "Diego", "Elena", "Emily", "Emma", "Ethan", "Fatima", "Felipe",
    "Grace", "Hannah", "Hiro", "Isabel", "Jack", "James", "Julia", "Kenji", "Laura", "Leo",
    "Liam", "Lucas", "Maria", "Mateo", "Maya", "Mei", "Michael", "Mia", "Noah", "Olivia",
    "Omar", "Priya", "Rahul", "Rosa", "Ryan", "Sara", "Sofia", "Tom", "Valentina", "Yuki",
]  # fmt: skip
LAST_NAMES = [
    "Anderson", "Bauer", "Brown", "Campbell", "Chen", "Clark", "Costa", "Davis", "Dubois",
    "Evans", "Fischer", "Garcia", "Gupta", "Hall", "Hughes", "Ito", "Jensen", "Kelly", "Kim",
    "Kowalski", "Lee", "Lopez", "Martin", "Meyer", "Miller", "Moreau", "Murphy", "Nakamura",
    "Nguyen", "Novak", "O'Brien", "Patel", "Perez", "Rossi", "Santos", "Schmidt", "Silva",
    "Singh", "Smith", "Suzuki", "Tanaka", "Taylor", "Thomas", "Walker", "Wang", "Weber",
    "White", "Wilson", "Wright", "Young",
]  # fmt: skip
# people whose names carry accents (the e-mail drops them): row position -> name
ACCENTED_NAMES = {3: "José Martínez", 17: "Zoë Müller", 42: "François Lefèvre", 77: "Björn Åberg"}


def rng_for(stream: int) -> np.random.Generator:
    """A generator for one part of the scenario, so changing one part leaves the others alone."""
    return np.random.default_rng([SEED, stream])


def plan_frame() -> pl.DataFrame:
    """The default rollout plan (SPEC 2.3): one row per wave (wave, name, start, planned_size)."""
    return pl.DataFrame(
        {
            "wave": [1, 2, 3, 4],
            "name": ["Champions", "Early adopters", "Majority", "Everyone else"],
            "start": [WAVE_STARTS[w] for w in (1, 2, 3, 4)],
            "planned_size": [20, 40, 80, None],
        },
        schema={"wave": pl.Int64, "name": pl.String, "start": pl.Date, "planned_size": pl.Int64},
    )


def _team_frame() -> pl.DataFrame:
    """The 15 sales teams: one row per team."""
    columns = ["team", "region", "reps", "champions", "team_wave", "volunteers"]
    return pl.DataFrame(TEAMS, schema=columns, orient="row")


def _reps() -> pl.DataFrame:
    """One row per active rep: champions first in each team, then wave-2 volunteers, then others."""
    teams = _team_frame()
    position = pl.int_range(pl.len()).over("team")
    late = pl.col("team").is_in(LATE_HIRE_TEAMS) & (position == pl.col("reps") - 1)
    return (
        teams.select(pl.all().repeat_by("reps").explode())
        .with_columns(position.alias("position"))
        .with_columns(
            pl.lit("rep").alias("role"),
            (pl.col("position") < pl.col("champions")).alias("is_champion"),
            pl.when(pl.col("position") < pl.col("champions"))
            .then(1)
            .when(pl.col("position") < pl.col("champions") + pl.col("volunteers"))
            .then(2)
            .when(late)
            .then(5)
            .otherwise(pl.col("team_wave"))
            .cast(pl.Int64)
            .alias("wave"),
            pl.lit(True).alias("active"),
        )
    )


def _others() -> pl.DataFrame:
    """Managers (one per team, wave 2), executives (wave 2) and leavers (reps, active=false)."""
    teams = _team_frame()
    managers = teams.select("team", "region").with_columns(
        pl.lit("manager").alias("role"),
        pl.lit(2, dtype=pl.Int64).alias("wave"),
        pl.lit(True).alias("active"),
    )
    executives = pl.DataFrame(
        {
            "team": [LEADERSHIP_TEAM] * 5,
            "region": ["North America", *REGIONS],
            "role": ["executive"] * 5,
            "wave": [2] * 5,
            "active": [True] * 5,
        }
    )
    leavers = pl.DataFrame(LEAVERS, schema=["team", "wave"], orient="row").join(
        teams.select("team", "region"), on="team", maintain_order="left"
    )
    leavers = leavers.with_columns(pl.lit("rep").alias("role"), pl.lit(False).alias("active"))
    return pl.concat([executives, managers, leavers], how="diagonal").with_columns(
        pl.lit(False).alias("is_champion"), pl.lit(-1, dtype=pl.Int64).alias("position")
    )


def _names(count: int, rng: np.random.Generator) -> pl.DataFrame:
    """Unique person names and their ASCII e-mails (firstname.lastname@example.com)."""
    pairs = rng.choice(len(FIRST_NAMES) * len(LAST_NAMES), size=count, replace=False)
    first = np.array(FIRST_NAMES)[pairs // len(LAST_NAMES)]
    last = np.array(LAST_NAMES)[pairs % len(LAST_NAMES)]
    names = pl.Series("name", np.char.add(np.char.add(first, " "), last).tolist())
    names = names.scatter(list(ACCENTED_NAMES), list(ACCENTED_NAMES.values()))
    local = (
        names.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.replace_all("'", "")
        .str.to_lowercase()
        .str.replace(" ", ".")
    )
    return pl.DataFrame({"name": names, "email": local + "@example.com"})


def _assign_ids(people: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Employee ids E00101... in a shuffled order, so ids do not follow teams."""
    order = rng.permutation(people.height) + 101
    ids = pl.Series("user_id", order).cast(pl.String).str.zfill(5)
    return people.with_columns(("E" + ids).alias("user_id"))


def _champion_ids(people: pl.DataFrame) -> pl.Series:
    """Each non-champion's assigned champion: round robin within the team (or a borrowed team)."""
    champions = (
        people.filter(pl.col("is_champion") & pl.col("active"))
        .select(
            pl.col("team").alias("champion_team"),
            pl.col("position").alias("rank"),
            pl.col("user_id").alias("champion_id"),
        )
        .with_columns(pl.len().over("champion_team").alias("team_champions"))
    )
    counts = champions.group_by("champion_team").agg(pl.first("team_champions"))
    wanted = people.with_columns(
        pl.col("team").replace(BORROWED_CHAMPION_TEAM).alias("champion_team"),
        pl.int_range(pl.len()).over("team").alias("member_no"),
    ).join(counts, on="champion_team", how="left", maintain_order="left")
    wanted = wanted.with_columns(
        (pl.col("member_no") % pl.col("team_champions")).alias("rank"),
    )
    assigned = wanted.join(
        champions.drop("team_champions"),
        on=["champion_team", "rank"],
        how="left",
        maintain_order="left",
    )
    expr = (
        pl.when(pl.col("is_champion") | (pl.col("role") == "executive"))
        .then(None)
        .otherwise(pl.col("champion_id"))
        .alias("champion_id")
    )
    return assigned.select(expr).to_series()


def _manager_ids(people: pl.DataFrame) -> pl.Series:
    """Reps report to their team's manager, managers to their region's executive, VPs to the CRO."""
    managers = people.filter(pl.col("role") == "manager").select(
        "team", pl.col("user_id").alias("team_manager")
    )
    executives = people.filter(pl.col("role") == "executive")
    cro = executives["user_id"][0]
    vps = executives.slice(1).select("region", pl.col("user_id").alias("region_vp"))
    joined = people.join(managers, on="team", how="left", maintain_order="left").join(
        vps, on="region", how="left", maintain_order="left"
    )
    expr = (
        pl.when(pl.col("role") == "rep")
        .then(pl.col("team_manager"))
        .when(pl.col("role") == "manager")
        .then(pl.col("region_vp"))
        .when(pl.col("user_id") == cro)
        .then(None)
        .otherwise(pl.lit(cro))
        .alias("manager_id")
    )
    return joined.select(expr).to_series()


def _training(people: pl.DataFrame, rng: np.random.Generator) -> pl.Series:
    """Training date for about 60% (all champions), around the person's wave start; else null."""
    share = {1: 1.0, 2: 0.75, 3: 0.6, 4: 0.45, 5: 0.5}
    starts = {w: WAVE_STARTS[min(w, 4)] for w in share}
    p_train = people.select(
        pl.when(pl.col("role") == "executive")
        .then(0.2)
        .otherwise(pl.col("wave").replace_strict(share, return_dtype=pl.Float64))
    ).to_series()
    trained = rng.random(people.height) < p_train.to_numpy()
    offset = np.where(
        people["is_champion"].to_numpy(),
        rng.integers(-10, 1, size=people.height),
        rng.integers(-6, 22, size=people.height),
    )
    when = people.select(
        pl.col("wave").replace_strict(starts, return_dtype=pl.Date)
        + pl.duration(days=pl.lit(pl.Series(offset)))
    ).to_series()
    when = when.clip(upper_bound=LAST_DAY)
    return when.set(pl.Series(~trained), None).alias("training_completed_on")


def build_roster() -> pl.DataFrame:
    """The whole roster, typed: one row per person (224 rows: 200 reps, 15 managers, 5 execs,
    4 leavers), sorted by user_id."""
    rng = rng_for(1)
    people = pl.concat([_others(), _reps()], how="diagonal")
    people = pl.concat([people, _names(people.height, rng)], how="horizontal")
    people = _assign_ids(people, rng)
    people = people.with_columns(
        _champion_ids(people), _manager_ids(people), _training(people, rng)
    )
    columns = [
        "user_id", "name", "email", "team", "region", "manager_id", "role", "is_champion",
        "champion_id", "wave", "training_completed_on", "active",
    ]  # fmt: skip
    return people.select(columns).sort("user_id")
