"""Active windows, stickiness, histogram, segments, retention and lifecycle, by hand."""

from __future__ import annotations

from metric_frames import build, day

from analytics.metrics.document import build_document
from analytics.metrics.lifecycle import lifecycle_long
from analytics.metrics.population import prepare
from analytics.metrics.retention import retention_long
from analytics.metrics.segments import segment_rows

# No plan, no roster: the population is everyone seen; eligible from day 0 (first event).
# D = day 28 (Mon 2024-01-29); windows: WAU [day 22, day 28], MAU [day 1, day 28].
WINDOW_ROWS = (
    [("p1", n) for n in range(1, 29)]  # active on each of the 28 days of the MAU window
    + [("p2", 22), ("p2", 28)]  # D-6 and D
    + [("p3", 21)]  # D-7: in MAU, not in WAU
    + [("p4", 0)]  # D-28: outside MAU
)


def test_dau_wau_mau_window_edges() -> None:
    doc = build_document(build(WINDOW_ROWS), day(28))
    assert doc["active"] == {"dau": 2, "wau": 2, "mau": 3}  # DAU p1,p2; WAU p1,p2; MAU +p3
    assert doc["adoption_rate"] == 3 / 4


def test_stickiness_and_histogram() -> None:
    doc = build_document(build(WINDOW_ROWS), day(28))
    # active person-days in [day 1, day 28]: p1 28 + p2 2 + p3 1 = 31; mean DAU 31/28; MAU 3
    assert doc["stickiness"] == 31 / 28 / 3
    histogram = [0] * 28
    histogram[0] = 1  # p3: 1 day
    histogram[1] = 1  # p2: 2 days
    histogram[27] = 1  # p1: 28 days
    assert doc["active_days_histogram"] == histogram


# Segments at D = day 27 (Sunday): recent [day 14, day 27], prior [day 0, day 13].
SEGMENT_PEOPLE = [{"user_id": f"s{i}"} for i in range(1, 6)]
SEGMENT_ROWS = (
    [("s1", n) for n in (0, 1, 2, 3, 20, 21)]  # prior 4, recent 2: exactly half -> active
    + [("s2", n) for n in (0, 1, 2, 3, 20)]  # prior 4, recent 1 -> at_risk
    + [("s3", n) for n in (5, 6, 13)]  # nothing in [14, 27] (13 = D-14) -> dormant
    + [("s5", 14)]  # D-13 is recent -> active
)  # s4: never active -> never_started


def test_segments_boundaries() -> None:
    doc = build_document(build(SEGMENT_ROWS, SEGMENT_PEOPLE), day(27))
    assert doc["segments"] == {"never_started": 1, "dormant": 1, "at_risk": 1, "active": 2}
    frame = segment_rows(prepare(build(SEGMENT_ROWS, SEGMENT_PEOPLE), day(27)))
    assert dict(zip(frame["person_id"], frame["segment"], strict=True)) == {
        "s1": "active",
        "s2": "at_risk",
        "s3": "dormant",
        "s4": "never_started",
        "s5": "active",
    }
    assert frame.filter(frame["person_id"] == "s3")["last_active_day"].item() == day(13)


def test_segment_thresholds_are_settings() -> None:
    inputs = build(SEGMENT_ROWS, SEGMENT_PEOPLE, settings={"at_risk_ratio": 0.75})
    # s1: recent 2 < 0.75 x 4 = 3 -> at_risk now
    assert build_document(inputs, day(27))["segments"]["at_risk"] == 2
    inputs = build(SEGMENT_ROWS, SEGMENT_PEOPLE, settings={"dormant_days": 7})
    # recent [21, 27], prior [14, 20]: s1 recent 1 (21) prior 1 (20) -> active;
    # s2 recent 0 -> dormant; s3 dormant; s5 recent 0 -> dormant
    assert build_document(inputs, day(27))["segments"] == {
        "never_started": 1,
        "dormant": 3,
        "at_risk": 0,
        "active": 1,
    }


# Weeks: W0 = days 0-6 (2024-01-01), W1 = days 7-13 (01-08), W2 = days 14-20 (01-15).
COHORT_ROWS = [
    ("r1", 1),
    ("r1", 8),
    ("r1", 15),  # W0, W1, W2
    ("r2", 2),
    ("r2", 16),  # W0, W2: resurrecting in W2
    ("r3", 9),  # W1 only: new in W1, dormant in W2
    ("r4", 0),  # W0 only: dormant in W1
]


def test_retention_partial_last_week() -> None:
    doc = build_document(build(COHORT_ROWS), day(16))  # Wednesday: D's week is partial
    # cohort W0 = {r1, r2, r4}: W0 3/3, W1 r1 -> 1/3, W2 r1, r2 -> 2/3; cohort W1 = {r3}: 1, 0
    assert doc["retention"] == [
        {"cohort_week": "2024-01-01", "size": 3, "rates": [1, 1 / 3, 2 / 3], "partial_last": True},
        {"cohort_week": "2024-01-08", "size": 1, "rates": [1, 0], "partial_last": True},
    ]
    sunday = build_document(build(COHORT_ROWS), day(20))  # D a Sunday: the week is complete
    assert [c["partial_last"] for c in sunday["retention"]] == [False, False]
    frame = retention_long(prepare(build(COHORT_ROWS), day(16)))
    assert frame.filter(frame["k"] == 0)["rate"].to_list() == [1.0, 1.0]


def test_lifecycle_new_returning_resurrecting_dormant() -> None:
    doc = build_document(build(COHORT_ROWS), day(16))
    assert doc["lifecycle"] == [
        {"week": "2024-01-01", "new": 3, "returning": 0, "resurrecting": 0, "dormant": 0},
        # W1: r3 new, r1 returning; r2 and r4 active in W0 not W1 -> dormant 2
        {"week": "2024-01-08", "new": 1, "returning": 1, "resurrecting": 0, "dormant": 2},
        # W2: r1 returning, r2 resurrecting; r3 active in W1 not W2 -> dormant 1
        {"week": "2024-01-15", "new": 0, "returning": 1, "resurrecting": 1, "dormant": 1},
    ]


def test_lifecycle_lists_weeks_without_activity() -> None:
    rows = [("q", 0), ("q", 21)]  # active in W0 and W3 only
    frame = lifecycle_long(prepare(build(rows), day(21)))
    assert frame["dormant"].to_list() == [0, 1, 0, 0]  # W1: q went dormant
    assert frame["resurrecting"].to_list() == [0, 0, 0, 1]
