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
    at.number_input(key="setting_target_rate").set_value(60.0)
    at.number_input(key="setting_dormant_days").set_value(21)
    [button] = [b for b in at.button if b.label == "Save targets and thresholds"]
    button.click().run()
    no_exception(at)
    stored = store.get_settings(tiny_db)
    assert (stored.target_rate, stored.dormant_days) == (0.6, 21)


def test_a_value_the_model_refuses_is_not_saved_and_says_why(open_page, tiny_db):
    at = open_page("settings", tiny_db)
    at.text_area(key="setting_date_order").set_value('{"crm": "sideways"}')
    [button] = [b for b in at.button if b.label == "Save data and ingest"]
    button.click().run()
    no_exception(at)
    assert any("refused" in e.value and "sideways" in e.value for e in at.error)
    assert store.get_settings(tiny_db).date_order == {}


def test_every_setting_has_an_input_generated_from_the_model(open_page, tiny_db):
    from analytics.settings import setting_fields
    from analytics.ui.settings_form import CUSTOM_INPUTS

    at = open_page("settings", tiny_db)
    keys = {
        w.key
        for kind in (at.number_input, at.text_input, at.text_area, at.date_input, at.checkbox)
        for w in kind
    }
    expected = {f"setting_{f.name}" for f in setting_fields() if f.name not in CUSTOM_INPUTS}
    assert expected <= keys


def test_changing_the_timezone_rebuilds_person_day(open_page, tiny_db):
    with connection(tiny_db, read_only=True) as con:
        before = ingest_version(con)
    at = open_page("settings", tiny_db)
    at.selectbox[0].set_value("Europe/Paris")
    [button] = [b for b in at.button if b.label == "Save and recompute"]
    button.click()
    at.run()
    no_exception(at)
    assert store.get_settings(tiny_db).timezone == "Europe/Paris"
    with connection(tiny_db, read_only=True) as con:
        assert ingest_version(con) == before + 1
