"""`make bench`: ours beside a reference, whole processes, medians and peak memory (issue 6).

For each size (`--sizes 1m,10m`, `--runs 3`):
- ingest: `adoption ingest <files> --roster --plan --db fresh.duckdb` vs the bare DuckDB read of
  the same files (benchmarks.bare_duckdb), a fresh database per run;
- metrics: `adoption metrics --format json` on the built database vs the pandas reference
  (benchmarks.reference_pandas) on the same clean events exported to Parquet; the numbers must
  agree (a mismatch report is printed and written);
- app: first render and rerun of the Overview and Retention pages under AppTest vs a one-line
  page under the same harness (Streamlit's own floor).
Every process runs under `/usr/bin/time -v` for its peak resident memory. The run writes its
tables into benchmarks/RESULTS.md (replacing that size's section, keeping the analysis).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from benchmarks import reference_pandas
from benchmarks.generate import DEFAULT_ROOT, ScenarioFiles, generate, scenario_for

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "RESULTS.md"
PYTHON = sys.executable
ADOPTION = str(Path(sys.executable).parent / "adoption")
PAGES = {"Overview": "pages/overview.py", "Retention": "pages/retention.py"}
MAX_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
ANALYSIS_HEADING = "## Where the time goes"


@dataclass
class Run:
    """One whole process: wall seconds, peak resident MB, exit code and its stdout."""

    seconds: float
    peak_mb: float
    returncode: int
    stdout: str


@dataclass
class Measure:
    """Repeated runs of one command."""

    runs: list[Run] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        """Median wall seconds."""
        return statistics.median(r.seconds for r in self.runs)

    @property
    def peak_mb(self) -> float:
        """Median peak resident memory in MB."""
        return statistics.median(r.peak_mb for r in self.runs)

    def values(self, key: Callable[[Run], float]) -> str:
        """Every run's value, for the table (so the spread is visible)."""
        return " / ".join(f"{key(r):.2f}" for r in self.runs)


def say(message: str) -> None:
    """Progress on stderr, flushed (the 10M run takes a while)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_process(command: list[str], env: dict[str, str] | None = None) -> Run:
    """Run one process under /usr/bin/time -v; wall time measured around the whole process."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-v", "-o", report.name, *command],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, **(env or {})},
        )
        seconds = time.perf_counter() - started
        match = MAX_RSS.search(Path(report.name).read_text())
    if done.returncode not in (0, 2):
        say(f"exit {done.returncode}: {' '.join(command)}\n{done.stderr[-2000:]}")
    peak = int(match.group(1)) / 1024 if match else float("nan")
    return Run(seconds, peak, done.returncode, done.stdout)


def repeat(label: str, runs: int, make: Callable[[int], list[str]], **kwargs) -> Measure:
    """Run make(i) `runs` times and report each run as it ends."""
    measure = Measure()
    for number in range(runs):
        run = run_process(make(number), **kwargs)
        say(f"{label} run {number + 1}/{runs}: {run.seconds:.2f} s, {run.peak_mb:.0f} MB")
        measure.runs.append(run)
    return measure


def fresh(path: Path) -> Path:
    """Remove a database file, its WAL and its app state so a run starts from nothing."""
    for item in (path, path.with_suffix(".duckdb.wal"), path.with_name(path.stem + ".app.sqlite")):
        item.unlink(missing_ok=True)
    return path


# ---------------------------------------------------------------- the three comparisons


def bench_ingest(files: ScenarioFiles, work: Path, runs: int) -> tuple[dict, Path]:
    """Ours vs the bare read; returns the rows of the table and the database of the first run."""
    inputs = [str(p) for p in files.events]
    extra = ["--roster", str(files.roster), "--plan", str(files.plan)]

    def ours(number: int) -> list[str]:
        db = fresh(work / f"ingest_{number}.duckdb")
        return [ADOPTION, "ingest", *inputs, *extra, "--db", str(db), "--format", "json"]

    def bare(number: int) -> list[str]:
        db = fresh(work / "bare.duckdb")
        return [PYTHON, "-m", "benchmarks.bare_duckdb", *inputs, *extra, "--db", str(db)]

    ours_measure = repeat("ingest (ours)", runs, ours)
    bare_measure = repeat("ingest (bare duckdb)", runs, bare)
    built = work / "built.duckdb"
    fresh(built)
    shutil.move(work / "ingest_0.duckdb", built)
    shutil.move(work / "ingest_0.app.sqlite", work / "built.app.sqlite")
    for number in range(1, runs):
        fresh(work / f"ingest_{number}.duckdb")
    fresh(work / "bare.duckdb")
    return {
        "ours": ours_measure,
        "reference": bare_measure,
        "report": ingest_totals(ours_measure.runs[0].stdout),
        "exit_codes": sorted({r.returncode for r in ours_measure.runs}),
    }, built


def ingest_totals(stdout: str) -> dict:
    """Sum the per-file JSON reports: read, loaded, duplicates, quarantined, suppressed, refused."""
    try:
        reports = json.loads(stdout)
    except json.JSONDecodeError:
        return {"error": "no JSON report"}
    keys = ("read", "loaded", "duplicates", "quarantined", "suppressed")
    totals = {k: sum(int(r.get(k) or 0) for r in reports) for k in keys}
    totals["refused"] = sum(1 for r in reports if r.get("status") == "refused")
    totals["files"] = len(reports)
    return totals


