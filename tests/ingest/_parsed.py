"""Build the read layer's ParsedFile by hand, so load is tested without files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from analytics.ingest.read import ROW_SCHEMA, ParsedFile
from analytics.ingest.reasons import BAD_TIMESTAMP


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
        "properties": None,
        "reason": reason,
    }


def parsed(name: str, rows: list[dict], *, sha256: str = "0" * 64) -> ParsedFile:
    """A ParsedFile of these rows, line numbers from 2 (line 1 is the header)."""
    numbered = [
        {"line_no": i + 2, "raw": f"{r['user_id']},{r['ts']},{r['event']}", **r}
        for i, r in enumerate(rows)
    ]
    frame = pl.DataFrame(numbered, schema=ROW_SCHEMA)
    return ParsedFile(Path(name), sha256, frame, None, None, [])
