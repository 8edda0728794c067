"""Append one audit row with the standard library, for commands that must start fast.

`adoption metrics` runs in well under a second; importing SQLModel alone would cost more. The
row has the columns of models.AuditEntry (table `auditentry`), which store.audit_frame reads.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

INSERT_SQL = (
    "INSERT INTO auditentry (at, who, role, what, filters, row_count) VALUES (?, ?, ?, ?, ?, ?)"
)


def append_audit_row(
    state: Path, *, who: str, role: str, what: str, filters: str, row_count: int
) -> bool:
    """Append the row to an existing state file; False when the file or its table is missing."""
    if not state.exists():
        return False
    at = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    con = sqlite3.connect(state)
    try:
        with con:
            con.execute(INSERT_SQL, [at, who, role, what, filters, int(row_count)])
    except sqlite3.OperationalError:  # no auditentry table yet: the caller uses the store
        return False
    finally:
        con.close()
    return True
