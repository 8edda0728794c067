"""Data: ingest log, quarantine with raw rows, data quality, erasure, upload."""

from __future__ import annotations

from conftest import metric, no_exception

from analytics.db import connection


def test_tiny_data_page_shows_log_quarantine_and_quality(open_page, tiny_db):
    at = open_page("data", tiny_db)
    no_exception(at)
    # The hand-built ingest log: 3 rows read, 1 loaded, 1 duplicate, 1 quarantined.
    assert metric(at, "Rows read") == "3"
    assert metric(at, "Quarantined") == "1"
    frames = [d.value for d in at.dataframe]
    raw = [f for f in frames if "raw" in f.columns]
    assert raw and list(raw[0]["raw"]) == ["p01,yesterday,login"]
    assert any("reason" in f.columns and "rows" in f.columns for f in frames)


def test_erasure_needs_confirmation_then_deletes(open_page, tiny_db):
    at = open_page("data", tiny_db)
    at.text_input(key="erase_user").input("p05").run()
    assert at.button(key="erase").disabled  # not confirmed yet
    at.checkbox(key="erase_confirm").check().run()
    at.button(key="erase").click().run()
    no_exception(at)
    assert [s.value for s in at.success] == ["Erased."]
    with connection(tiny_db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM roster WHERE user_id = 'p05'").fetchone() == (0,)


def test_running_example_ingest_log_has_every_file(open_page, example_db):
    at = open_page("data", example_db)
    no_exception(at)
    with connection(example_db, read_only=True) as con:
        files = con.execute("SELECT count(*) FROM ingest_log").fetchone()[0]
    logs = [d.value for d in at.dataframe if "file_name" in d.value.columns and "sha256" in d.value]
    assert logs and len(logs[0]) == files


def test_a_leadership_viewer_cannot_open_the_data_page(open_page, tiny_db, monkeypatch):
    from analytics.db import connection as open_db

    with open_db(tiny_db) as con:
        email = con.execute("SELECT email FROM roster WHERE role = 'executive'").fetchone()[0]
    monkeypatch.setenv("ADOPTION_VIEWER_EMAIL", email)
    at = open_page("data", tiny_db)
    no_exception(at)
    assert [i.value for i in at.info] == ["This page is for the rollout's product managers."]
    assert not at.dataframe


def test_reuploads_and_fixes_give_one_quarantined_number_and_no_folders(open_page, tmp_path):
    from analytics.ingest.command import ingest_paths

    db = tmp_path / "q.duckdb"
    uploads = tmp_path / "adoption-upload-abc"  # stands for the server's temporary folder
    uploads.mkdir()
    bad = uploads / "week.csv"
    # line 2 good; line 3 has no user; line 4 an unparseable timestamp
    bad.write_text(
        "user_id,timestamp,event\n"
        "ann,2026-10-01 09:00:00,login\n"
        ",2026-10-01 10:00:00,login\n"
        "bob,yesterday,chat\n"
    )
    ingest_paths(db, [bad])
    ingest_paths(db, [bad])  # the same upload again: nothing is quarantined twice
    bad.write_text(bad.read_text().replace("bob,yesterday", "bob,2026-10-01 11:00:00"))
    ingest_paths(db, [bad])  # line 4 fixed in place: loaded and marked fixed
    (uploads / "blob.csv").write_bytes(b"\x00\x01\x02" * 50)
    ingest_paths(db, [uploads / "blob.csv"])  # refused: its error names the file only
    at = open_page("data", db)
    no_exception(at)
    # 2 quarantined once (the second upload counted them as duplicates), 1 fixed later: 1 open
    assert [m.value for m in at.metric if m.label == "Quarantined"] == ["1", "1"]
    assert metric(at, "Fixed by a later upload") == "1"
    texts = [str(v) for d in at.dataframe for col in d.value.columns for v in d.value[col]]
    assert not any(str(tmp_path) in t for t in texts)
    log = next(d.value for d in at.dataframe if "sha256" in d.value.columns)
    assert log["error"].to_list()[0].startswith("blob.csv: ")
    assert "fixed 1 quarantined row of an earlier upload" in log["warnings"].to_list()[1]
    assert "2 rows already in quarantine" in log["warnings"].to_list()[2]


def test_a_file_that_added_nothing_says_so() -> None:
    import polars as pl

    from analytics.ui.frames import added_nothing_lines

    reports = pl.DataFrame(
        {
            "file": ["a.csv", "b.csv", "c.csv", "roster.csv"],
            "kind": ["events", "events", "events", "roster"],
            "status": ["loaded", "loaded", "loaded", "loaded"],
            "read": [5, 4, 0, 3],
            "loaded": [0, 1, 0, 0],
            "quarantined": [0, 0, 0, 0],
        }
    )
    assert added_nothing_lines(reports) == [
        "a.csv added nothing new: each of its 5 rows was already loaded, already in quarantine "
        "or of an erased person.",
        "c.csv added nothing new: it has no rows.",
    ]
