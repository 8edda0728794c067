"""The outreach worklist (SPEC 5): one row per eligible person to contact, most valuable first.

Pure: frames and an as-of day in, one frame out. People come from the metrics' eligible people
(never_started, dormant, at_risk; "lost trust" is a dormant person whose last three suggestions
were rejected, and gets its own playbook). Each row says why in words, who should reach out
(the assigned champion if that champion is an active roster champion, else the manager), the
next step and the message to send, and whether someone already reached out recently.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

from analytics.outreach.messages import by_playbook, merged_templates
from analytics.settings import Settings

OUTREACH_SEGMENTS: tuple[str, ...] = ("never_started", "dormant", "at_risk")

# Order of playbooks on the list (see docs/outreach.md, "Order"): people still using the tool
# are the cheapest to keep, then lost trust (a concrete, fixable objection), then recent
# dormancy, then people who never started.
PLAYBOOK_PRIORITY: dict[str, int] = {
    "at_risk": 1,
    "lost_trust": 2,
    "dormant": 3,
    "never_started": 4,
}

PEOPLE_SCHEMA: dict[str, pl.DataType] = {
    "person_id": pl.String(),
    "name": pl.String(),
    "email": pl.String(),
    "team": pl.String(),
    "wave": pl.Int64(),
    "champion_id": pl.String(),
    "manager_id": pl.String(),
    "segment": pl.String(),
    "lost_trust": pl.Boolean(),
    "last_active": pl.Date(),
    "recent_days": pl.Int64(),
    "prior_days": pl.Int64(),
    "wave_start": pl.Date(),
    "rejection_run": pl.Int64(),
    "is_champion": pl.Boolean(),
}

WORKLIST_COLUMNS: tuple[str, ...] = (
    "rank",
    "person_id",
    "name",
    "email",
    "team",
    "wave",
    "segment",
    "playbook",
    "reason",
    "owner_id",
    "owner_name",
    "owner_role",
    "next_step",
    "message",
    "last_active_day",
    "days_inactive",
    "days_since_invite",
    "contacted_recently",
    "last_contacted_on",
    "last_contact_channel",
    "champion_id",
    "manager_id",
)

WORKLIST_SCHEMA: dict[str, pl.DataType] = {
    "rank": pl.Int64(),
    "person_id": pl.String(),
    "name": pl.String(),
    "email": pl.String(),
    "team": pl.String(),
    "wave": pl.Int64(),
    "segment": pl.String(),
    "playbook": pl.String(),
    "reason": pl.String(),
    "owner_id": pl.String(),
    "owner_name": pl.String(),
    "owner_role": pl.String(),
    "next_step": pl.String(),
    "message": pl.String(),
    "last_active_day": pl.Date(),
    "days_inactive": pl.Int64(),
    "days_since_invite": pl.Int64(),
    "contacted_recently": pl.Boolean(),
    "last_contacted_on": pl.Date(),
    "last_contact_channel": pl.String(),
    "champion_id": pl.String(),
    "manager_id": pl.String(),
}


def conform_people(people: pl.DataFrame) -> pl.DataFrame:
    """The people frame with exactly PEOPLE_SCHEMA's columns (missing ones null; last_active_day
    accepted as last_active)."""
    if "last_active" not in people.columns and "last_active_day" in people.columns:
        people = people.rename({"last_active_day": "last_active"})
    return people.select(
        (pl.col(name) if name in people.columns else pl.lit(None)).cast(dtype).alias(name)
        for name, dtype in PEOPLE_SCHEMA.items()
    )


def _plural(number: pl.Expr, unit: str) -> pl.Expr:
    """'1 day' / '3 days' for a count expression."""
    text = number.cast(pl.String)
    return pl.when(number == 1).then(text + f" {unit}").otherwise(text + f" {unit}s")


def _ago(number: pl.Expr) -> pl.Expr:
    """'today', 'yesterday' or 'N days ago' for a day count."""
    return (
        pl.when(number == 0)
        .then(pl.lit("today"))
        .when(number == 1)
        .then(pl.lit("yesterday"))
        .otherwise(_plural(number, "day") + " ago")
    )


def reason_expr(window_days: int) -> pl.Expr:
    """Why this person is on the list, in words computed from their own numbers."""
    invited = (
        pl.when(pl.col("days_since_invite").is_null())
        .then(pl.lit("invited"))
        .when(pl.col("days_since_invite") < 0)
        .then(pl.lit("not yet invited"))
        .otherwise("invited " + _ago(pl.col("days_since_invite")))
    )
    inactive = _plural(pl.col("days_inactive"), "day")
    rejected = pl.col("rejection_run").fill_null(3).clip(lower_bound=3).cast(pl.String)
    return (
        pl.when(pl.col("playbook") == "never_started")
        .then(invited + ", never used the tool")
        .when(pl.col("playbook") == "at_risk")
        .then(
            pl.format(
                "active {} of the previous {} days, {} of the last {}",
                pl.col("prior_days"),
                pl.lit(window_days),
                pl.col("recent_days"),
                pl.lit(window_days),
            )
        )
        .when(pl.col("playbook") == "lost_trust")
        .then("last " + rejected + " suggestions rejected, inactive for " + inactive)
        .when(pl.col("playbook") == "dormant")
        .then("last active " + _ago(pl.col("days_inactive")))
        .otherwise(None)
    ) + pl.when(pl.col("is_champion").fill_null(False)).then(
        pl.lit("; is a champion (their cohort depends on them)")
    ).otherwise(pl.lit(""))


def owners(roster: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two lookups from the roster: active champions (by id) and active people (managers)."""
    active = roster.filter(pl.col("active").fill_null(True))
    champions = active.filter(pl.col("is_champion").fill_null(False)).select(
        champion_id="user_id", champion_name="name"
    )
    managers = active.select(manager_id="user_id", manager_name="name")
    return champions, managers


