"""Survey numbers reach leadership only for teams with at least the minimum number of answers."""

from __future__ import annotations

import polars as pl
from test_pagedata_release import page_data, viewers

from analytics.privacy.roles import LEADERSHIP, PRODUCT_MANAGER, Viewer
from analytics.tables import ADKAR


def test_leadership_sees_survey_numbers_only_for_big_enough_teams(example_db):
    last = page_data(example_db, Viewer("pm", PRODUCT_MANAGER, None), None).context.last_day
    full = page_data(example_db, Viewer("pm", PRODUCT_MANAGER, None), last).survey_barriers()
    released = page_data(example_db, viewers(example_db)[LEADERSHIP], last).survey_barriers()
    small = full.filter(pl.col("answers") < 5)["team"]
    assert small.len() > 0 and full["barrier"].null_count() == 0
    hidden = released.filter(pl.col("team").is_in(small.implode()))
    assert hidden["suppressed"].all()
    assert hidden.select("answers", "barrier", *ADKAR).null_count().row(0) == (hidden.height,) * 7
    assert released.filter(~pl.col("suppressed"))["answers"].min() >= 5
    leadership = page_data(example_db, viewers(example_db)[LEADERSHIP], last)
    assert leadership.segment_barriers().is_empty()
