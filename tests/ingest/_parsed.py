"""Build the read layer's ParsedFile by hand, so load is tested without files."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from analytics.ingest.reasons import BAD_TIMESTAMP

ROW_SCHEMA = {
    "line_no": pl.Int64,
    "raw": pl.String,
    "source": pl.String,
    "event_id": pl.String,
    "user_id": pl.String,
    "ts": pl.Datetime("us"),
    "event": pl.String,
    "session_id": pl.String,
    "feature": pl.String,
    "accepted": pl.Boolean,
    "properties": pl.String,
    "reason": pl.String,
}


@dataclass
class Parsed:
    """Stand-in with the fields of analytics.ingest.read.ParsedFile."""

    path: Path
    sha256: str
    rows: pl.DataFrame
    date_order: str | None = None
    date_order_note: str | None = None
    warnings: list[str] = field(default_factory=list)


def row(
    user: str | None,
    ts: str,
    event: str = "login",
    *,
    event_id: str | None = None,
    source: str = "crm",
    accepted: bool | None = None,
    session_id: str | None = None,
    reason: str | None = None,
) -> dict:
    """One row as the read layer emits it (line_no and raw are filled in by parsed())."""
    return {
        "source": source,
        "event_id": event_id,
        "user_id": user,
        "ts": dt.datetime.fromisoformat(ts) if reason != BAD_TIMESTAMP else None,
        "event": event,
        "session_id": session_id,
        "feature": None,
        "accepted": accepted,
        "properties": "{}",
        "reason": reason,
    }


def parsed(name: str, rows: list[dict], *, sha256: str = "0" * 64) -> Parsed:
    """A ParsedFile of these rows, line numbers from 2 (line 1 is the header)."""
    numbered = [
        {"line_no": i + 2, "raw": f"{r['user_id']},{r['ts']},{r['event']}", **r}
        for i, r in enumerate(rows)
    ]
    return Parsed(Path(name), sha256, pl.DataFrame(numbered, schema=ROW_SCHEMA))
