"""Champions (SPEC 4): coverage and people per champion, overall and per team; cohorts."""

from __future__ import annotations

import dataclasses
import datetime as dt

import polars as pl

from analytics.metrics.active import series
from analytics.metrics.population import EPSILON, Basis

TEAM_COLUMNS = [  # the per-team champion figures of the document, in order
    "team",
    "members",
    "champions",
    "people_per_champion",
    "coverage",
    "over_ratio",
    "no_champion",
]

COHORT_COLUMNS = [
    "champion_id",
    "person_id",
    "name",
    "team",
    "wave",
    "eligible",
    "segment",
    "last_active_day",
    "active_days_28",
    "acceptance_rate",
]


def with_coverage(basis: Basis) -> pl.DataFrame:
    """Population people flagged `covered`: assigned to an active roster champion."""
    champions = basis.people.filter(pl.col("is_champion")).select(
        champion_id="person_id", covered=pl.lit(True)
    )  # population = roster people with active true (or empty): exactly the valid champions
    return basis.people.join(champions, on="champion_id", how="left").with_columns(
        pl.col("covered").fill_null(False)
    )


def champion_aggregates() -> list[pl.Expr]:
    """members, champions, people_per_champion, coverage of a group of people."""
    eligible = pl.col("eligible")
    members = eligible & ~pl.col("is_champion")
    return [
        eligible.sum().cast(pl.Int64).alias("members"),
        (eligible & pl.col("is_champion")).sum().cast(pl.Int64).alias("champions"),
        members.sum().cast(pl.Int64).alias("non_champions"),
        (members & pl.col("covered")).sum().cast(pl.Int64).alias("covered"),
    ]


def champion_ratios(max_ratio: int) -> list[pl.Expr]:
    """people_per_champion, coverage and over_ratio from the aggregate counts."""
    per_champion = (
        pl.when(pl.col("champions") > 0)
        .then(pl.col("non_champions") / pl.col("champions"))
        .otherwise(None)
    )
    return [
        per_champion.alias("people_per_champion"),
        pl.when(pl.col("non_champions") > 0)
        .then(pl.col("covered") / pl.col("non_champions"))
        .otherwise(None)
        .alias("coverage"),
        (
            ((pl.col("members") > 0) & (pl.col("champions") == 0))
            | (per_champion > max_ratio + EPSILON).fill_null(False)
        ).alias("over_ratio"),
        ((pl.col("members") > 0) & (pl.col("champions") == 0)).alias("no_champion"),
    ]


def teams_table(basis: Basis) -> pl.DataFrame:
    """One row per team of the population (even with no eligible member yet): champion metrics."""
    if not basis.has_roster:
        return pl.DataFrame(
            schema={
                "team": pl.String,
                "members": pl.Int64,
                "champions": pl.Int64,
                "non_champions": pl.Int64,
                "covered": pl.Int64,
                "people_per_champion": pl.Float64,
                "coverage": pl.Float64,
                "over_ratio": pl.Boolean,
                "no_champion": pl.Boolean,
            }
        )
    max_ratio = basis.settings.max_people_per_champion
    return (
        with_coverage(basis)
        .group_by("team")
        .agg(champion_aggregates())
        .with_columns(champion_ratios(max_ratio))
        .sort("team", nulls_last=True)
    )


def champions_summary(basis: Basis) -> dict:
    """Overall champion metrics and the per-team list (no roster: 0, null, 0.0, no teams)."""
    if not basis.has_roster:
        return {
            "champions": 0,
            "people_per_champion": None,
            "coverage": 0.0,
            "members": basis.eligible.height,
            "teams": [],
        }
    max_ratio = basis.settings.max_people_per_champion
    overall = (
        with_coverage(basis)
        .select(champion_aggregates())
        .with_columns(champion_ratios(max_ratio))
        .to_dicts()[0]
    )
    teams = teams_table(basis).select(TEAM_COLUMNS)
    return {
        "champions": overall["champions"],
        "people_per_champion": overall["people_per_champion"],
        "coverage": overall["coverage"],
        "members": overall["members"],
        "teams": teams.to_dicts(),
    }


def cohort_rows(basis: Basis, champion_id: str | None = None) -> pl.DataFrame:
    """One row per population person assigned to a champion (one champion, or all)."""
    people = basis.people.filter(pl.col("champion_id").is_not_null())
    if champion_id is not None:
        people = people.filter(pl.col("champion_id") == champion_id)
    return (
        people.rename({"last_active": "last_active_day"})
        .with_columns(pl.col("segment").fill_null("not_yet_eligible"))
        .select(COHORT_COLUMNS)
        .sort("champion_id", "person_id")
    )


def cohorts_list(basis: Basis) -> list[dict]:
    """Document form: one entry per champion of the population with their assigned people.

    The rows (sorted by champion, then person) become dicts once, and each champion's people
    are one run of them: no nested frame of structs to convert (2x cheaper at 17,000 rows)."""
    champions = (
        basis.people.filter(pl.col("is_champion"))
        .select(champion_id="person_id", name="name", team="team")
        .sort("champion_id")
    )
    rows = cohort_rows(basis).drop("name", "team", "wave")
    runs = rows["champion_id"].rle().struct.unnest()  # len, value: one row per champion
    people = rows.drop("champion_id").to_dicts()
    ends = runs["len"].cum_sum().to_list()
    starts = [0, *ends][: len(ends)]
    assigned = {
        champion: people[start:end]
        for champion, start, end in zip(runs["value"].to_list(), starts, ends, strict=True)
    }
    return [
        {**champion, "size": len(cohort), "people": cohort}
        for champion in champions.to_dicts()
        for cohort in [assigned.get(champion["champion_id"], [])]
    ]


def cohort_adoption(basis: Basis) -> pl.DataFrame:
    """One row per champion with assigned people: eligible, active (28 days), adoption rate and
    the champion's rank among champions by that rate (1 = highest; ties share the best rank;
    champions whose cohort has nobody eligible yet are unranked)."""
    assigned = basis.people.filter(
        pl.col("champion_id").is_not_null(), pl.col("person_id") != pl.col("champion_id")
    )
    rate = pl.when(pl.col("eligible") > 0).then(pl.col("active") / pl.col("eligible"))
    return (
        assigned.group_by("champion_id")
        .agg(
            eligible=pl.col("eligible").sum().cast(pl.Int64),
            active=(pl.col("eligible") & pl.col("active_28")).sum().cast(pl.Int64),
        )
        .with_columns(adoption_rate=rate.otherwise(None))
        .with_columns(rank=pl.col("adoption_rate").rank("min", descending=True).cast(pl.Int64))
        .sort("champion_id")
    )


def cohort_series(basis: Basis, champion_id: str, start: dt.date) -> pl.DataFrame:
    """One row per day from `start` to D for one champion's cohort: eligible, mau, adoption rate
    (the organisation's daily series, restricted to the people assigned to the champion)."""
    members = basis.people.filter(
        pl.col("champion_id") == champion_id, pl.col("person_id") != champion_id
    )
    ids = members["person_id"].implode()
    cohort = dataclasses.replace(
        basis, people=members, activity=basis.activity.filter(pl.col("person_id").is_in(ids))
    )
    return series(cohort, start, basis.day).select("day", "eligible", "mau", "adoption_rate")
