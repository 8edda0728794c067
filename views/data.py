"""Data: upload and ingest files, the ingest report, quarantine, data quality, erasure."""

from __future__ import annotations

import uuid

import polars as pl
import streamlit as st

from analytics.privacy import VIEW_QUARANTINE
from analytics.ui import access, frames, jobs, upload, upload_text, widgets
from analytics.ui.pagedata import open_view, refresh

st.title("Data")
data = open_view("data", needs_data=False)
context = data.context
db = context.db
max_mb = data.settings.max_upload_mb

upload_tab, log_tab, quarantine_tab, quality_tab, erase_tab = st.tabs(
    ["Upload", "Ingest report", "Quarantine", "Data quality", "Erasure"]
)


def upload_owner() -> str:
    """This session's name in the job registry: the session that starts an upload collects it."""
    return str(st.session_state.setdefault("upload_owner", uuid.uuid4().hex))


@st.fragment(run_every=1.0)
def upload_progress() -> None:
    """Polls the background upload every second; a full rerun once it has ended."""
    now = jobs.job(db)
    if now is None or now.finished:
        st.rerun()  # the whole page: the form comes back, the report and the new data show
    mine = now.owner == upload_owner()
    st.progress(now.fraction, text=upload_text.bar_text(now))
    st.caption(upload_text.counts_text(now))
    st.caption(
        "Other pages keep showing the data committed so far; each file is added when it is "
        "committed." + ("" if mine else " This upload was started in another session.")
    )


with upload_tab:
    ended = jobs.collect(db, upload_owner())
    if ended is not None:  # this session's upload finished: keep its report, drop old caches
        st.session_state["last_reports"] = [frames.report_row(r) for r in ended.reports]
        st.session_state["upload_error"] = ended.error
        st.session_state["upload_took"] = upload_text.duration_text(ended.seconds())
        refresh()
    running = jobs.job(db)
    busy = running is not None and not running.finished
    st.write(upload_text.upload_intro(max_mb))
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
        disabled=busy,
    )
    source = (
        st.text_input(
            "Source system (optional)",
            help="Names the system these rows come from when the file has no source column; "
            "event ids are unique within a source.",
            key="upload_source",
            disabled=busy,
        )
        if kind == "events"
        else None
    )
    files = st.file_uploader(
        "Files",
        accept_multiple_files=kind == "events",
        key=f"upload_{kind}",
        max_upload_size=int(max_mb),
        disabled=busy,
    )
    chosen = [f for f in (files if isinstance(files, list) else [files]) if f is not None]
    if busy:
        st.info("An upload is running; the next one can start when it has finished.")
    if st.button("Ingest", type="primary", disabled=busy or not chosen, key="ingest"):
        try:
            upload.start_upload(
                db,
                upload_owner(),
                ((u.name, u.getbuffer()) for u in chosen),
                kind=kind,
                source=source,
            )
        except jobs.UploadRunning as another:
            st.warning(widgets.md_escape(another))
        else:
            st.session_state.pop("last_reports", None)
            st.session_state.pop("upload_error", None)
            st.session_state.pop("upload_took", None)
            st.rerun()  # at once: the form disabled and the progress bar
    if busy:
        upload_progress()
    if st.session_state.get("upload_error"):
        st.error(
            "The upload stopped with an error: "
            f"{widgets.md_escape(frames.without_folders(st.session_state['upload_error']))}. "
            "Files listed below were committed; the others were not loaded."
        )
    if st.session_state.get("last_reports"):
        table = pl.DataFrame(st.session_state["last_reports"])
        refused = table.filter(pl.col("status") == "refused")
        if refused.height:
            st.error(f"{refused.height} file(s) refused; nothing of them was loaded (see below).")
        elif not st.session_state.get("upload_error"):
            took = st.session_state.get("upload_took")
            st.success(
                f"Every file was read{f' in {took}' if took else ''}; "
                "see where each row went below."
            )
        for line in frames.added_nothing_lines(table):
            st.info(widgets.md_escape(line))  # file names are user text
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
