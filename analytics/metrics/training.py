"""Training (SPEC 4): adoption among people trained on or before D and among the others."""

from __future__ import annotations

import polars as pl

from analytics.metrics.leadership import rate_among
from analytics.metrics.population import Basis


def training_rates(basis: Basis) -> dict[str, float | None]:
    """{trained, untrained}: adoption rates of eligible people by training_completed_on <= D."""
    return {
        "trained": rate_among(basis, pl.col("trained")),
        "untrained": rate_among(basis, ~pl.col("trained")),
    }


def training_counts(basis: Basis) -> dict[str, int]:
    """How many eligible people are trained and untrained at D."""
    trained = int(basis.eligible["trained"].sum())
    return {"trained": trained, "untrained": basis.eligible.height - trained}
