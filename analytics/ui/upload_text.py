"""What the Data page says about a background upload: phase in words, rows so far, times.

Pure text from a jobs.UploadJob snapshot (no streamlit), so the wording is unit-tested; file
names are user text and are escaped for Markdown here.
"""

from __future__ import annotations

import math

from analytics.ingest import progress
from analytics.ingest.vendors import PRESETS
from analytics.ui.definitions import tool_name
from analytics.ui.frames import md_escape
from analytics.ui.jobs import UploadJob

PHASE_WORDS = {  # the ingest's phases as the page words them
    progress.READING: "Reading",
    progress.CHECKING: "Checking the rows of",
    progress.SAVING: "Saving",
}


def upload_intro(max_mb: float) -> str:
    """What the upload form takes: event files, the vendor exports detected by their columns
    (named from the presets, so a new preset appears here), a roster or a plan."""
    vendors = [tool_name(preset) for preset in PRESETS]
    listed = ", ".join(vendors[:-1]) + f" and {vendors[-1]}" if len(vendors) > 1 else vendors[0]
    return (
        f"Usage exports (CSV with any delimiter, JSON Lines, Parquet, gzip; vendor usage reports "
        f"from {listed} are recognised by their columns), a roster or a rollout plan. Each file "
        f"is checked completely before it is loaded; up to {max_mb:g} MB per file."
    )


def duration_text(seconds: float) -> str:
    """A duration for people: "8 s", "2 min 05 s", "1 h 03 min"."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def left_text(seconds: float) -> str:
    """A rough time left, rounded up so it rather ends early: "under 10 s", "about 25 s",
    "about 3 min"."""
    if seconds < 10:
        return "under 10 s"
    if seconds < 60:
        return f"about {math.ceil(seconds / 5) * 5} s"
    return f"about {math.ceil(seconds / 60)} min"


def bar_text(job: UploadJob) -> str:
    """The progress bar's line: what is done to which file, how far into it, files done."""
    files = f"{job.done} of {job.total} files done"
    if job.current is None:
        return files
    words = PHASE_WORDS.get(job.phase or progress.READING, "Reading")
    return f"{words} {md_escape(job.current)} ({job.file_fraction:.0%} of this file) · {files}"


def counts_text(job: UploadJob) -> str:
    """Rows read, loaded and quarantined so far, elapsed time and, once honest, time left."""
    counts = job.counts()
    read = counts["read"] + (job.file_rows or 0)  # the current file's rows once it is read
    left = job.seconds_left()
    timing = f"{duration_text(job.seconds())} elapsed" + (
        f", {left_text(left)} left" if left is not None else ""
    )
    return (
        f"{read:,} rows read, {counts['loaded']:,} loaded, {counts['quarantined']:,} "
        f"quarantined so far · {timing}"
    )
