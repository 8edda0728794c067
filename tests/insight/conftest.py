"""Fixtures for the explore-query tests: a tiny events database and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from analytics.cli import main
from analytics.db import connection

Event = tuple[str, str, str]  # (user_id, UTC timestamp "YYYY-MM-DD HH:MM", event name)


@pytest.fixture
def events_db(db_path: Path) -> Callable[..., Path]:
    """Write events (and optionally roster rows (user_id, email)) into a fresh database."""

    def write(events: list[Event], roster: list[tuple[str, str | None]] = ()) -> Path:
        with connection(db_path) as con:
            if events:
                con.executemany(
                    "INSERT INTO events (dedupe_key, source, user_id, ts, event)"
                    " VALUES (?, 'test', ?, ?, ?)",
                    [[str(i), user, ts, name] for i, (user, ts, name) in enumerate(events)],
                )
            if roster:
                con.executemany(
                    "INSERT INTO roster (user_id, email) VALUES (?, ?)", [list(r) for r in roster]
                )
        return db_path

    return write


@pytest.fixture
def insight(capsys: pytest.CaptureFixture[str]) -> Callable[..., Any]:
    """Run `adoption insight ARGS --db DB` and return the parsed JSON (asserting exit 0)."""

    def run(db: Path, *args: str) -> Any:
        code = main(["insight", *args, "--db", str(db), "--format", "json"])
        captured = capsys.readouterr()
        assert code == 0, captured.err
        return json.loads(captured.out)

    return run


@pytest.fixture
def insight_error(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run `adoption insight ARGS --db DB` and return (exit code, stdout, stderr)."""

    def run(db: Path, *args: str) -> tuple[int, str, str]:
        code = main(["insight", *args, "--db", str(db)])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
