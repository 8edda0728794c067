"""Data files readable by their owner only: private directories (0700) and files (0600).

Modes are set with os.chmod after creation (or os.open with a mode), never through the
process umask, which is process-wide and not ours to change in a threaded server.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def make_private_dir(path: Path | str) -> Path:
    """Create path and its missing parents; each level this call creates is made 0700."""
    path = Path(path)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(parents=True, exist_ok=True)
    for created in missing:
        os.chmod(created, PRIVATE_DIR)
    return path


def protect_file(path: Path | str) -> None:
    """Make an existing file readable and writable by its owner only (no-op when absent)."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(path, PRIVATE_FILE)


def protect_database_files(path: Path | str) -> None:
    """0600 on a DuckDB file and its write-ahead log (DuckDB creates the .wal with the umask)."""
    if str(path) == ":memory:":
        return
    protect_file(path)
    protect_file(f"{path}.wal")


def write_private_text(path: Path | str, text: str) -> None:
    """Write a new file created 0600 (os.open mode, then chmod against any umask)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, PRIVATE_FILE)
