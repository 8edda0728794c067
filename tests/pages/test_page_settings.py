"""Settings: plan editing validated, targets stored, timezone change rebuilds person_day."""

from __future__ import annotations

import datetime as dt

from conftest import no_exception

from analytics.db import connection, ingest_version
from analytics.state import store


def edit_plan(at, edits: dict) -> None:
    """Edit cells of the plan editor the way the browser does (row index -> {column: value})."""
    at.session_state["plan_editor"] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}
    at.run()
    at.button(key="save_plan").click().run()


def test_a_plan_with_waves_out_of_order_is_refused(open_page, tiny_db):
    at = open_page("settings", tiny_db)
    # Wave 2 moved to 2025-12-01, before wave 1's 2026-01-05.
    edit_plan(at, {"1": {"start": "2025-12-01"}})
    no_exception(at)
    assert (
        at.error
        and "row 2" in at.error[0].value
        and "before the previous wave" in (at.error[0].value.replace("\\", ""))
    )
    assert [w.start for w in store.get_plan(tiny_db)] == [dt.date(2026, 1, 5), dt.date(2026, 1, 19)]


def test_a_valid_plan_edit_is_saved(open_page, tiny_db):
    at = open_page("settings", tiny_db)
    edit_plan(at, {"1": {"start": "2026-01-26", "planned_size": 10}})
    no_exception(at)
    assert [s.value for s in at.success] == ["Saved a plan of 2 wave(s)."]
    assert [(w.start, w.planned_size) for w in store.get_plan(tiny_db)] == [
        (dt.date(2026, 1, 5), 2),
        (dt.date(2026, 1, 26), 10),
    ]


def test_saving_targets_stores_them(open_page, tiny_db):
    at = open_page("settings", tiny_db)
    at.number_input[0].set_value(60.0)
    at.button[1].click()  # the targets form's submit button (0 is "Save the plan")
    at.run()
    no_exception(at)
    assert store.get_settings(tiny_db).target_rate == 0.6


def test_changing_the_timezone_rebuilds_person_day(open_page, tiny_db):
    with connection(tiny_db, read_only=True) as con:
        before = ingest_version(con)
    at = open_page("settings", tiny_db)
    at.selectbox[0].set_value("Europe/Paris")
    at.button[2].click()  # "Save and recompute"
    at.run()
    no_exception(at)
    assert store.get_settings(tiny_db).timezone == "Europe/Paris"
    with connection(tiny_db, read_only=True) as con:
        assert ingest_version(con) == before + 1
