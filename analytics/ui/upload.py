"""The Data page's upload: files saved to a private folder, then ingested by a background job.

Each file is its own step (`ingest_paths` on that one file, the app's lock held per commit only),
so the job knows which file is being read and the rows counted so far; a roster or plan upload is
one step. The folder is deleted when the job ends, whatever happens.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from analytics.ingest.command import ingest_paths
from analytics.ingest.report import FileReport
from analytics.ingest.uploads import save_uploads
from analytics.ui import access, jobs

KINDS = ("events", "roster", "plan")


def ingest_one(db: Path, path: Path, *, kind: str, source: str | None) -> list[FileReport]:
    """Ingest one saved upload of this kind (events, roster or plan) into db."""
    return ingest_paths(
        db,
        [path] if kind == "events" else [],
        roster=path if kind == "roster" else None,
        plan=path if kind == "plan" else None,
        source=source or None,
        guard=access.db_access,  # the process lock on opens, held per commit, never while parsing
    )


def start_upload(
    db: Path | str,
    owner: str,
    uploads: Iterable[tuple[str, bytes | memoryview]],
    *,
    kind: str,
    source: str | None,
) -> jobs.UploadJob:
    """Save the (name, content) uploads and start their ingest in the background; returns the
    job at once. Raises jobs.UploadRunning (nothing saved) while another upload runs."""
    if kind not in KINDS:
        raise ValueError(f"unknown upload kind {kind!r}; expected one of {', '.join(KINDS)}")
    running = jobs.job(db)
    if running is not None and not running.finished:  # refused before writing anything
        raise jobs.UploadRunning("An upload into this database is already running.")
    uploads = list(uploads)
    folder = Path(tempfile.mkdtemp(prefix="adoption-upload-"))
    try:
        paths = save_uploads(folder, uploads)
        steps = [
            (path.name, partial(ingest_one, Path(db), path, kind=kind, source=source))
            for path in paths
        ]
        sizes = [path.stat().st_size for path in paths]
        return jobs.start(
            db, owner, steps, cleanup=partial(shutil.rmtree, folder, True), sizes=sizes
        )
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
