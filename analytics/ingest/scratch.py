"""The native read's rows: a table in a scratch DuckDB file, parsed outside the write lock and
attached read-only by the commit, so a file's rows never pass through Python."""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from analytics.ingest.columns import ROW_SCHEMA

ROWS_TABLE = "parsed_rows"  # in the scratch file: these columns (and helper columns after them)
ROW_COLUMNS = ", ".join(["row_idx", *ROW_SCHEMA, "raw_length", "raw_sha256"])


@dataclass
class NativeRows:
    """Where a natively parsed file's rows are (a scratch database) and how many there are."""

    folder: Path  # a private temp folder holding the scratch database and its spill files
    height: int = 0
    _cleanup: weakref.finalize | None = field(default=None, repr=False, compare=False)

    @classmethod
    def create(cls) -> NativeRows:
        """A new empty scratch folder, removed on close() or when the object is collected."""
        folder = Path(tempfile.mkdtemp(prefix="adoption-native-"))
        rows = cls(folder)
        rows._cleanup = weakref.finalize(rows, shutil.rmtree, folder, True)
        return rows

    @property
    def database(self) -> Path:
        """The scratch DuckDB file."""
        return self.folder / "parse.duckdb"

    def close(self) -> None:
        """Delete the scratch folder (after the commit, or when the file went another way)."""
        if self._cleanup is not None:
            self._cleanup()

    def frame(self) -> pl.DataFrame:
        """The rows as a polars frame in line order (tests and small files only)."""
        con = duckdb.connect(str(self.database), read_only=True)
        try:
            sql = f"SELECT {', '.join(ROW_SCHEMA)} FROM {ROWS_TABLE} ORDER BY row_idx"
            return con.sql(sql).pl()
        finally:
            con.close()
