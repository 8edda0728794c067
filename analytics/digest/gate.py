"""Teams that sit below their wave's gate (SPEC 12): pure polars, people in, one row per finding.

A team spans waves, so it is judged per wave: for each wave whose 4-week gate day (start + 27
days) is on or before D, the team's eligible members of that wave are one group; the team sits
below the gate when such a group of at least the minimum group size has an adoption rate at D
(active in the last 28 days / eligible) under the wave gate. See docs/digest.md.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.population import EPSILON
from analytics.privacy.suppression import suppress_small_groups

GATE_DAY = 27  # the 4-week rate covers [start, start + 27]; the gate is judged from that day on
SCHEMA = pl.Schema(
    {
        "team": pl.String(),
        "wave": pl.Int64(),
        "eligible": pl.Int64(),
        "adoption_rate": pl.Float64(),
        "gate": pl.Float64(),
    }
)


def team_waves(people: pl.DataFrame) -> pl.DataFrame:
    """One row per (team, wave) with eligible members: eligible, active, rate, gate day."""
    eligible = pl.col("eligible")
    return (
        people.filter(eligible, pl.col("wave").is_not_null())
        .with_columns(pl.col("team").fill_null("(no team)"))
        .group_by("team", "wave")
        .agg(
            eligible=pl.len().cast(pl.Int64),
            active=pl.col("active_28").sum().cast(pl.Int64),
            gate_day=pl.col("wave_start").first() + pl.duration(days=GATE_DAY),
        )
        .with_columns(adoption_rate=pl.col("active") / pl.col("eligible"))
        .sort("team", "wave")
    )


def teams_below_gate(
    people: pl.DataFrame, *, as_of: dt.date, gate: float, min_size: int, released: bool
) -> pl.DataFrame:
    """(team, wave) groups past their gate day, of at least `min_size`, adopting under `gate`.

    `people`: one row per population person with team, wave, wave_start, eligible, active_28.
    `released` (leadership): a team's wave groups first pass `suppress_small_groups` within the
    team, so a listed group is never the complement of a hidden one (team total minus the rest).
    """
    groups = team_waves(people)
    if released:
        groups = suppress_small_groups(
            groups, group="wave", count="eligible", parent="team", min_size=min_size
        ).filter(~pl.col("suppressed"))
    return (
        groups.filter(
            pl.col("gate_day") <= pl.lit(as_of),
            pl.col("eligible") >= min_size,
            pl.col("adoption_rate") < gate - EPSILON,
        )
        .with_columns(gate=pl.lit(gate, pl.Float64))
        .select(SCHEMA.names())
        .cast(SCHEMA)
        .sort("team", "wave")
    )