def bench_metrics(built: Path, work: Path, runs: int) -> dict:
    """Ours vs pandas on the same clean data, then the agreement check."""
    ours = repeat(
        "metrics (ours)",
        runs,
        lambda _: [ADOPTION, "metrics", "--format", "json", "--db", str(built)],
    )
    folder = reference_pandas.export_inputs(built, work / "reference_inputs")
    reference = repeat(
        "metrics (pandas)",
        runs,
        lambda _: [PYTHON, "-m", "benchmarks.reference_pandas", "--inputs", str(folder)],
    )
    try:
        problems = reference_pandas.mismatches(
            json.loads(ours.runs[-1].stdout), json.loads(reference.runs[-1].stdout)
        )
    except json.JSONDecodeError as error:
        problems = [f"could not read a metrics document: {error}"]
    for problem in problems:
        say(f"MISMATCH {problem}")
    if not problems:
        say("metrics agree with the pandas reference")
    return {"ours": ours, "reference": reference, "mismatches": problems}


def bench_app(built: Path, runs: int) -> dict:
    """First render and rerun of each page vs a one-line page, each in its own processes."""
    missing = [p for p in PAGES.values() if not (REPO / p).exists()]
    if missing:
        return {"skipped": f"pages not written yet: {', '.join(missing)}"}

    def timing(page: str) -> Measure:
        command = [PYTHON, "-m", "benchmarks.app_timing", "--db", str(built), "--page", page]
        return repeat(f"app {page}", runs, lambda _: command)

    results = {name: timing(page) for name, page in PAGES.items()}
    results["trivial"] = timing("trivial")
    return {"measures": results}


def app_value(run: Run, key: str) -> float:
    """first_s or rerun_s from an app_timing process (nan when it printed nothing usable)."""
    try:
        return float(json.loads(run.stdout.strip().splitlines()[-1])[key])
    except (json.JSONDecodeError, IndexError, KeyError, TypeError):
        return float("nan")


def app_exception(measure: Measure) -> str | None:
    """The first exception a page showed under AppTest, if any."""
    for run in measure.runs:
        try:
            error = json.loads(run.stdout.strip().splitlines()[-1]).get("exception")
        except (json.JSONDecodeError, IndexError):
            return f"no timing printed (exit {run.returncode})"
        if error:
            return error
    return None


# ---------------------------------------------------------------- the results file


def machine() -> str:
    """Machine and versions, as a Markdown list."""
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = "unknown"
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal"):
            memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    packages = ["duckdb", "polars", "pandas", "pyarrow", "numpy", "streamlit"]
    versions = ", ".join(f"{p} {metadata.version(p)}" for p in packages)
    return "\n".join(
        [
            f"- CPU: {cpu}, nproc = {os.cpu_count()}; memory {memory}",
            f"- {platform.system()} {platform.release()}; Python {platform.python_version()}",
            f"- {versions}",
        ]
    )


def row(step, ours_label, ours, ref_label, ref, goal="", met="") -> str:
    """One table row: medians, ratio ours/reference, peak memory of both."""
    ratio = ours[0] / ref[0] if ref[0] else float("nan")
    mem_ratio = ours[1] / ref[1] if ref[1] else float("nan")
    return (
        f"| {step} | {ours_label} | {ours[0]:.2f} | {ref_label} | {ref[0]:.2f} | {ratio:.2f} "
        f"| {ours[1]:.0f} | {ref[1]:.0f} | {mem_ratio:.2f} | {goal} | {met} |"
    )


def yes(condition: bool) -> str:
    """Table text for a goal."""
    return "yes" if condition else "**no**"


