"""Background uploads: one worker thread per database in the server process, seen by every session.

A Streamlit script run must return quickly, so the Data page hands an upload's files to a worker
thread and polls it. The registry lives at module level (one per server process), so a rerun,
another tab or another user's session sees the running job; at most one job runs per database
(a second start is refused with `UploadRunning`). The worker never raises: a failure ends the
job with its error text, which the page shows. No streamlit here, so it is unit-tested directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path

from polars.exceptions import PanicException

from analytics.ingest import progress
from analytics.ingest.report import FileReport

Step = Callable[[], list[FileReport]]  # reads and commits one file, returns its report(s)
COUNTED = ("read", "loaded", "duplicates", "quarantined")  # summed over the files done so far


class UploadRunning(RuntimeError):
    """Another upload into the same database has not finished yet."""


@dataclass(frozen=True)
class UploadJob:
    """A snapshot of one upload: what is done, what is being read, how it ended."""

    db: str
    owner: str  # the session that started it: it collects the reports
    names: tuple[str, ...]  # the files in the order they are read
    started: float  # time.monotonic() at the start
    done: int = 0
    reports: tuple[FileReport, ...] = ()
    error: str | None = None
    finished: bool = False
    ended: float | None = None
    sizes: tuple[int, ...] = ()  # bytes per file, in the order of names (weights the batch)
    phase: str | None = None  # the current file's phase (progress.READING, ...), None between
    file_fraction: float = 0.0  # how much of the current file is done, 0 to 1
    file_rows: int | None = None  # rows read in the current file, once its reading is done

    @property
    def total(self) -> int:
        """How many files the upload has."""
        return len(self.names)

    @property
    def current(self) -> str | None:
        """The file being read now (None once every file is done or the job ended)."""
        return None if self.finished or self.done >= self.total else self.names[self.done]

    @property
    def fraction(self) -> float:
        """How much of the batch is done, 0 to 1, weighting each file by its bytes (by one
        when sizes are unknown), the current file by its own fraction."""
        if not self.total:
            return 1.0
        known = len(self.sizes) == self.total and sum(self.sizes) > 0
        weights: tuple[int, ...] = self.sizes if known else (1,) * self.total
        now = weights[self.done] * self.file_fraction if self.done < self.total else 0
        return min(1.0, (sum(weights[: self.done]) + now) / sum(weights))

    def seconds_left(self) -> float | None:
        """A rough time left from the pace so far; None while too little is done to tell
        (under a tenth of the batch or 5 seconds)."""
        fraction, seconds = self.fraction, self.seconds()
        if self.finished or fraction < 0.1 or seconds < 5 or fraction >= 1:
            return None
        return seconds * (1 - fraction) / fraction

    def counts(self) -> dict[str, int]:
        """Rows read, loaded, duplicate and quarantined in the files done so far."""
        return {key: sum(getattr(r, key) for r in self.reports) for key in COUNTED}

    def seconds(self) -> float:
        """Seconds since the start (until the end once finished)."""
        return (self.ended if self.ended is not None else time.monotonic()) - self.started


_LOCK = threading.Lock()
_JOBS: dict[str, UploadJob] = {}
_THREADS: dict[str, threading.Thread] = {}


def _key(db: Path | str) -> str:
    """One registry key per database file, however its path is spelled."""
    return str(Path(db).resolve())


def _update(key: str, **changes: object) -> None:
    """Replace the job's snapshot with these fields changed (readers never see half an update)."""
    with _LOCK:
        _JOBS[key] = replace(_JOBS[key], **changes)  # type: ignore[arg-type]


def job(db: Path | str) -> UploadJob | None:
    """The running or finished-but-uncollected upload of this database, if any."""
    with _LOCK:
        return _JOBS.get(_key(db))


def start(
    db: Path | str,
    owner: str,
    steps: Sequence[tuple[str, Step]],
    *,
    cleanup: Callable[[], None] | None = None,
    sizes: Sequence[int] = (),
) -> UploadJob:
    """Run the steps (display name, work) one after another in a worker thread and return at
    once; refused while another upload of this database runs. `cleanup` runs when it ends;
    `sizes` (bytes per step) weight the batch's fraction."""
    key = _key(db)
    names = tuple(name for name, _ in steps)
    with _LOCK:
        running = _JOBS.get(key)
        if running is not None and not running.finished:
            raise UploadRunning(
                f"An upload into this database is already running ({running.done} of "
                f"{running.total} files done); try again when it has finished."
            )
        first = _JOBS[key] = UploadJob(
            db=key, owner=owner, names=names, started=time.monotonic(), sizes=tuple(sizes)
        )
        thread = threading.Thread(
            target=_work, args=(key, list(steps), cleanup), name=f"upload {key}", daemon=True
        )
        _THREADS[key] = thread
    thread.start()
    return first


def _work(key: str, steps: list[tuple[str, Step]], cleanup: Callable[[], None] | None) -> None:
    """The worker: each step in turn, its reports recorded; any exception ends the job with it."""
    error = None

    def heard(now: progress.FileProgress) -> None:  # from the ingest and its sampler thread
        _update(key, phase=now.phase, file_fraction=now.fraction, file_rows=now.rows)

    try:
        for _name, step in steps:
            _update(key, phase=progress.READING, file_fraction=0.0, file_rows=None)
            with progress.listening(heard):
                reports = step()
            with _LOCK:
                before = _JOBS[key]
                _JOBS[key] = replace(
                    before,
                    done=before.done + 1,
                    reports=(*before.reports, *reports),
                    phase=None,
                    file_fraction=0.0,
                    file_rows=None,
                )
    except (Exception, PanicException) as failure:  # PanicException is a BaseException
        error = f"{type(failure).__name__}: {failure}"
    finally:
        if cleanup is not None:
            with suppress(OSError):  # a leftover temporary folder is not the upload's failure
                cleanup()
        _update(key, error=error, finished=True, ended=time.monotonic())


def collect(db: Path | str, owner: str) -> UploadJob | None:
    """Remove and return this database's finished job if `owner` started it; else None."""
    key = _key(db)
    with _LOCK:
        found = _JOBS.get(key)
        if found is None or not found.finished or found.owner != owner:
            return None
        del _JOBS[key]
        _THREADS.pop(key, None)
        return found


def wait(db: Path | str, timeout: float | None = None) -> UploadJob | None:
    """Block until this database's worker ends (tests, shutdown); returns the last snapshot."""
    with _LOCK:
        thread = _THREADS.get(_key(db))
    if thread is not None:
        thread.join(timeout)
    return job(db)