def with_owner(people: pl.DataFrame, roster: pl.DataFrame) -> pl.DataFrame:
    """Add owner_id, owner_name, owner_role: the active assigned champion, else the manager."""
    champions, managers = owners(roster)
    has_champion = pl.col("champion_id").is_in(champions["champion_id"].implode()) & (
        pl.col("champion_id") != pl.col("person_id")
    )
    has_manager = pl.col("manager_id").is_in(managers["manager_id"].implode()) & (
        pl.col("manager_id") != pl.col("person_id")
    )
    return (
        people.join(champions, on="champion_id", how="left")
        .join(managers, on="manager_id", how="left")
        .with_columns(
            owner_role=pl.when(has_champion)
            .then(pl.lit("champion"))
            .when(has_manager)
            .then(pl.lit("manager"))
            .otherwise(pl.lit("unassigned")),
        )
        .with_columns(
            owner_id=pl.when(pl.col("owner_role") == "champion")
            .then(pl.col("champion_id"))
            .when(pl.col("owner_role") == "manager")
            .then(pl.col("manager_id")),
            owner_name=pl.when(pl.col("owner_role") == "champion")
            .then(pl.col("champion_name").fill_null(pl.col("champion_id")))
            .when(pl.col("owner_role") == "manager")
            .then(pl.col("manager_name").fill_null(pl.col("manager_id"))),
        )
        .drop("champion_name", "manager_name")
    )


def last_contacts(outreach: pl.DataFrame) -> pl.DataFrame:
    """One row per person ever contacted: the latest contact's day and channel.

    Contacts dated after D count too: the contact log is usually newer than the data (a champion
    logs today's call while the latest events are yesterday's), and the list must not send them
    to the same person twice.
    """
    order = ["contacted_on", "id"] if "id" in outreach.columns else ["contacted_on"]
    return (
        outreach.drop_nulls("contacted_on")
        .sort(order)
        .group_by("person_id")
        .agg(
            last_contacted_on=pl.col("contacted_on").last(),
            last_contact_channel=pl.col("channel").last(),
        )
    )


def _first_word(column: str, fallback: str) -> pl.Expr:
    """The first word of a name column (the fallback for a missing or blank name)."""
    word = pl.col(column).str.strip_chars().str.split(" ").list.first()
    return pl.when(word.is_null() | (word == "")).then(pl.lit(fallback)).otherwise(word)


def _sort_key() -> pl.Expr:
    """Within a playbook: biggest drop, most recent lapse, longest wait for the first use."""
    return (
        pl.when(pl.col("playbook") == "at_risk")
        .then(pl.col("recent_days") - pl.col("prior_days"))
        .when(pl.col("playbook").is_in(["lost_trust", "dormant"]))
        .then(pl.col("days_inactive"))
        .otherwise(-pl.col("days_since_invite"))
    )


