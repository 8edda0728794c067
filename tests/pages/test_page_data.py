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
