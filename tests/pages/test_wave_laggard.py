"""The laggard wave: furthest below its gate or its own peak (hand-made waves and curves)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from analytics.ui.frames import laggard_verdict


def waves(rates: list[float], rate_4w: list[float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "wave": [1, 2, 3],
            "name": ["Champions", "Early", "Majority"],
            "start": [dt.date(2026, 6, 1), dt.date(2026, 6, 29), dt.date(2026, 7, 27)],
            "started": [True, True, True],
            "suppressed": [False, False, False],
            "adoption_rate": rates,
            "rate_4w": rate_4w,
        }
    )


def curves(peaks: list[float]) -> pl.DataFrame:
    return pl.DataFrame({"wave": [1, 2, 3], "t": [10, 10, 10], "rate": peaks})


def test_the_wave_that_slid_most_from_its_peak_is_named_even_if_not_the_last():
    # Wave 3 peaked at 70% and is at 55%: 15 points below its peak and 5 below the 60% gate;
    # wave 2 slid 8 points (80% -> 72%), above the gate. Wave 3 is furthest behind.
    verdict = laggard_verdict(
        waves([1.0, 0.72, 0.55], [1.0, 0.8, 0.7]), curves([1.0, 0.80, 0.70]), 0.6
    )
    assert verdict is not None and verdict.tone == "warning"
    assert verdict.text.startswith("Wave 3 (Majority) has slid from 70% at its peak to 55%")
    assert "below the 60% gate" in verdict.text


def test_a_wave_below_the_gate_at_four_weeks_without_a_slide():
    verdict = laggard_verdict(
        waves([1.0, 0.9, 0.5], [1.0, 0.9, 0.5]), curves([1.0, 0.9, 0.52]), 0.6
    )
    assert verdict is not None
    assert verdict.text.startswith("Wave 3 (Majority) is at 50%, below the 60% gate")


def test_no_laggard_when_every_wave_holds_its_peak_and_gate():
    assert (
        laggard_verdict(waves([1.0, 0.9, 0.7], [1.0, 0.9, 0.7]), curves([1.0, 0.92, 0.72]), 0.6)
        is None
    )