def with_barrier(worklist: pl.DataFrame, barriers: pl.DataFrame | None) -> pl.DataFrame:
    """The worklist with each person's survey barrier (SPEC 13) added to reason and next step.

    `barriers`: one row per person (person_id, barrier, barrier_source `own`|`team`,
    barrier_step), from analytics.impact.survey.person_barriers; people without one unchanged.
    """
    if barriers is None or barriers.is_empty():
        return worklist
    whose = (
        pl.when(pl.col("barrier_source") == "own")
        .then(pl.lit("their"))
        .otherwise(pl.lit("their team's"))
    )
    note = pl.format("; survey: {} lowest score is {}", whose, pl.col("barrier"))
    step = pl.format(
        "{} ({} barrier); then: {}", pl.col("barrier_step"), pl.col("barrier"), pl.col("next_step")
    )
    return (
        worklist.join(barriers, on="person_id", how="left")
        .with_columns(
            reason=pl.when(pl.col("barrier").is_null())
            .then(pl.col("reason"))
            .otherwise(pl.col("reason") + note),
            next_step=pl.when(pl.col("barrier").is_null())
            .then(pl.col("next_step"))
            .otherwise(step),
        )
        .select(worklist.columns)
    )


def build_worklist(
    people: pl.DataFrame,
    roster: pl.DataFrame,
    outreach: pl.DataFrame,
    as_of: dt.date,
    settings: Settings | None = None,
    barriers: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per eligible person to contact (columns WORKLIST_COLUMNS), most valuable first.

    `people`: one row per eligible person at D with segment and activity counts (the metrics'
    eligible people; see PEOPLE_SCHEMA). `roster`: owners' names and champion status.
    `outreach`: the contact log. Settings used: recent_contact_days, dormant_days,
    message_templates. `barriers`: survey barriers per person (see with_barrier), optional.
    """
    settings = settings or Settings()
    recent_contact_days = settings.recent_contact_days
    window_days = settings.dormant_days
    templates = merged_templates(settings.message_templates)
    day = pl.lit(as_of)
    candidates = conform_people(people).filter(pl.col("segment").is_in(OUTREACH_SEGMENTS))
    return (
        with_owner(candidates, roster)
        .join(last_contacts(outreach), on="person_id", how="left")
        .with_columns(
            playbook=pl.when(pl.col("lost_trust").fill_null(False))
            .then(pl.lit("lost_trust"))
            .otherwise(pl.col("segment")),
            days_inactive=(day - pl.col("last_active")).dt.total_days(),
            days_since_invite=(day - pl.col("wave_start")).dt.total_days(),
            contacted_recently=(
                pl.col("last_contacted_on") > day - pl.duration(days=recent_contact_days)
            ).fill_null(False),  # in [D-N+1, D], or logged after D
            first_name=_first_word("name", "there"),
            owner_first_name=_first_word("owner_name", "the rollout team"),
            last_active_day=pl.col("last_active"),
        )
        .with_columns(
            reason=reason_expr(window_days),
            next_step=by_playbook(templates, "next_step"),
            message=by_playbook(templates, "message"),
            _priority=pl.col("playbook").replace_strict(PLAYBOOK_PRIORITY, return_dtype=pl.Int64),
            _within=_sort_key(),
        )
        .sort(
            ["contacted_recently", "_priority", "_within", "team", "name", "person_id"],
            nulls_last=True,
        )
        .with_row_index("rank", offset=1)
        .pipe(with_barrier, barriers)
        .select(pl.col(c).cast(d) for c, d in WORKLIST_SCHEMA.items())
    )


def empty_worklist() -> pl.DataFrame:
    """A worklist with no rows and every column (no data, or a viewer who may see nobody)."""
    return pl.DataFrame(schema=WORKLIST_SCHEMA)


def filter_worklist(
    worklist: pl.DataFrame,
    *,
    teams: Sequence[str] = (),
    champions: Sequence[str] = (),
    waves: Sequence[int] = (),
    segments: Sequence[str] = (),
) -> pl.DataFrame:
    """The rows matching every non-empty filter (same grain; ranks kept from the full list).

    `segments` matches the segment or the playbook, so "dormant" includes lost-trust people and
    "lost_trust" selects only them. `champions` matches the assigned champion id.
    """
    keep = pl.lit(True)
    if teams:
        keep = keep & pl.col("team").is_in(list(teams))
    if champions:
        keep = keep & pl.col("champion_id").is_in(list(champions))
    if waves:
        keep = keep & pl.col("wave").is_in([int(w) for w in waves])
    if segments:
        keep = keep & (
            pl.col("segment").is_in(list(segments)) | pl.col("playbook").is_in(list(segments))
        )
    return worklist.filter(keep)
