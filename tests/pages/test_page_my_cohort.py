"""A champion's home page on the tiny database, by hand (tests/pages/handbuilt.py).

p01 champions p02..p06 (Team A); p07 champions p08..p12 (Team B). At the last day everyone in
wave 2 has started except p05 and p11, who never start: each cohort has 5 eligible people, 4
active -> 80%, so the two champions share rank 1. Team A: 6 eligible (p01..p06), 5 active.
"""

from __future__ import annotations

from conftest import metric, no_exception


def test_a_champion_lands_on_their_cohort(open_page, tiny_db, monkeypatch):
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", "p01@example.com")
    at = open_page("my_cohort", tiny_db)
    no_exception(at)
    assert metric(at, "My cohort's adoption") == "80%"
    assert metric(at, "My team (Team A)") == "83%"
    assert metric(at, "My rank among champions") == "1 of 2"
    people = at.dataframe[0].value
    assert sorted(people["person_id"]) == ["p02", "p03", "p04", "p05", "p06"]
    assert "Person 08" not in people.to_csv()


def test_nobody_else_opens_a_champions_home(open_page, tiny_db, monkeypatch):
    at = open_page("my_cohort", tiny_db)  # the local product manager
    no_exception(at)
    assert not at.dataframe and not at.metric
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", "p06@example.com")  # a manager: leadership
    at = open_page("my_cohort", tiny_db)
    no_exception(at)
    assert not at.dataframe and not at.metric
