"""Quarantine across uploads: counted once, fixed rows marked, one open count (issue 10)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics.db import connection
from analytics.ingest import quarantine
from analytics.ingest.load import load_parsed_file
from analytics.ingest.reasons import BAD_TIMESTAMP, MISSING_USER
from analytics.ingest.report import FileReport

from ._parsed import parsed, row

NOW = dt.datetime(2026, 11, 1, 12, 0)
LATER = dt.datetime(2026, 11, 2, 8, 30)


def _load(db_path: Path, parsed_file, at: dt.datetime = NOW) -> FileReport:
    with connection(db_path) as con:
        report = load_parsed_file(con, parsed_file, ingest_time=at)
    assert report.balanced(), report
    return report


def _bad_export() -> list[dict]:
    # lines 2-5: ann and bob load; line 4 has no user, line 5 a bad timestamp (cy)
    return [
        row("ann", "2026-10-01 09:00:00"),
        row("bob", "2026-10-01 09:05:00"),
        row(None, "2026-10-02 10:00:00", reason=MISSING_USER),
        row("cy", "2026-10-02 11:00:00", event="chat", reason=BAD_TIMESTAMP),
    ]


def _fixed_export() -> list[dict]:
    # the same file with both bad lines mended in place (line 4 now dee, line 5 cy's time)
    return [
        row("ann", "2026-10-01 09:00:00"),
        row("bob", "2026-10-01 09:05:00"),
        row("dee", "2026-10-02 10:00:00"),
        row("cy", "2026-10-02 11:00:00", event="chat"),
    ]


def _quarantine(db_path: Path) -> list[tuple]:
    with connection(db_path) as con:
        return con.execute(
            "SELECT line_no, reason, fixed_at, fixed_by FROM quarantine ORDER BY line_no"
        ).fetchall()


def _open(db_path: Path) -> int:
    with connection(db_path) as con:
        return quarantine.open_count(con)


def test_reupload_counts_rows_already_in_quarantine_once(db_path: Path) -> None:
    first = _load(db_path, parsed("a.csv", _bad_export()))
    assert (first.loaded, first.duplicates, first.quarantined) == (2, 0, 2)
    again = _load(db_path, parsed("copy of a.csv", _bad_export()))
    # 4 read: 2 good rows stored already + 2 bad rows in quarantine already = 4 duplicates,
    # of which 2 are already in quarantine; nothing is quarantined a second time: 0+4+0+0 = 4
    assert (again.loaded, again.duplicates, again.quarantined) == (0, 4, 0)
    assert again.already_quarantined == 2 and again.quarantine_reasons == {}
    assert "2 rows already in quarantine from an earlier upload" in again.warnings[0]
    assert len(_quarantine(db_path)) == 2 and _open(db_path) == 2
    with connection(db_path) as con:  # the log's quarantined total equals the stored rows
        assert con.execute("SELECT sum(quarantined) FROM ingest_log").fetchall() == [(2,)]


def test_fixed_file_marks_its_quarantined_rows_fixed(db_path: Path) -> None:
    _load(db_path, parsed("a.csv", _bad_export()))
    fixed = _load(db_path, parsed("a.csv", _fixed_export()), at=LATER)
    # ann and bob are stored already (2 duplicates); dee and cy's chat load (2): 2+2+0+0 = 4
    assert (fixed.loaded, fixed.duplicates, fixed.quarantined, fixed.fixed) == (2, 2, 0, 2)
    assert "fixed 2 quarantined rows of an earlier upload" in fixed.warnings
    assert _quarantine(db_path) == [
        (4, MISSING_USER, LATER, "a.csv"),
        (5, BAD_TIMESTAMP, LATER, "a.csv"),
    ]
    assert _open(db_path) == 0
    # the old bad file once more: its bad rows are in quarantine (fixed) already, and stay fixed
    again = _load(db_path, parsed("a.csv", _bad_export()))
    assert (again.duplicates, again.already_quarantined, again.fixed) == (4, 2, 0)
    assert _open(db_path) == 0


def test_rows_of_another_file_or_user_do_not_fix(db_path: Path) -> None:
    _load(db_path, parsed("a.csv", _bad_export()))
    fixes = _load(db_path, parsed("b.csv", _fixed_export()))  # another file name: no fix
    assert (fixes.loaded, fixes.fixed, _open(db_path)) == (2, 0, 2)
    # next week's a.csv: line 5 is eve's chat (the quarantined line 5 is cy's): not a fix;
    # line 4 is x's login and the quarantined line 4 had no user, so it counts as its fix
    week = [*_bad_export()[:2], row("x", "2026-10-09 09:00:00")]
    week.append(row("eve", "2026-10-09 09:00:00", event="chat"))
    assert _load(db_path, parsed("a.csv", week)).fixed == 1
    rows = _quarantine(db_path)
    assert [(line, fixed_by) for line, _, _, fixed_by in rows] == [(4, "a.csv"), (5, None)]
    assert _open(db_path) == 1


def test_server_folders_are_removed_from_messages() -> None:
    text = "/tmp/adoption-upload-x1/w.csv: refused ('/srv/data/a.csv' unreadable)"
    assert quarantine.without_folders("/tmp/adoption-upload-x1/weekly.csv: not a CSV") == (
        "weekly.csv: not a CSV"
    )
    assert quarantine.without_folders(text) == "w.csv: refused ('a.csv' unreadable)"
    assert quarantine.without_folders("read/write 3/4 rows") == "read/write 3/4 rows"
    assert quarantine.without_folders(None) is None
