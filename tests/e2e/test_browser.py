"""The app in a real browser: `streamlit run app.py` on the running example, driven by chromium.

Every page is opened through the sidebar (one session, as a person clicks), must finish without
an exception or error box, and is saved as a screenshot under screenshots/ (git-ignored) so a
person can look at what the app really draws.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
# (sidebar link text, file stem for the screenshot, a title the page must show)
PAGES = [
    ("Overview", "overview", "Overview"),
    ("Rollout waves", "waves", "Rollout waves"),
    ("Retention and lifecycle", "retention", "Retention and lifecycle"),
    ("Champions", "champions", "Champions"),
    ("Outreach worklist", "outreach", None),
    ("Team meeting", "team_meeting", "Team meeting"),
    ("Explore", "explore", "Explore"),
    ("Data", "data", "Data"),
    ("Settings", "settings", "Settings"),
]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The running example in a temporary database."""
    from analytics.demo import ensure_demo_loaded

    folder = tmp_path_factory.mktemp("browser")
    db = folder / "adoption.duckdb"
    ensure_demo_loaded(db, folder=folder / "sample_events")
    return db


@pytest.fixture(scope="module")
def app_url(example_db: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free port against the example database; stopped after."""
    port = free_port()
    env = {**os.environ, "ADOPTION_DB": str(example_db), "ADOPTION_LOAD_DEMO": "0"}
    env.pop("ADOPTION_VIEWER_EMAIL", None)
    log = (example_db.parent / "streamlit.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable, "-m", "streamlit", "run", "app.py",
            "--server.headless", "true",
            "--server.port", str(port),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError((example_db.parent / "streamlit.log").read_text())
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


@pytest.fixture(scope="module")
def page(app_url: str, browser):
    """One chromium tab at a projector-like size (1600 x 1000); chromium comes from conftest.py."""
    tab = browser.new_page(viewport={"width": 1600, "height": 1000})
    try:
        yield tab
    finally:
        tab.close()


def settle(tab) -> None:
    """Wait until the script has finished and the charts have drawn."""
    tab.wait_for_selector(DONE, timeout=60_000)
    tab.wait_for_timeout(300)  # the script state can flip before the rerun starts
    tab.wait_for_selector(DONE, timeout=60_000)
    charts = tab.locator('[data-testid="stVegaLiteChart"]')
    for index in range(charts.count()):
        charts.nth(index).locator("canvas, svg").first.wait_for(timeout=30_000)
    tab.wait_for_timeout(500)


def photograph(tab, path: Path) -> None:
    """Save the whole page: Streamlit scrolls inside its main block, so grow the window first."""
    height = tab.evaluate(
        "() => Math.max(document.querySelector('[data-testid=\"stMain\"]').scrollHeight, 1000)"
    )
    tab.set_viewport_size({"width": 1600, "height": min(int(height) + 40, 8000)})
    tab.wait_for_timeout(800)
    tab.screenshot(path=str(path), full_page=True)
    tab.set_viewport_size({"width": 1600, "height": 1000})


def problems(tab) -> list[str]:
    """Texts of exceptions and error boxes on the page."""
    boxes = tab.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
    return [boxes.nth(i).inner_text() for i in range(boxes.count())]


def test_every_page_draws_without_errors_and_is_photographed(page, app_url, example_db):
    from analytics.metrics.document import build_document
    from analytics.metrics.inputs import load_inputs

    doc = build_document(load_inputs(example_db))
    SHOTS.mkdir(exist_ok=True)
    page.goto(app_url)
    settle(page)
    headline = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert headline == f"{doc['adoption_rate']:.0%}"  # whole percentages on every page
    timings = {}
    for link, stem, title in PAGES:
        started = time.monotonic()
        page.locator('[data-testid="stSidebarNavLink"]', has_text=link).first.click()
        settle(page)
        timings[stem] = round(time.monotonic() - started, 2)
        assert problems(page) == [], f"{link}: {problems(page)}"
        if title:
            assert page.locator("h1", has_text=title).count() >= 1
        photograph(page, SHOTS / f"{stem}.png")
    print("browser page switch (s, including chart drawing and waits):", timings)


def test_the_as_of_day_changes_the_headline(page, app_url, example_db):
    from analytics.metrics.document import build_document
    from analytics.metrics.inputs import load_inputs

    page.goto(app_url)
    settle(page)
    # The date field is a row of spin buttons (year / month / day): type a new day of the month.
    sidebar_date = page.locator('[data-testid="stSidebar"] [data-testid="stDateInputField"]')
    year, month, day = (
        int(sidebar_date.locator(f'[data-type="{part}"]').inner_text())
        for part in ("year", "month", "day")
    )
    target = dt.date(year, month, max(1, day - 14))
    sidebar_date.locator('[data-type="day"]').click()
    page.keyboard.type(f"{target.day:02d}")
    page.locator("h1").first.click()  # the field commits its value when it loses focus
    settle(page)
    shown = dt.date(
        *(
            int(sidebar_date.locator(f'[data-type="{part}"]').inner_text())
            for part in ("year", "month", "day")
        )
    )
    print("as-of typed", target, "shown", shown)
    assert shown != dt.date(year, month, day)
    doc = build_document(load_inputs(example_db), as_of=shown)
    headline = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    assert headline == f"{doc['adoption_rate']:.0%}"  # whole percentages on every page
    assert problems(page) == []


def test_data_tabs_and_an_upload_through_the_browser(page, app_url, tmp_path):
    page.goto(f"{app_url}/data")
    settle(page)
    for tab in ("Ingest report", "Quarantine", "Data quality", "Erasure"):
        page.get_by_role("tab", name=tab).click()
        page.wait_for_timeout(500)
        assert problems(page) == [], f"{tab}: {problems(page)}"
        photograph(page, SHOTS / f"data-{tab.lower().replace(' ', '_')}.png")
    page.get_by_role("tab", name="Upload").click()
    export = tmp_path / "late export.csv"
    export.write_text(
        "user_id;timestamp;event\r\n"
        "newcomer@example.com;2026-10-20 09:00;login\r\n"
        "newcomer@example.com;not a time;login\r\n",
        encoding="utf-8",
    )
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    settle(page)
    page.get_by_role("button", name="Ingest").click()  # runs in the background, page polls
    page.get_by_text("Every file was read").wait_for(timeout=60_000)
    settle(page)
    assert problems(page) == []
    assert page.get_by_text("Every file was read").count() == 1
    assert page.get_by_role("button", name="Ingest").is_enabled()  # the job was cleared
    photograph(page, SHOTS / "data-after_upload.png")


def test_a_large_upload_shows_the_phase_and_the_share_of_the_file(page, app_url, tmp_path):
    export = tmp_path / "big export.csv"  # about 11 MB: 250,000 logins of 50 new people
    pl.select(i=pl.int_range(250_000, dtype=pl.Int64)).select(
        user_id=pl.format("late{}@example.com", pl.col("i") % 50),
        timestamp=pl.datetime(2026, 10, 1) + pl.duration(seconds=pl.col("i")),
        event=pl.lit("login"),
    ).write_csv(export, datetime_format="%Y-%m-%d %H:%M:%S")
    page.goto(f"{app_url}/data")
    settle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    settle(page)
    page.get_by_role("button", name="Ingest").click()
    phase = r"(Reading|Checking the rows of|Saving) big export\.csv \(\d+% of this file\)"
    bar = page.locator('[data-testid="stProgress"]').get_by_text(re.compile(phase))
    bar.wait_for(timeout=60_000)
    photograph(page, SHOTS / "data-upload_progress.png")
    page.get_by_text(re.compile(r"Every file was read in \d+ s")).wait_for(timeout=180_000)
    assert problems(page) == []
