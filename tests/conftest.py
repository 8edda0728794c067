"""Shared fixtures: a temporary database path per test."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A fresh DuckDB path (file not yet created) in the test's own folder."""
    return tmp_path / "adoption.duckdb"
