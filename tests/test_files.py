"""Data files are readable by their owner only, whatever the process umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection, state_path_for
from analytics.ingest.load import transaction


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A permissive umask (022), as on most desktops."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_database_state_file_and_data_directory_are_private(
    tmp_path: Path, open_umask: None
) -> None:
    db = tmp_path / "data" / "nested" / "adoption.duckdb"
    events = tmp_path / "events.csv"
    events.write_text("user_id,timestamp,event\nE1,2026-03-01T10:00:00Z,login\n")
    assert main(["ingest", str(events), "--db", str(db)]) == 0
    assert main(["erase", "E1", "--db", str(db)]) == 0  # the rewritten file too
    assert _mode(db) == 0o600
    assert _mode(state_path_for(db)) == 0o600
    assert _mode(db.parent) == 0o700 and _mode(db.parent.parent) == 0o700


def test_the_write_ahead_log_is_private(db_path: Path, open_umask: None) -> None:
    with connection(db_path) as con:
        with transaction(con):
            con.execute("INSERT INTO meta VALUES ('x', 'y')")
        wal = Path(f"{db_path}.wal")
        assert wal.exists() and _mode(wal) == 0o600
        assert _mode(db_path) == 0o600
