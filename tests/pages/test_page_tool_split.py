"""The sidebar's tool split (SPEC 10): every view's numbers for one tool, hand-computed.

The tiny roster (handbuilt: p01-p06 Team A, p07-p12 Team B; p01 and p07 in wave 1 from
2026-01-05, the rest in wave 2 from 2026-01-19), with activity of two tools only:
- github-copilot: p01, p02, p03 active on 2026-02-15 (D); licences for p01-p06 (Team A);
- chatgpt-enterprise: p01, p07, p08, p09, p10 active on 2026-02-14; no licence rows.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import metric, no_exception
from handbuilt import build_tiny_db

from analytics.db import bump_ingest_version, connection

COPILOT, CHATGPT = "github-copilot", "chatgpt-enterprise"
# how the sidebar names them (analytics/ui/definitions.TOOL_NAMES)
NAMES = {COPILOT: "GitHub Copilot", CHATGPT: "ChatGPT Enterprise"}
D = dt.date(2026, 2, 15)
USE = {COPILOT: (["p01", "p02", "p03"], D), CHATGPT: (["p01", "p07", "p08", "p09", "p10"], D)}


def _two_tools(path: Path, tools: dict[str, tuple[list[str], dt.date]]) -> Path:
    """The tiny database with its activity replaced by these tools' active days."""
    build_tiny_db(path)
    with connection(path) as con:
        con.execute("DELETE FROM person_day")
        for tool, (people, day) in tools.items():
            day = day - dt.timedelta(days=1) if tool == CHATGPT else day
            for person in people:
                con.execute(
                    "INSERT INTO tool_day VALUES (?, ?, ?, 'day', 1, 1)", [person, day, tool]
                )
        con.execute(
            """INSERT INTO person_day SELECT person_id, day, sum(events), sum(active_events),
               0, 0, 0, true FROM tool_day GROUP BY ALL"""
        )
        if COPILOT in tools:
            con.execute(
                "INSERT INTO licence_holders SELECT printf('p%02d', i), ?, NULL, true "
                "FROM range(1, 7) t(i)",
                [COPILOT],
            )
        bump_ingest_version(con)
    return path


@pytest.fixture
def tools_db(tmp_path: Path) -> Path:
    return _two_tools(tmp_path / "adoption.duckdb", USE)


def _choose(at, tool: str):
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    assert box.options == ["All tools", NAMES[CHATGPT], NAMES[COPILOT]]
    return box.set_value(tool).run()


def test_overview_headline_splits_by_tool(open_page, tools_db):
    at = open_page("overview", tools_db)
    no_exception(at)
    # all tools: 12 eligible; active in 28 days p01-p03 and p07-p10 = 7 -> 7/12 = 58.3%,
    # shown as a whole percentage: 58%.
    assert (metric(at, "Adoption rate"), metric(at, "MAU"), metric(at, "Eligible")) == (
        "58%",
        "7",
        "12",
    )
    # the funnel as a partition of the Copilot licence holders p01-p06: p04-p06 never used;
    # p01-p03 active on D (this week) but in no other week: weekly, not habitual.
    parts = ("Licensed", "Never used", "Used, not weekly", "Weekly, not habitual", "Habitual")
    assert [metric(at, label) for label in parts] == ["6", "3", "0", "3", "0"]
    at = _choose(at, COPILOT)
    no_exception(at)
    # Copilot: its licence holders p01-p06 are the population; p01-p03 active -> 3 / 6.
    assert (metric(at, "Adoption rate"), metric(at, "MAU"), metric(at, "Eligible")) == (
        "50%",
        "3",
        "6",
    )
    at = _choose(at, CHATGPT)
    # ChatGPT has no licence rows: the roster's 12 stay the population; 5 active -> 5/12 =
    # 41.7%, shown whole: 42%.
    assert (metric(at, "Adoption rate"), metric(at, "MAU"), metric(at, "Eligible")) == (
        "42%",
        "5",
        "12",
    )


def _waves(at) -> list[tuple[int, int]]:
    """(people in the wave, active in 28 days) per wave row of the Waves table."""
    table = at.dataframe[0].value
    return list(zip(table["size"], table["active"], strict=True))


def test_waves_split_by_tool(open_page, tools_db):
    at = open_page("waves", tools_db)
    no_exception(at)
    # all: wave 1 = p01, p07 (both active); wave 2 = the other 10, active p02, p03, p08-p10.
    assert _waves(at) == [(2, 2), (10, 5)]
    at = _choose(at, COPILOT)
    no_exception(at)
    # Copilot holders p01-p06: wave 1 = p01 (active); wave 2 = p02-p06, active p02, p03.
    assert _waves(at) == [(1, 1), (5, 2)]
    at = _choose(at, CHATGPT)
    # ChatGPT: wave 1 = p01, p07 (both active); wave 2 = 10, active p08, p09, p10.
    assert _waves(at) == [(2, 2), (10, 3)]


def test_team_meeting_leaderboard_splits_by_tool(open_page, tools_db):
    at = open_page("team_meeting", tools_db)
    no_exception(at)
    board = at.dataframe[0].value
    rates = dict(zip(board["team"], board["active"], strict=True))
    assert rates == {"Team A": 3, "Team B": 4}
    at = _choose(at, CHATGPT)
    no_exception(at)
    board = at.dataframe[0].value
    # ChatGPT: Team A has only p01 active; Team B p07-p10.
    assert dict(zip(board["team"], board["active"], strict=True)) == {"Team A": 1, "Team B": 4}


def test_no_tool_choice_with_one_tool(open_page, tmp_path):
    db = _two_tools(tmp_path / "adoption.duckdb", {COPILOT: USE[COPILOT]})
    at = open_page("overview", db)
    no_exception(at)
    assert "Tool" not in [s.label for s in at.sidebar.selectbox]
    assert metric(at, "MAU") == "3"


def test_no_tool_choice_without_tools(open_page, tiny_db):
    at = open_page("overview", tiny_db)
    assert "Tool" not in [s.label for s in at.sidebar.selectbox]


def test_lower_bounds_are_marked_and_follow_the_split(open_page, tools_db):
    with connection(tools_db) as con:  # the ChatGPT rows come from a monthly file
        con.execute("UPDATE tool_day SET grain = 'month' WHERE tool = ?", [CHATGPT])
        bump_ingest_version(con)
    at = open_page("overview", tools_db)
    no_exception(at)
    marks = [m.value for m in at.markdown if "Lower bound" in m.value]
    assert len(marks) == 4  # adoption rate, DAU, WAU, MAU
    at = _choose(at, COPILOT)  # Copilot alone gives every active day: nothing is marked
    no_exception(at)
    assert not [m.value for m in at.markdown if "Lower bound" in m.value]


def test_leadership_may_split_only_by_tools_that_keep_groups_large(
    open_page, tools_db, monkeypatch
):
    from analytics.state.store import set_setting

    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", "p12@example.com")  # the executive
    at = open_page("overview", tools_db)
    no_exception(at)
    assert at.sidebar.text[0].value.endswith("role: leadership")
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    # 6 Copilot holders, 6 others
    assert box.options == ["All tools", NAMES[CHATGPT], NAMES[COPILOT]]
    set_setting(tools_db, name="min_group_size", value=7)
    at = open_page("overview", tools_db)
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    assert box.options == ["All tools", NAMES[CHATGPT]]  # Copilot's 6 would be a small group
