"""The stored settings read with the standard library's sqlite3, for commands that only read them.

`adoption ingest` needs the settings but nothing else of the app state: going through SQLModel
imports SQLAlchemy, about 0.4 s of a 1 s re-ingest (issue 12). Writers still use `store`.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from analytics.db import state_path_for
from analytics.settings import Settings, from_stored

TABLE = "settingvalue"  # SQLModel's table of state.models.SettingValue (checked by a test)


def stored_settings(con: sqlite3.Connection) -> Settings:
    """The settings stored in an open state file (`sqlite3.OperationalError` without the
    table): the one stdlib reading of the table, shared with metrics.inputs.read_state_fast."""
    rows = con.execute(f"SELECT name, value_json FROM {TABLE}").fetchall()
    return from_stored({name: json.loads(value) for name, value in rows})


def read_settings(db_path: Path | str) -> Settings:
    """Every setting, as store.get_settings gives it, without creating the state file."""
    state = state_path_for(db_path)
    if not state.exists():
        return from_stored({})
    con = sqlite3.connect(f"{state.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return stored_settings(con)
    except sqlite3.OperationalError as error:  # a state file without the table yet
        if "no such table" not in str(error):
            raise
        return from_stored({})
    finally:
        con.close()
