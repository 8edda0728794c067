"""Pure reshaping of metric results into the frames the charts and tables draw (no Streamlit).

No metric is computed here: the numbers come from the metrics document or metric frames; these
functions only change their shape (lists of dicts to long frames, two documents side by side).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from analytics.charts import line_frame
from analytics.ingest.quarantine import without_folders
from analytics.metrics.champions import TEAM_COLUMNS
from analytics.metrics.document import doc_value
from analytics.ui.definitions import GRAIN_NAMES, LOWER_BOUND_NAMES, TOOL_NAMES

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md_escape(text: Any) -> str:
    """User text made inert for Markdown (names, teams) before it goes into a caption or label."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def dig(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    """A nested value of the metrics document by key path; a missing key raises `MissingKey`
    naming it (a typo must fail loudly, never show as an empty "—")."""
    return doc_value(document, ".".join(path))


def _date(value: Any) -> dt.date | None:
    """A document date ('YYYY-MM-DD' or a date) as a date."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def adoption_lines(history: pl.DataFrame, document: dict[str, Any]) -> pl.DataFrame:
    """Adoption rate per day, the target path (launch 0% to target date) and the forecast segment.

    One row per series per day (day, rate, series), the shape `charts.adoption_vs_target` takes.
    The forecast runs from the as-of day's rate to the forecast rate at the target date.
    """
    actual = history.select(
        "day", rate=pl.col("adoption_rate"), series=pl.lit("Adoption rate")
    ).drop_nulls("rate")
    parts = [actual.cast({"rate": pl.Float64})]
    target = document.get("target") or {}
    target_date, target_rate = _date(target.get("date")), target.get("rate")
    launch = _date(history["day"].min()) if history.height else None
    if launch is not None and target_date is not None and target_rate is not None:
        parts.append(line_frame([launch, target_date], [0.0, float(target_rate)], "Target path"))
    as_of, rate = _date(document.get("as_of")), document.get("adoption_rate")
    forecast = target.get("forecast_rate")
    if (
        as_of is not None
        and target_date is not None
        and rate is not None
        and forecast is not None
        and target_date > as_of
    ):
        parts.append(line_frame([as_of, target_date], [float(rate), float(forecast)], "Forecast"))
    return pl.concat(parts, how="vertical")


CHANGE_ROWS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("Adoption rate", ("adoption_rate",), True),
    ("Eligible people", ("population", "eligible"), False),
    ("Ever used", ("population", "ever_used"), False),
    ("Never started", ("population", "never_started"), False),
    ("DAU", ("active", "dau"), False),
    ("WAU", ("active", "wau"), False),
    ("MAU", ("active", "mau"), False),
    ("Stickiness", ("stickiness",), True),
    ("Dormant", ("segments", "dormant"), False),
    ("At risk", ("segments", "at_risk"), False),
    ("Acceptance rate", ("trust", "acceptance_rate"), True),
)


def percent_text(value: float | None) -> str:
    """A rate (0-1) as a whole percentage, the one precision of every view ("59%"); changes
    between rates are points with one decimal (`change_text`). Undefined is an em dash."""
    return "—" if value is None else f"{value:.0%}"


def _shown(value: Any, is_rate: bool) -> str:
    """A value as table text: rates as whole percentages, counts with separators."""
    if value is None:
        return "—"
    return percent_text(value) if is_rate else f"{value:,}"


NO_CHANGE = "no change"  # a change that rounds to zero: never "+0" or "+0.0 pts" (issue 10)


def change_text(now: Any, then: Any, *, is_rate: bool) -> str:
    """The difference as text: percentage points with one decimal for rates, a signed count
    otherwise, "no change" when it is zero as shown; an em dash when either side is missing."""
    if now is None or then is None:
        return "—"
    if is_rate:
        points = round((now - then) * 100, 1)
        return NO_CHANGE if points == 0 else f"{points:+.1f} pts"
    count = now - then
    return NO_CHANGE if count == 0 else f"{count:+,}"


