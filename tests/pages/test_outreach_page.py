"""The Outreach page with AppTest: scoping by role, filters that cannot widen it, audit, logging."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from analytics.db import connection
from analytics.state import store

PAGE = str(Path(__file__).resolve().parents[2] / "views" / "outreach.py")
# In the tiny database p05 (Team A, champion p01) and p11 (Team B, champion p07) never started;
# everyone else is active on a steady rhythm, so the worklist is exactly these two people.


@pytest.fixture
def tiny(tiny_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shared tiny hand-built database (a private copy), shown by the page."""
    monkeypatch.setenv("ADOPTION_DB", str(tiny_db))
    st.cache_data.clear()
    return tiny_db


def _run(monkeypatch: pytest.MonkeyPatch, email: str | None = None, **state: object) -> AppTest:
    if email:
        monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email)
    at = AppTest.from_file(PAGE, default_timeout=30)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def _names(at: AppTest) -> list[str]:
    return sorted(at.dataframe[0].value["name"].tolist())


def test_product_manager_sees_everyone_to_contact(tiny: Path, monkeypatch) -> None:
    at = _run(monkeypatch)
    assert _names(at) == ["Person 05", "Person 11"]


def test_champion_sees_only_their_cohort_whatever_they_set(tiny: Path, monkeypatch) -> None:
    at = _run(monkeypatch, "p01@example.com")
    assert _names(at) == ["Person 05"]
    # try to widen: query parameters and stored filter values naming the other champion
    at.query_params["champion"] = "p07"
    at.query_params["role"] = "product_manager"
    at.session_state["o_champions"] = ["p07"]
    at.session_state["o_teams"] = ["Team B"]
    at.run()
    assert not at.exception
    shown = at.dataframe[0].value["name"].tolist() if at.dataframe else []
    assert "Person 11" not in shown
    assert all(name == "Person 05" for name in shown)
    assert at.dataframe[0].value["rank"].tolist() == [1]  # numbered within the cohort
    other = _run(monkeypatch, "p07@example.com")
    assert _names(other) == ["Person 11"]


def test_leadership_and_strangers_see_no_individual_rows(tiny: Path, monkeypatch) -> None:
    at = _run(monkeypatch, "p06@example.com")  # p06 is a manager: leadership
    assert not at.dataframe
    assert "team-level" in at.info[0].value
    stranger = _run(monkeypatch, "nobody@example.com")
    assert not stranger.dataframe


def test_views_and_exports_are_audited(tiny: Path, monkeypatch) -> None:
    at = _run(monkeypatch, "p01@example.com")
    at.run()  # a rerun of the same view is not audited twice
    log = store.audit_frame(tiny)
    assert log["what"].to_list() == ["view outreach worklist"]
    assert (log["who"][0], log["role"][0], log["row_count"][0]) == (
        "p01@example.com",
        "champion",
        1,
    )
    at.download_button[0].click().run()
    log = store.audit_frame(tiny)
    assert log["what"].to_list() == ["export outreach worklist", "view outreach worklist"]
    assert log["row_count"].to_list() == [1, 1]


def test_logging_a_contact_marks_the_person(tiny: Path, monkeypatch) -> None:
    at = _run(monkeypatch, "p01@example.com")
    form_people = next(m for m in at.multiselect if m.label == "People contacted")
    form_people.set_value(["p05"])
    at.selectbox(key="o_channel").set_value("chat")
    at.text_area(key="o_note").input("booked for Thursday's workshop")
    at.button[0].click().run()
    assert not at.exception
    contacts = store.outreach_frame(tiny)
    assert contacts["person_id"].to_list() == ["p05"]
    # the champion logged it: owner is the champion, segment from the worklist
    row = contacts.row(0, named=True)
    assert (row["owner"], row["segment"], row["channel"]) == ("p01", "never_started", "chat")
    assert row["logged_by"] == "p01@example.com"
    assert at.dataframe[0].value["contacted_recently"].tolist() == [True]


def test_user_data_is_shown_verbatim(tiny: Path, monkeypatch) -> None:
    with connection(tiny) as con:
        con.execute(
            "UPDATE roster SET name = ? WHERE user_id = 'p05'", ["Robert'); DROP TABLE roster;--"]
        )
    at = _run(monkeypatch)
    assert "Robert'); DROP TABLE roster;--" in at.dataframe[0].value["name"].tolist()


def test_running_example_worklist_is_the_non_active_segments(example_db: Path, monkeypatch) -> None:
    from analytics.metrics.document import build_document
    from analytics.metrics.inputs import load_inputs
    from analytics.metrics.population import prepare
    from analytics.metrics.segments import segment_rows
    from analytics.outreach import worklist_from_inputs

    inputs = load_inputs(example_db)
    segments = build_document(inputs)["segments"]
    to_contact = segments["never_started"] + segments["dormant"] + segments["at_risk"]
    people = segment_rows(prepare(inputs)).filter(pl.col("segment") != "active")
    worklist = worklist_from_inputs(inputs)
    assert sorted(worklist["person_id"]) == sorted(people["person_id"])
    assert worklist.height == to_contact
    monkeypatch.setenv("ADOPTION_DB", str(example_db))
    at = _run(monkeypatch)
    assert len(at.dataframe[0].value) == to_contact
    assert [m.value for m in at.metric if m.label == "To contact"] == [f"{to_contact:,}"]


def test_empty_database_shows_the_empty_state(empty_db: Path, monkeypatch) -> None:
    monkeypatch.setenv("ADOPTION_DB", str(empty_db))
    at = _run(monkeypatch)
    assert not at.dataframe
    assert at.info and "No events yet" in at.info[0].value


def test_running_example_shows_the_closed_loop(open_page, example_db: Path) -> None:
    from analytics.metrics.document import build_document
    from analytics.metrics.inputs import load_inputs

    effect = build_document(load_inputs(example_db))["outreach_effect"]
    at = open_page("outreach", example_db)
    assert not at.exception, at.exception
    assert "No contacts logged yet" not in " ".join(i.value for i in at.info)
    shown = {m.label: m.value for m in at.metric}
    assert shown["Contacts"] == str(effect["contacts"]) and effect["contacts"] > 0
    assert shown["Converted"] == str(effect["converted"])
