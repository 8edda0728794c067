"""Pure reshaping of metric results into the frames the charts and tables draw (no Streamlit).

No metric is computed here: the numbers come from the metrics document or metric frames; these
functions only change their shape (lists of dicts to long frames, two documents side by side).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from analytics.charts import line_frame


def dig(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    """A nested value of the metrics document by key path (None when a key is absent)."""
    value: Any = document
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


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
    launch = history["day"].min() if history.height else None
    if launch is not None and target_date is not None and target_rate is not None:
        parts.append(line_frame([launch, target_date], [0.0, float(target_rate)], "Target path"))
    as_of, rate, forecast = _date(document.get("as_of")), document.get("adoption_rate"), None
    forecast = target.get("forecast_rate")
    if None not in (as_of, rate, forecast, target_date) and target_date > as_of:
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


def _shown(value: Any, is_rate: bool) -> str:
    """A value as table text: rates in percent with one decimal, counts with separators."""
    if value is None:
        return "—"
    return f"{value:.1%}" if is_rate else f"{value:,}"


def _change(now: Any, then: Any, is_rate: bool) -> str:
    """The difference as text: percentage points for rates, a signed count otherwise."""
    if now is None or then is None:
        return "—"
    return f"{(now - then) * 100:+.1f} pts" if is_rate else f"{now - then:+,}"


def changes_table(now: dict[str, Any], before: dict[str, Any]) -> pl.DataFrame:
    """One row per headline measure: value a week earlier, value now and the change (as text)."""
    rows = [
        {
            "measure": label,
            f"as of {before.get('as_of')}": _shown(dig(before, path), is_rate),
            f"as of {now.get('as_of')}": _shown(dig(now, path), is_rate),
            "change": _change(dig(now, path), dig(before, path), is_rate),
        }
        for label, path, is_rate in CHANGE_ROWS
    ]
    return pl.DataFrame(rows)
