"""Target path, forecast, waves' gates, rollout curves, glide path and outreach effect, by hand."""

from __future__ import annotations

import polars as pl
import pytest
from metric_frames import build, day

from analytics.metrics.active import adoption_series
from analytics.metrics.curves import curves_table, first_use_table, milestones
from analytics.metrics.document import build_document
from analytics.metrics.outreach_effect import outcomes
from analytics.metrics.population import prepare
from analytics.metrics.targets import path_rate
from analytics.metrics.waves import waves_table

# 28 people in one wave from day 0; person k is active only on day k (k = 1..28), so
# MAU(d) = d for 0 <= d <= 28 and adoption rate(d) = d / 28: a straight line.
LINE_PEOPLE = [{"user_id": f"k{k:02d}", "wave": 1} for k in range(1, 29)]
LINE_ROWS = [(f"k{k:02d}", k) for k in range(1, 29)]
ONE_WAVE = [(1, "All", 0, 28)]


def test_target_path_clamps_before_launch_and_after_target() -> None:
    launch, target = day(0), day(182)
    assert path_rate(0.7, launch, target, day(-10)) == 0.0  # before L
    assert path_rate(0.7, launch, target, day(91)) == 0.35  # 0.7 x 91 / 182
    assert path_rate(0.7, launch, target, day(200)) == 0.7  # after T


def test_target_document_and_on_track() -> None:
    doc = build_document(build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE), day(14))
    # L = day 0, T = L + 182 = 2024-07-01; path = 0.7 x 14/182 = 0.0538...; rate 14/28 = 0.5
    assert doc["target"]["date"] == "2024-07-01"
    assert doc["target"]["path_rate"] == pytest.approx(0.7 * 14 / 182)
    assert doc["target"]["on_track"] is True
    before = build_document(build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE), day(-3))
    assert before["target"]["path_rate"] == 0.0  # D before launch: clamped to 0
    assert before["adoption_rate"] is None and before["target"]["on_track"] is None


def test_forecast_is_the_least_squares_line() -> None:
    inputs = build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"target_date": "2024-01-25"})
    doc = build_document(inputs, day(20))
    # points d in [-7, 20]; d < 0 has nobody eligible (skipped); rate(d) = d / 28 on [0, 20]
    # -> the line is exact: forecast at T = day 24 is 24 / 28; path 0.7 x 20/24 = 0.5833 < 20/28
    assert doc["target"]["forecast_rate"] == pytest.approx(24 / 28)
    assert doc["target"]["on_track"] is True
    far = build_document(build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE), day(20))
    assert far["target"]["forecast_rate"] == 1.0  # 182 / 28 clipped to 1
    at_target = build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"target_date": "2024-01-21"})
    # D = T = day 20: the forecast is the adoption rate at D, 20 / 28
    assert build_document(at_target, day(20))["target"]["forecast_rate"] == 20 / 28


def test_status_needed_and_needed_per_week_by_hand() -> None:
    # T = day 24 (2024-01-25). At D = day 20: rate 20/28 = 0.714, path 0.7 x 20/24 = 0.583,
    # forecast 24/28 = 0.857 >= 0.7: both hold -> on_track. needed = ceil(0.7 x 28) - 20
    # = 20 - 20 = 0; whole weeks left floor(4 / 7) = 0 -> no per-week figure.
    inputs = build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"target_date": "2024-01-25"})
    target = build_document(inputs, day(20))["target"]
    assert (target["status"], target["needed"], target["needed_per_week"]) == ("on_track", 0, None)
    # Target 0.9 by day 40 (2024-02-10), D = day 10: rate 10/28 = 0.357, path 0.9 x 10/40
    # = 0.225 (on path); forecast = the line d/28 at d = 40 -> 1.43, clipped to 1.0 >= 0.9:
    # on_track. needed = ceil(0.9 x 28) - 10 = 26 - 10 = 16; weeks left floor(30 / 7) = 4 -> 4.
    steep = build(
        LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"target_rate": 0.9, "target_date": "2024-02-10"}
    )
    target = build_document(steep, day(10))["target"]
    assert (target["status"], target["needed"], target["needed_per_week"]) == ("on_track", 16, 4.0)
    # Target 0.9 by day 12 (2024-01-13), D = day 6: rate 6/28 = 0.214 < path 0.9 x 6/12 = 0.45;
    # forecast 12/28 = 0.43 < 0.9: neither holds -> behind; needed 26 - 6 = 20, 0 weeks left.
    late = build(
        LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"target_rate": 0.9, "target_date": "2024-01-13"}
    )
    target = build_document(late, day(6))["target"]
    assert (target["status"], target["needed"], target["needed_per_week"]) == ("behind", 20, None)
    # At risk (exactly one of path and forecast holds), on the rule itself:
    from analytics.metrics.targets import status

    assert status(True, 0.5, 0.7) == "at_risk"  # on the path, forecast short of the target
    assert status(False, 0.8, 0.7) == "at_risk"  # off the path, forecast reaches it
    assert status(None, 0.8, 0.7) is None and status(True, None, 0.7) is None


def test_adoption_series_per_day() -> None:
    series = adoption_series(build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE), day(0), day(3))
    assert series["eligible"].to_list() == [28, 28, 28, 28]
    assert series["mau"].to_list() == [0, 1, 2, 3]
    assert series["dau"].to_list() == [0, 1, 1, 1]
    assert series["adoption_rate"].to_list() == [0.0, 1 / 28, 2 / 28, 3 / 28]


