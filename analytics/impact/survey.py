"""Pulse surveys (SPEC 13): each team's barrier (its lowest ADKAR element), by segment and person.

Pure functions of the survey answers and the metrics' people; one row per team, per team and
segment, or per person. A named answer takes its team from the roster; an anonymous one carries
its team. The barrier is the element with the lowest mean score (ties: the earlier element, as
ADKAR is a sequence: there is no ability without knowledge).
"""

from __future__ import annotations

import polars as pl

from analytics.impact.panel import in_population
from analytics.tables import ADKAR

BARRIER_STEPS: dict[str, str] = {  # the outreach next step each barrier calls for
    "awareness": "explain why the rollout matters to their work",
    "desire": "share a peer's success story: what is in it for them",
    "knowledge": "offer a training session",
    "ability": "pair them with a champion for hands-on practice",
    "reinforcement": "recognise their use in the team meeting",
}


def answers_with_team(survey: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """One row per answer: person_id (null if anonymous or unmatched), team, segment, scores.

    `survey`: the answers with `person_id` resolved by `data.read_survey`."""
    matched = in_population(survey, people).join(
        people.select("person_id", roster_team="team", segment="segment"),
        on="person_id",
        how="left",
    )
    return matched.select(
        "person_id",
        pl.coalesce("roster_team", "team").alias("team"),
        "segment",
        *ADKAR,
    ).filter(pl.col("team").is_not_null())


def lowest_element(prefix: str = "") -> pl.Expr:
    """The ADKAR element with the lowest value among the columns `{prefix}{element}`."""
    values = pl.concat_list(pl.col(f"{prefix}{e}").fill_null(float("inf")) for e in ADKAR)
    known = pl.any_horizontal(pl.col(f"{prefix}{e}").is_not_null() for e in ADKAR)
    index = values.list.arg_min()
    return pl.when(known).then(index.replace_strict(list(range(len(ADKAR))), list(ADKAR)))


def mean_scores(answers: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Answers and mean score per element for each group, with its barrier."""
    return (
        answers.group_by(by)
        .agg(pl.len().alias("answers"), *(pl.col(e).mean() for e in ADKAR))
        .with_columns(barrier=lowest_element())
        .sort(by)
    )


def team_barriers(answers: pl.DataFrame) -> pl.DataFrame:
    """One row per team: answers, mean per element, barrier."""
    return mean_scores(answers, ["team"])


def segment_barriers(answers: pl.DataFrame) -> pl.DataFrame:
    """One row per team and segment of named answers: answers, means, barrier."""
    return mean_scores(answers.filter(pl.col("segment").is_not_null()), ["team", "segment"])


def person_barriers(answers: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """One row per person with a barrier: their own answers' lowest element, else their team's;
    with the source (`own` or `team`) and the next step it calls for."""
    own = (
        answers.drop_nulls("person_id")
        .group_by("person_id")
        .agg(pl.col(e).mean() for e in ADKAR)
        .select("person_id", own=lowest_element())
    )
    teams = team_barriers(answers).select("team", team_barrier="barrier")
    return (
        people.select("person_id", "team")
        .join(own, on="person_id", how="left")
        .join(teams, on="team", how="left")
        .select(
            "person_id",
            pl.coalesce("own", "team_barrier").alias("barrier"),
            pl.when(pl.col("own").is_not_null())
            .then(pl.lit("own"))
            .otherwise(pl.lit("team"))
            .alias("barrier_source"),
        )
        .drop_nulls("barrier")
        .with_columns(barrier_step=pl.col("barrier").replace_strict(BARRIER_STEPS))
    )
