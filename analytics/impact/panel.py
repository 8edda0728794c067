"""From the KPI rows and the population to the estimator's panel (pure; one row per person)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from analytics.impact.did import NEVER, Panel


@dataclass(frozen=True)
class KpiPanel:
    """The panel for enablement and for adoption, its first Monday and unmatched people."""

    enablement: Panel
    adoption: Panel
    first_week: dt.date
    unmatched: int


def in_population(frame: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """The frame with `person_id` nulled where it names nobody of the population."""
    known = pl.col("person_id").is_in(people["person_id"].implode())
    return frame.with_columns(person_id=pl.when(known).then(pl.col("person_id")))


def matched_kpis(kpis: pl.DataFrame, people: pl.DataFrame) -> tuple[pl.DataFrame, int]:
    """KPI rows of population people (one row per person and week, mean of any repeats), and
    how many distinct KPI persons matched nobody in the population."""
    rows = in_population(kpis, people)
    unmatched = rows.filter(pl.col("person_id").is_null())["person"].n_unique()
    matched = rows.drop_nulls("person_id").group_by("person_id", "week").agg(pl.col("value").mean())
    return matched, unmatched


def week_index(day: pl.Expr, first_week: dt.date) -> pl.Expr:
    """Whole weeks from first_week to the Monday of the week holding `day`."""
    return (day - pl.lit(first_week)).dt.total_days() // 7


def build_panel(kpis: pl.DataFrame, people: pl.DataFrame, as_of: dt.date) -> KpiPanel | None:
    """The panel of one KPI up to the as-of day; None when no KPI row matches anybody.

    `kpis`: person, week, value, person_id (resolved by `data.read_kpis`); `people`:
    person_id, wave_start, first_active.
    Units are the matched people with at least one KPI week; the treatment week of enablement
    is the week of their wave's start, of adoption the week of their first active day.
    """
    rows, unmatched = matched_kpis(kpis.filter(pl.col("week") <= as_of), people)
    if rows.is_empty():
        return None
    first_week: dt.date = rows["week"].min()  # type: ignore[assignment]
    units = rows.select(pl.col("person_id").unique().sort()).join(people, on="person_id")
    rows = rows.join(units.with_row_index("unit").select("person_id", "unit"), on="person_id")
    rows = rows.with_columns(week_index(pl.col("week"), first_week).alias("t"))
    n_weeks = int(rows["t"].to_numpy().max()) + 1
    outcome = np.full((units.height, n_weeks), np.nan)
    outcome[rows["unit"].to_numpy(), rows["t"].to_numpy()] = rows["value"].to_numpy()
    starts = units.select(
        week_index(pl.col("wave_start"), first_week).alias("enablement"),
        week_index(pl.col("first_active"), first_week).alias("adoption"),
    )
    cluster = np.arange(units.height)

    def panel(column: str) -> Panel:
        start = starts[column].cast(pl.Float64).fill_null(NEVER).to_numpy()
        return Panel(outcome, start, cluster)

    return KpiPanel(panel("enablement"), panel("adoption"), first_week, unmatched)
