"""Outreach effect (SPEC 4): did a contacted person have an active event in the days after it."""

from __future__ import annotations

import polars as pl

from analytics.metrics.population import ACTIVE, Basis

OUTCOME_COLUMNS = pl.Schema(
    {
        "contact_id": pl.Int64,
        "person_id": pl.String,
        "contacted_on": pl.Date,
        "channel": pl.String,
        "segment": pl.String,
        "converted": pl.Boolean,
        "pending": pl.Boolean,
        "first_active_after": pl.Date,
    }
)


def effect_days(basis: Basis) -> int:
    """How many days after a contact count (setting outreach_effect_days)."""
    return basis.settings.outreach_effect_days


def outcomes(basis: Basis) -> pl.DataFrame:
    """One row per contact logged on or before D: converted, or pending while the window is open.

    The window is contacted_on+1 .. contacted_on+N: the contact day itself does not count.
    """
    window = effect_days(basis)
    contacts = (
        basis.outreach.filter(pl.col("contacted_on") <= pl.lit(basis.day))
        .with_row_index("row")
        .with_columns(
            contact_id=pl.coalesce(pl.col("id"), pl.col("row").cast(pl.Int64)),
            segment=pl.when(pl.col("segment").str.strip_chars() == "")
            .then(None)
            .otherwise(pl.col("segment")),
        )
    )
    after = pl.col("day") - pl.col("contacted_on")
    first_after = (
        contacts.select("contact_id", "person_id", "contacted_on")
        .join(basis.person_day.filter(ACTIVE).select("person_id", "day"), on="person_id")
        .filter((after >= pl.duration(days=1)) & (after <= pl.duration(days=window)))
        .group_by("contact_id")
        .agg(first_active_after=pl.col("day").min())
    )
    closes = pl.col("contacted_on") + pl.duration(days=window)
    return (
        contacts.join(first_after, on="contact_id", how="left")
        .with_columns(converted=pl.col("first_active_after").is_not_null())
        .with_columns(pending=~pl.col("converted") & (closes > pl.lit(basis.day)))
        .select(list(OUTCOME_COLUMNS))
        .cast(OUTCOME_COLUMNS)
        .sort("contacted_on", "contact_id")
    )


def conversion(frame: pl.DataFrame, by: str | None) -> pl.DataFrame:
    """contacts, converted, pending and conversion_rate (over decided contacts) per group."""
    aggregates = [
        pl.len().cast(pl.Int64).alias("contacts"),
        pl.col("converted").sum().cast(pl.Int64).alias("converted"),
        pl.col("pending").sum().cast(pl.Int64).alias("pending"),
    ]
    grouped = frame.group_by(by).agg(aggregates).sort(by, nulls_last=True) if by else None
    result = grouped if grouped is not None else frame.select(aggregates)
    decided = pl.col("contacts") - pl.col("pending")
    return result.with_columns(
        conversion_rate=pl.when(decided > 0).then(pl.col("converted") / decided).otherwise(None)
    )


def outreach_summary(basis: Basis) -> dict:
    """{window_days, contacts, converted, pending, conversion_rate, by_segment, by_channel}."""
    frame = outcomes(basis)
    overall = conversion(frame, None).to_dicts()[0]
    return {
        "window_days": effect_days(basis),
        **overall,
        "by_segment": conversion(frame, "segment").to_dicts(),
        "by_channel": conversion(frame, "channel").to_dicts(),
    }
