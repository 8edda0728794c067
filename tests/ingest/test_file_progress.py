"""Progress inside one file (analytics.ingest.progress): free without a listener, never going
back, moved by DuckDB's own query progress and by the bytes the Python decoder has done."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest

from analytics.ingest import progress
from analytics.ingest.command import ingest_paths
from analytics.ingest.decode import decode_mixed

ROWS = 120_000  # about 4 MB of CSV: long enough for the phases to be seen


class Heard(list[progress.FileProgress]):
    """A listener that keeps what it is told."""

    def __call__(self, now: progress.FileProgress) -> None:
        self.append(now)

    def phases(self) -> list[str]:
        """The phases in the order they began."""
        return [p for i, p in enumerate(h.phase for h in self) if i == 0 or self[i - 1].phase != p]


def big_csv(path: Path) -> Path:
    """ROWS distinct logins: 300 people, one second apart from 2026-03-01 00:00:00."""
    frame = pl.select(i=pl.int_range(ROWS, dtype=pl.Int64)).select(
        user_id=pl.format("u{}", pl.col("i") % 300),
        timestamp=pl.datetime(2026, 3, 1) + pl.duration(seconds=pl.col("i")),
        event=pl.lit("login"),
    )
    frame.write_csv(path, datetime_format="%Y-%m-%d %H:%M:%S")
    return path


def progress_setting(con: duckdb.DuckDBPyConnection) -> str:
    """The connection's enable_progress_bar setting."""
    found = con.execute("SELECT current_setting('enable_progress_bar')::VARCHAR").fetchone()
    assert found is not None
    return str(found[0])


def test_without_a_listener_nothing_happens() -> None:
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    assert not progress.listened()
    progress.mark(progress.CHECKING, (0.1, 0.5), con, rows=3)
    progress.within(0.5)
    progress.release(con)
    assert progress_setting(con) == "false"  # DuckDB's tracking stays off for the CLI
    con.close()


def test_marks_and_shares_move_forward_never_back() -> None:
    heard = Heard()
    with progress.listening(heard, every=60):  # no sampling: only what is said here
        progress.mark(progress.READING, 0.02)
        progress.mark(progress.CHECKING, (0.1, 0.5))
        progress.within(0.5)  # 0.1 + 0.4 * 0.5
        progress.within(0.25)  # 0.2: behind what was said, so 0.3 again
        progress.mark(progress.SAVING, (0.05, 0.9), rows=7)  # starts behind: stays at 0.3
        progress.within(2.0)  # capped at the mark's end
    assert [(h.phase, h.rows) for h in heard] == [
        ("reading", None),
        ("checking rows", None),
        ("checking rows", None),
        ("checking rows", None),
        ("saving", 7),
        ("saving", 7),
    ]
    assert [h.fraction for h in heard] == pytest.approx([0.02, 0.1, 0.3, 0.3, 0.3, 0.9])


def test_the_sampler_follows_the_running_query() -> None:
    heard = Heard()
    con = duckdb.connect()
    con.execute("CREATE TABLE t AS SELECT range::VARCHAR AS v FROM range(3000000)")
    with progress.listening(heard, every=0.02):
        progress.mark(progress.CHECKING, (0.2, 0.6), con)
        con.execute("SELECT sum(hash(v || 'x')), count(DISTINCT v) FROM t").fetchall()
        progress.release(con)
    con.close()
    inside = [h.fraction for h in heard if 0.2 < h.fraction < 0.6]
    assert inside, [h.fraction for h in heard]  # moved within the mark while the query ran
    assert all(h.fraction <= 0.6 for h in heard)


def test_an_ingest_tells_its_phases_in_order_with_rising_fractions(tmp_path: Path) -> None:
    path = big_csv(tmp_path / "big.csv")
    heard = Heard()
    with progress.listening(heard, every=0.05):
        (report,) = ingest_paths(tmp_path / "a.duckdb", [path])
    assert (report.read, report.loaded) == (ROWS, ROWS)
    assert heard.phases() == ["reading", "checking rows", "saving"]
    fractions = [h.fraction for h in heard]
    assert fractions == sorted(fractions)
    assert fractions[0] > 0 and fractions[-1] < 1  # the file is done when its step returns
    assert len(set(fractions)) >= 6  # one per mark at least
    assert {h.rows for h in heard if h.phase == "saving"} == {ROWS}


def test_the_python_decoder_tells_the_bytes_done() -> None:
    line = b"u1,2026-03-01 10:00:00,login," + b"x" * 70 + b"\n"  # 100 bytes
    bad = b"u1,2026-03-01 10:00:00,cafe\xe9," + b"x" * 70 + b"\n"  # not UTF-8: decoded as cp1252
    data = (line * 99 + bad) * 300  # 3,000,000 bytes, a bad line every 10,000 bytes
    heard = Heard()
    with progress.listening(heard, every=60):
        progress.mark(progress.CHECKING, (0.0, 1.0))
        text, bad_lines = decode_mixed(data)
    assert len(bad_lines) == 300 and len(text) == 3_000_000
    shares = [h.fraction for h in heard[1:]]
    # one report per MiB (1,048,576 bytes) crossed, at the end of the first bad line past it:
    # bad line k (from 0) ends at byte k * 10,000 + 9,999, so k = 104 and k = 209; the file ends
    # before a third MiB
    assert shares == pytest.approx([1_049_999 / 3e6, 2_099_999 / 3e6])
