"""Explore: every insight query runs from widgets, with a chart, a table and the CLI line."""

from __future__ import annotations

import pytest
from conftest import no_exception


@pytest.mark.parametrize("kind", ["retention", "lifecycle", "stickiness", "active"])
def test_every_query_kind_draws_a_chart_and_a_table(open_page, example_db, kind):
    at = open_page("explore", example_db)
    at.selectbox(key="x_kind").set_value(kind).run()
    no_exception(at)
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.dataframe) == 1
    assert at.code[0].value.startswith(f"adoption insight {kind}")


def test_tiny_active_per_week_by_hand(open_page, tiny_db):
    import datetime as dt

    at = open_page("explore", tiny_db)
    at.selectbox(key="x_kind").set_value("active").run()
    at.selectbox(key="x_period").set_value("week").run()
    at.date_input(key="x_from").set_value(dt.date(2026, 2, 9)).run()
    no_exception(at)
    table = at.dataframe[0].value
    # Week of 2026-02-09: the ten people who ever start are all active that week.
    assert list(table["count"]) == [10]


def test_the_sidebar_tool_narrows_the_query(open_page, example_db):
    at = open_page("explore", example_db)
    at.selectbox(key="x_kind").set_value("active").run()
    every = at.dataframe[0].value["count"].sum()
    (box,) = [s for s in at.sidebar.selectbox if s.label == "Tool"]
    at = box.set_value("github-copilot").run()
    no_exception(at)
    assert "--tool github-copilot" in at.code[0].value
    # the running example's Copilot users are its 20 champions, a part of everyone
    copilot = at.dataframe[0].value["count"]
    assert 0 < copilot.max() <= 20
    assert copilot.sum() < every