def size_section(size: str, files: ScenarioFiles, results: dict, runs: int) -> str:
    """The Markdown section of one size: the table, each run's figures, agreement, notes."""
    ingest, metrics, app = results["ingest"], results["metrics"], results["app"]
    i_ours, i_ref = ingest["ours"], ingest["reference"]
    m_ours, m_ref = metrics["ours"], metrics["reference"]
    big = size == "10m"
    i_ok = i_ours.seconds <= 1.5 * i_ref.seconds and i_ours.peak_mb <= 1.5 * i_ref.peak_mb
    m_ok = m_ours.seconds < 1.0 and m_ours.peak_mb < 500
    m_ok = m_ok and (m_ref.seconds >= 10 * m_ours.seconds or not big)
    lines = [
        f"## {size}: {files.manifest['clean_events']:,} events, {files.manifest['people']:,} "
        f"people, {files.manifest['scenario']['days']} days",
        "",
        f"{len(files.events)} event files ({sum(p.stat().st_size for p in files.events) / 1e6:.0f}"
        f" MB), generated in {files.manifest['seconds']} s; medians of {runs} whole-process runs;"
        f" load average before the run {results['load']}.",
        "",
        "| step | ours | s | reference | s | ratio ours/ref | ours MB | ref MB | MB ratio "
        "| goal | met |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---|---|",
        row(
            "ingest",
            "`adoption ingest`",
            (i_ours.seconds, i_ours.peak_mb),
            "bare DuckDB read",
            (i_ref.seconds, i_ref.peak_mb),
            "time and memory <= 1.5x",
            yes(i_ok),
        ),
        row(
            "metrics",
            "`adoption metrics`",
            (m_ours.seconds, m_ours.peak_mb),
            "pandas",
            (m_ref.seconds, m_ref.peak_mb),
            ">= 10x faster (10M), < 1 s, < 500 MB" if big else "< 1 s, < 500 MB",
            yes(m_ok),
        ),
    ]
    lines += app_rows(app, big)
    lines += [
        "",
        "Each run (seconds): ingest ours " + i_ours.values(lambda r: r.seconds),
        f"; bare {i_ref.values(lambda r: r.seconds)}; metrics ours "
        f"{m_ours.values(lambda r: r.seconds)}; pandas {m_ref.values(lambda r: r.seconds)}.",
        "",
        f"Ingest report (first run): {json.dumps(ingest['report'])}; exit codes "
        f"{ingest['exit_codes']}.",
        "",
        agreement(metrics["mismatches"]),
    ]
    return "\n".join(lines)


def app_rows(app: dict, big: bool) -> list[str]:
    """Table rows of the page timings (or the reason they were skipped)."""
    if "skipped" in app:
        return [f"| app | skipped: {app['skipped']} | | | | | | | | | |"]
    trivial = app["measures"]["trivial"]
    rows = []
    for name, measure in app["measures"].items():
        if name == "trivial":
            continue
        first = statistics.median(app_value(r, "first_s") for r in measure.runs)
        rerun = statistics.median(app_value(r, "rerun_s") for r in measure.runs)
        t_first = statistics.median(app_value(r, "first_s") for r in trivial.runs)
        t_rerun = statistics.median(app_value(r, "rerun_s") for r in trivial.runs)
        error = app_exception(measure)
        label = f"{name} page" + (f" (exception: {error[:60]})" if error else "")
        mem = (measure.peak_mb, trivial.peak_mb)
        rows.append(
            row(
                f"app first render: {name}",
                label,
                (first, mem[0]),
                "one-line page",
                (t_first, mem[1]),
            )  # fmt: skip
        )
        goal = "< 0.3 s (10M)" if big else "< 0.3 s"
        rows.append(
            row(
                f"app rerun: {name}",
                label,
                (rerun, mem[0]),
                "one-line page",
                (t_rerun, mem[1]),
                goal,
                yes(rerun < 0.3),
            )  # fmt: skip
        )
    return rows


def agreement(problems: list[str]) -> str:
    """The agreement line: all equal, or every mismatch."""
    if not problems:
        return (
            "Agreement: `adoption metrics` and the pandas reference give the same population, "
            "DAU/WAU/MAU, adoption rate, stickiness, active-days histogram, segments, retention "
            "rates and lifecycle counts."
        )
    return "**Mismatches** between `adoption metrics` and pandas:\n\n" + "\n".join(
        f"- {p}" for p in problems[:40]
    )


def write_results(sections: dict[str, str], path: Path = RESULTS) -> None:
    """Replace the named generated sections of RESULTS.md, keeping everything else."""
    text = path.read_text() if path.exists() else "# Benchmark results (issue 6)\n"
    for name, body in sections.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        block = f"{start}\n{body}\n{end}"
        if start in text and end in text:
            text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
        elif ANALYSIS_HEADING in text:
            at = text.index(ANALYSIS_HEADING)
            text = text[:at] + block + "\n\n" + text[at:]
        else:
            text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.write_text(text)


def bench_size(size: str, root: Path, runs: int, app: bool) -> str:
    """Generate (if needed) and measure one size; returns its Markdown section."""
    say(f"{size}: generating (or reusing) the scenario under {root / size}")
    files = generate(scenario_for(size), root / size.replace(":", "_"))
    work = files.root / "work"
    work.mkdir(exist_ok=True)
    load = "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    ingest, built = bench_ingest(files, work, runs)
    metrics = bench_metrics(built, work, runs)
    app_results = bench_app(built, runs) if app else {"skipped": "--no-app"}
    results = {"ingest": ingest, "metrics": metrics, "app": app_results, "load": load}
    return size_section(size, files, results, runs)


def main(argv: list[str] | None = None) -> int:
    """Measure the sizes asked for and write RESULTS.md; exit 1 when metrics disagree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m,10m", help="comma list: 1m, 10m, EVENTS:PEOPLE")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--no-app", action="store_true", help="skip the page timings")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    sections = {"machine": "## Machine\n\n" + machine()}
    write_results(sections, args.results)
    status = 0
    for size in args.sizes.split(","):
        section = bench_size(size.strip(), args.root, max(1, args.runs), not args.no_app)
        write_results({f"size:{size.strip()}": section}, args.results)
        say(f"{size}: written to {args.results}")
        status |= "**Mismatches**" in section
    return status


if __name__ == "__main__":
    raise SystemExit(main())
