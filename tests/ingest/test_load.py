"""load_parsed_file: dedupe, conflicts, quarantine, atomicity and the nothing-is-lost identity."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.db import connection, ingest_version
from analytics.ingest import load
from analytics.ingest.load import load_parsed_file
from analytics.ingest.reasons import MISSING_USER

from ._parsed import parsed, row

NOW = dt.datetime(2026, 11, 1, 12, 0)


def _count(db_path: Path, table: str) -> int:
    with connection(db_path) as con:
        return con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def _load(db_path: Path, parsed_file) -> dict:
    with connection(db_path) as con:
        report = load_parsed_file(con, parsed_file, ingest_time=NOW)
    assert report.balanced(), report
    return report.to_json()


def _export_a() -> list[dict]:
    return [
        row("ann", "2026-10-01 09:00:00"),
        row("bob", "2026-10-01 09:05:00"),
        row("cy", "2026-10-02 10:00:00"),
        row(None, "2026-10-02 10:00:00", reason=MISSING_USER),
    ]


def test_first_load_counts_every_row(db_path: Path) -> None:
    # 4 rows read: 3 good rows load, 1 row without a user is quarantined; 3 + 0 + 1 + 0 = 4.
    report = _load(db_path, parsed("a.csv", _export_a()))
    assert (report["read"], report["loaded"], report["duplicates"]) == (4, 3, 0)
    assert (report["quarantined"], report["suppressed"], report["conflicts"]) == (1, 0, 0)
    assert report["quarantine_reasons"] == {MISSING_USER: 1}
    assert report["status"] == "loaded" and report["error"] is None
    assert _count(db_path, "events") == 3
    with connection(db_path) as con:
        stored = con.execute("SELECT file_name, line_no, reason FROM quarantine").fetchall()
        log = con.execute('SELECT file_name, status, "read", loaded FROM ingest_log').fetchall()
        assert ingest_version(con) == 1
    assert stored == [("a.csv", 5, MISSING_USER)]  # 4th data row = line 5 (header is line 1)
    assert log == [("a.csv", "loaded", 4, 3)]


def test_reingest_and_renamed_copy_add_nothing(db_path: Path) -> None:
    _load(db_path, parsed("a.csv", _export_a()))
    for name in ("a.csv", "copy of a.csv"):
        report = _load(db_path, parsed(name, _export_a()))
        # the 3 good rows are stored already and the bad row is in quarantine already, so all 4
        # count under duplicates: 0 + 4 + 0 + 0 = 4 (tests/ingest/test_quarantine.py)
        assert (report["loaded"], report["duplicates"], report["quarantined"]) == (0, 4, 0)
        assert report["conflicts"] == 0
    assert _count(db_path, "events") == 3
    assert _count(db_path, "quarantine") == 1  # the same bad row is not stored twice
    assert _count(db_path, "ingest_log") == 3


def test_overlapping_exports_load_only_new_rows(db_path: Path) -> None:
    _load(db_path, parsed("monday.csv", _export_a()[:3]))
    later = [*_export_a()[1:3], row("dee", "2026-10-03 08:00:00"), row("ann", "2026-10-03 08:00")]
    report = _load(db_path, parsed("tuesday.csv", later))
    # bob and cy were in Monday's export; dee and ann's new event are new: 2 loaded, 2 duplicates
    assert (report["read"], report["loaded"], report["duplicates"]) == (4, 2, 2)
    assert _count(db_path, "events") == 5


def test_event_id_dedupes_within_a_source_not_across_sources(db_path: Path) -> None:
    rows = [
        row("ann", "2026-10-01 09:00:00", event_id="e1", source="crm"),
        row("ann", "2026-10-01 09:00:00", event_id="e1", source="crm"),  # same id, same source
        row("ann", "2026-10-01 09:00:00", event_id="e1", source="web"),  # same id, other system
        row("ann", "2026-10-01 09:00:00", event_id="e2", source="crm"),  # same content, new id
    ]
    report = _load(db_path, parsed("ids.csv", rows))
    # e1@crm kept once (1 duplicate), e1@web and e2@crm are other events: 3 loaded
    assert (report["loaded"], report["duplicates"], report["conflicts"]) == (3, 1, 0)


def test_absent_event_id_falls_back_to_the_composite_key(db_path: Path) -> None:
    rows = [
        row("ann", "2026-10-01 09:00:00.100"),  # read layer: placeholder event id -> null
        row("ann", "2026-10-01 09:00:00.900"),  # same second, user, event, source: duplicate
        row("ann", "2026-10-01 09:00:01"),  # next second: a new event
        row("ann", "2026-10-01 09:00:00", event="logout"),  # other event name: new
        row("ann", "2026-10-01 09:00:00", source="web"),  # other source: new
    ]
    report = _load(db_path, parsed("composite.csv", rows))
    # 5 rows: 4 distinct keys, 1 duplicate; the duplicate differs in its microseconds: a conflict
    assert (report["loaded"], report["duplicates"], report["conflicts"]) == (4, 1, 1)
    with connection(db_path) as con:
        kept = con.execute(
            "SELECT line_no FROM events WHERE ts < '2026-10-01 09:00:01' AND "
            "event = 'login' AND source = 'crm'"
        ).fetchall()
    assert kept == [(2,)]  # the first row of the file is the one kept


def test_same_key_different_content_is_a_conflict(db_path: Path) -> None:
    _load(db_path, parsed("first.csv", [row("ann", "2026-10-01 09:00", "x", event_id="7")]))
    second = [
        row("ann", "2026-10-01 09:00", "x", event_id="7"),  # identical: duplicate, no conflict
        row("ann", "2026-10-01 09:00", "y", event_id="7"),  # same id, other event: conflict
        row("bob", "2026-10-01 09:00", "x", event_id="8"),
        row("bob", "2026-10-01 09:00", "x", event_id="8", accepted=True),  # conflict in file
    ]
    report = _load(db_path, parsed("second.csv", second))
    # loaded: id 8 once; duplicates: id 7 twice + id 8 once = 3, of which 2 differ in content
    assert (report["loaded"], report["duplicates"], report["conflicts"]) == (1, 3, 2)
    examples = [w for w in report["warnings"] if w.startswith("conflict:")]
    assert examples == [
        "conflict: line 3 has the same key as the event stored from first.csv line 2,"
        " different content",
        "conflict: line 5 has the same key as line 4 of this file, different content",
    ]
    with connection(db_path) as con:
        kept = con.execute("SELECT event FROM events WHERE event_id = '7'").fetchall()
    assert kept == [("x",)]  # the first one stays


def test_a_failure_mid_transaction_leaves_nothing(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_log(*args, **kwargs) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(load, "write_log", broken_log)
    with connection(db_path) as con, pytest.raises(RuntimeError, match="disk full"):
        load_parsed_file(con, parsed("a.csv", _export_a()), ingest_time=NOW)
    for table in ("events", "quarantine", "ingest_log"):
        assert _count(db_path, table) == 0, table
    with connection(db_path) as con:
        assert ingest_version(con) == 0
        assert (
            con.execute(
                "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'staged'"
            ).fetchall()[0][0]
            == 0
        )


def test_file_notes_and_warnings_reach_the_report(db_path: Path) -> None:
    file = parsed("notes.csv", [row("ann", "2026-10-01 09:00")])
    file.date_order, file.date_order_note = "month-first", "nothing settled the date order"
    file.warnings = ["accepted: 1 value not understood, nulled"]
    report = _load(db_path, file)
    assert report["date_order"] == "month-first"
    assert report["warnings"] == [
        "accepted: 1 value not understood, nulled",
        "nothing settled the date order",
    ]
    assert list(report) == [
        "file", "status", "error", "read", "loaded", "duplicates", "quarantined", "suppressed",
        "quarantine_reasons", "conflicts", "date_order", "warnings",
    ]  # fmt: skip


def test_empty_file_loads_nothing_and_balances(db_path: Path) -> None:
    report = _load(db_path, parsed("empty.csv", []))
    assert (report["read"], report["loaded"]) == (0, 0)
    assert _count(db_path, "ingest_log") == 1


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["ann", "bob"]),
            st.integers(0, 2),  # second of the minute
            st.sampled_from([None, "1", "2"]),  # event id
            st.sampled_from(["crm", "web"]),
            st.booleans(),  # quarantined
        ),
        max_size=12,
    ),
    st.integers(0, 12),
)
def test_every_row_is_counted_once_and_each_key_stored_once(
    tmp_path_factory: pytest.TempPathFactory, specs: list[tuple], split: int
) -> None:
    db_path = tmp_path_factory.mktemp("prop") / "p.duckdb"
    rows = [
        row(user, f"2026-10-01 09:00:0{sec}", event_id=eid, source=src,
            reason=MISSING_USER if bad else None)
        for user, sec, eid, src, bad in specs
    ]  # fmt: skip
    keys = {
        (src, eid) if eid else (user, sec, src) for user, sec, eid, src, bad in specs if not bad
    }
    loaded = 0
    for name, part in (("one.csv", rows[:split]), ("two.csv", rows[split:])):
        report = _load(db_path, parsed(name, part))  # asserts read = loaded+dup+quar+supp
        loaded += report["loaded"]
    assert loaded == len(keys) == _count(db_path, "events")