def changes_table(now: dict[str, Any], before: dict[str, Any]) -> pl.DataFrame:
    """One row per headline measure: value a week earlier, value now and the change (as text),
    headed in words like every other table."""
    rows = [
        {
            "Measure": label,
            f"As of {before.get('as_of')}": _shown(dig(before, path), is_rate),
            f"As of {now.get('as_of')}": _shown(dig(now, path), is_rate),
            "Change": change_text(dig(now, path), dig(before, path), is_rate=is_rate),
        }
        for label, path, is_rate in CHANGE_ROWS
    ]
    return pl.DataFrame(rows)


# ---- waves ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """A sentence for the page and its tone: success, warning or info."""

    text: str
    tone: str


def _wave_name(row: dict[str, Any]) -> str:
    """'Wave 2 (Early adopters)' from a waves-table row, the name made inert for Markdown."""
    if not row.get("name"):
        return f"Wave {row['wave']}"
    return f"Wave {row['wave']} ({md_escape(row['name'])})"


def gate_verdict(waves: pl.DataFrame, gate: float | None) -> Verdict:
    """Whether the latest started wave is ready for the next one, read from the waves table.

    `waves`: one row per planned wave (see `with_started`: it needs the `started` flag).
    """
    rows = waves.sort("wave").to_dicts()
    current = next((r for r in reversed(rows) if r.get("started")), None)
    if current is None:
        return Verdict("No wave has started yet.", "info")
    following = [r for r in rows if r["wave"] > current["wave"]]
    if current.get("suppressed"):
        return Verdict(
            f"{_wave_name(current)} is the latest wave to start; it has too few eligible people "
            "to show its numbers or its gate to your role.",
            "info",
        )
    if not following:
        return _last_wave_verdict(current, gate)
    nxt = following[0]
    gate_text = _pct(gate)
    rate_4w = current.get("rate_4w")
    if rate_4w is None:
        read_on = current["start"] + dt.timedelta(days=27)
        return Verdict(
            f"{_wave_name(current)} is at {_pct(current['adoption_rate'])} now; its gate "
            f"({gate_text} four weeks in) is read on {read_on}. {_wave_name(nxt)} is planned "
            f"for {nxt['start']}.",
            "info",
        )
    if current.get("ready_for_next"):
        return Verdict(
            f"{_wave_name(current)} reached {_pct(rate_4w)} four weeks in (gate {gate_text}): "
            f"ready for {_wave_name(nxt)}, planned for {nxt['start']}.",
            "success",
        )
    return Verdict(
        f"{_wave_name(current)} reached only {_pct(rate_4w)} four weeks in (gate {gate_text}): "
        f"not ready for {_wave_name(nxt)} (planned for {nxt['start']}). Focus outreach on its "
        "people who never started before widening the rollout.",
        "warning",
    )


def laggard_verdict(
    waves: pl.DataFrame, curves: pl.DataFrame, gate: float | None
) -> Verdict | None:
    """The started wave furthest below its gate or below its own peak, when one is (else None).

    `waves`: released waves rows (`started`, `suppressed`, `adoption_rate`); `curves`: one row
    per wave per day since start with `rate` (hidden waves already left out). A wave that slid
    5 points or more from its peak, or sits below the gate 4 weeks in, is a laggard.
    """
    peaks = curves.group_by("wave").agg(peak=pl.col("rate").max())
    rows = (
        waves.filter(
            pl.col("started"), ~pl.col("suppressed"), pl.col("adoption_rate").is_not_null()
        )
        .join(peaks, on="wave", how="left")
        .with_columns(
            below_gate=pl.when(pl.col("rate_4w").is_not_null())
            .then(pl.lit(gate or 0.0) - pl.col("adoption_rate"))
            .otherwise(0.0),
            below_peak=pl.col("peak").fill_null(0.0) - pl.col("adoption_rate"),
        )
        .with_columns(gap=pl.max_horizontal("below_gate", "below_peak"))
        .filter((pl.col("below_peak") >= 0.05) | (pl.col("below_gate") > 0))
        .sort("gap", "wave", descending=[True, False])
    )
    if rows.is_empty():
        return None
    worst = rows.row(0, named=True)
    name, now = _wave_name(worst), _pct(worst["adoption_rate"])
    if worst["below_peak"] >= 0.05:
        text = f"{name} has slid from {_pct(worst['peak'])} at its peak to {now}"
    else:
        text = f"{name} is at {now}"
    if worst["below_gate"] > 0:
        text += f", below the {_pct(gate)} gate"
    return Verdict(
        text + ": the wave furthest behind. Look at its lapsed and never-started people on the "
        "Outreach page.",
        "warning",
    )


