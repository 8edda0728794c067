"""Issue 11 leftover: the team meeting is shown to a room, a group-level audience, so its sidebar
Tool choice offers only the tools `release.released_tools` allows, even to the product manager.

The database of test_page_tool_split: 12 people on the roster, 6 of them Copilot licence
holders, ChatGPT without licences (all 12 its population). With min_group_size 7, Copilot's 6
(and the 6 others) are small groups: only ChatGPT may be chosen by a group-level audience.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import no_exception
from test_page_tool_split import CHATGPT, COPILOT, NAMES, USE, _two_tools

from analytics.state.store import set_setting

ALL = "All tools"


@pytest.fixture
def small_tools_db(tmp_path: Path) -> Path:
    db = _two_tools(tmp_path / "adoption.duckdb", USE)
    set_setting(db, name="min_group_size", value=7)
    return db


def _tool_options(at) -> list[str]:
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    return [next((t for t, n in NAMES.items() if n == o), o) for o in box.options]


def test_team_meeting_offers_only_released_tools(open_page, small_tools_db):
    at = open_page("team_meeting", small_tools_db)
    no_exception(at)
    assert "role: product manager" in at.sidebar.text[0].value
    assert _tool_options(at) == [ALL, CHATGPT]
    at = open_page("overview", small_tools_db)  # at the product manager's desk: every tool
    assert _tool_options(at) == [ALL, CHATGPT, COPILOT]


def test_team_meeting_offers_both_when_both_groups_are_large(open_page, tmp_path):
    db = _two_tools(tmp_path / "adoption.duckdb", USE)  # min_group_size 5: 6 and 6 are large
    at = open_page("team_meeting", db)
    assert _tool_options(at) == [ALL, CHATGPT, COPILOT]


def test_router_gives_the_room_released_tools_and_drops_a_small_choice(open_page, small_tools_db):
    at = open_page("app", small_tools_db)  # lands on the overview
    no_exception(at)
    assert _tool_options(at) == [ALL, CHATGPT, COPILOT]
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    at = box.set_value(COPILOT).run()
    at = at.switch_page("views/team_meeting.py").run()
    no_exception(at)
    assert _tool_options(at) == [ALL, CHATGPT]
    assert at.session_state["tool"] == ALL  # Copilot is not offered to the room: all tools
