"""The running example's sales KPIs (weekly, with a true effect built in) and one pulse survey.

KPIs: every active rep, every week from 8 weeks before launch to the last day's week. `meetings`
rises by up to 1.5 a week for reps who start using the tool, from their wave's start, building
up over 4 weeks (the true effect); `calls` has no effect at all; `pipeline_created` rises 8%.
Survey: one ADKAR round in mid-September; each team has one element scored low by design (its
barrier), and people who never started score lower on knowledge.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from analytics.demo.roster import LAST_DAY, LAUNCH, plan_frame, rng_for
from analytics.demo.scenario import people_frame, person_behaviour
from analytics.tables import ADKAR

KPI_FIRST_WEEK = LAUNCH - dt.timedelta(weeks=8)
MEETINGS_LIFT = 1.5  # a week, once fully built up (4 weeks after the start)
PIPELINE_LIFT = 0.08  # of the rep's usual pipeline
SURVEY_DAY = dt.date(2026, 9, 14)
BARRIER_BY_TEAM_ORDER = (
    "knowledge",
    "ability",
    "desire",
    "knowledge",
    "reinforcement",
    "awareness",
)
UNMATCHED_REP = "temp.rep@agency.example"


def kpi_weeks() -> np.ndarray:
    """Every Monday from the first KPI week to the week of the last day (datetime64[D])."""
    return np.arange(np.datetime64(KPI_FIRST_WEEK), np.datetime64(LAST_DAY) + 1, 7)


def reps(roster: pl.DataFrame) -> pl.DataFrame:
    """Active reps with their wave start and whether they ever start using the tool."""
    people = people_frame(roster)
    starts = plan_frame().select("wave", wave_start="start")
    return (
        people.with_columns(never=pl.Series(person_behaviour(people)["never"]))
        .filter((pl.col("role") == "rep") & pl.col("active").fill_null(True))
        .join(starts, on="wave", how="left")
        .with_columns(pl.col("wave_start").fill_null(starts["wave_start"].max()))
    )


def kpi_frame(roster: pl.DataFrame) -> pl.DataFrame:
    """One row per rep and week: person (id; a few by e-mail), week, calls, meetings, pipeline."""
    people = reps(roster)
    weeks = kpi_weeks()
    rng = rng_for(40)
    n, t = people.height, weeks.size
    start = people["wave_start"].to_numpy().astype("datetime64[D]")
    since = (weeks[None, :] - start[:, None]) / np.timedelta64(7, "D")
    users = ~people["never"].to_numpy()[:, None]
    build_up = np.clip((since.astype(float) + 1) / 4, 0, 1) * users
    season = np.sin(np.arange(t) / 3)[None, :]
    level = rng.normal(8, 2, (n, 1)).clip(2)
    meetings = level + 0.5 * season + MEETINGS_LIFT * build_up + rng.normal(0, 1.2, (n, t))
    calls = rng.normal(60, 12, (n, 1)) + 4 * season + rng.normal(0, 6, (n, t))
    pipeline = rng.lognormal(10, 0.4, (n, 1)) * (
        1 + PIPELINE_LIFT * build_up + 0.15 * rng.normal(0, 1, (n, t))
    )
    by_email = rng.random(n) < 0.1
    person = np.where(by_email, people["email"].to_numpy(), people["user_id"].to_numpy())
    return pl.DataFrame(
        {
            "person": np.repeat(person, t),
            "week": pl.Series(np.tile(weeks, n)).cast(pl.Date),
            "calls": np.round(calls.clip(0)).astype(int).ravel(),
            "meetings": np.round(meetings.clip(0), 1).ravel(),
            "pipeline_created": np.round(pipeline.clip(0), -1).ravel(),
        }
    )


def kpis_csv(kpis: pl.DataFrame) -> bytes:
    """The KPI export: comma CSV with a contractor not in the roster and one row without person."""
    extra = kpis.head(2).with_columns(person=pl.Series([UNMATCHED_REP, "n/a"]))
    return pl.concat([kpis, extra]).write_csv(date_format="%Y-%m-%d").encode("utf-8")


def survey_frame(roster: pl.DataFrame) -> pl.DataFrame:
    """One row per answer: about 70% of active people answer, half of them anonymously."""
    people = people_frame(roster)
    people = people.with_columns(never=pl.Series(person_behaviour(people)["never"]))
    people = people.filter(pl.col("active").fill_null(True) & pl.col("team").is_not_null())
    rng = rng_for(41)
    teams = people["team"].unique().sort()
    cycle = np.arange(teams.len()) % len(BARRIER_BY_TEAM_ORDER)
    barrier = pl.Series(np.array(BARRIER_BY_TEAM_ORDER)[cycle])
    team_barrier = people["team"].replace_strict(teams, barrier).to_numpy()
    n = people.height
    scores = rng.normal(3.9, 0.6, (n, len(ADKAR)))
    scores -= 1.8 * (team_barrier[:, None] == np.array(ADKAR)[None, :])
    scores[:, ADKAR.index("knowledge")] -= 0.8 * people["never"].to_numpy()
    answers = np.clip(np.round(scores), 1, 5).astype(float)
    answers[rng.random((n, len(ADKAR))) < 0.04] = np.nan  # a few skipped questions
    answered = rng.random(n) < 0.7
    anonymous = rng.random(n) < 0.5
    hidden = pl.Series(anonymous)
    scores_frame = pl.DataFrame({name: answers[:, i] for i, name in enumerate(ADKAR)})
    frame = scores_frame.select(
        pl.when(hidden).then(None).otherwise(people["user_id"]).alias("person"),
        pl.when(hidden).then(people["team"]).alias("team"),
        pl.lit(SURVEY_DAY).alias("date"),
        *(pl.col(name).fill_nan(None).cast(pl.Int64) for name in ADKAR),
    )
    return frame.filter(pl.Series(answered))


def survey_csv(survey: pl.DataFrame) -> bytes:
    """The survey tool's export: comma CSV, blank for a skipped question."""
    return survey.write_csv(date_format="%Y-%m-%d").encode("utf-8")
