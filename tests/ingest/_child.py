"""Run `adoption ...` in a child process and measure its peak memory (issue 12 attack tests)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass


@dataclass
class ChildRun:
    """A finished child: exit code, output and peak resident memory in MB."""

    returncode: int
    stdout: str
    stderr: str
    peak_mb: float


def run_cli(*args: str, env: dict[str, str] | None = None) -> ChildRun:
    """`python -m analytics.cli ARGS` in a child; its own peak RSS from os.wait4 (Linux: KB)."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "analytics.cli", *args],
            stdout=out,
            stderr=err,
            text=True,
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(child.returncode, out.read(), err.read(), usage.ru_maxrss / 1024)
