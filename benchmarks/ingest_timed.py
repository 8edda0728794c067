"""`adoption ingest` with where the time and memory go: parse and commit of each file (issue 12).

`python -m benchmarks.ingest_timed --phases OUT.jsonl <adoption ingest arguments>` runs the same
command as the `adoption` entry point (analytics.cli.main), with the ingest's `parse_file` and
`commit_file` wrapped: each call appends one JSON line to OUT (file, phase, wall and CPU
seconds, peak resident MB during the call, sampled every 0.2 s from /proc/self/status). The
wrapping adds one sampling thread and nothing to the work measured.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from analytics import cli
from analytics.ingest import command

SAMPLE_SECONDS = 0.2


def resident_mb() -> float:
    """The process's resident memory now, in MB (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class PeakSampler:
    """The highest resident memory seen since the last reset, sampled in a daemon thread."""

    def __init__(self) -> None:
        self.peak = 0.0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while True:
            self.peak = max(self.peak, resident_mb())
            time.sleep(SAMPLE_SECONDS)

    def reset(self) -> None:
        """Start a new phase from the memory in use now."""
        self.peak = resident_mb()


def cpu_now() -> float:
    """User + system CPU seconds of this process so far (all threads, DuckDB's included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def file_name(item: Any) -> str:
    """The file a phase worked on: a path, a parsed file (.path) or a refused report (.file)."""
    return Path(str(getattr(item, "path", None) or getattr(item, "file", item))).name


def timed(phase: str, wrapped: Callable[..., Any], out: Path, sampler: PeakSampler) -> Callable:
    """`wrapped` with one JSON line per call appended to out (file name from its arguments)."""

    def call(*args: Any, **kwargs: Any) -> Any:
        sampler.reset()
        wall, cpu = time.perf_counter(), cpu_now()
        result = wrapped(*args, **kwargs)
        sampler.peak = max(sampler.peak, resident_mb())
        line = {
            "file": file_name(args[0] if phase == "parse" else args[1]),
            "phase": phase,
            "wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(cpu_now() - cpu, 2),
            "peak_mb": round(sampler.peak),
        }
        with out.open("a") as log:
            log.write(json.dumps(line) + "\n")
        return result

    return call


def main(argv: list[str]) -> int:
    """Wrap the two phases, then run `adoption` with the remaining arguments."""
    if len(argv) < 2 or argv[0] != "--phases":
        print("usage: python -m benchmarks.ingest_timed --phases OUT.jsonl ingest ...")
        return 2
    out = Path(argv[1])
    sampler = PeakSampler()
    command.parse_file = timed("parse", command.parse_file, out, sampler)
    command.commit_file = timed("commit", command.commit_file, out, sampler)
    return cli.main(argv[2:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
