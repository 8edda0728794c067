"""The router: Overview first, shared sidebar with as-of and role, fast page switches."""

from __future__ import annotations

import time

from conftest import PAGES, no_exception


def test_the_router_opens_on_the_overview_with_the_viewer_shown(open_page, tiny_db):
    at = open_page("app", tiny_db)
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert at.sidebar.text[0].value == "local user\nrole: product manager (local)"
    assert at.sidebar.date_input(key="as_of").value.isoformat() == "2026-02-15"


def test_every_page_opens_through_the_router(open_page, example_db):
    at = open_page("app", example_db)
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        no_exception(at)


def test_page_switches_and_widget_changes_hit_the_caches(open_page, example_db):
    at = open_page("app", example_db)
    for page in PAGES:  # first load of every page fills the caches
        at.switch_page(f"views/{page}.py").run()
    timings = {}
    for page in PAGES:
        start = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
        timings[page] = time.perf_counter() - start
    at.switch_page("views/overview.py").run()
    start = time.perf_counter()
    at.sidebar.date_input(key="as_of").set_value(at.sidebar.date_input(key="as_of").value).run()
    timings["same as-of again"] = time.perf_counter() - start
    print({k: round(v, 3) for k, v in timings.items()})
    assert max(timings.values()) < 1.0, timings


def test_first_start_on_an_empty_database_loads_the_running_example(
    open_page, empty_db, monkeypatch
):
    monkeypatch.setenv("ADOPTION_LOAD_DEMO", "1")
    monkeypatch.chdir(empty_db.parent)  # the sample files are written under the working dir
    at = open_page("app", empty_db)
    no_exception(at)
    assert at.title[0].value == "Overview"
    assert [m.label for m in at.metric][0] == "Adoption rate"
    assert not at.info or "No events yet" not in at.info[0].value


def test_a_widget_change_does_not_recompute_the_metrics(open_page, tiny_db, monkeypatch):
    from analytics.ui import loaders

    calls = []
    real_prepare = loaders.prepare
    monkeypatch.setattr(
        loaders, "prepare", lambda *a, **k: calls.append(1) or real_prepare(*a, **k)
    )
    at = open_page("app", tiny_db)
    at.switch_page("views/champions.py").run()
    computed = len(calls)
    assert computed >= 1
    at.selectbox(key="champion").set_value("p07").run()  # a widget change
    at.multiselect(key="teams").set_value(["Team A"]).run()
    at.switch_page("views/overview.py").run()  # and back to a page already seen
    assert len(calls) == computed


def test_a_busy_database_shows_a_calm_message(open_page, tiny_db, monkeypatch):
    import analytics.ui.access as access
    from analytics.db import DatabaseBusy

    def locked(_path):
        raise DatabaseBusy("database in use")

    monkeypatch.setattr(access, "current_ingest_version", locked)
    at = open_page("overview", tiny_db)
    no_exception(at)
    assert "The database is busy" in at.warning[0].value
