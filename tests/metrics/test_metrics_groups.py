"""Champions, leadership, training, trust and value delivered, by hand."""

from __future__ import annotations

from metric_frames import build, day

from analytics.metrics.champions import cohort_rows, teams_table
from analytics.metrics.document import build_document
from analytics.metrics.population import prepare

# Plan: wave 1 from day 0, wave 2 from day 14; D = day 5 -> wave 2 not yet eligible.
WAVES = [(1, "One", 0, None), (2, "Two", 14, None)]
CHAMPION_PEOPLE = [
    {"user_id": "ch1", "team": "A", "wave": 1, "is_champion": True},
    {"user_id": "ch2", "team": "A", "wave": 1, "is_champion": True, "active": False},  # left
    {"user_id": "a1", "team": "A", "wave": 1, "champion_id": "ch1"},  # covered
    {"user_id": "a2", "team": "A", "wave": 1, "champion_id": "ch2"},  # champion left
    {"user_id": "a3", "team": "A", "wave": 1, "champion_id": "a1"},  # not a champion
    {"user_id": "b1", "team": "B", "wave": 1, "champion_id": "ch1"},  # team B: no champion
    {"user_id": "c1", "team": "C", "wave": 2, "champion_id": "ch1"},  # not eligible at D
]
CHAMPION_ROWS = [("a1", 1), ("a1", 2, 1, 1, 1, 0)]


def test_champion_coverage_and_flags() -> None:
    doc = build_document(build(CHAMPION_ROWS, CHAMPION_PEOPLE, WAVES), day(5))
    champions = doc["champions"]
    # eligible: ch1, a1, a2, a3, b1 = 5; champions 1; non-champions 4 -> 4.0 per champion;
    # covered: a1, b1 (ch1); a2's champion left, a3's "champion" is not one -> 2 / 4
    assert champions["champions"] == 1
    assert champions["people_per_champion"] == 4.0
    assert champions["coverage"] == 0.5
    teams = {t["team"]: t for t in champions["teams"]}
    assert list(teams) == ["A", "B", "C"]  # C listed although nobody in it is eligible yet
    # A: members ch1, a1, a2, a3; 3 non-champions; covered a1 -> 1/3
    assert teams["A"] == {
        "team": "A",
        "members": 4,
        "champions": 1,
        "people_per_champion": 3.0,
        "coverage": 1 / 3,
        "over_ratio": False,
        "no_champion": False,
    }
    assert teams["B"]["over_ratio"] and teams["B"]["no_champion"]  # members, no champion
    assert teams["B"]["people_per_champion"] is None and teams["B"]["coverage"] == 1.0
    assert teams["C"]["members"] == 0 and teams["C"]["coverage"] is None
    assert teams["C"]["over_ratio"] is False


def test_team_over_the_ratio_target_is_flagged() -> None:
    inputs = build(CHAMPION_ROWS, CHAMPION_PEOPLE, WAVES, {"max_people_per_champion": 2})
    teams = teams_table(prepare(inputs, day(5)))
    over = dict(zip(teams["team"], teams["over_ratio"], strict=True))
    assert over == {"A": True, "B": True, "C": False}  # A: 3.0 > 2


def test_champion_cohort() -> None:
    cohort = cohort_rows(prepare(build(CHAMPION_ROWS, CHAMPION_PEOPLE, WAVES), day(5)), "ch1")
    assert cohort["person_id"].to_list() == ["a1", "b1", "c1"]
    assert cohort["segment"].to_list() == ["active", "never_started", "not_yet_eligible"]
    assert cohort["last_active_day"].to_list() == [day(2), None, None]
    assert cohort["active_days_28"].to_list() == [2, 0, 0]
    assert cohort["acceptance_rate"].to_list() == [0.5, None, None]  # a1: 1 / (1 + 1)
    doc = build_document(build(CHAMPION_ROWS, CHAMPION_PEOPLE, WAVES), day(5))
    assert [(c["champion_id"], c["size"]) for c in doc["champions"]["cohorts"]] == [("ch1", 3)]


def test_leadership_training_and_value() -> None:
    people = [
        {"user_id": "e1", "role": " Executive", "training_completed_on": day(2)},
        {"user_id": "e2", "role": "executive", "training_completed_on": day(10)},  # after D
        {"user_id": "m1", "role": "manager"},
        {"user_id": "r1", "role": "rep", "training_completed_on": day(5)},
    ]
    rows = [("e1", 1), ("m1", 3), ("r1", 0, 0)]  # r1: passive event only
    inputs = build(rows, people, settings={"build_cost": 800000})
    doc = build_document(inputs, day(5))
    # no plan: all 4 eligible from day 0; MAU e1, m1 -> 2 / 4
    assert doc["adoption_rate"] == 0.5
    assert doc["leadership"] == {"executive": 0.5, "manager": 1.0}  # e1 of e1, e2; m1
    # trained by D: e1, r1 -> 1 / 2; untrained e2, m1 -> 1 / 2
    assert doc["training"]["trained"] == 0.5 and doc["training"]["untrained"] == 0.5
    assert doc["value_delivered"] == 400000.0  # 800,000 x 0.5
    assert build_document(build(rows, people), day(5))["value_delivered"] is None


# Trust, no plan, D = day 30: recent window [17, 30]. Sequences written oldest first.
TRUST_PEOPLE = [{"user_id": f"t{i}", "team": "T" if i < 3 else "U"} for i in range(1, 6)]
TRUST_ROWS = [
    ("t1", 1, 1, 1, 2, 2),  # A R R
    ("t1", 2, 1, 0, 1, 1),  # R -> last three R R R, dormant -> lost trust
    ("t2", 1, 1, 1, 2, 1),  # R A R
    ("t2", 2, 1, 0, 1, 1),  # R -> last three A R R -> not lost
    ("t3", 1, 1, 0, 3, 3),  # R R R ...
    ("t3", 20, 1),  # ... but active in [17, 30]: not dormant -> not counted
    ("t4", 1, 1, 2, 0, 0),  # A A
    ("t4", 3, 1, 0, 2, 2),  # R R
    ("t4", 4, 1, 1, 4, 3),  # R A R R R -> last three R R R, dormant -> lost trust
    ("t5", 1, 1, 0, 2, 2),  # only two feedback events -> not lost
]


def test_lost_trust_uses_trailing_rejections_across_days() -> None:
    doc = build_document(build(TRUST_ROWS, TRUST_PEOPLE), day(30))
    assert doc["trust"]["lost_trust"] == 2  # t1, t4
    # accepted 1 + 1 + 2 + 1 = 5; rejected t1 3, t2 3, t3 3, t4 6, t5 2 = 17
    assert doc["trust"]["acceptance_rate"] == 5 / 22
    by_team = {t["team"]: t["acceptance_rate"] for t in doc["trust"]["by_team"]}
    assert by_team == {"T": 2 / 8, "U": 3 / 14}  # T: t1, t2 -> 2/(2+6); U: t3..t5 -> 3/(3+11)
    assert doc["trust"]["by_week"] == [
        {"week": "2024-01-01", "accepted": 5, "rejected": 17, "acceptance_rate": 5 / 22}
    ]
    people = {p["person_id"]: p for p in doc["trust"]["by_person"]}
    assert people["t4"]["acceptance_rate"] == 3 / 9 and people["t4"]["lost_trust"]