def _last_wave_verdict(last: dict[str, Any], gate: float | None) -> Verdict:
    """Every wave has started: how the last one did against the gate (nothing left to open)."""
    opening = f"All waves have started. {_wave_name(last)} is at {_pct(last['adoption_rate'])}"
    rate_4w = last.get("rate_4w")
    if rate_4w is None:
        return Verdict(f"{opening}; its 4-week gate is not read yet.", "info")
    if last.get("ready_for_next"):
        return Verdict(
            f"{opening} and reached {_pct(rate_4w)} four weeks in (gate {_pct(gate)}).",
            "success",
        )
    return Verdict(
        f"{opening}; it reached only {_pct(rate_4w)} four weeks in (gate {_pct(gate)}): "
        f"{last['never_started']} of its {last['size']} people never started. Focus outreach "
        "there.",
        "warning",
    )


def _pct(value: float | None) -> str:
    """A rate as a whole percentage, or an em dash."""
    return percent_text(value)


def with_started(waves: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The waves table with a `started` flag (start on or before the as-of day)."""
    return waves.with_columns(started=pl.col("start") <= pl.lit(as_of))


def waves_display(waves: pl.DataFrame) -> pl.DataFrame:
    """The waves table's columns in reading order, rates as whole percentages (0-100, one
    precision rule with the leaderboard), a gate column in words and the note of a suppressed
    wave (`waves`: PageData.waves, with `suppressed` and `note`)."""
    gate = (
        pl.when(pl.col("suppressed"))
        .then(None)
        .when(pl.col("ready_for_next").is_null())
        .then(pl.lit("not yet read"))
        .when(pl.col("ready_for_next"))
        .then(pl.lit("ready"))
        .otherwise(pl.lit("not ready"))
    )
    return waves.select(
        "wave",
        "name",
        gate.alias("gate"),  # the verdict next to the name, never cut off at 1440 px
        "start",
        "size",  # members; "eligible" left out: the wave's rates are over its members
        "ever_used",
        "active",
        "never_started",
        *(pl.col(c) * 100 for c in ("adoption_rate", "rate_2w", "rate_4w")),  # shown as 0-100
        "median_days_to_first_use",
        "note",
    )


def wave_labelled(frame: pl.DataFrame, waves: pl.DataFrame) -> pl.DataFrame:
    """Replace the wave number by its label ('1 · Champions') so legends read in words."""
    labels = waves.select(
        "wave",
        label=pl.format("{} · {}", pl.col("wave"), pl.col("name").fill_null("")),
    )
    return (
        frame.join(labels, on="wave", how="left")
        .with_columns(wave=pl.col("label").fill_null(pl.col("wave").cast(pl.String)))
        .drop("label")
    )


# ---- retention and activity -------------------------------------------------------------------


def retention_cells(retention: pl.DataFrame) -> pl.DataFrame:
    """Heatmap cells: cohort label 'YYYY-MM-DD (n=SIZE)', week offset k, rate, partial flag.

    `retention`: one row per cohort week per offset k (cohort_week, size, k, rate, partial).
    """
    return retention.sort("cohort_week", "k").select(
        cohort=pl.format("{} (n={})", pl.col("cohort_week").dt.to_string("%Y-%m-%d"), "size"),
        week=pl.col("k"),
        rate=pl.col("rate"),
        partial=pl.col("partial").fill_null(False),
    )


def histogram_frame(counts: list[int]) -> pl.DataFrame:
    """The 28 active-day counts as a frame: one row per k = 1..28 (days, people)."""
    return pl.DataFrame(
        {"days": list(range(1, len(counts) + 1)), "people": counts},
        schema={"days": pl.Int64, "people": pl.Int64},
    )


# ---- champions --------------------------------------------------------------------------------

SEGMENT_ORDER = ["never_started", "dormant", "at_risk", "active", "not_yet_eligible"]


def teams_display(teams: pl.DataFrame, chosen: list[str]) -> pl.DataFrame:
    """The champions-by-team table for the chosen teams (all when none chosen), flagged first."""
    shown = teams.filter(pl.col("team").is_in(chosen)) if chosen else teams
    return shown.select(TEAM_COLUMNS).sort(
        "over_ratio", "team", descending=[True, False], nulls_last=True
    )


def teams_without_champion(teams: pl.DataFrame) -> list[str]:
    """Names of teams that have eligible members and no champion."""
    return teams.filter(pl.col("no_champion"))["team"].drop_nulls().to_list()


PERSON_VIEW = [
    "name",
    "person_id",
    "team",
    "segment",
    "last_active_day",
    "active_days_28",
    "acceptance_rate",
]


def champions_activity(people: pl.DataFrame, chosen: list[str]) -> pl.DataFrame:
    """One row per champion (of the chosen teams): their own segment and use, cohort size."""
    cohort_sizes = (
        people.filter(pl.col("champion_id").is_not_null() & ~pl.col("is_champion"))
        .group_by("champion_id")
        .agg(cohort_size=pl.len().cast(pl.Int64))
    )
    champions = people.filter(pl.col("is_champion"))
    if chosen:
        champions = champions.filter(pl.col("team").is_in(chosen))
    return (
        champions.rename({"last_active": "last_active_day"})
        .join(cohort_sizes, left_on="person_id", right_on="champion_id", how="left")
        .with_columns(
            pl.col("cohort_size").fill_null(0),
            pl.col("segment").fill_null("not_yet_eligible"),
        )
        .select(*PERSON_VIEW, "cohort_size")
        .with_columns(segment_label(pl.col("segment")))
        .sort("active_days_28", "name", descending=[False, False])
    )


def champion_options(people: pl.DataFrame) -> dict[str, str]:
    """Champion id -> 'Name (Team)' for a picker, in name order (plain text, never Markdown)."""
    champions = people.filter(pl.col("is_champion")).sort("name", "person_id", nulls_last=True)
    labels = champions.select(
        "person_id",
        label=pl.format(
            "{} ({})",
            pl.col("name").fill_null(pl.col("person_id")),
            pl.col("team").fill_null("no team"),
        ),
    )
    return dict(zip(labels["person_id"].to_list(), labels["label"].to_list(), strict=True))


def segment_label(segment: pl.Expr) -> pl.Expr:
    """A segment name in words: 'never_started' -> 'never started'."""
    return segment.str.replace_all("_", " ")


def segment_counts(cohort: pl.DataFrame) -> dict[str, int]:
    """People per segment of a displayed cohort: the four segments always, then 'not yet'."""
    counts = cohort.group_by("segment").len()
    by_segment = dict(zip(counts["segment"].to_list(), counts["len"].to_list(), strict=True))
    shown = [s.replace("_", " ") for s in SEGMENT_ORDER[:4]]
    if by_segment.get("not yet eligible"):
        shown.append("not yet eligible")
    return {label: int(by_segment.get(label, 0)) for label in shown}


def cohort_display(cohort: pl.DataFrame) -> pl.DataFrame:
    """A champion's people (not the champion), those needing a nudge first: never started..."""
    rank = pl.col("segment").replace_strict(
        {s: i for i, s in enumerate(SEGMENT_ORDER)}, default=len(SEGMENT_ORDER)
    )
    people = cohort.filter(pl.col("person_id") != pl.col("champion_id").fill_null(""))
    return (
        people.sort(rank, "name", nulls_last=True)
        .select(PERSON_VIEW)
        .with_columns(segment_label(pl.col("segment")))
    )


