"""Time a page's first render and its rerun with Streamlit's AppTest, in a process of its own.

`python -m benchmarks.app_timing --db DB --page views/overview.py` prints
{"page", "first_s", "rerun_s", "exception"} as JSON. The database reaches the page through the
environment (ADOPTION_DB), as in the app. `--page trivial` times a one-line page instead: the
floor Streamlit and AppTest cost by themselves, which is the reference beside our pages.
"""

from __future__ import annotations

import argparse
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
    """Seconds of the first run and of a rerun of one AppTest, and any exception shown."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(page), default_timeout=timeout)
    started = time.perf_counter()
    app.run()
    first = time.perf_counter() - started
    started = time.perf_counter()
    app.run()
    rerun = time.perf_counter() - started
    errors = [str(e.value) for e in app.exception]
    return {"first_s": first, "rerun_s": rerun, "exception": errors[0] if errors else None}


def main(argv: list[str] | None = None) -> int:
    """Time one page against one database and print the result as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--page", required=True, help="e.g. views/overview.py, or trivial")
    args = parser.parse_args(argv)
    os.environ["ADOPTION_DB"] = str(args.db.resolve())
    os.environ["ADOPTION_LOAD_DEMO"] = "0"
    os.chdir(REPO)
    with tempfile.TemporaryDirectory() as scratch:
        result = time_page(page_path(args.page, Path(scratch)))
    print(json.dumps({"page": args.page, **result}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
