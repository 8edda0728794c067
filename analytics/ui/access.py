"""Where the app's database is and how the app touches it: briefly, one user at a time.

The app never holds DuckDB open between reruns. Inside the Streamlit process every open goes
through one lock, because DuckDB refuses a read-only and a read-write connection to the same file
in one process at the same time (two browser tabs would otherwise collide).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from analytics.db import DEFAULT_DB, connection, ingest_version, state_path_for
from analytics.state import store

_LOCK = threading.RLock()
BUSY_RETRY_SECONDS = 5.0


def db_path() -> Path:
    """The DuckDB file to show: env ADOPTION_DB (read now, so tests can point it), else default."""
    return Path(os.environ.get("ADOPTION_DB") or DEFAULT_DB)


@contextmanager
def db_access() -> Iterator[None]:
    """Serialise this process's opens of the database (reads, ingest, erasure)."""
    with _LOCK:
        yield


@contextmanager
def read(path: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, opened under the process lock and closed on exit."""
    with db_access(), connection(path, read_only=True, retry_seconds=BUSY_RETRY_SECONDS) as con:
        yield con


def current_ingest_version(path: Path | str) -> int:
    """The database's ingest version (0 when the file does not exist yet); opened and closed now."""
    if not Path(path).exists():
        return 0
    with read(path) as con:
        return ingest_version(con)


def state_version(path: Path | str) -> str:
    """A digest of the settings and the plan: changes exactly when a metric input in app state does.

    Not the SQLite file's mtime, because audit and outreach writes touch that file on every view.
    """
    if not state_path_for(path).exists():
        return "defaults"
    content = json.dumps(
        [
            store.get_settings(path).model_dump(mode="json"),
            [w.model_dump() for w in store.get_plan(path)],
        ],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(content.encode()).hexdigest()[:16]


def has_any_data(path: Path | str) -> bool:
    """Whether anything was ever loaded (events, roster or an ingest-log row)."""
    if not Path(path).exists():
        return False
    with read(path) as con:
        row = con.execute(
            "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM roster)"
            " + (SELECT count(*) FROM ingest_log)"
        ).fetchone()
    return bool(row and row[0])