# ---- team meeting -----------------------------------------------------------------------------


def leaderboard(now: pl.DataFrame, before: pl.DataFrame) -> pl.DataFrame:
    """Teams by adoption now, with the rate at the last meeting and the change in points.

    Also the team's eligible and active people at the last meeting (`eligible_before`,
    `active_before`), which `fell_reason` reads; the projector table does not show them.
    """
    earlier = before.select(
        "team",
        adoption_before=pl.col("adoption_rate"),
        eligible_before=pl.col("eligible"),
        active_before=pl.col("active"),
    )
    return (
        now.join(earlier, on="team", how="left")
        .with_columns(change_pts=(pl.col("adoption_rate") - pl.col("adoption_before")) * 100)
        .select(pl.exclude("ever_used", "never_started"), "ever_used", "never_started")
        .sort("adoption_rate", "team", descending=[True, False], nulls_last=True)
    )


FELL_REASONS = {
    "joined": "more people became eligible (a new wave joined) than took it up yet",
    "lapsed": "people who used it have stopped (fewer active than at the last meeting)",
    "both": "a new wave joined and some who used it have stopped",
}


def fell_reason() -> pl.Expr:
    """Why a team's rate fell, read from its counts then and now: newcomers, lapsed users or
    both (a team-level reason; never a person's activity)."""
    joined = pl.col("eligible") > pl.col("eligible_before")
    lapsed = pl.col("active") < pl.col("active_before")
    return (
        pl.when(joined & lapsed)
        .then(pl.lit(FELL_REASONS["both"]))
        .when(joined)
        .then(pl.lit(FELL_REASONS["joined"]))
        .when(lapsed)
        .then(pl.lit(FELL_REASONS["lapsed"]))
        .otherwise(pl.lit("fewer of its people active in the last 28 days"))
    )


