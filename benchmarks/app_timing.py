"""Time a page's first render and its rerun with Streamlit's AppTest, in a process of its own.

`python -m benchmarks.app_timing --db DB --page views/overview.py` first imports the modules
app.py and the views import (timed apart as imports_s: a running server pays that once, not per
page), then prints {"page", "imports_s", "first_s", "first_cpu_s", "rerun_s", "rerun_cpu_s",
"exception"} as JSON: the first render with every data cache cold, and a rerun. The database
reaches the page through the environment (ADOPTION_DB), as in the app; `--viewer-email` signs in
as that person (a champion for the champion-only page). `--page trivial` times a one-line page
instead: the floor Streamlit and AppTest cost by themselves, the reference beside our pages.
`--empty` times the first open of the whole app (app.py) on an empty database, which loads the
running example on first start, as `make run` does; `process_s` is then the time from the
interpreter's start (imports included) to the end of that first render.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import importlib
import json
import os
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TRIVIAL_PAGE = 'import streamlit as st\nst.title("Overview")\nst.metric("Adoption rate", "57%")\n'


def page_path(page: str, scratch: Path) -> Path:
    """The page file to run: a repository page, or a written one-line page for 'trivial'."""
    if page != "trivial":
        return (REPO / page).resolve()
    path = scratch / "trivial_page.py"
    path.write_text(TRIVIAL_PAGE)
    return path


def time_page(page: Path, timeout: float = 120.0) -> dict:
    """Wall and CPU seconds of the first run and of a rerun of one AppTest, any exception shown.

    AppTest runs the script in this process, so process CPU time covers the page's own work.
    """
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(page), default_timeout=timeout)
    started, cpu = time.perf_counter(), time.process_time()
    app.run()
    first, first_cpu = time.perf_counter() - started, time.process_time() - cpu
    started, cpu = time.perf_counter(), time.process_time()
    app.run()
    rerun, rerun_cpu = time.perf_counter() - started, time.process_time() - cpu
    errors = [str(e.value) for e in app.exception]
    return {
        "first_s": first,
        "first_cpu_s": first_cpu,
        "rerun_s": rerun,
        "rerun_cpu_s": rerun_cpu,
        "exception": errors[0] if errors else None,
        "titles": [t.value for t in app.title],
    }


def app_modules() -> list[str]:
    """The modules app.py and every view import at their top (what a running server has loaded
    after its first page): read from the scripts, so a new view or import is included."""
    scripts = [REPO / "app.py", *sorted((REPO / "views").glob("*.py"))]
    names: set[str] = set()
    for script in scripts:
        for node in ast.parse(script.read_text()).body:
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
    # Streamlit imports these itself at the first table it draws (about 0.8 s): once per server
    names.update({"pandas", "pyarrow"})
    return sorted(names)


def preload() -> dict:
    """Import the app's modules (no data is read); wall and CPU seconds it took."""
    started, cpu = time.perf_counter(), time.process_time()
    for name in app_modules():
        if name == "__future__" or name.startswith("__future__."):
            continue
        with contextlib.suppress(ModuleNotFoundError):  # `from package import name`: no module
            importlib.import_module(name)
    return {"imports_s": time.perf_counter() - started, "imports_cpu_s": time.process_time() - cpu}


def process_seconds() -> float:
    """Seconds since this process started (interpreter start and imports included)."""
    ticks = os.sysconf("SC_CLK_TCK")
    started = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19]) / ticks
    uptime = float(Path("/proc/uptime").read_text().split()[0])
    return uptime - started


def main(argv: list[str] | None = None) -> int:
    """Time one page against one database (or the first open on an empty one); print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="the database (not with --empty)")
    parser.add_argument("--page", default="app.py", help="e.g. views/overview.py, or trivial")
    parser.add_argument("--viewer-email", help="sign in as this person (ADOPTION_VIEWER_EMAIL)")
    parser.add_argument(
        "--empty", action="store_true", help="first open of app.py on an empty database"
    )
    args = parser.parse_args(argv)
    if args.viewer_email:
        os.environ["ADOPTION_VIEWER_EMAIL"] = args.viewer_email
    with tempfile.TemporaryDirectory() as scratch:
        if args.empty:  # the running example's files are written under the working folder
            os.environ["ADOPTION_DB"] = str(Path(scratch) / "adoption.duckdb")
            os.environ["ADOPTION_LOAD_DEMO"] = "1"
            os.chdir(scratch)
            result = time_page(REPO / "app.py")
            result["process_s"] = process_seconds()
        else:
            if args.db is None:
                parser.error("--db is required without --empty")
            os.environ["ADOPTION_DB"] = str(args.db.resolve())
            os.environ["ADOPTION_LOAD_DEMO"] = "0"
            os.chdir(REPO)
            imports = {} if args.page == "trivial" else preload()
            result = {**imports, **time_page(page_path(args.page, Path(scratch)))}
    print(json.dumps({"page": "app.py (empty database)" if args.empty else args.page, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
