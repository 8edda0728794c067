"""Rollout waves: the per-wave table, curves, time to first use and the gate verdict."""

from __future__ import annotations

import pytest
from conftest import no_exception

from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs


def test_waves_table_has_one_row_per_planned_wave(open_page, example_db):
    doc = build_document(load_inputs(example_db))
    at = open_page("waves", example_db)
    no_exception(at)
    table = at.dataframe[0].value
    assert list(table["wave"]) == [w["wave"] for w in doc["waves"]]
    # shown as whole percentages (0-100), the same rates as the document
    assert list(table["adoption_rate"]) == pytest.approx(
        [w["adoption_rate"] * 100 for w in doc["waves"]]
    )
    assert len(at.get("vega_lite_chart")) == 2


def test_tiny_gate_verdict_when_every_wave_has_started(open_page, tiny_db):
    at = open_page("waves", tiny_db)
    no_exception(at)
    # Wave 2 (the last) has 10 members, 8 active in the last 28 days -> 80%; four weeks after
    # its start (2026-01-19 + 27 = 2026-02-15) the same 8 were active: 80% >= the 60% gate.
    assert [i.value for i in at.success] == [
        "All waves have started. Wave 2 (Everyone) is at 80% and reached 80% four weeks in "
        "(gate 60%)."
    ]


def test_gate_verdict_before_the_gate_can_be_read(open_page, tiny_db):
    import datetime as dt

    at = open_page("waves", tiny_db)
    # 2026-01-10: only wave 1 (started 2026-01-05) has started; its gate is read on
    # 2026-01-05 + 27 days = 2026-02-01; wave 2 is planned for 2026-01-19.
    at.sidebar.date_input(key="as_of").set_value(dt.date(2026, 1, 10)).run()
    no_exception(at)
    assert "is read on 2026-02-01" in at.info[0].value
    assert "planned for 2026-01-19" in at.info[0].value
