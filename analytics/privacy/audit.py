"""The audit log of individual-level views, exports and erasures (who, role, what; no values)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from analytics.privacy.roles import PRODUCT_MANAGER, Viewer, command_line_viewer

if TYPE_CHECKING:
    import polars as pl

# What is audited, named once so the log reads the same from every page.
VIEW_WORKLIST = "view outreach worklist"
VIEW_COHORT = "view my cohort"
VIEW_QUARANTINE = "view quarantine"
VIEW_CHAMPIONS = "view champions' own use"
VIEW_TOP_USERS = "view top users"
EXPORT_WORKLIST = "export outreach worklist"
EXPORT_CSV = "export csv"
ERASE = "erase person"
EXPORT_METRICS = "export metrics document"
EXPORT_DIGEST = "export digest naming people"


def filters_text(filters: Mapping[str, Any] | None) -> str:
    """Filters as stable JSON text (sorted keys; empty selections left out)."""
    chosen = {k: v for k, v in (filters or {}).items() if v not in (None, "", [], ())}
    return json.dumps(chosen, sort_keys=True, default=str, ensure_ascii=False)


def audit_view(
    db: Path | str,
    viewer: Viewer,
    what: str,
    filters: Mapping[str, Any] | None = None,
    row_count: int = 0,
) -> None:
    """Write one audit row for an individual-level view, an export or an erasure."""
    # deferred: the SQLModel store costs ~1.5 s to import; `adoption metrics` audits without it
    from analytics.state import store

    store.audit(
        db,
        who=viewer.identity,
        role=viewer.role,
        what=what,
        filters=filters_text(filters),
        row_count=int(row_count),
    )


def audit_log(db: Path | str, viewer: Viewer) -> pl.DataFrame:
    """The audit log, newest first (one row per audited action); product managers only."""
    if viewer.role != PRODUCT_MANAGER:
        raise PermissionError("only a product manager may read the audit log")
    # deferred: the SQLModel store costs ~1.5 s to import; `adoption metrics` audits without it
    from analytics.state import store

    return store.audit_frame(db)


def audit_command_line(
    db: Path | str, what: str, filters: Mapping[str, Any] | None = None, row_count: int = 0
) -> None:
    """Audit a command-line export as its operator (command_line_viewer); nothing when the
    database does not exist (nothing was read, and reading must create no file)."""
    # deferred: the SQLModel store costs ~1.5 s to import; `adoption metrics` audits without it
    from analytics.db import state_path_for
    from analytics.state.audit_rows import append_audit_row

    if not Path(db).exists():
        return
    viewer = command_line_viewer()
    row = {"who": viewer.identity, "role": viewer.role, "what": what}
    if not append_audit_row(
        state_path_for(db), **row, filters=filters_text(filters), row_count=row_count
    ):
        audit_view(db, viewer, what, filters, row_count)
