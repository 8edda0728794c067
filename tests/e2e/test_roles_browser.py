"""Sign-in and the role gate in a real browser (SPEC 9): every role, every page URL, restarts.

A real OIDC provider (oidc-provider-mock), a real `streamlit run app.py` on the running example,
real chromium. Each person signs in through the provider, then types every page's URL; what the
page shows must be exactly what their role may see: the view itself, or no view at all. Names
of people outside what the role may see must appear nowhere on the screen.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from oidc import settle, sign_in

from analytics.ui.navigation import VIEWS, views_for

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.browser

PM = "pm@example.com"
STRANGER = "stranger@example.com"
PM_SECRETS = f'[adoption]\nproduct_managers = ["{PM}"]\n'


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The running example in a database, with one champion, one executive and their names."""
    from analytics.demo import ensure_demo_loaded

    folder = tmp_path_factory.mktemp("roles")
    db = folder / "adoption.duckdb"
    assert ensure_demo_loaded(db, folder=folder / "sample_events")
    with duckdb.connect(str(db), read_only=True) as con:
        champion, champion_name = con.execute(
            "SELECT user_id, email FROM roster WHERE is_champion AND active ORDER BY user_id"
        ).fetchone()
        executive = con.execute(
            "SELECT email FROM roster WHERE role = 'executive' AND active ORDER BY user_id"
        ).fetchone()[0]
        names = [
            r[0] for r in con.execute("SELECT name FROM roster WHERE name IS NOT NULL").fetchall()
        ]
        cohort = [
            r[0]
            for r in con.execute(
                "SELECT name FROM roster WHERE champion_id = ? OR user_id = ?",
                [champion, champion],
            ).fetchall()
        ]
    return {
        "db": db,
        "champion": champion_name,
        "executive": executive,
        "names": names,
        "cohort": set(cohort),
    }


def title(page) -> str:
    """The view's title (its first heading), or "" when none is drawn."""
    heading = page.locator("h1")
    return heading.first.inner_text().strip() if heading.count() else ""


def open_url(page, url: str) -> None:
    """Type a URL into the address bar and wait for the app to finish drawing."""
    page.goto(url)
    settle(page)


def names_on_screen(page, names: list[str]) -> set[str]:
    """Which of these people's names the page shows anywhere (text, tables, sidebar)."""
    text = page.locator("body").inner_text()
    return {name for name in names if name in text}


SCREENSHOTS = Path(os.environ.get("SCREENSHOTS_DIR", ROOT / "build" / "screenshots"))


SIZES = ((1440, 900), (1920, 1080))  # a laptop, and a projector or a large screen


def screenshots(page, name: str) -> None:
    """Save the view at every size of SIZES (build/screenshots/NAME-WIDTH.png) in the same visit:
    a resize re-lays the page out without a rerun, so the second size costs a second only."""
    before = page.viewport_size
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(400)  # charts re-measure their width after a resize
        page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png")
    if before:
        page.set_viewport_size(before)


def check_every_url(page, base_url: str, role: str, example: dict, allowed_names: set[str]):
    """Each view's URL shows the view to a role that may open it, and no view otherwise; every
    view a role may open is saved as screenshots (build/screenshots/ROLE-VIEW-WIDTH.png) at
    1440x900 and 1920x1080."""
    allowed = {v.name for v in views_for(role)}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for view in VIEWS:
        open_url(page, f"{base_url}/{view.name}")
        shown = title(page)
        if view.name in allowed:
            assert shown == view.title, (role, view.name, shown)
            assert page.get_by_text("Page not found").count() == 0, (role, view.name)
            screenshots(page, f"{role}-{view.name}")
        else:
            assert shown != view.title, (role, view.name)
        leaked = names_on_screen(page, example["names"]) - allowed_names
        assert not leaked, (role, view.name, sorted(leaked)[:5])


def test_a_visitor_who_is_not_signed_in_sees_only_the_sign_in_button(oidc_app, fresh_page, example):
    with oidc_app(example["db"], extra_secrets=PM_SECRETS) as app:
        page = fresh_page()
        for view in VIEWS:
            open_url(page, f"{app.url}/{view.name}")
            assert page.get_by_role("button", name="Sign in", exact=True).count() == 1
            assert title(page) == "Adoption analytics", view.name
            assert not names_on_screen(page, example["names"])
            assert page.locator("[data-testid='stDataFrame']").count() == 0


@pytest.mark.parametrize("who", ["product_manager", "leadership", "champion", "stranger"])
def test_each_role_sees_exactly_its_pages_by_url_and_after_a_restart(
    oidc_app, fresh_page, example, who
):
    email = {
        "product_manager": PM,
        "leadership": example["executive"],
        "champion": example["champion"],
        "stranger": STRANGER,
    }[who]
    allowed_names = {
        "product_manager": set(example["names"]),
        "leadership": set(),
        "champion": example["cohort"],
        "stranger": set(),
    }[who]
    with oidc_app(example["db"], extra_secrets=PM_SECRETS) as app:
        page = fresh_page(width=1440, height=900)
        sign_in(page, app.url, email)
        if who == "stranger":
            assert "not part of this rollout" in page.locator("body").inner_text()
            role = "none"
        else:
            role = who
        menu = page.locator("[data-testid='stSidebarNav']").inner_text() if role != "none" else ""
        for view in VIEWS:
            assert (view.title in menu) == (view in views_for(role)), (who, view.name)
        check_every_url(page, app.url, role, example, allowed_names)

        app.restart()  # a bookmark opened on a freshly restarted server
        for view in (VIEWS[0], VIEWS[5], VIEWS[7]):  # overview, team meeting, data
            open_url(page, f"{app.url}/{view.name}")
            expected = view in views_for(role)
            assert (title(page) == view.title) == expected, (who, view.name, "after restart")
            leaked = names_on_screen(page, example["names"]) - allowed_names
            assert not leaked, (who, view.name, "after restart")


def test_local_mode_is_the_product_manager_on_localhost_only(oidc_app, fresh_page, example):
    with oidc_app(example["db"], auth=False) as app:
        page = fresh_page()
        open_url(page, f"{app.url}/data")
        assert title(page) == "Data"
        assert "Local mode" in page.locator("body").inner_text()


def test_served_on_the_network_without_sign_in_it_shows_nothing(oidc_app, fresh_page, example):
    with oidc_app(example["db"], auth=False, env={"TEST_SERVER_ADDRESS": "0.0.0.0"}) as app:
        page = fresh_page()
        for name in ("", "overview", "team_meeting"):
            open_url(page, f"{app.url}/{name}")
            assert "sign-in is not configured" in page.locator("body").inner_text()
            assert not names_on_screen(page, example["names"])
            assert page.locator("[data-testid='stMetric']").count() == 0


def test_the_team_meeting_on_a_projector(oidc_app, fresh_page, example):
    """The meeting view at 1920x1080, as leadership would project it (screenshot kept)."""
    with oidc_app(example["db"], extra_secrets=PM_SECRETS) as app:
        page = fresh_page(width=1920, height=1080)
        sign_in(page, app.url, example["executive"])
        open_url(page, f"{app.url}/team_meeting")
        assert title(page) == "Team meeting"
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / "leadership-team_meeting-1920.png")
        assert not names_on_screen(page, example["names"])
