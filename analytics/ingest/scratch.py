"""The native read's rows: a table in a scratch DuckDB file, parsed outside the write lock and
attached read-only by the commit, so a file's rows never pass through Python."""

from __future__ import annotations

import shutil
import tempfile
import time
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from analytics.ingest.columns import ROW_SCHEMA

PREFIX = "adoption-native-"
STALE_SECONDS = 24 * 3600  # no parse runs this long: an older folder is a killed process's
ROWS_TABLE = "parsed_rows"  # in the scratch file: these columns (and helper columns after them)
ROW_COLUMNS = ", ".join(
    ["row_idx", *ROW_SCHEMA, "raw_length", "raw_sha256", "key_number", "content_number"]
)


@dataclass
class NativeRows:
    """Where a natively parsed file's rows are (a scratch database) and how many there are."""

    folder: Path  # a private temp folder holding the scratch database and its spill files
    height: int = 0
    _cleanup: weakref.finalize | None = field(default=None, repr=False, compare=False)

    @classmethod
    def create(cls) -> NativeRows:
        """A new empty scratch folder, removed on close() or when the object is collected (a
        killed process leaves its folder: those untouched for a day are removed here)."""
        _remove_stale(Path(tempfile.gettempdir()))
        folder = Path(tempfile.mkdtemp(prefix=PREFIX))
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


def _remove_stale(parent: Path) -> None:
    """Delete scratch folders whose newest file is over STALE_SECONDS old."""
    now = time.time()
    for folder in parent.glob(PREFIX + "*"):
        try:
            newest = max([p.stat().st_mtime for p in folder.iterdir()] + [folder.stat().st_mtime])
        except OSError:
            continue  # removed meanwhile
        if now - newest > STALE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)
