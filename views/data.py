"""Data: upload and ingest files, the ingest report, quarantine, data quality, erasure."""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl
import streamlit as st

from analytics.privacy import VIEW_QUARANTINE
from analytics.ui import access, frames, widgets
from analytics.ui.pagedata import open_view, refresh

st.title("Data")
data = open_view("data", needs_data=False)
context = data.context
db = context.db
max_mb = data.settings.max_upload_mb

upload_tab, log_tab, quarantine_tab, quality_tab, erase_tab = st.tabs(
    ["Upload", "Ingest report", "Quarantine", "Data quality", "Erasure"]
)


def ingest_uploads(files: list, kind: str, source: str | None) -> list:
    """Save the uploads to a private temporary folder and ingest them with a progress bar."""
    from analytics.ingest.command import ingest_paths
    from analytics.ingest.uploads import save_uploads

    bar = st.progress(0.0, text="Starting…")

    def progress(done: int, total: int, name: str = "") -> None:
        bar.progress(min(1.0, done / max(total, 1)), text=f"Ingested {done} of {total} {name}")

    with tempfile.TemporaryDirectory(prefix="adoption-upload-") as folder:
        paths = save_uploads(Path(folder), ((u.name, u.getbuffer()) for u in files))
        events = paths if kind == "events" else []
        roster = paths[0] if kind == "roster" else None
        plan = paths[0] if kind == "plan" else None
        reports = ingest_paths(  # the lock on opens is held per commit, not while parsing
            Path(db),
            events,
            roster=roster,
            plan=plan,
            source=source or None,
            progress=progress,
            guard=access.db_access,
        )
    bar.progress(1.0, text="Done")
    refresh()
    return reports


with upload_tab:
    st.write(
        "Usage exports (CSV with any delimiter, JSON Lines, Parquet, gzip), a roster or a rollout "
        f"plan. Each file is checked completely before it is loaded; up to {max_mb} MB per file."
    )
    kind = st.radio(
        "What are you loading?",
        ["events", "roster", "plan"],
        format_func={
            "events": "Usage events",
            "roster": "Roster (who is in the rollout)",
            "plan": "Rollout plan (waves)",
        }.get,
        horizontal=True,
        key="upload_kind",
    )
    source = (
        st.text_input(
            "Source system (optional)",
            help="Names the system these rows come from when the file has no source column; "
            "event ids are unique within a source.",
            key="upload_source",
        )
        if kind == "events"
        else None
    )
    files = st.file_uploader(
        "Files",
        accept_multiple_files=kind == "events",
        key=f"upload_{kind}",
        max_upload_size=int(max_mb),
    )
    chosen = [f for f in (files if isinstance(files, list) else [files]) if f is not None]
    if st.button("Ingest", type="primary", disabled=not chosen, key="ingest"):
        reports = ingest_uploads(chosen, kind, source)
        st.session_state["last_reports"] = [frames.report_row(r) for r in reports]
    if st.session_state.get("last_reports"):
        table = pl.DataFrame(st.session_state["last_reports"])
        refused = table.filter(pl.col("status") == "refused")
        if refused.height:
            st.error(f"{refused.height} file(s) refused; nothing of them was loaded (see below).")
        else:
            st.success("Every file was read; see where each row went below.")
        for line in frames.added_nothing_lines(table):
            st.info(line)
        st.dataframe(
            table,
            hide_index=True,
            width="stretch",
            column_config=widgets.LOG_COLUMNS,
            column_order=widgets.UPLOAD_REPORT_ORDER,
            placeholder="—",
        )

with log_tab:
    log = data.ingest_log()
    if log.is_empty():
        st.info(widgets.EMPTY_MESSAGE)
    else:
        st.caption(
            "One row per file ever ingested, newest first. Read = loaded + duplicates + "
            "quarantined + suppressed (rows of erased people). Bad rows already in quarantine "
            "from an earlier upload count as duplicates."
        )
        st.dataframe(
            log,
            hide_index=True,
            width="stretch",
            column_config=widgets.LOG_COLUMNS,
            column_order=widgets.LOG_ORDER,
            placeholder="—",
        )

