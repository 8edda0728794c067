"""What a group-level viewer (leadership, or a champion outside their cohort) may be shown.

Pure functions from full metric results to released ones, the single suppression step between
the metrics and every view that is not the product manager's (SPEC 6 and 9). Rules:
- a count of 1 to min-1 people is hidden ("fewer than N people"); a zero is shown;
- in a partition of a shown total (segments, ever used / never started, trained / untrained),
  when exactly one part is hidden the smallest other non-zero part is hidden too;
- a rate is shown only when its denominator has at least min people;
- a group row (team, wave, role) below the minimum shows its name and nothing else.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from analytics.privacy.suppression import suppress_small_groups, suppressed_label


def is_small(count: int | None, min_size: int) -> bool:
    """True for a count that would single out fewer than `min_size` people (1..min-1)."""
    return count is not None and 0 < count < min_size


def hide_small_parts(parts: Mapping[str, int | None], min_size: int) -> dict[str, int | None]:
    """The parts of a partition with small ones (and one complementary part) set to None.

    `parts`: name -> count, the counts adding up to a total that is shown elsewhere.
    """
    hidden = {name for name, count in parts.items() if is_small(count, min_size)}
    if len(hidden) == 1:
        others = [(c, n) for n, c in parts.items() if n not in hidden and c]
        if others:
            hidden.add(min(others)[1])
    return {name: None if name in hidden else count for name, count in parts.items()}


def hide_small_count(count: int | None, min_size: int) -> int | None:
    """A lone count (not part of a shown partition): None when small."""
    return None if is_small(count, min_size) else count


def rate_if_enough(rate: float | None, denominator: int | None, min_size: int) -> float | None:
    """A rate whose denominator has at least `min_size` people, else None."""
    return rate if denominator is not None and denominator >= min_size else None


def released_headlines(
    document: Mapping[str, Any],
    *,
    min_size: int,
    role_eligible: Mapping[str, int],
    feedback_people: int,
) -> dict[str, Any]:
    """The metrics document's organisation-level headlines, released for a group-level viewer.

    Keeps only aggregate keys (no person lists, no unmatched users, no per-group sections:
    those go through the group tables). `role_eligible`: eligible people per role at D;
    `feedback_people`: eligible people with a feedback event up to D (the acceptance base).
    """
    population = document["population"]
    eligible = population["eligible"]
    enough = eligible >= min_size
    used = hide_small_parts(
        {"ever_used": population["ever_used"], "never_started": population["never_started"]},
        min_size,
    )
    active = document["active"]
    target = dict(document["target"])
    if not enough:
        target.update(forecast_rate=None, needed=None, needed_per_week=None, on_track=None)
        target.update(status=None)
    trained = document["training"].get("counts", {})
    training = hide_small_parts(
        {"trained": trained.get("trained"), "untrained": trained.get("untrained")}, min_size
    )
    return {
        "as_of": document["as_of"],
        "released": True,
        "min_group_size": min_size,
        "population": {
            "roster": hide_small_count(population["roster"], min_size),
            "eligible": hide_small_count(eligible, min_size),
            **used,
        },
        "active": {key: hide_small_count(active[key], min_size) for key in ("dau", "wau", "mau")},
        "adoption_rate": rate_if_enough(document["adoption_rate"], eligible, min_size),
        "stickiness": rate_if_enough(document["stickiness"], active["mau"], min_size),
        "segments": hide_small_parts(document["segments"], min_size),
        "target": target,
        "leadership": {
            role: rate_if_enough(
                document["leadership"].get(role), role_eligible.get(role), min_size
            )
            for role in ("executive", "manager")
        },
        "trust": {
            "acceptance_rate": rate_if_enough(
                document["trust"]["acceptance_rate"], feedback_people, min_size
            ),
            "lost_trust": hide_small_count(document["trust"]["lost_trust"], min_size),
        },
        "training": {
            group: rate_if_enough(document["training"].get(group), training[group], min_size)
            for group in ("trained", "untrained")
        },
        "value_delivered": document["value_delivered"] if enough else None,
        "build_cost": document.get("build_cost"),
        "modes": document["modes"],
    }


def released_groups(
    table: pl.DataFrame,
    *,
    group: str,
    count: str,
    min_size: int,
    keep: tuple[str, ...] = (),
    parts: tuple[str, ...] = (),
) -> pl.DataFrame:
    """One row per group with every value of a small group (and its complement) nulled.

    Adds `suppressed` and `note`; the group name and the `keep` columns (facts about the group
    that rest on no person, e.g. a wave's planned start) stay; flags and texts are nulled too.
    `parts`: columns that split the group's people (ever used / never started); in a shown
    group, when one of them counts 1 to min-1 people they are all nulled (one hidden part of a
    shown total would otherwise be its total minus the others).
    """
    flagged = suppress_small_groups(table, group=group, count=count, min_size=min_size)
    fixed = {group, *keep, "suppressed", "note"}
    hidden = pl.col("suppressed")
    if parts:
        hidden = hidden | pl.any_horizontal(pl.col(p).is_between(1, min_size - 1) for p in parts)
    return flagged.with_columns(
        pl.when(hidden if name in parts else pl.col("suppressed"))
        .then(None)
        .otherwise(pl.col(name))
        .alias(name)
        for name in flagged.columns
        if name not in fixed
    )


def released_bins(frame: pl.DataFrame, *, count: str, min_size: int) -> pl.DataFrame:
    """Chart bins (one row per bin) without the bins of 1..min-1 people."""
    return frame.filter(~pl.col(count).is_between(1, min_size - 1))


def released_bin_columns(
    frame: pl.DataFrame, *, columns: tuple[str, ...], min_size: int
) -> pl.DataFrame:
    """Wide bins (one row per week, one column per kind): counts of 1..min-1 people nulled."""
    return frame.with_columns(
        pl.when(pl.col(name).abs().is_between(1, min_size - 1))
        .then(None)
        .otherwise(pl.col(name))
        .alias(name)
        for name in columns
    )


def released_rates(frame: pl.DataFrame, *, rates: Mapping[str, str], min_size: int) -> pl.DataFrame:
    """Rate columns nulled on rows whose denominator column (`rates`: rate -> denominator) has
    fewer than `min_size` people (or is itself hidden)."""
    return frame.with_columns(
        pl.when(pl.col(denominator) >= min_size).then(pl.col(rate)).otherwise(None).alias(rate)
        for rate, denominator in rates.items()
    )


def released_funnel(
    funnel: Mapping[str, int], parts: Mapping[str, int], min_size: int
) -> tuple[dict[str, int | None], dict[str, int | None]]:
    """The licence funnel (SPEC 10) released as a partition of the licence holders, not step
    by step: the parts through `hide_small_parts` (small and complementary suppression), the
    total as a lone count, and only the steps that follow from what is shown (first use =
    licensed - never used; habitual is a part); weekly active is not a sum of parts: hidden."""
    shown = hide_small_parts(parts, min_size)
    licensed = hide_small_count(funnel["licensed"], min_size)
    never = shown.get("never_used")
    steps: dict[str, int | None] = {
        "licensed": licensed,
        "first_use": None if licensed is None or never is None else licensed - never,
        "weekly_active": None,
        "habitual": shown.get("habitual"),
    }
    return steps, shown


def released_tools(sizes: Mapping[str, int], total: int, min_size: int) -> list[str]:
    """The tools a group-level viewer may split every view by: those whose population, and
    the rest of the whole population, are each empty or at least `min_size` people (so the
    choice never narrows to a small group, directly or as all tools minus one)."""
    return [
        tool
        for tool, size in sizes.items()
        if not is_small(size, min_size) and not is_small(total - size, min_size)
    ]


def released_impact(
    document: dict[str, Any],
    *,
    without_adoption: dict[str, Any],
    smallest: Mapping[str, int],
    min_size: int,
) -> dict[str, Any]:
    """An impact document as a group-level viewer may see it, each design released on its own.

    Enablement (and with it the event study) needs every wave used to hold `min_size` people,
    else the whole estimate is withheld; adoption needs every first-use cohort used to, else
    only its part is left out and `withheld` says why.
    """
    if "error" in document:
        return document
    label = suppressed_label(min_size)
    if smallest["enablement"] < min_size:
        return {"kpi": document["kpi"], "error": f"a wave in the comparison has {label}"}
    if document["adoption"]["estimate"] is None or smallest["adoption"] >= min_size:
        return document
    reason = f"a first-use cohort (people who started in the same week) has {label}"
    return {**without_adoption, "withheld": {"adoption": reason}}
