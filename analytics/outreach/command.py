"""`adoption outreach [--as-of DATE] [--db PATH] --format csv|json`: the worklist on stdout."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import polars as pl

from analytics.asof import check_as_of
from analytics.exports import to_safe_csv
from analytics.impact.data import read_survey
from analytics.metrics.inputs import last_event_day, load_inputs
from analytics.outreach.build import worklist_from_inputs
from analytics.privacy.audit import EXPORT_WORKLIST, audit_command_line


def worklist_json(worklist: pl.DataFrame) -> str:
    """The worklist as a JSON list of objects (dates as YYYY-MM-DD, missing values null)."""
    rows = worklist.with_columns(pl.col(pl.Date).dt.strftime("%Y-%m-%d")).to_dicts()
    return json.dumps(rows, ensure_ascii=False, indent=2)


def _write(data: bytes) -> None:
    """Write to stdout, quietly stopping when the reader (e.g. `head`) has gone."""
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.stderr.close()


def outreach_command(*, as_of: dt.date | None, db: Path, output_format: str = "csv") -> int:
    """Print the worklist as spreadsheet-safe CSV or JSON (the CLI parsed --as-of); audited."""
    inputs = load_inputs(Path(db))
    if note := check_as_of(as_of, last_event_day(inputs)):
        print(note, file=sys.stderr)
    worklist = worklist_from_inputs(inputs, as_of, read_survey(db))
    filters = {"as_of": as_of, "format": output_format}
    audit_command_line(db, EXPORT_WORKLIST, filters, row_count=worklist.height)
    if output_format == "json":
        _write((worklist_json(worklist) + "\n").encode("utf-8"))
    else:
        _write(to_safe_csv(worklist))
    return 0