with quarantine_tab:
    rows, reasons = data.quarantine()
    if rows.is_empty():
        st.success("No quarantined rows.")
    else:
        open_rows, fixed_rows = int(reasons["rows"].sum()), int(reasons["fixed"].sum())
        left, right = st.columns([1, 3])
        with left:
            st.metric("Quarantined", f"{open_rows:,}", help=widgets.QUARANTINED_HELP)
            st.metric("Fixed by a later upload", f"{fixed_rows:,}")
            st.caption("Rows per reason")
            st.dataframe(
                reasons, hide_index=True, width="stretch", column_config=widgets.QUARANTINE_COLUMNS
            )
        with right:
            chosen_reasons = st.multiselect(
                "Reasons", reasons["reason"].to_list(), placeholder="All reasons", key="q_reasons"
            )
            shown = rows.filter(pl.col("reason").is_in(chosen_reasons)) if chosen_reasons else rows
            widgets.audit_once(
                db, context.viewer, VIEW_QUARANTINE, {"reasons": chosen_reasons}, shown.height
            )
            st.dataframe(
                shown,
                hide_index=True,
                width="stretch",
                column_config=widgets.QUARANTINE_COLUMNS,
                placeholder="—",
            )
            st.caption(
                "Raw rows exactly as read, with file and line, open ones first. Fix them in the "
                "file and upload it again under the same name: each fixed line is marked fixed, "
                "rows already loaded or already in quarantine are not added twice."
            )
            widgets.download_csv(
                shown,
                label="Download quarantined rows (CSV)",
                file_name="quarantine.csv",
                key="quarantine_csv",
                viewer=context.viewer,
                db=db,
            )

with quality_tab:
    quality = data.data_quality()
    if not quality:
        st.info(widgets.EMPTY_MESSAGE)
    else:
        totals = quality["totals"].to_dicts()[0]
        cols = st.columns(5)
        for column, (label, key) in zip(
            cols,
            [
                ("Rows read", "read"),
                ("Loaded", "loaded"),
                ("Duplicates", "duplicates"),
                ("Conflicts", "conflicts"),
                ("Quarantined", "quarantined"),
            ],
            strict=True,
        ):
            helps = {"quarantined": widgets.QUARANTINED_HELP}
            column.metric(label, f"{totals[key]:,}", help=helps.get(key))
        st.caption(
            "Conflicts: duplicates whose content differed from the first copy (the first is kept)."
            " Quarantined: rows in quarantine now, as on the Quarantine tab."
        )
        left, right = st.columns(2)
        with left:
            st.markdown("**Nulls per column of the events**")
            st.dataframe(
                frames.rates_as_percent(quality["nulls"]),
                hide_index=True,
                width="stretch",
                column_config=widgets.QUALITY_COLUMNS,
            )
        with right:
            st.markdown("**Date orders seen**")
            st.dataframe(
                quality["date_orders"],
                hide_index=True,
                width="stretch",
                column_config=widgets.QUALITY_COLUMNS,
            )
            st.markdown("**Unmatched users** (in events, not on the roster: in no denominator)")
            if quality["unmatched"].is_empty():
                st.caption("None.")
            else:
                st.dataframe(
                    quality["unmatched"],
                    hide_index=True,
                    width="stretch",
                    column_config=widgets.QUALITY_COLUMNS,
                )

with erase_tab:
    st.write(
        "Delete a person's events, quarantined rows, roster row and outreach log on request. "
        "A keyed hash is kept so that re-ingesting an old export does not bring them back."
    )
    person = st.text_input("User id or e-mail", key="erase_user")
    confirm = st.checkbox("I understand this cannot be undone", key="erase_confirm")
    if st.button("Erase", type="primary", disabled=not (person.strip() and confirm), key="erase"):
        from analytics.ingest.erase import erase_person

        try:
            with access.db_access():
                erasure = erase_person(db, person, viewer=context.viewer)  # audits itself
        except ValueError as error:
            st.error(widgets.md_escape(error))
        else:
            refresh()
            st.success("Erased.")
            st.text(erasure.to_text())
