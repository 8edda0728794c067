"""Shared fixtures and rules: a temporary database path and a private erasure key file per test;
browser tests never skip in CI."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from analytics.ingest.keyring import KEY_ENV, KEY_FILE_ENV


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh DuckDB path (file not yet created) in the test's own folder."""
    return tmp_path / "adoption.duckdb"


def in_ci() -> bool:
    """True when the environment says this is a CI run (CI=true, as CI services set it)."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A skipped `browser` test (chromium missing, say) fails under CI: it must not pass quietly."""
    report = yield
    if report.skipped and in_ci() and item.get_closest_marker("browser"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"browser test skipped under CI=true, which counts as a failure: {reason}"
    return report


@pytest.fixture(autouse=True)
def erasure_key_file(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test keeps its erasure key in its own folder, never in the user's config."""
    path = tmp_path_factory.mktemp("config") / "adoption" / "erasure.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return path
