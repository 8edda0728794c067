"""Open and close the DuckDB file, own its schema and the ingest version (the app's cache key).

The database is never held open between commands or reruns: every user opens, works and closes,
so a CLI ingest and the app can take turns on one file (SPEC 3, "one writer, no lock-outs").
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.files import make_private_dir, protect_database_files
from analytics.tables import KPIS, ROSTER, SURVEY

DEFAULT_DB = Path(os.environ.get("ADOPTION_DB", "data/adoption.duckdb"))

# Columns the vendor presets added to events (SPEC 10). A writable open adds them; a read-only
# open of an older file cannot, so resolved_events() reads them as NULL there (define_rules).
EVENT_VENDOR_COLUMNS = {
    "vendor_day": "DATE",
    "passive": "BOOLEAN",
    "tool": "VARCHAR",
    "grain": "VARCHAR",
}
VENDOR_ALTERS = "\n".join(
    f"ALTER TABLE events ADD COLUMN IF NOT EXISTS {name} {kind};"
    for name, kind in EVENT_VENDOR_COLUMNS.items()
)
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS events (
    dedupe_key VARCHAR,               -- null since s20 (the ingest stores only key_number); older
                                      -- rows and hand-written rows may hold the text
    key_number UHUGEINT,              -- md5_number(key text): what the dedupe joins compare
                                      -- (unique: the single-writer load anti-joins; no index)
    content_number UHUGEINT,          -- 128-bit md5 of the row's content, to tell conflicts
    source VARCHAR NOT NULL,
    event_id VARCHAR,
    user_id VARCHAR NOT NULL,         -- normalised user value (NFC, no white space; e-mail lower)
    ts TIMESTAMP NOT NULL,            -- instant in UTC (naive)
    event VARCHAR NOT NULL,
    session_id VARCHAR,
    feature VARCHAR,
    accepted BOOLEAN,
    properties VARCHAR,               -- JSON object of unknown columns
    file_name VARCHAR,
    line_no BIGINT,
    ingest_id BIGINT
);
CREATE TABLE IF NOT EXISTS quarantine (
    ingest_id BIGINT, file_name VARCHAR, line_no BIGINT, reason VARCHAR, raw VARCHAR,
    source VARCHAR, user_key VARCHAR
);
-- a quarantined row loaded later from a fixed file (analytics/ingest/quarantine.py)
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS fixed_at TIMESTAMP;
ALTER TABLE quarantine ADD COLUMN IF NOT EXISTS fixed_by VARCHAR;  -- the fixing file's name
CREATE TABLE IF NOT EXISTS ingest_log (
    ingest_id BIGINT PRIMARY KEY, file_name VARCHAR, sha256 VARCHAR, status VARCHAR,
    error VARCHAR, "read" BIGINT, loaded BIGINT, duplicates BIGINT, quarantined BIGINT,
    suppressed BIGINT, conflicts BIGINT, quarantine_reasons VARCHAR, date_order VARCHAR,
    warnings VARCHAR, ingested_at TIMESTAMP
);
{ROSTER.ddl()}
{KPIS.ddl()}
{SURVEY.ddl()}
ALTER TABLE roster ADD COLUMN IF NOT EXISTS github_login VARCHAR;  -- SPEC 10: GitHub identity
-- Vendor exports (SPEC 10, analytics/ingest/vendors): the UTC calendar day a vendor gives
-- without a time (never shifted by the organisation timezone), a per-row passive mark, the
-- tool and the source's grain (event, day, period, snapshot); null for ordinary event files.
{VENDOR_ALTERS}
CREATE TABLE IF NOT EXISTS licences (  -- one row per licence holder per tool per snapshot/period
    dedupe_key VARCHAR, key_number UHUGEINT, content_number UHUGEINT,  -- text key null since s20
    source VARCHAR NOT NULL,
    tool VARCHAR NOT NULL, user_id VARCHAR NOT NULL, since DATE, properties VARCHAR,
    file_name VARCHAR, line_no BIGINT, ingest_id BIGINT
);
CREATE TABLE IF NOT EXISTS tool_day (  -- one row per person per day per tool (rebuilt)
    person_id VARCHAR NOT NULL, day DATE NOT NULL, tool VARCHAR NOT NULL, grain VARCHAR NOT NULL,
    events INTEGER NOT NULL, active_events INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS licence_holders (  -- one row per person per tool holding a licence
    person_id VARCHAR NOT NULL, tool VARCHAR NOT NULL, since DATE, matched BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS tombstones (identity_hash VARCHAR PRIMARY KEY, erased_at TIMESTAMP);
ALTER TABLE tombstones ADD COLUMN IF NOT EXISTS key_id VARCHAR;  -- the erasure key that hashed it
CREATE TABLE IF NOT EXISTS person_day (
    person_id VARCHAR NOT NULL,   -- roster user_id when matched by id or e-mail, else user value
    day DATE NOT NULL,            -- calendar day in the organisation timezone
    events INTEGER NOT NULL,
    active_events INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    trailing_rejections INTEGER NOT NULL,  -- rejections after the day's last acceptance
    matched BOOLEAN NOT NULL      -- the user matched a roster row (unique per person-day by
                                  -- construction: built by one GROUP BY)
);
"""


