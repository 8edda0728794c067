"""Hostile files through `adoption ingest` in a child process: a report and bounded memory each."""

from __future__ import annotations

import json
from pathlib import Path

from tests.ingest._child import run_cli

GOOD = "user_id,timestamp,event\nu1,2026-03-01T10:00:00Z,login\n"
PEAK_MB = 400  # measured 130-340 MB; the interpreter with duckdb and polars loaded is about 150 MB


def _reports(stdout: str) -> dict[str, dict]:
    return {Path(r["file"]).name: r for r in json.loads(stdout)}


def test_a_long_line_before_the_header_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    long = tmp_path / "long.csv"
    long.write_text("x" * 140_000 + "\n" + "no header here\n")  # one field over 128 KB
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    run = run_cli("ingest", str(long), str(good), "--db", str(tmp_path / "a.duckdb"), "--format",
                  "json")  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    reports = _reports(run.stdout)
    assert reports["long.csv"]["status"] == "refused"
    assert "no header line" in reports["long.csv"]["error"]
    assert reports["good.csv"]["loaded"] == 1
    assert run.peak_mb < PEAK_MB


def test_a_long_preamble_line_then_a_header_loads(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text('"' + "x" * 140_000 + '"\n' + GOOD)
    run = run_cli("ingest", str(path), "--db", str(tmp_path / "a.duckdb"), "--format", "json")
    assert run.returncode == 0, run.stderr
    report = _reports(run.stdout)["long.csv"]
    assert (report["read"], report["loaded"]) == (1, 1)
    assert report["warnings"] == ["skipped 1 preamble line before the header"]
    assert run.peak_mb < PEAK_MB


def test_ten_thousand_and_three_columns(tmp_path: Path) -> None:
    names = ["user_id", "timestamp", "event"] + [f"x{i}" for i in range(10_000)]
    path = tmp_path / "wide.csv"
    path.write_text(",".join(names) + "\n" + "u1,2026-03-01T10:00:00Z,login" + ",1" * 10_000 + "\n")
    run = run_cli("ingest", str(path), "--db", str(tmp_path / "a.duckdb"), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert _reports(run.stdout)["wide.csv"]["loaded"] == 1
    assert run.peak_mb < PEAK_MB


def test_a_roster_with_ten_thousand_and_two_columns(tmp_path: Path) -> None:
    names = ["user_id", "email"] + [f"x{i}" for i in range(10_000)]
    path = tmp_path / "roster.csv"
    path.write_text(",".join(names) + "\n" + "u1,a@x.com" + ",1" * 10_000 + "\n")
    run = run_cli("ingest", "--roster", str(path), "--db", str(tmp_path / "a.duckdb"))
    assert run.returncode == 0, run.stderr
    assert "roster loaded (1 rows)" in run.stdout
    assert "x0, x1," in run.stdout and "x19 and 9980 more" in run.stdout
    assert run.peak_mb < PEAK_MB


def test_a_roster_with_a_long_first_line_is_refused_with_a_report(tmp_path: Path) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("x" * 140_000 + "\n")
    run = run_cli("ingest", "--roster", str(path), "--db", str(tmp_path / "a.duckdb"))
    assert "Traceback" not in run.stderr
    assert "refused" in run.stdout + run.stderr
    assert run.peak_mb < PEAK_MB


def test_a_gzip_with_one_huge_line_is_bounded_and_ships_no_huge_row(tmp_path: Path) -> None:
    import gzip
    import hashlib

    from analytics.db import connection
    from analytics.state.store import set_setting

    db = tmp_path / "a.duckdb"
    set_setting(db, name="max_line_mb", value=1)
    huge = b"u2,2026-03-01T10:00:00Z," + b"z" * 100_000_000  # 100 MB in one line
    path = tmp_path / "events.csv.gz"
    path.write_bytes(gzip.compress(GOOD.encode() + huge + b"\nu3,2026-03-01T10:00:00Z,x\n", 1))
    run = run_cli("ingest", str(path), "--db", str(db), "--format", "json")
    assert run.returncode == 0, run.stderr
    report = _reports(run.stdout)["events.csv.gz"]
    assert (report["read"], report["loaded"], report["quarantined"]) == (3, 2, 1)
    assert report["quarantine_reasons"] == {"line over the line cap": 1}
    assert run.peak_mb < 600  # the 100 MB line: once decompressed, once cut out
    with connection(db, read_only=True) as con:
        ((line_no, raw),) = con.execute("SELECT line_no, raw FROM quarantine").fetchall()
    digest = hashlib.sha256(huge).hexdigest()
    assert (line_no, raw[:65_536]) == (3, huge[:65_536].decode())
    assert raw[65_536:] == (
        f" ... [cut at 65,536 characters; the whole line is 100000024 bytes, sha256 {digest}]"
    )


def test_one_batch_of_hostile_files_reports_each_and_loads_the_rest(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    camel = one / "events.csv"  # the same name in two folders: both load, both reported
    camel.write_text("UserId,TimeStamp,EventName\nu1,2026-03-01T10:00:00Z,login\n")
    nul = two / "events.csv"
    nul.write_bytes(b"user_id,timestamp,event\nu2,2026-03-01T10:00:00Z,lo\x00gin\n")
    image = tmp_path / "chart.csv"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    last = tmp_path / "last.csv"
    last.write_text("user_id,timestamp,event\nu3,2026-03-01T10:00:00Z,login\n")
    files = [str(p) for p in (camel, nul, image, last)]
    run = run_cli("ingest", *files, "--db", str(tmp_path / "a.duckdb"), "--format", "json")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    reports = json.loads(run.stdout)
    assert [(r["status"], r["read"], r["loaded"]) for r in reports] == [
        ("loaded", 1, 1),
        ("loaded", 1, 1),
        ("refused", 0, 0),
        ("loaded", 1, 1),
    ]
    assert reports[1]["warnings"] == ["1 NUL byte removed (lines 2)"]
    assert "PNG image" in reports[2]["error"]
    assert run.peak_mb < PEAK_MB


def _gzip_of_rows(path: Path, rows: int) -> int:
    """A gzip of a valid CSV with `rows` rows (highly compressible); returns the text size."""
    import gzip

    row = b"u1,2026-03-01T10:00:00Z,login\n"
    with gzip.open(path, "wb", compresslevel=9) as out:
        out.write(b"user_id,timestamp,event\n")
        for _ in range(rows // 10_000):
            out.write(row * 10_000)
    return 24 + len(row) * rows


def test_a_gzip_bomb_of_valid_csv_over_the_decompressed_cap_is_refused(tmp_path: Path) -> None:
    from analytics.state.store import set_setting

    db = tmp_path / "a.duckdb"
    set_setting(db, name="max_decompressed_mb", value=5)
    bomb = tmp_path / "bomb.csv.gz"
    text_bytes = _gzip_of_rows(bomb, 1_000_000)  # 30 MB of CSV in a gzip of about 100 KB
    assert text_bytes == 30_000_024 and bomb.stat().st_size < 200_000
    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    run = run_cli("ingest", str(bomb), str(good), "--db", str(db), "--format", "json")
    assert run.returncode == 2 and "Traceback" not in run.stderr
    reports = _reports(run.stdout)
    assert reports["bomb.csv.gz"]["status"] == "refused"
    assert "max_decompressed_mb" in reports["bomb.csv.gz"]["error"]
    assert reports["good.csv"]["loaded"] == 1  # the batch goes on
    assert run.peak_mb < PEAK_MB  # stopped at the cap, never decompressed whole


def test_a_gzip_of_valid_csv_under_the_caps_loads_in_bounded_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "many.csv.gz"
    _gzip_of_rows(bomb, 200_000)  # 6 MB of CSV: one event and 199,999 duplicates of it
    run = run_cli("ingest", str(bomb), "--db", str(tmp_path / "a.duckdb"), "--format", "json")
    assert run.returncode == 0, run.stderr
    report = _reports(run.stdout)["many.csv.gz"]
    assert (report["read"], report["loaded"], report["duplicates"]) == (200_000, 1, 199_999)
    assert run.peak_mb < PEAK_MB
