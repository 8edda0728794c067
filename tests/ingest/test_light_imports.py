"""Issue 12: a re-ingest imports neither SQLAlchemy, pyarrow/numpy nor sqlglot (Spark only), with
the same results."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from analytics.ingest.longlines import _may_hold_a_long_line
from analytics.state.models import SettingValue
from analytics.state.settings_file import TABLE, read_settings
from analytics.state.store import get_settings, set_setting

CHECK = """
import sys
from analytics.cli import main
code = main(["ingest", sys.argv[1], "--db", sys.argv[2]])
heavy_modules = ("sqlalchemy", "sqlmodel", "pyarrow", "numpy", "sqlglot")
heavy = sorted(m for m in heavy_modules if m in sys.modules)
print(code, heavy)
"""


def test_read_settings_equals_the_store(db_path: Path) -> None:
    assert SettingValue.__tablename__ == TABLE
    assert read_settings(db_path).timezone == "UTC"  # no state file yet: the defaults
    set_setting(db_path, name="timezone", value="Europe/Paris")
    set_setting(db_path, name="passive_events", value=["email_opened"])
    assert read_settings(db_path) == get_settings(db_path)
    assert read_settings(db_path).timezone == "Europe/Paris"


def test_long_line_quick_check() -> None:
    # cap 10: windows of 5 bytes; each holds a break, so no line can exceed 10 bytes
    assert not _may_hold_a_long_line(b"abcd\nefgh\nijkl\n", 10)
    # 'abcdefghijk' (11 bytes) covers the window of bytes 5-9, which holds no break
    assert _may_hold_a_long_line(b"abcdefghijk\nxy\n", 10)
    assert not _may_hold_a_long_line(b"abcdefghijk", 20)  # the whole file is under the cap


def test_a_csv_ingest_imports_no_sqlalchemy_pyarrow_numpy_or_sqlglot(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("user_id,timestamp,event\nu1,2026-03-01T10:00:00Z,login\n")
    done = subprocess.run(
        [sys.executable, "-c", CHECK, str(path), str(tmp_path / "a.duckdb")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr
