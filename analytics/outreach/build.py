"""The worklist from the metric inputs (the metrics' eligible people at D)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.metrics.inputs import MetricInputs
from analytics.metrics.population import prepare
from analytics.outreach.worklist import build_worklist, empty_worklist


def worklist_from_inputs(inputs: MetricInputs, as_of: dt.date | None = None) -> pl.DataFrame:
    """The worklist at D (default: the latest event day); empty when there are no events."""
    basis = prepare(inputs, as_of)
    if basis.as_of is None:
        return empty_worklist()
    return build_worklist(
        basis.eligible, inputs.roster, inputs.outreach, basis.as_of, inputs.settings
    )
