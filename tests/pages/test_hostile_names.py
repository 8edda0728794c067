"""Hostile text in team, person, wave and event names renders as text on every view and export.

Names carrying Markdown, HTML, formula prefixes, a very long run and right-to-left overrides are
written into the tiny database; every view is rendered (as the product manager, who sees the
most); no Markdown-rendered element may hold the raw text (it must arrive escaped), and a CSV
export must not start a cell with a formula character.
"""

from __future__ import annotations

import io

import polars as pl
import pytest
from conftest import PAGES, no_exception

from analytics.db import connection
from analytics.exports import to_safe_csv
from analytics.state import store

MARKDOWN = "**Bold** [click me](http://evil.example)"
HTML = "<img src=x onerror=alert(1)><b>loud</b>"
FORMULA = '=HYPERLINK("http://evil.example","x")'
FULLWIDTH = "＝1+1"
RTL = "\u202eevil\u202c team"
LONG = "L" * 5000
HOSTILE = (MARKDOWN, HTML, FORMULA, FULLWIDTH, RTL)


@pytest.fixture
def hostile_db(tiny_db):
    """The tiny database with hostile team, person and event names and a hostile wave name."""
    with connection(tiny_db) as con:
        con.execute("UPDATE roster SET team = ? WHERE team = 'Team A'", [MARKDOWN])
        con.execute("UPDATE roster SET team = ? WHERE team = 'Team B'", [HTML])
        con.execute("UPDATE roster SET name = ? WHERE user_id = 'p01'", [FORMULA])
        con.execute("UPDATE roster SET name = ? WHERE user_id = 'p02'", [RTL])
        con.execute("UPDATE roster SET name = ? WHERE user_id = 'p03'", [LONG])
        con.execute("UPDATE roster SET name = ? WHERE user_id = 'p07'", [FULLWIDTH])
        con.execute("UPDATE events SET event = ? WHERE user_id = 'p04'", [MARKDOWN])
    plan = store.get_plan(tiny_db)
    plan[0].name, plan[1].name = HTML, MARKDOWN
    store.save_plan(tiny_db, waves=plan)
    return tiny_db


def markdown_sources(at) -> list[str]:
    """The source text of every element Streamlit renders as Markdown."""
    elements = [
        *at.markdown,
        *at.caption,
        *at.title,
        *at.header,
        *at.subheader,
        *at.info,
        *at.warning,
        *at.success,
        *at.error,
    ]
    labels = [m.label for m in at.metric]
    return [str(e.value) for e in elements] + labels


@pytest.mark.parametrize("page", [*PAGES, "outreach"])
def test_no_view_renders_hostile_names_as_markup(open_page, hostile_db, page):
    at = open_page(page, hostile_db)
    no_exception(at)
    for source in markdown_sources(at):
        for text in (MARKDOWN, HTML):
            assert text not in source, (page, source[:200])


def test_exports_escape_formulas_and_keep_hostile_text_as_text():
    frame = pl.DataFrame({"name": [FORMULA, FULLWIDTH, MARKDOWN, RTL, LONG]})
    cells = pl.read_csv(io.BytesIO(to_safe_csv(frame)))["name"].to_list()
    assert cells[0].startswith("'=") and cells[1].startswith("'＝")
    assert cells[2:] == [MARKDOWN, RTL, LONG]
