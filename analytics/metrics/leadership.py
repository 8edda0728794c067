"""Leadership use (SPEC 4): adoption among executives and among managers."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import Basis, ratio


def rate_among(basis: Basis, condition: pl.Expr) -> float | None:
    """Adoption rate (active in 28 days / eligible) among eligible people meeting a condition."""
    group = basis.eligible.filter(condition)
    return ratio(int(group["active_28"].sum()), group.height)


def leadership_rates(basis: Basis) -> dict[str, float | None]:
    """{executive, manager}: adoption rates by role (roles compared trimmed, lower case)."""
    return {
        "executive": rate_among(basis, pl.col("role") == "executive"),
        "manager": rate_among(basis, pl.col("role") == "manager"),
    }
