"""The impact document of SPEC 14: the effect of enablement and of adoption on one KPI."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import polars as pl

from analytics.impact.did import DidResult, Interval, UnsupportedDesign, estimate
from analytics.impact.panel import build_panel
from analytics.metrics.inputs import MetricInputs
from analytics.metrics.population import prepare

DRAWS = 499  # bootstrap resamples: the intervals' second digit is stable at this many
SEED = 20260601


def number(value: float | None, digits: int = 4) -> float | None:
    """A JSON-safe rounded float (None for NaN or missing)."""
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


def effect(interval: Interval | None, untreated_mean: float) -> dict[str, float | None]:
    """{estimate, ci_low, ci_high, relative} of one aggregate (all None when not estimable)."""
    if interval is None:
        return dict.fromkeys(("estimate", "ci_low", "ci_high", "relative"))
    relative = interval.estimate / untreated_mean if untreated_mean else None
    return {
        "estimate": number(interval.estimate),
        "ci_low": number(interval.ci_low),
        "ci_high": number(interval.ci_high),
        "relative": number(relative),
    }


def shown(value: float) -> str:
    """A KPI amount for a sentence: two decimals below 100, else whole with separators."""
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def pre_trend_words(pre_trend_ok: bool | None) -> str:
    """The parallel-trends caveat in words."""
    if pre_trend_ok is None:
        return "there were no weeks before the starts to check that."
    if pre_trend_ok:
        return "the weeks before each start are consistent with that."
    return "the weeks before the starts do not support that, so read the estimate with care."


def enablement_words(kpi: str, enablement: DidResult) -> str:
    """The effect of enablement in plain words, with the design it rests on."""
    o = enablement.overall
    relative = o.estimate / enablement.untreated_mean if enablement.untreated_mean else None
    share = f", {relative:+.0%} of the level before the start" if relative is not None else ""
    verdict = "a clear change" if o.significant else "not clearly different from no change"
    return (
        f"Being enabled (their wave started) changed {kpi} by {shown(o.estimate)} per person "
        f"per week{share} (95% interval {shown(o.ci_low)} to {shown(o.ci_high)}): {verdict}. "
        f"Estimated from {enablement.groups} waves, {enablement.units} people and "
        f"{enablement.weeks} weeks, comparing each wave with the waves not yet started. "
    )


def adoption_words(kpi: str, adoption: DidResult | None) -> str:
    """The effect from first use in plain words, with its caveat (empty when not estimated)."""
    if adoption is None:
        return ""
    a = adoption.overall
    return (
        f"From their first use of the tool, {kpi} changed by {shown(a.estimate)} per person "
        f"per week (95% interval {shown(a.ci_low)} to {shown(a.ci_high)}); people chose "
        "when to start, so this can reflect who they are as much as the tool. "
    )


def sentence(kpi: str, enablement: DidResult, adoption: DidResult | None) -> str:
    """The result in plain words, with its caveats (without adoption: enablement only)."""
    return (
        enablement_words(kpi, enablement)
        + adoption_words(kpi, adoption)
        + "The estimate assumes the waves would have moved in parallel without the tool; "
        + pre_trend_words(enablement.pre_trend_ok)
    )


def result_document(kpi: str, enablement: DidResult, adoption: DidResult | None) -> dict[str, Any]:
    """Exactly the keys of SPEC 14's impact contract."""
    return {
        "kpi": kpi,
        "design": {
            "waves": enablement.groups,
            "units": enablement.units,
            "weeks": enablement.weeks,
        },
        "enablement": effect(enablement.overall, enablement.untreated_mean),
        "adoption": effect(
            adoption.overall if adoption else None,
            adoption.untreated_mean if adoption else math.nan,
        ),
        "event_study": [
            {"week": offset, **{k: v for k, v in effect(i, 0.0).items() if k != "relative"}}
            for offset, i in sorted(enablement.event_study.items())
        ],
        "pre_trend_ok": enablement.pre_trend_ok,
        "sentence": sentence(kpi, enablement, adoption),
    }


def kpi_names(kpis: pl.DataFrame) -> list[str]:
    """The KPIs held, alphabetically."""
    return sorted(kpis["kpi"].unique().to_list())


@dataclass(frozen=True)
class Impact:
    """One KPI's impact: the SPEC 14 document (or {kpi, error}), and what releasing it needs."""

    document: dict[str, Any]
    smallest: dict[str, int]  # per design (enablement, adoption): people in its smallest group
    unmatched: int  # KPI people who matched nobody in the population
    without_adoption: dict[str, Any]  # the document with the adoption part (and words) left out


def failed(kpi: str, error: str, unmatched: int = 0) -> Impact:
    """An impact with no estimate: {kpi, error}."""
    document = {"kpi": kpi, "error": error}
    return Impact(document, {"enablement": 0, "adoption": 0}, unmatched, document)


def analyse(kpi: str, inputs: MetricInputs, kpis: pl.DataFrame, as_of: dt.date | None) -> Impact:
    """The impact of one KPI: the document, each design's smallest group (to release each part
    on its own) and the number of KPI people who matched nobody in the roster."""
    rows = kpis.filter(pl.col("kpi") == kpi)
    if rows.is_empty():
        known = ", ".join(kpi_names(kpis)) or "none: ingest a file with --kpis"
        return failed(kpi, f"no KPI named {kpi!r} (known: {known})")
    basis = prepare(inputs, as_of)
    if not basis.has_plan:
        return failed(
            kpi, "no rollout plan: the comparison rests on waves that start at different times"
        )
    day = basis.as_of or rows["week"].max()
    panel = build_panel(rows, basis.people, day)  # type: ignore[arg-type]
    if panel is None:
        return failed(kpi, "nobody in the KPI file matches the roster")
    try:
        enablement = estimate(panel.enablement, draws=DRAWS, seed=SEED)
    except UnsupportedDesign as why:
        return failed(kpi, f"no estimate can be made: {why}", panel.unmatched)
    try:
        adoption: DidResult | None = estimate(panel.adoption, draws=DRAWS, seed=SEED)
    except UnsupportedDesign:
        adoption = None
    smallest = {
        "enablement": enablement.smallest_group,
        "adoption": adoption.smallest_group if adoption else 0,
    }
    return Impact(
        result_document(kpi, enablement, adoption),
        smallest,
        panel.unmatched,
        result_document(kpi, enablement, None),
    )
