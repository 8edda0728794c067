"""The digest as one JSON-ready dict per role (SPEC 12 and 14): data in, dict out, no I/O.

Product manager: every number and person. Leadership: organisation and team numbers released
by `analytics.privacy.release` (the data layer's single suppression step), no person, action
owners a role or a team. Champion: released group numbers plus their own cohort by name.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import polars as pl

from analytics.digest.gate import teams_below_gate
from analytics.digest.inputs import DigestInputs
from analytics.privacy.release import released_groups, released_headlines
from analytics.privacy.roles import CHAMPION, LEADERSHIP, PRODUCT_MANAGER

STARTED_PARTS = ("ever_used", "never_started")
ACTION_TEXT = {
    "never_started": "Book the hands-on workshop or office hours",
    "lost_trust": "Show how to flag a bad suggestion and what the tool is not for",
    "dormant": "Hold a 1-on-1 to hear the barrier",
    "at_risk": "Share a peer success story and workflow tips",
}
PEOPLE_WORDS = {
    "never_started": "never started",
    "lost_trust": "lost trust",
    "dormant": "dormant",
    "at_risk": "at risk",
}


def parse_role(text: str) -> tuple[str, str | None]:
    """(role, champion id) from `product_manager`, `leadership` or `champion:ID`."""
    role, _, champion = text.partition(":")
    if role == CHAMPION and champion:
        return CHAMPION, champion
    if role in (PRODUCT_MANAGER, LEADERSHIP) and not champion:
        return role, None
    raise ValueError(f"role must be product_manager, leadership or champion:ID, not {text!r}")


def target_status(
    target: dict[str, Any],
    *,
    rate: float | None,
    eligible: int | None,
    mau: int | None,
    as_of: dt.date,
) -> tuple[str | None, float | None]:
    """(status, adopters needed per week) as SPEC 4 defines them (None when unknown)."""
    path, forecast, goal = target.get("path_rate"), target.get("forecast_rate"), target["rate"]
    if rate is None or path is None or forecast is None or eligible is None or mau is None:
        return None, None
    held = (rate >= path - 1e-9) + (forecast >= goal - 1e-9)
    status = ("behind", "at_risk", "on_track")[held]
    needed = max(0, math.ceil(goal * eligible - 1e-9) - mau)
    weeks = (dt.date.fromisoformat(target["date"]) - as_of).days // 7 if target.get("date") else 0
    return status, float(needed) if weeks < 1 else round(needed / weeks, 1)


def team_changes(now: pl.DataFrame, then: pl.DataFrame) -> pl.DataFrame:
    """One row per team shown now: adoption now, then, and the change in points."""
    earlier = then.filter(~pl.col("suppressed")).select("team", rate_then="adoption_rate")
    return (
        now.filter(~pl.col("suppressed"), pl.col("adoption_rate").is_not_null())
        .join(earlier, on="team", how="left")
        .with_columns(change_pts=((pl.col("adoption_rate") - pl.col("rate_then")) * 100).round(1))
    )


def released_teams(table: pl.DataFrame, min_size: int | None) -> pl.DataFrame:
    """Teams as the viewer may see them (min_size None: everything, nothing suppressed)."""
    if min_size is None:
        return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
    return released_groups(
        table, group="team", count="eligible", min_size=min_size, parts=STARTED_PARTS
    )


def teams_fell(changes: pl.DataFrame, drop_points: float) -> list[dict[str, Any]]:
    """Teams whose adoption fell by at least the threshold, largest fall first."""
    fell = changes.filter(pl.col("change_pts") <= -drop_points).sort("change_pts", "team")
    return fell.select("team", "change_pts", "adoption_rate").to_dicts()


def waves_not_ready(waves: pl.DataFrame, gate: float, as_of: dt.date) -> list[dict[str, Any]]:
    """Started waves below the gate at 2 weeks (while 4 is not in) or at 4 weeks."""
    below = pl.coalesce("rate_4w", "rate_2w") < gate - 1e-9
    return (
        waves.filter(pl.col("start") <= as_of, below.fill_null(False))
        .select("wave", "name", "rate_2w", "rate_4w", gate=pl.lit(gate))
        .with_columns(pl.col("rate_2w", "rate_4w").round(3))
        .to_dicts()
    )


def actions(
    worklist: pl.DataFrame, *, min_size: int | None, owner: str | None = None
) -> list[dict[str, Any]]:
    """The three (playbook, team) actions with the most people; owner the team's champions.

    With `min_size` (released): counts of 1..min-1 people are left out.
    """
    counts = (
        worklist.with_columns(pl.col("team").fill_null("(no team)"))
        .group_by("playbook", "team")
        .agg(count=pl.len().cast(pl.Int64))
        .sort(["count", "playbook", "team"], descending=[True, False, False])
    )
    if min_size is not None:
        counts = counts.filter(pl.col("count") >= min_size)
    rows = counts.head(3).to_dicts()
    return [
        {
            "text": f"{ACTION_TEXT[row['playbook']]}: {row['count']} "
            f"{PEOPLE_WORDS[row['playbook']]} in {row['team']}",
            "count": row["count"],
            "owner": owner or f"champions of {row['team']}",
        }
        for row in rows
    ]


def champions_needing_help(data: DigestInputs) -> list[dict[str, Any]]:
    """Champions with non-adopters and no contact logged for their cohort in N days (PM only)."""
    days = data.settings.champion_no_contact_days
    since = data.as_of - dt.timedelta(days=days)
    champions = data.names.filter(pl.col("is_champion")).select(
        champion_id="person_id", champion="name", team="team"
    )
    recent = data.outreach.filter(pl.col("contacted_on") > since).select("person_id")
    waiting = (
        data.worklist.filter(pl.col("champion_id").is_not_null())
        .with_columns(contacted=pl.col("person_id").is_in(recent["person_id"].implode()))
        .group_by("champion_id")
        .agg(non_adopters=pl.len().cast(pl.Int64), contacted=pl.col("contacted").any())
        .filter(~pl.col("contacted"))
    )
    return (
        waiting.join(champions, on="champion_id")
        .sort("non_adopters", "champion_id", descending=[True, False])
        .select(
            person_id="champion_id",
            name="champion",
            team="team",
            why=pl.format(
                "{} non-adopters in their cohort, no contact logged in {} days",
                "non_adopters",
                pl.lit(days),
            ),
        )
        .to_dicts()
    )


def cohort_people(worklist: pl.DataFrame, champion_id: str) -> list[dict[str, Any]]:
    """A champion's cohort members to contact, by name, with why and the next step."""
    return (
        worklist.filter(pl.col("champion_id") == champion_id)
        .select("person_id", "name", "team", why="reason", next_step="next_step")
        .to_dicts()
    )


