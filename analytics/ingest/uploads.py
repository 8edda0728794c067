"""Browser uploads to files on disk: one private folder per upload, so same names never clash."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def save_uploads(folder: Path, uploads: Iterable[tuple[str, bytes | memoryview]]) -> list[Path]:
    """Write each (name, content) to folder/<n>/<name>: two different files both called
    `events.csv` are both kept and both reported (issue 12); only the name's last part is used,
    never a path from the browser."""
    paths = []
    for index, (name, content) in enumerate(uploads):
        path = folder / str(index) / (Path(name).name or "upload")
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        paths.append(path)
    return paths
