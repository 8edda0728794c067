"""Retention and lifecycle: cohort heatmap, lifecycle bars, stickiness and histogram."""

from __future__ import annotations

from conftest import metric, no_exception

from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs


def test_retention_page_shows_three_charts_and_the_stickiness(open_page, example_db):
    doc = build_document(load_inputs(example_db))
    at = open_page("retention", example_db)
    no_exception(at)
    assert metric(at, "Stickiness (DAU ÷ MAU)") == f"{doc['stickiness']:.0%}"
    assert len(at.get("vega_lite_chart")) == 3
    assert any("partial" in c.value or "still running" in c.value for c in at.caption)


def test_tiny_stickiness_by_hand(open_page, tiny_db):
    at = open_page("retention", tiny_db)
    # Active days in the 28 days ending 2026-02-15, people 1..12 active every (i % 4 + 1)-th
    # day: the histogram of the document is [.., 7: 2, 9: 3, 14: 2, 28: 3] -> 2*7 + 3*9 + 2*14
    # + 3*28 = 153 person-days; mean DAU 153 / 28; MAU 10 -> 153 / 280 = 54.6%, shown 55%.
    assert metric(at, "Stickiness (DAU ÷ MAU)") == "55%"
