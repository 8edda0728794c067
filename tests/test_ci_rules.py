"""The suite's own rule (tests/conftest.py): a skipped browser test passes locally, fails in CI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SKIPPING_BROWSER_TEST = """
import pytest

@pytest.mark.browser
def test_needs_chromium():
    pytest.skip("chromium is not installed")

def test_plain():
    pytest.skip("not a browser test")
"""


def run_pytest(folder: Path, ci: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", str(folder)],
        cwd=folder, env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    return result.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("ci", "summary"),
    [
        (None, "2 skipped"),
        ("true", "1 failed, 1 skipped"),
    ],
)
def test_a_skipped_browser_test_fails_only_under_ci(tmp_path, ci, summary):
    shutil.copy(Path(__file__).with_name("conftest.py"), tmp_path / "conftest.py")
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers = browser: needs chromium\n")
    (tmp_path / "test_skips.py").write_text(SKIPPING_BROWSER_TEST)
    assert summary in run_pytest(tmp_path, ci)
