"""The Data page's upload wording (analytics.ui.upload_text): phases, rows so far, times."""

from __future__ import annotations

import time

from analytics.ingest.report import FileReport
from analytics.ui.jobs import UploadJob
from analytics.ui.upload_text import (
    bar_text,
    counts_text,
    duration_text,
    left_text,
    upload_intro,
)


def test_durations_and_rough_times_left() -> None:
    assert [duration_text(s) for s in (0, 8.4, 59.6, 125, 3780)] == [
        "0 s", "8 s", "1 min 00 s", "2 min 05 s", "1 h 03 min",
    ]  # fmt: skip
    assert [left_text(s) for s in (3, 11, 25, 61, 150)] == [
        "under 10 s", "about 15 s", "about 25 s", "about 2 min", "about 3 min",
    ]  # fmt: skip


def test_a_second_file_being_saved_counts_the_first_files_rows_and_its_own_read() -> None:
    job = UploadJob(
        db="x", owner="me", names=("a.csv", "b_2.csv"), started=time.monotonic() - 40,
        sizes=(100, 100), done=1, phase="saving", file_fraction=0.5, file_rows=1000,
        reports=(FileReport("a.csv", read=40, loaded=30, duplicates=6, quarantined=4),),
    )  # fmt: skip
    assert bar_text(job) == "Saving b\\_2\\.csv (50% of this file) · 1 of 2 files done"
    # 0.75 of the batch in 40 s: 13.3 s more at that pace, rounded up to 15 s
    assert counts_text(job) == (
        "1,040 rows read, 30 loaded, 4 quarantined so far · 40 s elapsed, about 15 s left"
    )


def test_upload_intro_names_every_vendor_preset_as_people_name_it() -> None:
    assert upload_intro(200) == (
        "Usage exports (CSV with any delimiter, JSON Lines, Parquet, gzip; vendor usage reports "
        "from GitHub Copilot, Microsoft 365 Copilot, ChatGPT Enterprise and Gemini for Workspace "
        "are recognised by their columns), a roster or a rollout plan. Each file is checked "
        "completely before it is loaded; up to 200 MB per file."
    )
    assert "up to 12.5 MB per file" in upload_intro(12.5)
