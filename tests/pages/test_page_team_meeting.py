"""Team meeting: big numbers, leaderboard with small teams suppressed, leadership use."""

from __future__ import annotations

from conftest import metric, no_exception

from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs


def test_tiny_team_meeting_by_hand(open_page, tiny_db):
    at = open_page("team_meeting", tiny_db)
    no_exception(at)
    assert metric(at, "Adoption today") == "83%"
    # One executive and one manager: fewer than 5 people, so no numbers.
    assert metric(at, "Executives using it") == "fewer than 5 people"
    assert metric(at, "Managers using it") == "fewer than 5 people"
    board = at.dataframe[0].value
    # Team A: p01..p06 eligible, p05 never started -> 5 / 6; Team B the same with p11.
    assert list(board["team"]) == ["Team A", "Team B"]
    assert list(board["eligible"]) == [6, 6]
    assert list(board["active"]) == [5, 5]


def test_small_teams_are_suppressed_and_never_named(open_page, tiny_db):
    from analytics.state.store import set_setting

    set_setting(tiny_db, name="min_group_size", value=7)  # both teams (6 people) are small
    at = open_page("team_meeting", tiny_db)
    no_exception(at)
    board = at.dataframe[0].value
    assert list(board["note"]) == ["fewer than 7 people", "fewer than 7 people"]
    assert board["adoption_rate"].isna().all()
    top = at.dataframe[-1].value
    assert top.empty  # nobody from a suppressed team is named


def test_running_example_leaderboard_and_trend(open_page, example_db):
    doc = build_document(load_inputs(example_db))
    at = open_page("team_meeting", example_db)
    no_exception(at)
    assert metric(at, "Adoption today") == f"{doc['adoption_rate']:.0%}"
    at.segmented_control(key="meeting_gap").set_value(7).run()
    no_exception(at)
    assert "changes since" in " ".join(c.value for c in at.caption)
