"""The adoption chart's wave-start rules: every started wave after the first, by its start day."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics import charts
from analytics.ui.frames import wave_start_marks

WAVES = pl.DataFrame(
    {  # out of order on purpose; wave 4 has not started at the as-of day
        "wave": [2, 1, 4, 3],
        "start": [dt.date(2026, 6, 29), dt.date(2026, 6, 1), dt.date(2026, 9, 7), None],
        "started": [True, True, False, True],
    }
)


def test_marks_skip_the_first_wave_and_unstarted_or_undated_ones() -> None:
    marks = wave_start_marks(WAVES)
    # wave 1 is launch (no dip to explain); wave 4 not started; wave 3 has no start date
    assert marks.to_dicts() == [{"day": dt.date(2026, 6, 29), "label": "Wave 2 starts"}]


def test_the_chart_draws_one_rule_and_label_per_mark() -> None:
    lines = pl.DataFrame({"day": [dt.date(2026, 6, 1)], "rate": [0.5], "series": ["Adoption rate"]})
    spec = charts.adoption_vs_target(
        lines, target_rate=0.7, wave_starts=wave_start_marks(WAVES)
    ).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"] if "mark" in layer]
    # line, end labels, the wave rule and its label (the target rule is a layer of its own)
    assert marks == ["line", "text", "rule", "text"]
    (rule,) = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "rule"]
    assert rule["encoding"]["x"]["field"] == "day"