# Numeric dedupe keys (issue 12): the joins and conflict checks compare 128-bit numbers, a third
# faster than the text key and md5 text. Only the number is stored (s20: writing the unique text
# cost a third of the insert); rows stored earlier keep their text.
def key_number_sql(key: str) -> str:
    """The 128-bit number of a dedupe key's text (the number the dedupe joins compare)."""
    return f"md5_number({key})"


def md5_text_to_number_sql(hex_md5: str) -> str:
    """md5_number's value from a stored md5 hex text (md5_number reads the 16 bytes little-endian,
    so the byte pairs are reversed): the migration keeps old content hashes exactly."""
    pairs = " || ".join(f"substr({hex_md5}, {start}, 2)" for start in range(31, 0, -2))
    return f"('0x' || {pairs})::UHUGEINT"


def migrate_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Give events and licences of a database built before numeric keys their key_number and
    content_number (from the stored text key and md5 text, once: about 20 s at 10M events; the
    text hash column is then dropped), let the text key be null (s20: metadata only), and number
    any row a writer stored without one (tests, older code)."""
    for table in ("events", "licences"):
        sql = "SELECT column_name, is_nullable FROM information_schema.columns WHERE table_name = ?"
        nullable = dict(execute(con, sql, [table]).fetchall())
        present = set(nullable)
        if "content_hash" in present:
            execute(con, "SET enable_progress_bar = false")  # no bar in a command's output
            with transaction(con):
                for column in ("key_number", "content_number"):
                    execute(con, f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} UHUGEINT")
                execute(
                    con,
                    f"UPDATE {table} SET key_number = {key_number_sql('dedupe_key')}, "
                    f"content_number = {md5_text_to_number_sql('content_hash')}",
                )
                execute(con, f"ALTER TABLE {table} DROP COLUMN content_hash")
            execute(con, "RESET enable_progress_bar")
        if nullable.get("dedupe_key") == "NO":  # a database from before s20: metadata, instant
            execute(con, f"ALTER TABLE {table} ALTER COLUMN dedupe_key DROP NOT NULL")
        execute(
            con,
            f"UPDATE {table} SET key_number = {key_number_sql('dedupe_key')} "
            "WHERE key_number IS NULL",
        )


class ArrowStream:
    """A polars frame DuckDB reads through the Arrow C stream interface (`__arrow_c_stream__`):
    `con.register(name, frame)` would import pyarrow and numpy, 0.3 s of a 1 s re-ingest."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object | None = None) -> object:
        """The frame's stream capsule (DuckDB asks again for each scan)."""
        return self.frame.__arrow_c_stream__(requested_schema)


