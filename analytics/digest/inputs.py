"""Everything a digest is computed from, gathered once from the metrics at two days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import polars as pl

from analytics.metrics.document import document_from_basis, jsonable
from analytics.metrics.groups import adoption_by_group
from analytics.metrics.inputs import MetricInputs
from analytics.metrics.population import Basis, prepare
from analytics.metrics.waves import waves_table
from analytics.outreach.worklist import build_worklist
from analytics.settings import Settings


@dataclass(frozen=True)
class DigestInputs:
    """Full (unreleased) metric results at D and at D - since; shaped per role by `compute`."""

    as_of: dt.date
    since: int
    settings: Settings
    document: dict[str, Any]  # the metrics document at D (JSON-ready)
    teams_now: pl.DataFrame  # one row per team with eligible people at D
    teams_then: pl.DataFrame  # the same at D - since
    roles: pl.DataFrame  # one row per roster role with eligible people at D
    feedback_people: int  # eligible people with a feedback event up to D
    waves: pl.DataFrame  # one row per planned wave at D
    worklist: pl.DataFrame  # the outreach worklist at D (one row per person to contact)
    outreach: pl.DataFrame  # the contact log (one row per contact)
    names: pl.DataFrame  # one row per population person: person_id, name, team
    members: pl.DataFrame  # per population person: team, wave, wave_start, eligible, active_28


def groups_at(basis: Basis, group: str) -> pl.DataFrame:
    """Adoption per team or role with eligible people; people without one form "(no team)"."""
    named = pl.col(group).fill_null(f"(no {group})")
    return adoption_by_group(basis, group).with_columns(named).filter(pl.col("eligible") > 0)


def gather(inputs: MetricInputs, as_of: dt.date | None, since: int) -> DigestInputs | None:
    """The digest's inputs at D (default: the latest event day); None without any events."""
    now = prepare(inputs, as_of)
    if now.as_of is None:
        return None
    then = prepare(inputs, now.as_of - dt.timedelta(days=since))
    eligible = now.eligible
    return DigestInputs(
        as_of=now.as_of,
        since=since,
        settings=inputs.settings,
        document=jsonable(document_from_basis(now)),
        teams_now=groups_at(now, "team"),
        teams_then=groups_at(then, "team"),
        roles=groups_at(now, "role"),
        feedback_people=eligible.filter(pl.col("accepted") + pl.col("rejected") > 0).height,
        waves=waves_table(now),
        worklist=build_worklist(eligible, inputs.roster, inputs.outreach, now.as_of, now.settings),
        outreach=inputs.outreach,
        names=now.people.select("person_id", "name", "team", "is_champion", "champion_id"),
        members=now.people.select("team", "wave", "wave_start", "eligible", "active_28"),
    )