def headline(data: DigestInputs, min_size: int | None) -> dict[str, Any]:
    """The metrics document's headlines as the viewer may see them."""
    document = data.document
    if min_size is None:
        return document
    return released_headlines(
        document,
        min_size=min_size,
        role_eligible=dict(zip(data.roles["role"], data.roles["eligible"], strict=True)),
        feedback_people=data.feedback_people,
    )


def build_digest(data: DigestInputs, role_text: str) -> dict[str, Any]:
    """The SPEC 14 digest for one role: headline, teams that fell, waves, actions, people."""
    role, champion_id = parse_role(role_text)
    settings = data.settings
    min_size = None if role == PRODUCT_MANAGER else settings.min_group_size
    head = headline(data, min_size)
    target = head["target"]
    status, per_week = target_status(
        target,
        rate=head["adoption_rate"],
        eligible=head["population"]["eligible"],
        mau=head["active"]["mau"],
        as_of=data.as_of,
    )
    changes = team_changes(
        released_teams(data.teams_now, min_size), released_teams(data.teams_then, min_size)
    )
    waves = data.waves
    if min_size is not None:
        waves = released_groups(
            waves,
            group="wave",
            count="eligible",
            min_size=min_size,
            keep=("name", "start"),
            parts=STARTED_PARTS,
        )
    if role == CHAMPION and champion_id is not None:
        own = data.worklist.filter(pl.col("champion_id") == champion_id)
        todo, people = actions(own, min_size=None, owner="you"), cohort_people(own, champion_id)
    elif role == LEADERSHIP:
        todo, people = actions(data.worklist, min_size=min_size), []
    else:
        todo, people = actions(data.worklist, min_size=None), champions_needing_help(data)
    return {
        "as_of": data.as_of.isoformat(),
        "since": (data.as_of - dt.timedelta(days=data.since)).isoformat(),
        "role": role_text,
        "adoption_rate": head["adoption_rate"],
        "path_rate": target.get("path_rate"),
        "forecast_rate": target.get("forecast_rate"),
        "target_rate": target.get("rate"),
        "status": status,
        "needed_per_week": per_week,
        "teams_fell": teams_fell(changes, settings.team_drop_points),
        "waves_not_ready": waves_not_ready(waves, settings.wave_gate_rate, data.as_of),
        "actions": todo,
        "people": people,
        "teams_below_gate": teams_below_gate(
            data.members,
            as_of=data.as_of,
            gate=settings.wave_gate_rate,
            min_size=settings.min_group_size,
            released=min_size is not None,
        ).to_dicts(),
    }
