"""Every page on an empty database: no exception, and it says what to do."""

from __future__ import annotations

import pytest
from conftest import PAGES, no_exception

EMPTY = "No events yet: load files on the Data page or run `adoption demo`."


@pytest.mark.parametrize("page", [p for p in PAGES if p not in ("data", "settings")])
def test_a_view_page_on_an_empty_database_says_how_to_load_data(open_page, empty_db, page):
    at = open_page(page, empty_db)
    no_exception(at)
    assert [i.value for i in at.info] == [EMPTY]
    assert not empty_db.exists(), "showing a page must not create the database"


@pytest.mark.parametrize("page", ["data", "settings"])
def test_management_pages_on_an_empty_database_still_work(open_page, empty_db, page):
    at = open_page(page, empty_db)
    no_exception(at)


def test_the_router_on_an_empty_database_with_autoload_off_shows_the_overview_empty_state(
    open_page, empty_db
):
    at = open_page("app", empty_db)
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert EMPTY in [i.value for i in at.info]
