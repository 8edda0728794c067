"""Regression cases found by the independent reference (tests/metrics/independent_reference.py)."""

from __future__ import annotations

from metric_frames import build, day

from analytics.metrics.document import build_document

# Wave 1 starts on day 0, wave 2 on day 30; D = day 20.
WAVES = [(1, "One", 0, None), (2, "Two", 30, None)]


def test_lost_trust_per_person_is_false_not_null_before_eligibility() -> None:
    people = [
        {"user_id": "early", "wave": 1},
        {"user_id": "later", "wave": 2},  # wave 2 starts on day 30: not eligible at D = day 20
    ]
    rows = [
        # early: 3 rejections on day 2 (an active day), then nothing: dormant at day 20
        ("early", 2, 1, 0, 3, 3, 3),
        # later: 3 rejections on passive events only (0 active events): seen, never eligible
        ("later", 3, 0, 0, 3, 3, 3),
    ]
    doc = build_document(build(rows, people, WAVES), day(20))
    by_person = {p["person_id"]: p for p in doc["trust"]["by_person"]}
    assert by_person["early"]["lost_trust"] is True  # last 3 feedback rejections, dormant
    assert by_person["later"]["lost_trust"] is False  # not eligible, so no segment: not null
    assert doc["trust"]["lost_trust"] == 1
    assert doc["trust"]["acceptance_rate"] == 0.0  # 0 accepted of 6 (both are population)
