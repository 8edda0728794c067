"""Shared setup of the per-file person_day tests (issue 12): small source files written into the
test's folder, and person_day and tool_day as a full rebuild from the stored events gives them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from analytics.activity import rebuild_with
from analytics.db import transaction
from analytics.state.settings_file import read_settings

PERSON_DAY = "SELECT * FROM person_day ORDER BY ALL"
TOOL_DAY = "SELECT * FROM tool_day ORDER BY ALL"

Rows = list[tuple[object, ...]]


@pytest.fixture
def write_source(tmp_path: Path) -> Callable[[str, str], Path]:
    """write_source(name, text): a source file of that text in the test's folder; its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write


def _stored(con: duckdb.DuckDBPyConnection) -> tuple[Rows, Rows]:
    """person_day and tool_day as stored: every column, rows in order."""
    return con.execute(PERSON_DAY).fetchall(), con.execute(TOOL_DAY).fetchall()


def _rebuilt(con: duckdb.DuckDBPyConnection, db: Path) -> tuple[Rows, Rows]:
    """person_day and tool_day after a full rebuild with the stored settings, inside a
    transaction on `con` (the database file `db`)."""
    with transaction(con):
        rebuild_with(con, read_settings(db))
    return _stored(con)


@pytest.fixture
def stored_days() -> Callable[[duckdb.DuckDBPyConnection], tuple[Rows, Rows]]:
    """stored_days(con): person_day and tool_day rows as the ingest left them."""
    return _stored


@pytest.fixture
def full_rebuild() -> Callable[[duckdb.DuckDBPyConnection, Path], tuple[Rows, Rows]]:
    """full_rebuild(con, db): person_day and tool_day rows as a full rebuild leaves them, to
    compare with what the per-file updates stored."""
    return _rebuilt