def test_wave_gate_after_four_weeks() -> None:
    # wave 1 (day 0): k01..k28; 4-week rate = active in [day 0, day 27] = k01..k27 -> 27/28
    waves = waves_table(prepare(build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE), day(27)))
    assert waves["rate_4w"].to_list() == [27 / 28]
    assert waves["ready_for_next"].to_list() == [True]  # >= 0.60
    assert waves["rate_2w"].to_list() == [13 / 28]  # [day -14, day 13]: k01..k13
    assert waves["median_days_to_first_use"].to_list() == [14.0]  # median of 1..27
    strict = build(LINE_ROWS, LINE_PEOPLE, ONE_WAVE, {"wave_gate_rate": 27 / 28 + 0.01})
    assert waves_table(prepare(strict, day(27)))["ready_for_next"].to_list() == [False]
    assert waves_table(prepare(strict, day(26)))["ready_for_next"].to_list() == [None]  # day 27 > D


def test_rollout_curves_and_time_to_first_use() -> None:
    people = [
        {"user_id": "w1a", "wave": 1},
        {"user_id": "w1b", "wave": 1},
        {"user_id": "w2a", "wave": 2},
    ]
    rows = [("w1a", 1), ("w1b", -2), ("w2a", 4)]  # w1b used it 2 days before wave 1 started
    inputs = build(rows, people, [(1, "One", 0, 2), (2, "Two", 3, 1), (3, "Three", 9, 0)])
    curves = curves_table(prepare(inputs, day(5)))
    rates = curves.group_by("wave", maintain_order=True).agg(pl.col("rate"))
    # wave 1, t = 0..5: day 0 only w1b (day -2) -> 1/2; then both; wave 2 from day 3: w2a on 4
    assert rates.to_dicts() == [
        {"wave": 1, "rate": [0.5, 1.0, 1.0, 1.0, 1.0, 1.0]},
        {"wave": 2, "rate": [0.0, 1.0, 1.0]},
    ]  # wave 3 has not started: no curve
    first_use = first_use_table(prepare(inputs, day(5)))
    assert first_use.rows() == [(1, -2, 1), (1, 1, 1), (2, 1, 1)]


def test_glide_path_milestones_and_weekly_need() -> None:
    people = [{"user_id": f"g{i}", "wave": 1} for i in range(10)]
    rows = [("g0", 5), ("g1", 6), ("g2", 10)]
    inputs = build(rows, people, [(1, "One", 0, 10)], {"target_date": "2024-01-29"})
    frame = milestones(prepare(inputs, day(10)))
    # Mondays day 0..28 over T - L = 28 days: path 0, .175, .35, .525, .7 of 10 eligible
    assert frame["path_rate"].to_list() == pytest.approx([0.0, 0.175, 0.35, 0.525, 0.7])
    assert frame["active_needed"].to_list() == [0, 2, 4, 6, 7]
    # actual rate on Mondays up to D: day 0 nobody, day 7 g0 and g1 -> 2 / 10; later unknown
    assert frame["adoption_rate"].to_list() == [0.0, 0.2, None, None, None]
    glide = build_document(inputs, day(10))["glide_path"]
    # 7 active needed at T, 3 active now -> 4 more; 18 days left -> 3 weeks -> 2 per week
    assert glide["additional_active_needed"] == 4
    assert glide["remaining_weeks"] == 3
    assert glide["additional_active_per_week"] == 2


def test_outreach_effect_window_and_conversion() -> None:
    # contacts: (id, person, day, channel, segment); D = day 30; window = contact+1..+14
    contacts = [
        (1, "o1", 10, "email", "never_started"),  # active on day 10 (contact day) and 25: no
        (2, "o2", 10, "email", "dormant"),  # active on day 24 = day + 14: converted
        (3, "o3", 10, "call", "dormant"),  # active on day 25 = day + 15: not converted
        (4, "o4", 20, "call", "at_risk"),  # window ends day 34 > D, no activity: pending
        (5, "o5", 20, "email", "dormant"),  # active on day 21: converted
        (6, "o6", 31, "email", "dormant"),  # after D: ignored
    ]
    outreach = pl.DataFrame(
        [
            {"id": i, "person_id": p, "contacted_on": day(n), "channel": c, "segment": s}
            for i, p, n, c, s in contacts
        ]
    )
    rows = [("o1", 10), ("o1", 25), ("o2", 24), ("o3", 25), ("o5", 21), ("o6", 30)]
    people = [{"user_id": f"o{i}"} for i in range(1, 7)]
    inputs = build(rows, people, outreach=outreach)
    effect = build_document(inputs, day(30))["outreach_effect"]
    # 5 contacts, converted o2 and o5, pending o4 -> 2 / (5 - 1)
    assert (effect["contacts"], effect["converted"], effect["pending"]) == (5, 2, 1)
    assert effect["conversion_rate"] == 0.5
    by_segment = {s["segment"]: s["conversion_rate"] for s in effect["by_segment"]}
    assert by_segment == {"at_risk": None, "dormant": 2 / 3, "never_started": 0.0}
    by_channel = {c["channel"]: c["conversion_rate"] for c in effect["by_channel"]}
    assert by_channel == {"call": 0.0, "email": 2 / 3}  # call: o3 of o3 (o4 pending)
    frame = outcomes(prepare(inputs, day(30)))
    assert frame["converted"].to_list() == [False, True, False, False, True]
    assert build_document(build(rows, people), day(30))["outreach_effect"]["contacts"] == 0


def test_people_needed_per_week_read_as_whole_people_rounded_up() -> None:
    from analytics.metrics.targets import whole_people

    # by hand: 2.5 a week means 3 people some weeks; 4.0 stays 4; 0.2 is still one person
    assert [whole_people(x) for x in (2.5, 4.0, 0.2)] == [3, 4, 1]
