"""Impact view: the estimate, event study and survey barriers; the reason when there is none."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import polars as pl
from conftest import metric, no_exception
from test_page_roles import email_of

from analytics.ingest.command import ingest_paths
from analytics.state import store


def tiny_kpis(db: Path) -> None:
    """Weekly `calls` for the tiny database's 12 people (p01..p12), December to February."""
    weeks = [dt.date(2025, 12, 1) + dt.timedelta(weeks=k) for k in range(13)]
    people = [f"p{i:02d}" for i in range(1, 13)]
    rng = np.random.default_rng(0)
    frame = pl.DataFrame(
        {
            "person": np.repeat(people, len(weeks)),
            "week": weeks * len(people),
            "calls": rng.integers(20, 40, len(people) * len(weeks)),
        }
    )
    path = db.parent / "kpis.csv"
    frame.write_csv(path)
    (report,) = ingest_paths(db, [], kpis=[path])
    assert report.loaded == frame.height


def test_product_manager_sees_the_estimate_chart_and_barriers(open_page, example_db):
    at = open_page("impact", example_db)
    no_exception(at)
    assert at.selectbox(key="impact_kpi").value == "meetings"
    labels = [m.label for m in at.metric]
    assert labels == [
        "Effect of enablement",
        "Relative to before the start",
        "Effect from first use",
    ]
    assert at.text[0].value.startswith("Being enabled (their wave started) changed meetings by")
    assert len(at.get("vega_lite_chart")) == 1
    barriers = at.dataframe[0].value
    assert {"team", "answers", "knowledge", "barrier"} <= set(barriers.columns)
    assert barriers["barrier"].notna().all()
    assert any("match nobody in the roster" in c.value for c in at.caption)  # the contractor


def test_no_kpis_says_how_to_add_them(open_page, tiny_db):
    at = open_page("impact", tiny_db)
    no_exception(at)
    assert "adoption ingest --kpis FILE" in at.info[0].value


def test_every_wave_in_the_same_week_gives_the_reason(open_page, tiny_db):
    tiny_kpis(tiny_db)
    plan = store.get_plan(tiny_db)
    plan[1].start = plan[0].start
    store.save_plan(tiny_db, waves=plan)
    at = open_page("impact", tiny_db)
    no_exception(at)
    assert "same week" in at.warning[0].value
    assert not at.get("vega_lite_chart")


def test_leadership_gets_no_estimate_resting_on_a_small_wave(open_page, tiny_db, monkeypatch):
    tiny_kpis(tiny_db)
    at = open_page("impact", tiny_db)
    assert at.metric  # the product manager sees the estimate (wave 1 has 2 people)
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email_of(tiny_db, "role = 'executive'"))
    at = open_page("impact", tiny_db)
    no_exception(at)
    assert not at.metric
    assert "fewer than 5 people" in at.warning[0].value


def test_leadership_on_the_example_sees_enablement_and_why_adoption_is_withheld(
    open_page, example_db, monkeypatch
):
    """Waves hold 5+ people, first-use weeks do not: enablement shown, adoption withheld."""
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email_of(example_db, "role = 'executive'"))
    at = open_page("impact", example_db)
    no_exception(at)
    assert metric(at, "Effect of enablement") != "—"
    assert metric(at, "Effect from first use") == "—"
    assert any(
        "effect from first use is not shown" in c.value and "fewer than 5 people" in c.value
        for c in at.caption
    )
    assert at.text[0].value.startswith("Being enabled (their wave started) changed meetings by")
    assert "From their first use" not in at.text[0].value
    assert len(at.get("vega_lite_chart")) == 1


def test_survey_tables_have_readable_headers_and_blank_notes(open_page, example_db):
    """Column labels in words, and a missing value (a note, a hidden score) shows blank."""
    at = open_page("impact", example_db)
    no_exception(at)
    table = at.dataframe[0]
    columns = json.loads(table.proto.columns)
    labels = {name: column.get("label") for name, column in columns.items()}
    assert labels["team"] == "Team" and labels["awareness"] == "Awareness"
    assert labels["reinforcement"] == "Reinforcement" and labels["barrier"] == "Barrier"
    assert table.proto.placeholder == ""