def teams_that_fell(board: pl.DataFrame, limit: int = 3) -> pl.DataFrame:
    """The shown teams whose adoption fell since the last meeting, biggest fall first, with the
    likely reason (`board`: `leaderboard` rows; suppressed rows have no change and drop out)."""
    return (
        board.filter(pl.col("change_pts") <= -0.05)
        .sort(pl.col("change_pts").round(1), "team")  # ties (to the shown decimal) by name
        .head(limit)
        .with_columns(reason=fell_reason())
        .select("team", "adoption_rate", "change_pts", "reason")
    )


def leaderboard_display(board: pl.DataFrame) -> pl.DataFrame:
    """The leaderboard for a projector: rates as whole percentages (0-100), one decimal change;
    the note column only when a team is suppressed."""
    shown = board.drop("eligible_before", "active_before", strict=False).with_columns(
        (pl.col("adoption_rate") * 100).round(0),
        (pl.col("adoption_before") * 100).round(0),
        pl.col("change_pts").round(1),
    )
    return shown if shown["note"].is_not_null().any() else shown.drop("note")


def top_users(people: pl.DataFrame, hidden_teams: list[str], limit: int = 10) -> pl.DataFrame:
    """The most active eligible people (most active days in 28) outside suppressed teams."""
    return (
        people.filter(
            pl.col("eligible"),
            pl.col("active_days_28") > 0,
            ~pl.col("team").is_in(hidden_teams).fill_null(False),
        )
        .sort("active_days_28", "name", descending=[True, False], nulls_last=True)
        .head(limit)
        .select("name", "team", "active_days_28")
    )


# ---- data -------------------------------------------------------------------------------------


def report_row(report: Any) -> dict[str, Any]:
    """One ingest report (FileReport) as a flat table row, lists and dicts as text."""
    reasons = getattr(report, "quarantine_reasons", {}) or {}
    return {
        "file": Path(str(report.file)).name,  # never the server's folder
        "kind": getattr(report, "kind", "events"),
        "status": report.status,
        "error": without_folders(report.error),
        "read": report.read,
        "loaded": report.loaded,
        "duplicates": report.duplicates,
        "already_quarantined": getattr(report, "already_quarantined", 0),
        "conflicts": report.conflicts,
        "quarantined": report.quarantined,
        "fixed": getattr(report, "fixed", 0),
        "suppressed": report.suppressed,
        "quarantine_reasons": ", ".join(f"{k}: {v}" for k, v in sorted(reasons.items())),
        "date_order": report.date_order,
        "warnings": without_folders("; ".join(map(str, report.warnings or []))),
    }


