"""Privacy sweep: every view rendered as leadership and as a champion on the running example.

At three as-of days and minimum group sizes 5, 10 and 12, leadership's screens hold no person's
name, no headline count of 1 to min-1 people, and no table row with numbers for a team, wave or
role that has fewer people than the minimum (sizes from the unsuppressed metrics). A champion's
screens name nobody outside their cohort.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pandas as pd
import pytest
from conftest import no_exception
from streamlit.testing.v1 import AppTest
from test_pagedata_release import as_of_days, example_min, roster, true_sizes, viewers

from analytics.privacy.roles import CHAMPION, LEADERSHIP

__all__ = ["example_min"]  # the fixture, shared with the data-layer sweep
from analytics.ui.navigation import VIEWS, views_for

COUNT = re.compile(r"^[0-9][0-9,]*$")


def render(monkeypatch, db, view: str, email: str, day: dt.date) -> AppTest:
    """Run one view as this signed-in e-mail at this as-of day."""
    monkeypatch.setenv("ADOPTION_DB", str(db))
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email)
    at = AppTest.from_file(str(VIEWS_BY_NAME[view].path), default_timeout=60)
    at.session_state["_as_of_range"] = None  # let the view set its range, then pick the day
    at.run()
    if at.date_input:
        at.date_input(key="as_of").set_value(day).run()
    no_exception(at)
    return at


VIEWS_BY_NAME = {v.name: v for v in VIEWS}


def screen_text(at: AppTest) -> str:
    """Everything a person reads on the screen: texts, labels, metric values, table cells."""
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.text)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def numbers(row: pd.Series, skip: set[str]) -> list[object]:
    """The row's values that are numbers or flags (a suppressed row has none)."""
    return [
        v
        for k, v in row.items()
        if k not in skip
        and v is not None
        and not (isinstance(v, float) and math.isnan(v))
        and isinstance(v, int | float | bool)
    ]


@pytest.mark.parametrize("view", [v.name for v in views_for(LEADERSHIP)])
def test_leadership_screens_rest_on_the_minimum_group_size(monkeypatch, example_min, view):
    db, min_size = example_min
    executive = viewers(db)[LEADERSHIP]
    names = set(roster(db)["name"].drop_nulls())
    for day in as_of_days(db):
        at = render(monkeypatch, db, view, executive.identity, day)
        text = screen_text(at)
        assert not {n for n in names if n in text}, (view, day)
        for metric in at.metric:
            if metric.label != "Teams flagged" and COUNT.match(metric.value or ""):  # of people
                assert not 0 < int(metric.value.replace(",", "")) < min_size, (view, metric.label)
        sizes = true_sizes(db, day)
        for frame in at.dataframe:
            table = frame.value
            for group, key in (("team", "team"), ("wave", "wave"), ("role", "role")):
                if group not in table.columns:
                    continue
                by = sizes["members"] if "members" in table.columns else sizes[key]
                for _, row in table.iterrows():
                    if by.get(row[group], 0) < min_size:
                        skip = {group, "wave", "start", "suppressed"}
                        assert not numbers(row, skip), (view, day, row.to_dict())


@pytest.mark.parametrize("view", [v.name for v in views_for(CHAMPION)])
def test_a_champions_screens_name_nobody_outside_their_cohort(monkeypatch, example_db, view):
    champion = viewers(example_db)[CHAMPION]
    people = roster(example_db)
    cohort = people.filter(
        (people["champion_id"] == champion.person_id) | (people["user_id"] == champion.person_id)
    )
    others = set(people["name"].drop_nulls()) - set(cohort["name"].drop_nulls())
    for day in as_of_days(example_db):
        text = screen_text(render(monkeypatch, example_db, view, champion.identity, day))
        assert not {n for n in others if n in text}, (view, day)
