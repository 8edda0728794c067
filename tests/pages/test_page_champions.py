"""Champions: coverage and ratio by team, team filter, champions' own use, "my cohort"."""

from __future__ import annotations

from conftest import metric, no_exception

from analytics.metrics.champions import cohort_rows
from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs
from analytics.metrics.population import prepare


def test_tiny_champions_by_hand(open_page, tiny_db):
    at = open_page("champions", tiny_db)
    no_exception(at)
    # Two champions (p01, p07), each with the 5 other people of their team: 10 / 2 = 5.0 per
    # champion, everyone covered.
    assert metric(at, "Champions") == "2"
    assert metric(at, "People per champion") == "5.0"
    assert metric(at, "Coverage") == "100%"
    assert metric(at, "Teams flagged") == "0"


def test_my_cohort_follows_the_champion_picker(open_page, tiny_db):
    at = open_page("champions", tiny_db)
    picker = at.selectbox(key="champion")
    assert picker.options == ["Person 01 (Team A)", "Person 07 (Team B)"]
    at.selectbox(key="champion").set_value("p07").run()
    no_exception(at)
    cohort = at.dataframe[-1].value
    # p07's cohort: p08..p12 (not p07 themselves); p11 never started, listed first.
    assert list(cohort["person_id"]) == ["p11", "p08", "p09", "p10", "p12"]
    assert list(cohort["segment"])[0] == "never started"


def test_team_filter_narrows_the_team_table(open_page, example_db):
    at = open_page("champions", example_db)
    no_exception(at)
    teams = at.multiselect(key="teams").options
    assert len(teams) >= 2
    at.multiselect(key="teams").set_value(teams[:2]).run()
    no_exception(at)
    team_table = at.dataframe[0].value
    assert sorted(team_table["team"]) == sorted(teams[:2])


def test_running_example_cohort_matches_the_metrics(open_page, example_db):
    inputs = load_inputs(example_db)
    doc = build_document(inputs)
    at = open_page("champions", example_db)
    assert metric(at, "Champions") == f"{doc['champions']['champions']:,}"
    champion = at.selectbox(key="champion").value
    expected = cohort_rows(prepare(inputs), champion)
    expected = expected.filter(expected["person_id"] != champion)
    assert sorted(at.dataframe[-1].value["person_id"]) == sorted(expected["person_id"])


def test_viewing_a_cohort_is_audited_once(open_page, tiny_db):
    from analytics.state.store import audit_frame

    at = open_page("champions", tiny_db)
    at.run()  # a rerun of the same view is not a second audit entry
    log = audit_frame(tiny_db)
    assert log.filter(log["what"] == "view my cohort").height == 1


def test_training_and_trust_by_team_on_the_tiny_database(open_page, tiny_db):
    # Nobody has a training date: 0 trained (no rate), all 6 of Team A untrained, 5 active
    # (p05 never starts) -> 5/6, shown as a whole percentage: 83. Every active day carries 1
    # accepted and 0 rejected feedback: 5 people gave feedback in each team, acceptance 100%,
    # nobody lost trust.
    at = open_page("champions", tiny_db)
    no_exception(at)
    [drivers] = [d.value for d in at.dataframe if "untrained_rate" in d.value.columns]
    team_a = drivers[drivers["team"] == "Team A"].iloc[0]
    assert (team_a["eligible"], team_a["trained"], team_a["untrained"]) == (6, 0, 6)
    assert team_a["untrained_rate"] == 83
    assert (team_a["feedback_people"], team_a["acceptance_rate"], team_a["lost_trust"]) == (
        5,
        100,
        0,
    )
