"""Issue 12: numeric dedupe keys; a database built with text keys is migrated once, exactly."""

from __future__ import annotations

from pathlib import Path

import duckdb

from analytics.db import connection, md5_text_to_number_sql
from analytics.ingest.command import ingest_paths
from analytics.ingest.keys import DEDUPE_KEY_SQL

EVENTS = (
    "user_id,timestamp,event,event_id\n"
    "ann@x.com,2026-10-01T09:00:00Z,login,e1\n"
    "bo@x.com,2026-10-01T10:00:00Z,login,e2\n"
)
CHANGED = (  # e2 again with another event: a conflict with the stored row
    "user_id,timestamp,event,event_id\nbo@x.com,2026-10-01T10:00:00Z,logout,e2\n"
)
NEW = (  # e1 again (stored with its text key before s20) and a new e3
    "user_id,timestamp,event,event_id\n"
    "ann@x.com,2026-10-01T09:00:00Z,login,e1\n"
    "cy@x.com,2026-10-02T09:00:00Z,login,e3\n"
)
# The text content hash the code stored before numeric keys (keys.CONTENT_HASH_SQL with md5).
OLD_CONTENT_HASH_SQL = """
md5(concat_ws(chr(31), user_id, CAST(ts AS VARCHAR), event,
    coalesce(session_id, chr(0)), coalesce(feature, chr(0)),
    coalesce(CAST(accepted AS VARCHAR), chr(0)), coalesce(properties, chr(0))))
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def _to_old_schema(db: Path) -> None:
    """Rewrite events as the old schema stored them: the text key (NOT NULL), content_hash md5
    text, no numbers."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"CREATE TABLE old AS SELECT {DEDUPE_KEY_SQL} AS dedupe_key, "
            f"{OLD_CONTENT_HASH_SQL} AS content_hash, "
            "* EXCLUDE (dedupe_key, key_number, content_number) FROM events"
        )
        con.execute("DROP TABLE events")
        con.execute("ALTER TABLE old RENAME TO events")
        con.execute("ALTER TABLE events ALTER COLUMN dedupe_key SET NOT NULL")
        con.execute("ALTER TABLE licences DROP COLUMN key_number")
        con.execute("ALTER TABLE licences DROP COLUMN content_number")
        con.execute("ALTER TABLE licences ADD COLUMN content_hash VARCHAR")


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = ?"
    return [name for (name,) in con.execute(sql, [table]).fetchall()]


def test_md5_text_converts_to_md5_number() -> None:
    # RFC 1321 test vector: md5('abc') = 900150983cd24fb0d6963f7d28e17f72; md5_number reads
    # its 16 bytes little-endian: 0x727fe1287d3f96d6b04fd23c98500190
    expected = 0x727FE1287D3F96D6B04FD23C98500190
    sql = md5_text_to_number_sql("'900150983cd24fb0d6963f7d28e17f72'")
    with duckdb.connect() as con:
        assert con.execute(f"SELECT {sql}, md5_number('abc')").fetchall() == [(expected, expected)]


def test_old_database_is_migrated_once_and_dedupes(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    events = _write(tmp_path, "events.csv", EVENTS)
    ingest_paths(db, [events])
    with duckdb.connect(str(db)) as con:
        numbers = con.execute(
            "SELECT key_number, content_number FROM events ORDER BY line_no"
        ).fetchall()
        [(e1, e2)] = con.execute(
            "SELECT md5_number('id|7|default|e1'), md5_number('id|7|default|e2')"
        ).fetchall()
        assert con.execute("SELECT count(dedupe_key) FROM events").fetchone() == (0,)
    assert [key for key, _ in numbers] == [e1, e2]  # only the number of the text key is stored
    _to_old_schema(db)

    with connection(db) as con:  # the writable open migrates
        assert "content_hash" not in _columns(con, "events")
        assert {"key_number", "content_number"} <= set(_columns(con, "licences"))
        migrated = con.execute(
            "SELECT key_number, content_number FROM events ORDER BY line_no"
        ).fetchall()
        texts = con.execute("SELECT dedupe_key FROM events ORDER BY line_no").fetchall()
    assert migrated == numbers  # the same numbers as a fresh ingest stores
    assert texts == [("id|7|default|e1",), ("id|7|default|e2",)]  # old rows keep their text

    [again] = ingest_paths(db, [events])
    assert (again.loaded, again.duplicates, again.conflicts) == (0, 2, 0)
    [changed] = ingest_paths(db, [_write(tmp_path, "changed.csv", CHANGED)])
    assert (changed.loaded, changed.duplicates, changed.conflicts) == (0, 1, 1)
    assert any("events.csv line 3" in warning for warning in changed.warnings)


def test_an_old_database_with_required_text_keys_takes_new_rows(tmp_path: Path) -> None:
    db = tmp_path / "a.duckdb"
    ingest_paths(db, [_write(tmp_path, "events.csv", EVENTS)])
    _to_old_schema(db)  # e1 and e2 stored with their text keys, the column NOT NULL

    [report] = ingest_paths(db, [_write(tmp_path, "new.csv", NEW)])
    assert (report.loaded, report.duplicates, report.conflicts) == (1, 1, 0)
    with duckdb.connect(str(db)) as con:
        rows = con.execute("SELECT event_id, dedupe_key FROM events ORDER BY event_id").fetchall()
        nullable = con.execute(
            "SELECT is_nullable FROM information_schema.columns "
            "WHERE table_name = 'events' AND column_name = 'dedupe_key'"
        ).fetchall()
    assert rows == [("e1", "id|7|default|e1"), ("e2", "id|7|default|e2"), ("e3", None)]
    assert nullable == [("YES",)]


def test_rows_stored_without_a_number_get_one(db_path: Path, tmp_path: Path) -> None:
    with connection(db_path) as con:  # a writer that knows only the text key (older code)
        con.execute(
            "INSERT INTO events (dedupe_key, source, user_id, ts, event) "
            "VALUES ('id|7|default|e1', 'default', 'ann@x.com', '2026-10-01 09:00', 'login')"
        )
    [report] = ingest_paths(db_path, [_write(tmp_path, "events.csv", EVENTS)])
    assert (report.loaded, report.duplicates) == (1, 1)  # e1 is stored already


NUMBERS = "SELECT key_number, content_number FROM events ORDER BY 1"
KILL_IN_MIGRATION = """
import os, signal, sys
from analytics import db

execute = db.execute


def execute_then_die(con, sql, params=None):
    result = execute(con, sql, params)
    if sql.startswith("UPDATE events SET key_number = md5_number(dedupe_key), content_number"):
        os.kill(os.getpid(), signal.SIGKILL)  # numbers written, text hash not yet dropped
    return result


db.execute = execute_then_die
db.open_db(sys.argv[1]).close()
"""


def test_a_migration_killed_midway_is_redone_whole(tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "a.duckdb"
    ingest_paths(db, [_write(tmp_path, "events.csv", EVENTS)])
    with duckdb.connect(str(db)) as con:
        numbers = con.execute(NUMBERS).fetchall()
    _to_old_schema(db)
    child = [sys.executable, "-c", KILL_IN_MIGRATION, str(db)]
    assert subprocess.run(child, check=False).returncode == -9
    with duckdb.connect(str(db)) as con:  # rolled back: still the old schema
        assert "content_hash" in _columns(con, "events")
        assert "key_number" not in _columns(con, "events")
    with connection(db) as con:
        migrated = con.execute(NUMBERS).fetchall()
    assert migrated == numbers
