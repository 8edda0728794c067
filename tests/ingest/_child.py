"""Run `adoption ...` in a child process and measure its peak memory (issue 12 attack tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# A small Python starts the CLI and reports its children's peak RSS: measured from a process
# that did not inherit the test runner's memory (a fork's RSS counts towards the child's peak).
_MEASURE = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:], check=False)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"{done.returncode} {peak}")
"""


@dataclass
class ChildRun:
    """A finished child: exit code, output and peak resident memory in MB."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


def run_cli(*args: str, env: dict[str, str] | None = None) -> ChildRun:
    """`python -m analytics.cli ARGS` in a grandchild; its peak RSS (Linux: KB) in MB."""
    with tempfile.TemporaryDirectory(prefix="adoption-child-") as folder:
        result = Path(folder) / "result"
        command = [sys.executable, "-m", "analytics.cli", *args]
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, str(result), *command],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, **(env or {})},
        )
        code, peak_kb = result.read_text().split()
    return ChildRun(int(code), done.stdout, done.stderr, int(peak_kb) / 1024)
