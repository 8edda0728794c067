"""The typed explore query: built from values or from `adoption insight` words, same answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analytics.insight import InsightError, InsightQuery, query_from_argv, run_insight

EVENTS = [("u1", "2024-01-01 09:00", "login"), ("u2", "2024-01-03 09:00", "login")]


def test_words_and_values_describe_the_same_query() -> None:
    words = ["active", "--period", "week", "--date-to", "2024-01-14", "--window", "7"]
    expected = InsightQuery(kind="active", period="week", date_to=dt.date(2024, 1, 14), window=7)
    assert query_from_argv(words) == expected


@pytest.mark.parametrize(
    ("words", "message"),
    [(["active", "--date-to", "14/01/2024"], "YYYY-MM-DD"), (["nonsense"], "invalid choice")],
)
def test_bad_words_raise_insight_error(words: list[str], message: str) -> None:
    with pytest.raises(InsightError, match=message):
        query_from_argv(words)


def test_run_insight_answers_as_the_command_line(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    db = events_db(EVENTS)
    words = ["stickiness", "--date-from", "2024-01-01", "--date-to", "2024-01-03"]
    assert run_insight(query_from_argv(words), db) == insight(db, *words)
