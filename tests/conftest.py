"""Shared fixtures: a temporary database path per test, and a private erasure key file."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.ingest.keyring import KEY_ENV, KEY_FILE_ENV


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh DuckDB path (file not yet created) in the test's own folder."""
    return tmp_path / "adoption.duckdb"


@pytest.fixture(autouse=True)
def erasure_key_file(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test keeps its erasure key in its own folder, never in the user's config."""
    path = tmp_path_factory.mktemp("config") / "adoption" / "erasure.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(path))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return path
