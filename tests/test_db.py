"""The database opens per use, creates its schema and reports a busy file clearly."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from analytics.db import bump_ingest_version, connection, ingest_version, state_path_for


def test_ingest_version_starts_at_zero_and_counts_up(db_path: Path) -> None:
    with connection(db_path) as con:
        assert ingest_version(con) == 0
        assert bump_ingest_version(con) == 1
    with connection(db_path, read_only=True) as con:
        assert ingest_version(con) == 1


def test_busy_database_gives_a_clear_message(db_path: Path) -> None:
    with connection(db_path):
        code = (
            "from analytics.db import open_db, DatabaseBusy\n"
            f"try:\n    open_db({str(db_path)!r}, retry_seconds=0.5)\n"
            "except DatabaseBusy as e:\n    print(e)\n"
        )
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "database in use" in out.stdout


def test_state_file_sits_beside_the_database() -> None:
    assert state_path_for(Path("data/adoption.duckdb")) == Path("data/adoption.app.sqlite")


def test_execute_puts_the_statement_and_parameters_into_the_error(db_path: Path) -> None:
    from analytics.db import QueryError, connection, execute

    with connection(db_path) as con, pytest.raises(QueryError) as failed:
        execute(con, "SELECT count(*) FROM no_such_table WHERE x = ?", [1])
    assert "FROM no_such_table" in str(failed.value) and "[1]" in str(failed.value)
    assert failed.value.sql.startswith("SELECT") and failed.value.params == [1]
