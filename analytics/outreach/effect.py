"""The outreach effect (SPEC 4) for the Outreach page: the metrics' own outcomes plus the owner.

The definition lives in one place, analytics.metrics.outreach_effect (the metrics document's
`outreach_effect`): a contact on day c converts when the person has an active event on a day in
[c+1, c+N] up to D (N = `outreach_effect_days`, default 14; the contact day itself does not
count); a contact whose window is still open at D without activity is pending and left out of
the rate's denominator. This module only adds the owner and a status word, so the page and the
document always agree.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from analytics.metrics.inputs import MetricInputs
from analytics.metrics.outreach_effect import conversion, outcomes
from analytics.metrics.population import Basis, prepare

STATUS = (
    pl.when(pl.col("converted"))
    .then(pl.lit("converted"))
    .when(pl.col("pending"))
    .then(pl.lit("pending"))
    .otherwise(pl.lit("not converted"))
)


def outcomes_with_owner(basis: Basis) -> pl.DataFrame:
    """One row per contact logged on or before D: the metrics' outcome, owner, note, status."""
    log = basis.outreach.select(contact_id="id", owner="owner", note="note")
    return (
        outcomes(basis)
        .join(log, on="contact_id", how="left")
        .with_columns(
            owner=pl.when(pl.col("owner").str.strip_chars() == "")
            .then(None)
            .otherwise(pl.col("owner")),
            status=STATUS,
        )
        .sort("contacted_on", "contact_id")
    )


def contact_outcomes(inputs: MetricInputs, as_of: dt.date | None = None) -> pl.DataFrame:
    """One row per contact logged on or before D with its outcome (see outcomes_with_owner)."""
    return outcomes_with_owner(prepare(inputs, as_of))


def conversion_by(contact_outcomes: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """One row per value of `by` (one row overall for None): contacts, converted, pending, rate.

    conversion_rate = converted / (contacts - pending): null while every contact is pending.
    """
    return conversion(contact_outcomes, by)


def effect_summary(contact_outcomes: pl.DataFrame) -> dict[str, Any]:
    """Overall counts and rate, and the by-segment, by-channel and by-owner tables (dict rows)."""
    return {
        **conversion(contact_outcomes, None).to_dicts()[0],
        "by_segment": conversion(contact_outcomes, "segment").to_dicts(),
        "by_channel": conversion(contact_outcomes, "channel").to_dicts(),
        "by_owner": conversion(contact_outcomes, "owner").to_dicts(),
    }
