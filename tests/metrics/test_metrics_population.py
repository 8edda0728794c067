"""Population and eligibility by hand: waves, early users, leavers, unmatched users, modes."""

from __future__ import annotations

from metric_frames import build, day

from analytics.metrics.document import build_document
from analytics.metrics.population import prepare

# Plan: wave 1 starts day 0 (Mon 2024-01-01), wave 2 starts day 14 (Mon 2024-01-15).
WAVES = [(1, "Champions", 0, 1), (2, "Everyone", 14, None)]
PEOPLE = [
    {"user_id": "c1", "team": "A", "wave": 1, "is_champion": True},
    {"user_id": "a1", "team": "A", "wave": 2, "champion_id": "c1"},
    {"user_id": "a2", "team": "A", "wave": 2, "champion_id": "c1", "active": False},  # left
    {"user_id": "b1", "team": "B", "wave": 2},  # early user: active on day 3
    {"user_id": "b2", "team": "B", "wave": None},  # no wave -> the plan's last wave (2)
    {"user_id": "b3", "team": "B", "wave": 7},  # wave the plan lacks -> last wave (2)
]
ROWS = [
    ("c1", 0),
    ("c1", 2),
    ("b1", 3),
    ("a2", 1),  # the leaver's activity counts nowhere
    ("a1", 4, 0),  # a passive event only: not an active event, not early use
    ("zz", 5, 1, 0, 0, 0, None, False),  # unmatched user: latest event day
]


def test_before_wave_two_starts_only_wave_one_and_early_users_are_eligible() -> None:
    doc = build_document(build(ROWS, PEOPLE, WAVES))
    # default D = latest event of anyone = day 5 (zz, unmatched) = 2024-01-06
    assert doc["as_of"] == "2024-01-06"
    # population: c1, a1, b1, b2, b3 (a2 left) = 5; eligible: c1 (wave 1), b1 (early) = 2;
    # a1's passive event does not make them eligible; zz is unmatched.
    assert doc["population"] == {
        "roster": 5,
        "eligible": 2,
        "ever_used": 2,
        "never_started": 0,
        "unmatched_users": 1,
    }
    # MAU: c1 (days 0, 2) and b1 (day 3) -> 2; WAU [day -1, day 5] the same; nobody on day 5.
    assert doc["active"] == {"dau": 0, "wau": 2, "mau": 2}
    assert doc["adoption_rate"] == 1.0  # 2 / 2
    assert doc["unmatched_users"][0]["person_id"] == "zz"


def test_on_wave_two_start_day_everyone_is_eligible() -> None:
    doc = build_document(build(ROWS, PEOPLE, WAVES), day(14))
    # day 14 = wave 2's start: all 5 eligible; ever used c1, b1 -> never started 3
    assert doc["population"]["eligible"] == 5
    assert doc["population"]["never_started"] == 3
    assert doc["adoption_rate"] == 2 / 5  # MAU over [day -13, day 14]: c1, b1
    waves = {w["wave"]: w for w in doc["waves"]}
    # wave 2 members: a1, b1, b2 (no wave), b3 (wave 7); a2 left -> size 4
    assert waves[2]["size"] == 4
    assert waves[2]["eligible"] == 4
    assert waves[2]["ever_used"] == 1
    assert waves[2]["adoption_rate"] == 0.25
    assert waves[2]["median_days_to_first_use"] == -11  # b1: day 3 - day 14
    assert waves[2]["rate_2w"] is None  # start + 13 = day 27 is after D
    # wave 1: c1 only; 2-week rate: active in [day -14, day 13] -> 1 / 1
    assert waves[1]["rate_2w"] == 1.0
    assert waves[1]["rate_4w"] is None and waves[1]["ready_for_next"] is None


def test_the_day_before_a_wave_starts_it_is_not_eligible() -> None:
    doc = build_document(build(ROWS, PEOPLE, WAVES), day(13))
    assert doc["population"]["eligible"] == 2  # c1 and early b1 only