def register_frame(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    """Make a polars frame readable as the relation `name` without importing pyarrow."""
    con.register(name, ArrowStream(frame))


Params = Sequence[object] | dict[str, object] | None


# The rules every reader of events shares, defined once (ARCHITECTURE, layer rules) as temporary
# macros on every connection, read-only ones included:
# - local_day(ts, tz): the calendar day of a naive UTC instant in a timezone (in UTC the cast
#   alone: the same day without two zone conversions per event).
# - event_day(vendor_day, ts, tz): an event's day: a vendor's UTC calendar day as it is (SPEC
#   10, never shifted), else the local day of its instant. person_day and insight both use it.
# - identities(): one row per key a user value can take (roster user_id, lower-cased e-mail, a
#   lower-cased e-mail used as user_id, 'github:' + github_login) -> person_id; an id match wins
#   over an e-mail match of someone else, and among equals the smallest user_id (deterministic).
# - resolved_events(): every event with its person (the roster user_id when matched, else the
#   user value) and whether it matched.
RULES_SQL = """
CREATE OR REPLACE TEMP MACRO local_day(ts, tz) AS
    CASE WHEN tz = 'UTC' THEN CAST(ts AS DATE)
         ELSE CAST(timezone(tz, timezone('UTC', ts)) AS DATE) END;
CREATE OR REPLACE TEMP MACRO event_day(vendor_day, ts, tz) AS
    coalesce(vendor_day, local_day(ts, tz));
CREATE OR REPLACE TEMP MACRO identities() AS TABLE
    {identities};
"""
# The body of identities(), in SQL that Spark reads too (the rollup, analytics/rollup): among
# the keys of the best rank, the smallest user_id.
IDENTITIES_SQL = """
    SELECT key, min(person_id) AS person_id
    FROM (
        SELECT key, person_id, rank, min(rank) OVER (PARTITION BY key) AS best
        FROM (
            SELECT user_id AS key, user_id AS person_id, 0 AS rank FROM roster
            UNION ALL
            SELECT lower(user_id), user_id, 0 FROM roster WHERE user_id LIKE '%@%'
            UNION ALL
            SELECT lower(trim(email)), user_id, 1 FROM roster
            WHERE nullif(trim(email), '') IS NOT NULL
            {github}
        ) AS keys
    ) AS ranked
    WHERE rank = best
    GROUP BY key
"""
RESOLVED_EVENTS_SQL = """
CREATE OR REPLACE TEMP MACRO resolved_events() AS TABLE
    SELECT coalesce(i.person_id, e.user_id) AS person_id, i.person_id IS NOT NULL AS matched,
           e.*{absent}
    FROM events AS e LEFT JOIN identities() AS i ON i.key = e.user_id;
"""
# GitHub Copilot users arrive as 'github:<login>' (SPEC 10); an older roster lacks the column.
GITHUB_IDENTITIES_SQL = """UNION ALL
        SELECT 'github:' || lower(trim(github_login)), user_id, 2 FROM roster
        WHERE nullif(trim(github_login), '') IS NOT NULL"""
NO_ROSTER_SQL = "CREATE TEMP TABLE roster (user_id VARCHAR, email VARCHAR, github_login VARCHAR)"


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of the tables present (an empty or foreign database may lack ours)."""
    rows = execute(con, "SELECT table_name FROM information_schema.tables").fetchall()
    return {name for (name,) in rows}


def define_rules(con: duckdb.DuckDBPyConnection) -> None:
    """Create the shared macros on this connection (a database without a roster gets an empty
    temporary one, so that every event resolves to its own user value)."""
    tables = table_names(con)
    if "roster" not in tables:
        execute(con, NO_ROSTER_SQL)
    columns = execute(
        con, "SELECT column_name FROM information_schema.columns WHERE table_name = 'roster'"
    ).fetchall()
    github = GITHUB_IDENTITIES_SQL if ("github_login",) in columns else ""
    execute(con, RULES_SQL.format(identities=IDENTITIES_SQL.format(github=github)))
    if "events" in tables:
        execute(con, RESOLVED_EVENTS_SQL.format(absent=_absent_vendor_columns(con)))


def _absent_vendor_columns(con: duckdb.DuckDBPyConnection) -> str:
    """`, NULL::type AS name` for each vendor column an older events table lacks (read-only
    opens only: a writable open has just added them); names and types are constants."""
    sql = "SELECT column_name FROM information_schema.columns WHERE table_name = 'events'"
    present = {name for (name,) in execute(con, sql).fetchall()}
    return "".join(
        f", NULL::{kind} AS {name}"
        for name, kind in EVENT_VENDOR_COLUMNS.items()
        if name not in present
    )


class DatabaseBusy(RuntimeError):
    """Another process holds the DuckDB file; raised after retrying for a while."""


class QueryError(duckdb.Error):
    """A failed statement, with the SQL and its parameters kept for the message."""

    def __init__(self, error: duckdb.Error, sql: str, params: Params) -> None:
        super().__init__(f"{error}\nwhile running:\n{sql.strip()}\nwith parameters: {params!r}")
        self.error = error
        self.sql = sql
        self.params = params


def execute(
    con: duckdb.DuckDBPyConnection, sql: str, params: Params = None
) -> duckdb.DuckDBPyConnection:
    """Run one statement with bound parameters; a failure names the statement (like Datasette)."""
    try:
        return con.execute(sql, params if params is not None else [])
    except duckdb.Error as error:
        raise QueryError(error, sql, params) from error


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: Params = None) -> Any:
    """The single value of a one-row, one-column query (fully fetched, freeing the connection)."""
    return execute(con, sql, params).fetchall()[0][0]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, ROLLBACK on any error; helpers that join a transaction open none."""
    con.execute("BEGIN")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")
    protect_open_database(con)  # DuckDB creates the .wal with the process umask


def _is_lock_error(error: duckdb.Error) -> bool:
    text = str(error).lower()
    return "lock" in text or "conflicting" in text


def open_db(
    path: Path | str = DEFAULT_DB,
    *,
    read_only: bool = False,
    retry_seconds: float = 10.0,
    rules: bool = True,
) -> duckdb.DuckDBPyConnection:
    """Open the database (creating file and schema when writable), retrying while it is busy;
    `rules=False` skips the shared macros for a reader of plain tables (0.02-0.04 s each)."""
    path = Path(path)
    if not read_only:
        make_private_dir(path.parent)
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": True,
    }
    deadline = time.monotonic() + retry_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only, config=config)
            break
        except duckdb.Error as error:
            if not _is_lock_error(error) or time.monotonic() >= deadline:
                if _is_lock_error(error):
                    raise DatabaseBusy(
                        f"database in use: {path} is open in another process; "
                        "try again when it has finished"
                    ) from error
                raise
            time.sleep(0.2)
    if not read_only:
        con.execute(SCHEMA)
        migrate_keys(con)
        protect_database_files(path)
    if rules:
        define_rules(con)
    return con


