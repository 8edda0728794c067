"""Messy roster and plan files: blank lines, preambles, ragged rows, empty rosters, binaries."""

from __future__ import annotations

from pathlib import Path

from analytics.db import connection
from analytics.ingest.plan import load_plan
from analytics.ingest.roster import load_roster
from analytics.state.store import get_plan

GOOD = "user_id,name,email\nE1,Ann,ann@x.com\n"


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def _load(db_path: Path, path: Path):
    with connection(db_path) as con:
        return load_roster(con, path)


def _ids(db_path: Path) -> list[tuple]:
    with connection(db_path) as con:
        return con.execute("SELECT user_id, name, flags FROM roster ORDER BY user_id").fetchall()


def test_blank_and_white_space_lines_are_not_people(db_path: Path, tmp_path: Path) -> None:
    text = "user_id;name;email\n00123;A;a@x.com\n\n   \n u2 ;B;\n\n\t\n"
    report = _load(db_path, _write(tmp_path, "r.csv", text))
    # two people (00123 kept as text, " u2 " trimmed); the blank lines are not rows
    assert report.status == "loaded", report.error
    assert _ids(db_path) == [("00123", "A", None), ("u2", "B", None)]


def test_preamble_before_the_header_is_skipped(db_path: Path, tmp_path: Path) -> None:
    text = "Roster export\nGenerated 2026-03-01\n\nuser_id,name,email\nE1,Ann,ann@x.com\n"
    report = _load(db_path, _write(tmp_path, "r.csv", text))
    assert report.status == "loaded", report.error
    assert _ids(db_path) == [("E1", "Ann", None)]
    assert any("preamble" in w for w in report.warnings)


def test_flags_name_the_file_line_after_blank_lines(db_path: Path, tmp_path: Path) -> None:
    text = "user_id,name,wave\n\nE1,Ann,two\n"
    _load(db_path, _write(tmp_path, "r.csv", text))
    # E1 is on line 3 of the file (header 1, blank 2)
    [(user, _, flags)] = _ids(db_path)
    assert user == "E1" and "wave 'two' is not a number" in flags
    with connection(db_path) as con:
        report = load_roster(con, _write(tmp_path, "r.csv", text))
    assert "line 3 (E1)" in report.warnings[1]


def test_header_only_roster_is_refused_and_the_old_one_kept(db_path: Path, tmp_path: Path) -> None:
    _load(db_path, _write(tmp_path, "good.csv", GOOD))
    report = _load(db_path, _write(tmp_path, "empty.csv", "user_id,name,email\n\n"))
    # an export with no people would make everyone an unmatched user: refused
    assert report.status == "refused" and "no people" in report.error
    assert _ids(db_path) == [("E1", "Ann", None)]


def test_a_row_with_extra_fields_is_refused_naming_the_line(db_path: Path, tmp_path: Path) -> None:
    _load(db_path, _write(tmp_path, "good.csv", GOOD))
    text = "user_id,name,email\nE2,Bo,bo@x.com\nE3,Cy,cy@x.com,surprise\n"
    report = _load(db_path, _write(tmp_path, "r.csv", text))
    assert report.status == "refused"
    assert "line 3 " in report.error and "previous one is kept" in report.error
    assert _ids(db_path) == [("E1", "Ann", None)]


def test_short_rows_and_trailing_delimiters_are_fine(db_path: Path, tmp_path: Path) -> None:
    text = "user_id,name,email,team\nE1,Ann\nE2,Bo,bo@x.com,East,\n"
    report = _load(db_path, _write(tmp_path, "r.csv", text))
    # a short row lacks trailing optional values (empty); a trailing empty field is nothing
    assert report.status == "loaded", report.error
    assert [r[:2] for r in _ids(db_path)] == [("E1", "Ann"), ("E2", "Bo")]


def test_unclosed_quote_is_refused_with_a_short_message(db_path: Path, tmp_path: Path) -> None:
    text = 'user_id,name,email\nE1,"Ann,ann@x.com\nE2,Bo,bo@x.com\n'
    report = _load(db_path, _write(tmp_path, "r.csv", text))
    assert report.status == "refused" and "line 2 " in report.error
    assert len(report.error) < 300


def test_binary_roster_says_what_it_is(db_path: Path, tmp_path: Path) -> None:
    report = _load(db_path, _write(tmp_path, "r.csv", b"%PDF-1.4 whatever"))
    assert report.status == "refused" and "PDF" in report.error
    report = _load(db_path, _write(tmp_path, "r.xlsx", b"PK\x03\x04rest of a zip"))
    assert report.status == "refused" and "zip" in report.error


def test_plan_with_blank_lines_loads(db_path: Path, tmp_path: Path) -> None:
    text = "wave,name,start,planned_size\n1,A,2026-03-01,20\n\n2,B,2026-04-01,\n\n  \n"
    report = load_plan(db_path, _write(tmp_path, "plan.csv", text))
    assert report.status == "loaded", report.error
    assert [(w.number, w.planned_size) for w in get_plan(db_path)] == [(1, 20), (2, None)]


def test_plan_error_names_the_file_line(db_path: Path, tmp_path: Path) -> None:
    text = "wave,name,start,planned_size\n\n1,A,2026-03-01,20\n2,B,2026-02-01,40\n"
    report = load_plan(db_path, _write(tmp_path, "plan.csv", text))
    # wave 2 is on line 4 (header 1, blank 2, wave 1 on 3) and starts before wave 1
    assert report.status == "refused"
    assert "line 4: wave starts before the previous wave" in report.error
