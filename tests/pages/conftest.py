"""Page tests: the running example built once per session, a tiny hand-built db, an empty db."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import streamlit as st
from handbuilt import build_tiny_db
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [
    "overview",
    "waves",
    "retention",
    "champions",
    "team_meeting",
    "impact",
    "explore",
    "data",
    "settings",
]


@pytest.fixture(scope="session")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The running example (analytics.demo) ingested once into a temporary database."""
    from analytics.demo import ensure_demo_loaded

    folder = tmp_path_factory.mktemp("example")
    db = folder / "adoption.duckdb"
    assert ensure_demo_loaded(db, folder=folder / "sample_events")
    return db


@pytest.fixture(scope="session")
def tiny_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny hand-built database (12 people), built once; tests use copies."""
    return build_tiny_db(tmp_path_factory.mktemp("tiny") / "adoption.duckdb")


@pytest.fixture
def tiny_db(tiny_master: Path, tmp_path: Path) -> Path:
    """A private copy of the tiny database (and its app state) that a test may change."""
    for source in tiny_master.parent.iterdir():
        shutil.copy(source, tmp_path / source.name)
    return tmp_path / tiny_master.name


@pytest.fixture
def empty_db(tmp_path: Path) -> Path:
    """A database path with nothing in it (the file does not exist yet)."""
    return tmp_path / "empty.duckdb"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts with empty Streamlit caches, no viewer override, no demo auto-load."""
    monkeypatch.delenv("ADOPTION_VIEWER_EMAIL", raising=False)
    monkeypatch.setenv("ADOPTION_LOAD_DEMO", "0")
    st.cache_data.clear()
    yield
    st.cache_data.clear()


@pytest.fixture
def open_page(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Path], AppTest]:
    """Run one page file (or app.py) against a database and return the finished AppTest."""

    def run(page: str, db: Path) -> AppTest:
        monkeypatch.setenv("ADOPTION_DB", str(db))
        path = ROOT / ("app.py" if page == "app" else f"views/{page}.py")
        return AppTest.from_file(str(path), default_timeout=60).run()

    return run


def metric(at: AppTest, label: str) -> str:
    """The displayed value of the metric with this label (fails if absent)."""
    values = [m.value for m in at.metric if m.label == label]
    assert values, f"no metric {label!r} among {[m.label for m in at.metric]}"
    return values[0]


def no_exception(at: AppTest) -> None:
    """Assert the run raised nothing, showing the traceback when it did."""
    assert not at.exception, "\n".join(str(e.stack_trace) for e in at.exception)