def protect_open_database(con: duckdb.DuckDBPyConnection) -> None:
    """0600 on the file (and .wal) of an open connection's database, e.g. after a commit."""
    sql = "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    rows = con.execute(sql).fetchall()
    if rows and rows[0][0]:
        protect_database_files(rows[0][0])


@contextmanager
def connection(
    path: Path | str = DEFAULT_DB,
    *,
    read_only: bool = False,
    retry_seconds: float = 10.0,
    rules: bool = True,
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open, yield and always close: nobody keeps the file open between uses."""
    con = open_db(path, read_only=read_only, retry_seconds=retry_seconds, rules=rules)
    try:
        yield con
    finally:
        con.close()
        if not read_only:
            protect_database_files(path)


def ingest_version(con: duckdb.DuckDBPyConnection) -> int:
    """The number that changes whenever data changes (ingest, roster, erasure, rebuild)."""
    rows = execute(con, "SELECT value FROM meta WHERE key = 'ingest_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def bump_ingest_version(con: duckdb.DuckDBPyConnection) -> int:
    """Increment the ingest version inside the caller's transaction and return the new value."""
    new_version = ingest_version(con) + 1
    execute(con, "INSERT OR REPLACE INTO meta VALUES ('ingest_version', ?)", [str(new_version)])
    return new_version


def state_path_for(db_path: Path | str) -> Path:
    """The SQLite app-state file (plan, settings, outreach, audit) that sits beside a database."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".app.sqlite")


def _sql_text(value: str) -> str:
    """A SQL string literal for a statement that takes no parameters (ATTACH): quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def copy_to_fresh_file(con: duckdb.DuckDBPyConnection, path: Path | str) -> Path:
    """Copy every table of the open database into a new file beside it (0600), which holds no
    free blocks: DuckDB keeps deleted rows' bytes in free blocks until they are reused."""
    fresh = Path(f"{path}.compact")
    for leftover in (fresh, Path(f"{fresh}.wal")):
        leftover.unlink(missing_ok=True)
    current = con.execute("SELECT current_database()").fetchall()[0][0]
    con.execute("CHECKPOINT")
    con.execute(f"ATTACH {_sql_text(str(fresh))} AS compacted")
    try:
        con.execute(f'COPY FROM DATABASE "{current.replace(chr(34), chr(34) * 2)}" TO compacted')
    finally:
        con.execute("DETACH compacted")
    protect_database_files(fresh)
    return fresh


def swap_in(fresh: Path, path: Path | str) -> None:
    """Replace the (closed) database file by its compacted copy in one rename."""
    os.replace(fresh, path)
    protect_database_files(path)
