"""The speed limit of ingest: DuckDB reading the same files into tables, without any cleaning.

`python -m benchmarks.bare_duckdb --db OUT.duckdb FILE... --roster R --plan P` runs one
`CREATE TABLE AS SELECT * FROM read_csv(...)` / `read_json(...)` per file into a fresh database
file, with DuckDB's own sniffing and `ignore_errors` (so the bad rows do not stop it). No
identity matching, timestamp parsing, dedupe, quarantine or person_day: the floor ours is
measured against.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb


def reader_sql(path: Path) -> str:
    """The bare table function for one file, chosen by its name (the path is a parameter)."""
    name = path.name.lower()
    if ".json" in name:
        return "read_json(?, format = 'newline_delimited', ignore_errors = true)"
    if "crm_plugin" in name:
        return "read_csv(?, delim = ';', header = true, ignore_errors = true)"
    return "read_csv(?, header = true, ignore_errors = true)"


def load(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> dict[str, int]:
    """One table per file (t0, t1, ...); returns rows loaded per file name."""
    loaded: dict[str, int] = {}
    for number, path in enumerate(paths):
        table = f"t{number}"  # generated name, not a value
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM {reader_sql(path)}", [str(path)])
        loaded[path.name] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return loaded


def main(argv: list[str] | None = None) -> int:
    """Load the files into a fresh database file and print rows and seconds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--roster", type=Path)
    parser.add_argument("--plan", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    extra = [p for p in (args.roster, args.plan) if p is not None]
    con = duckdb.connect(str(args.db), config={"autoinstall_known_extensions": False})
    try:
        loaded = load(con, [*args.files, *extra])
    finally:
        con.close()
    print(f"bare duckdb: {sum(loaded.values())} rows in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
