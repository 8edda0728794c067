"""Every page for a champion and for leadership: no exception, no person rows for leadership."""

from __future__ import annotations

import pytest
from conftest import PAGES, no_exception

from analytics.db import connection


def email_of(db, condition: str) -> str:
    """The e-mail of the first roster person matching a fixed SQL condition (test constants)."""
    with connection(db, read_only=True) as con:
        return con.execute(
            f"SELECT email FROM roster WHERE {condition} ORDER BY user_id LIMIT 1"
        ).fetchone()[0]


@pytest.mark.parametrize("page", PAGES)
def test_leadership_sees_every_page_without_person_rows(open_page, tiny_db, monkeypatch, page):
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email_of(tiny_db, "role = 'executive'"))
    at = open_page(page, tiny_db)
    no_exception(at)
    assert at.sidebar.text[0].value.endswith("role: leadership")
    for frame in (d.value for d in at.dataframe):
        assert "person_id" not in frame.columns and "active_days_28" not in frame.columns


@pytest.mark.parametrize("page", PAGES)
def test_a_champion_sees_only_their_own_cohort(open_page, tiny_db, monkeypatch, page):
    # p07 is Team B's champion: their cohort is p08..p12.
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", "p07@example.com")
    at = open_page(page, tiny_db)
    no_exception(at)
    assert at.sidebar.text[0].value.endswith("role: champion")
    for frame in (d.value for d in at.dataframe):
        if "person_id" in frame.columns:
            assert set(frame["person_id"]) <= {"p08", "p09", "p10", "p11", "p12"}


def test_leadership_waves_hide_a_wave_below_the_minimum_group(open_page, tiny_db, monkeypatch):
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email_of(tiny_db, "role = 'executive'"))
    at = open_page("waves", tiny_db)
    table = at.dataframe[0].value
    # Wave 1 has 2 members (< 5): suppressed; wave 2 is then the only other wave, so it is
    # suppressed too (the total would give it away).
    assert list(table["note"]) == ["fewer than 5 people", "fewer than 5 people"]
