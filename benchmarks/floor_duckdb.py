"""The floor of ingest: the least work SPEC section 3 asks of every row, done by DuckDB alone.

`python -m benchmarks.floor_duckdb --level LEVEL --db OUT.duckdb FILE...` reads the benchmark
scenario's files (CRM CSV, call CSV, coach JSON Lines; see benchmarks.generate) with DuckDB's
own readers and the columns known in advance, and writes one typed `events` table. Levels add
work one step at a time:

- `typed`: parse the timestamp and store the contract columns (the bare read plus types);
- `keys`: also the two 128-bit md5 numbers every stored event carries (dedupe key, content);
- `dedupe`: also drop rows whose key is already stored or repeated in the file, and build
  person_day once at the end.

No identity matching, no quarantine, no line numbers, no date-order detection, no atomicity per
file and no scratch database (readers are locked out): every level is a lower bound on what
`adoption ingest` must do, used in RESULTS.md to say how far the 1.5x-of-bare-read goal is from
the work itself (issue 12).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from analytics.ingest.keys import CONTENT_HASH_SQL, DEDUPE_KEY_SQL

LEVELS = ("typed", "keys", "dedupe")

EVENTS_DDL = """
CREATE TABLE events (key_number UHUGEINT, content_number UHUGEINT, source VARCHAR,
    event_id VARCHAR, user_id VARCHAR, ts TIMESTAMP, event VARCHAR, session_id VARCHAR,
    feature VARCHAR, accepted BOOLEAN, properties VARCHAR, file_name VARCHAR)
"""

# The scenario's three layouts, read with their columns known (the path is parameter 1).
CRM_SQL = """
SELECT NULL AS event_id, email AS user_id, try_strptime(event_time, '%m/%d/%Y %H:%M') AS ts,
    action AS event, NULL AS session_id, NULL AS feature, NULL::BOOLEAN AS accepted,
    '{"client_version":"' || client_version || '"}' AS properties, source
FROM read_csv($1, delim = ';', header = true, all_varchar = true, ignore_errors = true)
"""
CALL_SQL = """
SELECT NULL AS event_id, user_id, try_cast(try_cast(occurred_at AS TIMESTAMPTZ) AS TIMESTAMP) AS ts,
    event_name AS event, NULL AS session_id, NULL AS feature, NULL::BOOLEAN AS accepted,
    '{"call_id":"' || call_id || '"}' AS properties, source
FROM read_csv($1, header = true, all_varchar = true, ignore_errors = true)
"""
COACH_SQL = """
SELECT event_id, user_id, make_timestamp(ts * 1000) AS ts, event, session_id, feature, accepted,
    NULL AS properties, source
FROM read_json($1, format = 'newline_delimited', ignore_errors = true,
    columns = {event_id: 'VARCHAR', user_id: 'VARCHAR', ts: 'BIGINT', event: 'VARCHAR',
               session_id: 'VARCHAR', feature: 'VARCHAR', accepted: 'BOOLEAN', source: 'VARCHAR'})
"""


def reader_sql(path: Path) -> str:
    """The typed read of one scenario file, chosen by its name."""
    name = path.name.lower()
    if ".json" in name:
        return COACH_SQL
    return CRM_SQL if "crm_plugin" in name else CALL_SQL


def rows_sql(level: str) -> str:
    """One file's typed rows at the given level (parameters: path, file name; `{read}` is
    replaced by the file's reader)."""
    keys = "NULL, NULL"
    if level != "typed":
        keys = f"md5_number({DEDUPE_KEY_SQL}), {CONTENT_HASH_SQL}"
    return (
        f"SELECT {keys}, source, event_id, user_id, ts, event, session_id, feature, accepted, "
        "properties, $2 FROM ({read})"
    )


# The dedupe level, per file: rows whose key is not stored (kept in a temp table), the keys
# repeated within the file (a narrow aggregate), then the unrepeated rows and one row per
# repeated key. The cheapest of the spellings tried (a window's QUALIFY and DISTINCT ON over
# the whole file took about 1.5 s and 4 s more wall at 10M).
DEDUPE_SQL = [
    "CREATE OR REPLACE TEMP TABLE new AS SELECT * FROM ({rows}) AS n(key_number) "
    "WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.key_number = n.key_number)",
    "CREATE OR REPLACE TEMP TABLE repeated AS "
    "SELECT key_number FROM new GROUP BY key_number HAVING count(*) > 1",
    "INSERT INTO events SELECT * FROM new ANTI JOIN repeated USING (key_number)",
    "INSERT INTO events SELECT DISTINCT ON (key_number) new.* FROM new "
    "SEMI JOIN repeated USING (key_number)",
]


def load_file(con: duckdb.DuckDBPyConnection, path: Path, level: str) -> None:
    """One file into `events` at the given level."""
    rows = rows_sql(level).replace("{read}", reader_sql(path))
    if level != "dedupe":
        con.execute("INSERT INTO events " + rows, [str(path), path.name])
        return
    con.execute(DEDUPE_SQL[0].replace("{rows}", rows), [str(path), path.name])
    for sql in DEDUPE_SQL[1:]:
        con.execute(sql)


def main(argv: list[str] | None = None) -> int:
    """Load the files at one level into a fresh database file; print rows and seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--level", choices=LEVELS, default="dedupe")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument(
        "--memory-limit",
        default="384MB",
        help="the ingest default when RESULTS.md s22 was measured",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    con = duckdb.connect(str(args.db), config={"autoinstall_known_extensions": False})
    try:
        con.execute("SET memory_limit = ?", [args.memory_limit])
        con.execute("SET preserve_insertion_order = false")  # as the ingest (s22)
        con.execute(EVENTS_DDL)
        for path in args.files:
            load_file(con, path, args.level)
        if args.level == "dedupe":
            con.execute(
                "CREATE TABLE person_day AS SELECT user_id, CAST(ts AS DATE) AS day, "
                "count(*) AS events FROM events GROUP BY ALL"
            )
        rows = con.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        con.close()
    print(f"floor {args.level}: {rows} rows in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
