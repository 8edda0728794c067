"""A database created before the vendor columns (SPEC 10) answers read-only queries as it is:
the migration runs only on writable opens, so readers must not need the new columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from analytics.db import connection

OLD_COLUMNS = ("vendor_day", "passive", "tool", "grain")


def _older(db: Path) -> Path:
    """Drop the columns and tables the vendor presets added (as an older version wrote it)."""
    con = duckdb.connect(str(db))
    try:
        for column in OLD_COLUMNS:
            con.execute(f"ALTER TABLE events DROP COLUMN {column}")
        con.execute("ALTER TABLE roster DROP COLUMN github_login")
        for table in ("licences", "tool_day", "licence_holders"):
            con.execute(f"DROP TABLE {table}")
    finally:
        con.close()
    return db


def test_read_only_insight_on_a_database_without_vendor_columns(
    events_db: Callable[..., Path], insight: Callable[..., Any]
) -> None:
    # u1 on 01-01 and 01-02, u2 on 01-02 (UTC): 1 then 2 active users.
    db = _older(
        events_db(
            [
                ("u1", "2024-01-01 09:00", "login"),
                ("u1", "2024-01-02 09:00", "login"),
                ("u2", "2024-01-02 10:00", "login"),
            ]
        )
    )
    doc = insight(db, "active", "--tz", "UTC")  # --date-to from the latest event: 01-02
    assert [(r["period_start"], r["count"]) for r in doc["rows"]][-2:] == [
        ("2024-01-01", 1),
        ("2024-01-02", 2),
    ]
    with connection(db, read_only=True) as con:  # still the older file: nothing was migrated
        columns = {
            c
            for (c,) in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = 'events'"
            ).fetchall()
        }
    assert not columns & set(OLD_COLUMNS)