# Rates shown in tables (0-1 in every frame); `rates_as_percent` makes them whole percentages
# for a `%.0f%%` column, the one precision rule of every view (docs/decisions.md, issue 10).
RATE_KEYS = (
    "coverage", "trained_rate", "untrained_rate", "acceptance_rate", "conversion_rate", "share",
    "rate",
)  # fmt: skip


def rates_as_percent(frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with each rate column (RATE_KEYS) as a whole percentage 0-100, for display."""
    present = [name for name in RATE_KEYS if name in frame.columns]
    return frame.with_columns((pl.col(name) * 100).round(0) for name in present)


def added_nothing_lines(reports: pl.DataFrame) -> list[str]:
    """One plain line per uploaded events file that added no event and no quarantine row."""
    empty = reports.filter(
        (pl.col("status") == "loaded")
        & (pl.col("kind") == "events")
        & (pl.col("loaded") == 0)
        & (pl.col("quarantined") == 0)
    )
    return [
        f"{name} added nothing new: it has no rows."
        if read == 0
        else f"{name} added nothing new: each of its {read:,} rows was already loaded, already "
        "in quarantine or of an erased person."
        for name, read in empty.select("file", "read").iter_rows()
    ]


# ---- settings ---------------------------------------------------------------------------------


def plan_editor_frame(plan: pl.DataFrame) -> pl.DataFrame:
    """The stored plan in the editor's shape: one row per wave (wave, name, start, size)."""
    return plan.select("wave", "name", "start", "planned_size").sort("wave")


def _whole_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A number column as text, whole floats without '.0' (the editor hands back floats)."""
    column = pl.col(name)
    if frame.schema[name].is_float():
        whole = column.cast(pl.Int64, strict=False).cast(pl.String)
        return pl.when(column == column.floor()).then(whole).otherwise(column.cast(pl.String))
    return column.cast(pl.String)


def _date_text(frame: pl.DataFrame, name: str) -> pl.Expr:
    """A date column as YYYY-MM-DD text, whether the editor returns dates, datetimes or text."""
    dtype = frame.schema[name]
    if dtype == pl.Date:
        return pl.col(name).dt.to_string("%Y-%m-%d")
    if isinstance(dtype, pl.Datetime):
        return pl.col(name).dt.date().dt.to_string("%Y-%m-%d")
    return pl.col(name).cast(pl.String).str.slice(0, 10)


def plan_from_editor(edited: Any) -> tuple[list[Any], list[str]]:
    """Waves from the edited table, validated like a plan file: (waves, reasons refused).

    Uses the ingest's own plan checks (numbers, dates, repeated waves, starts out of order).
    """
    from analytics.ingest.plan import plan_errors, typed_plan
    from analytics.state.models import Wave

    frame = edited if isinstance(edited, pl.DataFrame) else pl.from_pandas(edited)
    frame = frame.filter(~pl.all_horizontal(pl.all().is_null()))
    as_text = frame.select(
        _whole_text(frame, "wave"),
        pl.col("name").cast(pl.String),
        _date_text(frame, "start"),
        _whole_text(frame, "planned_size"),
    )
    typed = typed_plan(as_text)
    # The plan file's "line N" counts the header; the table's rows start at 1.
    errors = [
        re.sub(r"^line (\d+):", lambda m: f"row {int(m.group(1)) - 1}:", e)
        for e in plan_errors(typed)
    ]
    if errors:
        return [], errors
    waves = [
        Wave(number=r["wave"], name=r["name"], start=r["start"], planned_size=r["planned_size"])
        for r in typed.sort("wave").to_dicts()
    ]
    return waves, []


# ---- explore ----------------------------------------------------------------------------------


def _retention_long(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Retention rows to one row per cohort per offset; offsets past the last period are absent."""
    total = len(rows)
    records = [
        {
            "period_start": row["period_start"],
            "offset": k,
            "people": count,
            "rate": count / row["counts"][0] if row["counts"][0] else None,
        }
        for i, row in enumerate(rows)
        for k, count in enumerate(row["counts"])
        if k <= total - 1 - i
    ]
    schema = {
        "period_start": pl.String,
        "offset": pl.Int64,
        "people": pl.Int64,
        "rate": pl.Float64,
    }
    frame = pl.DataFrame(records, schema=schema, orient="row")
    return frame.with_columns(pl.col("period_start").str.to_date()).filter(
        pl.col("period_start").is_in(
            frame.filter(pl.col("offset") == 0, pl.col("people") > 0)["period_start"]
            .str.to_date()
            .implode()
        )
    )


def insight_table(kind: str, result: dict[str, Any]) -> pl.DataFrame:
    """An insight query's JSON result as a table (the shape differs by kind)."""
    if kind == "retention":
        return _retention_long(result.get("rows", []))
    if kind == "stickiness":
        counts = result.get("counts", [])
        return pl.DataFrame(
            {"periods_active": list(range(1, len(counts) + 1)), "people": counts},
            schema={"periods_active": pl.Int64, "people": pl.Int64},
        ).filter(pl.lit(sum(counts) > 0))
    rows = result.get("rows", [])
    if not rows:
        return pl.DataFrame()
    return pl.DataFrame(rows).with_columns(pl.col("period_start").str.to_date())


def insight_chart(kind: str, table: pl.DataFrame) -> Any:
    """The chart for an insight table: cohort curves, lifecycle bars, histogram or a line."""
    from analytics import charts

    if kind == "retention":
        return charts.series_lines(
            table.with_columns(pl.col("period_start").dt.to_string("%Y-%m-%d").alias("cohort")),
            x="offset",
            y="rate",
            series="cohort",
            y_title="Share of the cohort back",
            percent=True,
        )
    if kind == "lifecycle":
        return charts.lifecycle_bars(
            table.rename({"period_start": "week"}).with_columns(pl.col("dormant").abs())
        )
    if kind == "stickiness":
        return charts.active_days_histogram(
            table.rename({"periods_active": "days"}), x_title="Periods active"
        )
    return charts.series_lines(
        table, x="period_start", y="count", series=None, y_title="Active people", percent=False
    )


def tools_display(tools: pl.DataFrame, hidden: str) -> pl.DataFrame:
    """The By tool table in words: tool and grain names, and licence holders as a count, the
    viewer's "fewer than N" text where released counts are blank, or "no licence list"."""
    licensed = (
        pl.when(~pl.col("has_licence_list"))
        .then(pl.lit("no licence list"))
        .when(pl.col("licensed").is_null())
        .then(pl.lit(hidden))
        .otherwise(pl.col("licensed").cast(pl.String))
    )
    return tools.select(
        pl.col("tool").replace(TOOL_NAMES),
        pl.col("grain").replace(GRAIN_NAMES),
        "people_active_28d",
        licensed.alias("licensed"),
    )


def lower_bound_words(keys: list[str]) -> str:
    """Lower-bound document keys as one readable list ("daily active users, stickiness")."""
    return ", ".join(LOWER_BOUND_NAMES.get(key, key.replace("_", " ")) for key in keys)


def wave_start_marks(waves: pl.DataFrame) -> pl.DataFrame:
    """Where each started wave after the first begins (day, label "Wave 2 starts"), for the
    adoption chart: the saw-tooth at those days is newcomers joining the denominator. Plan
    dates only, no counts, so a wave hidden for its size is still marked."""
    started = waves.filter(pl.col("started") & pl.col("start").is_not_null()).sort("start")
    return started.slice(1).select(
        pl.col("start").alias("day"),
        pl.format("Wave {} starts", pl.col("wave")).alias("label"),
    )
