"""Segments at D (SPEC 4): never_started, dormant, at_risk, active; one per eligible person."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import SEGMENTS, Basis

SEGMENT_COLUMNS = [
    "person_id",
    "name",
    "team",
    "role",
    "manager_id",
    "champion_id",
    "wave",
    "segment",
    "first_active",
    "last_active",
    "active_days_28",
    "recent_days",
    "prior_days",
    "accepted",
    "rejected",
    "acceptance_rate",
    "lost_trust",
]


def segment_rows(basis: Basis) -> pl.DataFrame:
    """One row per eligible person at D with their segment and the counts that decided it."""
    return basis.eligible.select(SEGMENT_COLUMNS).rename({"last_active": "last_active_day"})


def segment_counts(basis: Basis) -> dict[str, int]:
    """How many eligible people are in each segment (they partition the eligible people)."""
    counts = basis.eligible.group_by("segment").len()
    by_segment = dict(zip(counts["segment"].to_list(), counts["len"].to_list(), strict=True))
    return {segment: int(by_segment.get(segment, 0)) for segment in SEGMENTS}
