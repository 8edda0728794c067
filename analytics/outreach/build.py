"""The worklist from the metric inputs (the metrics' eligible people at D)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.impact.survey import answers_with_team, person_barriers
from analytics.metrics.inputs import MetricInputs
from analytics.metrics.population import prepare
from analytics.outreach.worklist import build_worklist, empty_worklist


def worklist_from_inputs(
    inputs: MetricInputs, as_of: dt.date | None = None, survey: pl.DataFrame | None = None
) -> pl.DataFrame:
    """The worklist at D (default: the latest event day); empty when there are no events.
    With survey answers, each person's barrier (their own, else their team's) shapes the
    reason and the next step."""
    basis = prepare(inputs, as_of)
    if basis.as_of is None:
        return empty_worklist()
    barriers = None
    if survey is not None and survey.height:
        barriers = person_barriers(answers_with_team(survey, basis.people), basis.eligible)
    return build_worklist(
        basis.eligible, inputs.roster, inputs.outreach, basis.as_of, inputs.settings, barriers
    )