def test_events_after_as_of_are_ignored() -> None:
    doc = build_document(build(ROWS, PEOPLE, WAVES), day(2))
    # D = day 2: b1's day-3 activity does not exist yet -> b1 not eligible; zz not seen yet
    assert doc["population"]["eligible"] == 1
    assert doc["population"]["unmatched_users"] == 0
    assert doc["active"]["mau"] == 1


def test_population_frame_has_effective_waves() -> None:
    people = prepare(build(ROWS, PEOPLE, WAVES), day(5)).people
    waves = dict(zip(people["person_id"], people["wave"], strict=True))
    assert waves == {"a1": 2, "b1": 2, "b2": 2, "b3": 2, "c1": 1}


def test_without_a_plan_everyone_is_eligible_from_the_first_day_with_events() -> None:
    people = [{"user_id": "x"}, {"user_id": "y"}]
    rows = [("zz", 2, 0, 0, 0, 0, 1, False), ("x", 4)]  # first event: unmatched, passive, day 2
    doc = build_document(build(rows, people), day(3))
    # first day with events = day 2 <= D: x and y eligible; nobody active yet -> 0 / 2
    assert doc["population"]["eligible"] == 2
    assert doc["adoption_rate"] == 0.0
    assert doc["waves"] == []
    assert doc["target"]["launch"] == "2024-01-03"  # L = first day with events (day 2)
    before = build_document(build(rows, people), day(1))
    assert before["population"]["eligible"] == 0
    assert before["adoption_rate"] is None


def test_without_a_roster_the_population_is_everyone_seen() -> None:
    rows = [("p1", 0), ("p2", 1, 0), ("p3", 9)]  # p2: passive only; p3: after D
    doc = build_document(build(rows, waves=WAVES), day(5))
    # seen up to day 5: p1, p2; no roster wave -> last wave (day 14), p1 is an early user
    assert doc["population"] == {
        "roster": 2,
        "eligible": 1,
        "ever_used": 1,
        "never_started": 0,
        "unmatched_users": 0,
    }
    assert doc["champions"]["champions"] == 0
    assert doc["champions"]["people_per_champion"] is None
    assert doc["champions"]["coverage"] == 0.0
    assert doc["champions"]["teams"] == []


def test_roster_wave_missing_from_plan_counts_as_last_wave() -> None:
    people = [{"user_id": "m", "wave": 5}]
    waves = [(1, "One", 0, None), (3, "Three", 20, None)]  # last wave = 3, starts day 20
    doc = build_document(build([("n", 0, 1, 0, 0, 0, None, False)], people, waves), day(19))
    assert doc["population"]["eligible"] == 0
    doc = build_document(build([("n", 0, 1, 0, 0, 0, None, False)], people, waves), day(20))
    assert doc["population"]["eligible"] == 1
    assert [w["size"] for w in doc["waves"]] == [0, 1]


def test_unmatched_users_are_in_no_denominator() -> None:
    people = [{"user_id": "r1"}, {"user_id": "r2"}]
    rows = [("r1", 0), ("u1", 0, 1, 0, 0, 0, None, False), ("u2", 1, 1, 1, 0, 0, None, False)]
    doc = build_document(build(rows, people), day(1))
    # eligible r1, r2 (no plan, first event day 0); MAU r1 only -> 1/2; u1, u2 unmatched
    assert doc["population"]["eligible"] == 2
    assert doc["active"]["mau"] == 1
    assert doc["adoption_rate"] == 0.5
    assert doc["population"]["unmatched_users"] == 2
    assert doc["trust"]["acceptance_rate"] is None  # u2's feedback is not the population's


def test_duplicate_person_day_rows_count_once() -> None:
    rows = [("p", 0), ("p", 0), ("p", 1)]  # a hand-built frame with (p, day 0) twice
    doc = build_document(build(rows), day(1))
    assert doc["active_days_histogram"][1] == 1  # p: 2 active days, not 3
    assert doc["stickiness"] == 2 / 28  # 2 active person-days / 28 / MAU 1
