"""Progress inside one file for whoever listens (the Data page's upload job): phase and fraction.

Optional and free when no one listens (the command line): `mark` and `release` return at once
and DuckDB's progress tracking stays off. Under `listening(...)`, the ingest marks its phases
with the share of the file's work they cover (measured on a 50 MB CSV, docs/decisions.md), and a
sampler thread reads DuckDB's own progress of the running query (`query_progress`, callable
from another thread) on the connection given, moving the fraction from the mark's start towards
its end. The fraction never goes back and never passes the end of the current mark.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import duckdb

READING = "reading"  # the file's bytes read (and checked as text)
CHECKING = "checking rows"  # columns, timestamps and quarantine reasons decided
SAVING = "saving"  # rows committed with the person_day rows they change

# Where each step starts and ends, as a share of a file's time: native marks re-measured in s22
# on 80-90 MB files of the 10M scenario (CRM and call CSV, coach JSON Lines gzip) with rows keyed
# in the parse; the Python path's on a mixed-encoding CSV (s19). Staging and the final COMMIT
# report no progress of their own (DuckDB gives 0 % until a CTE query ends): the bar waits there.
NATIVE_READ = (0.02, 0.07)  # DuckDB reads the lines
NATIVE_TEXT = (0.07, 0.18)  # fields split, date order decided
NATIVE_ROWS = (0.18, 0.58)  # the cleaned, keyed rows built
PYTHON_READ = 0.02  # the Python path reads the file whole: no movement within
PYTHON_PARSE = (0.05, 0.60)  # the Python path decodes and checks (moves where it can tell)
STAGE = {True: (0.58, 0.68), False: (0.60, 0.80)}  # outcomes decided; by native or not
WRITE = {True: (0.68, 0.84), False: (0.80, 0.84)}  # events inserted (then quarantine, log)
PERSON_DAY = {True: (0.85, 0.97), False: (0.92, 0.97)}  # person_day updated, then COMMIT


@dataclass(frozen=True)
class FileProgress:
    """What a listener is told: the phase, the fraction of the file done, rows read if known."""

    phase: str
    fraction: float
    rows: int | None = None


Listener = Callable[[FileProgress], None]


@dataclass
class _Tracker:
    """One listened file's state, shared by the ingest's thread and the sampler."""

    listener: Listener
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    phase: str = READING
    start: float = 0.0
    end: float = 0.0
    best: float = 0.0
    rows: int | None = None
    con: duckdb.DuckDBPyConnection | None = None

    def tell(self, fraction: float) -> None:
        """Tell the listener, never going back (called with the lock held)."""
        self.best = max(self.best, min(fraction, max(self.end, self.start)))
        self.listener(FileProgress(self.phase, self.best, self.rows))

    def sample(self) -> None:
        """Move within the current mark by the running query's progress (lock held)."""
        if self.con is None or self.end <= self.start:
            return
        try:
            percent = self.con.query_progress()
        except duckdb.Error:
            return  # no query running, or tracking not available: no movement
        if percent >= 0:
            self.tell(self.start + (self.end - self.start) * min(percent, 100.0) / 100.0)


_CURRENT: ContextVar[_Tracker | None] = ContextVar("ingest_progress", default=None)


@contextmanager
def listening(listener: Listener, *, every: float = 0.25) -> Iterator[None]:
    """Report this thread's ingest progress to `listener` (from this thread and a sampler
    thread polling DuckDB every `every` seconds) until the block ends."""
    tracker = _Tracker(listener)
    token = _CURRENT.set(tracker)

    def run() -> None:
        while not tracker.stop.wait(every):
            with tracker.lock:
                tracker.sample()

    sampler = threading.Thread(target=run, name="ingest progress", daemon=True)
    sampler.start()
    try:
        yield
    finally:
        tracker.stop.set()
        sampler.join()
        _CURRENT.reset(token)


def listened() -> bool:
    """True when someone listens to this thread's ingest."""
    return _CURRENT.get() is not None


def mark(
    phase: str,
    span: tuple[float, float] | float,
    con: duckdb.DuckDBPyConnection | None = None,
    *,
    rows: int | None = None,
) -> None:
    """The file is now in `phase` at span's start; the queries `con` runs until the next mark
    move it towards span's end. Nothing happens when no one listens."""
    tracker = _CURRENT.get()
    if tracker is None:
        return
    start, end = span if isinstance(span, tuple) else (span, span)
    if con is not None:  # DuckDB tracks a query's progress only with its progress bar on
        con.execute("SET enable_progress_bar = true")
        con.execute("SET enable_progress_bar_print = false")
    with tracker.lock:
        tracker.phase, tracker.start, tracker.end, tracker.con = phase, start, end, con
        tracker.rows = rows if rows is not None else tracker.rows
        tracker.tell(start)


def within(share: float) -> None:
    """Move within the current mark by a share (0 to 1) the caller measured itself, e.g. the
    bytes decoded so far."""
    tracker = _CURRENT.get()
    if tracker is None:
        return
    with tracker.lock:
        tracker.tell(tracker.start + (tracker.end - tracker.start) * min(max(share, 0.0), 1.0))


def release(con: duckdb.DuckDBPyConnection) -> None:
    """Stop sampling `con` (call before closing it, so no progress call meets a closed one)."""
    tracker = _CURRENT.get()
    if tracker is None:
        return
    with tracker.lock:
        if tracker.con is con:
            tracker.con = None
