"""`adoption ingest` and the ingest entry point the demo and the app call (ingest_paths).

Order of work: settings (`--tz` first), roster, plan, then each event file: parsed with the
database closed (readers can open it meanwhile), then committed in one transaction with the
person_day rows of its people (a refused file is reported and the batch goes on; a kill never
leaves person_day behind the events); a full rebuild only when `--tz` changed or nothing else
did one; KPI and survey files (SPEC 13) last, each in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any, TextIO

import duckdb
from polars.exceptions import PanicException

from analytics.db import DatabaseBusy, connection
from analytics.ingest import progress, read
from analytics.ingest.columns import DEFAULT_SOURCE
from analytics.ingest.kpis import ingest_kpi_file
from analytics.ingest.load import load_parsed_file, log_refused
from analytics.ingest.person_day_delta import (
    full_rebuild,
    is_stale,
    rebuild_and_stamp,
    update_for_ingest,
)
from analytics.ingest.plan import load_plan
from analytics.ingest.report import FileReport
from analytics.ingest.roster import load_roster
from analytics.ingest.scratch import NativeRows
from analytics.ingest.sniff import FileRefused
from analytics.ingest.survey import ingest_survey_file
from analytics.ingest.vendors.common import VendorFile
from analytics.ingest.vendors.detect import detect_preset
from analytics.ingest.vendors.load import load_vendor_file
from analytics.ingest.vendors.read import read_vendor_file
from analytics.settings import Settings, check_timezone
from analytics.state.settings_file import read_settings

MB = 1024 * 1024
Progress = Callable[[int, int, str], None]


class IngestOptionError(ValueError):
    """A command-line option that cannot be used (e.g. an unknown timezone)."""


def upload_cap_error(path: Path, settings: Settings) -> str | None:
    """Why the file is refused before reading (missing, or over the upload cap); None if fine."""
    if not path.is_file():
        return f"{path}: no such file"
    cap = settings.max_upload_mb
    size = path.stat().st_size
    if size > cap * MB:
        return f"{path}: file is {size / MB:.1f} MB, over the upload cap max_upload_mb = {cap:g} MB"
    return None


def over_cap(path: Path, kind: str, settings: Settings) -> FileReport | None:
    """A roster or plan over the upload cap (or missing) as its refused report, before reading."""
    error = upload_cap_error(path, settings)
    return None if error is None else FileReport.refused(str(path), error, kind=kind)


def read_options(settings: Settings, source: str | None) -> dict[str, Any]:
    """The read layer's per-source options from the settings."""
    name = source or DEFAULT_SOURCE
    return {
        "source": source,
        "timezone": settings.timezone,
        "date_order_setting": settings.date_order.get(name),
        "mapping": settings.source_mappings.get(name),
        "max_decompressed_bytes": int(settings.max_decompressed_mb * MB),
        "max_line_bytes": int(settings.max_line_mb * MB),
        "memory_limit": settings.ingest_memory_limit,  # the native read's scratch database
        "native": True,  # DuckDB reads and cleans what it can (native.py), Python the rest
    }


ParsedAny = read.ParsedFile | VendorFile | FileReport  # a refused file is its report


def parse_file(
    path: Path, *, settings: Settings, source: str | None, now: dt.datetime, preset: str | None
) -> ParsedAny:
    """Read and validate one event file (a vendor export with its preset, given or detected)
    without touching the database; a file that cannot be read is its refused report."""
    error = upload_cap_error(path, settings)
    if error is None:
        preset = preset or detect_preset(path)
        try:
            if preset is not None:
                return read_vendor_file(path, preset=preset, now=now)
            return read.read_source_file(path, now=now, **read_options(settings, source))
        except read.FileRefused as refusal:
            error = str(refusal.of(path))
        except (
            Exception,  # ValueError, OSError, csv.Error, duckdb.Error, PolarsError, MemoryError...
            PanicException,  # a BaseException: polars' "not yet implemented" for odd data
        ) as failure:
            # A file we cannot read for a reason we did not foresee is refused whole, with the
            # reason, so the rest of the batch still loads (SPEC 3, "refuse clearly").
            error = f"{path}: could not be read ({type(failure).__name__}: {failure})"
    return FileReport.refused(str(path), error)


def commit_file(
    con: duckdb.DuckDBPyConnection, parsed: ParsedAny, *, settings: Settings, now: dt.datetime
) -> FileReport:
    """Write one parsed file in one transaction with the person_day rows it changes (a refused
    file: its ingest-log row)."""
    if isinstance(parsed, FileReport):
        log_refused(con, parsed, sha256=None, at=now)
        return parsed
    native = isinstance(parsed.rows, NativeRows)
    progress.mark(progress.SAVING, progress.STAGE[native], con, rows=parsed.rows.height)
    if isinstance(parsed, VendorFile):
        rebuild = partial(full_rebuild, settings=settings)
        return load_vendor_file(con, parsed, ingest_time=now, before_commit=rebuild)

    def update(con: duckdb.DuckDBPyConnection, ingest_id: int) -> int:
        progress.mark(progress.SAVING, progress.PERSON_DAY[native], con)
        return update_for_ingest(con, ingest_id, settings)

    try:
        return load_parsed_file(con, parsed, ingest_time=now, before_commit=update)
    finally:
        if isinstance(parsed.rows, NativeRows):  # the native read's scratch database
            parsed.rows.close()


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    settings: Settings,
    source: str | None,
    now: dt.datetime,
    preset: str | None = None,
) -> FileReport:
    """parse_file then commit_file on one connection."""
    parsed = parse_file(path, settings=settings, source=source, now=now, preset=preset)
    return commit_file(con, parsed, settings=settings, now=now)


Guard = Callable[[], AbstractContextManager[object]]  # e.g. the app's lock on database opens


@contextmanager
def writer(
    db: Path, settings: Settings, guard: Guard | None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The database open for writing, only as long as a commit needs it (readers can open it
    while the next file is parsed), under the caller's guard; waits for a busy database, then
    "database in use"."""
    with (
        guard() if guard is not None else nullcontext(),
        connection(db, retry_seconds=settings.busy_retry_seconds) as con,
    ):
        con.execute("SET memory_limit = ?", [settings.ingest_memory_limit])
        con.execute("SET enable_progress_bar = false")  # the report is the output
        # every commit statement carries row_idx / line_no in columns: any write order will do
        con.execute("SET preserve_insertion_order = false")
        try:
            yield con
        finally:
            progress.release(con)  # no progress call on the closed connection


TableLoader = Callable[..., FileReport]
TABLE_LOADERS: dict[str, TableLoader] = {"kpis": ingest_kpi_file, "survey": ingest_survey_file}


def ingest_table_file(
    con: duckdb.DuckDBPyConnection, path: Path, *, kind: str, settings: Settings, now: dt.datetime
) -> FileReport:
    """Read, validate and load one KPI or survey file; a refused file is logged and reported."""
    error = upload_cap_error(path, settings)
    if error is None:
        try:
            cap = int(settings.max_line_mb * MB)
            return TABLE_LOADERS[kind](con, path, now=now, max_line_bytes=cap)
        except FileRefused as refusal:
            error = str(refusal.of(path))
        except Exception as failure:  # unforeseen: this file is refused, the batch goes on
            error = f"{path}: could not be read ({type(failure).__name__}: {failure})"
    report = FileReport.refused(str(path), error, kind=kind)
    log_refused(con, report, sha256=None, at=now)
    return report


def ingest_paths(
    db: Path | str,
    files: Sequence[Path | str],
    *,
    roster: Path | str | None = None,
    plan: Path | str | None = None,
    source: str | None = None,
    tz: str | None = None,
    progress: Progress | None = None,
    kpis: Sequence[Path | str] = (),
    survey: Sequence[Path | str] = (),
    preset: str | None = None,
    guard: Guard | None = None,
) -> list[FileReport]:
    """Ingest a batch (roster, plan, event files, KPI and survey files) into db; one report per
    file, in that order. `guard` is held around each opening of the database (the app's
    process lock), never while a file is parsed."""
    db = Path(db)
    if tz is not None:
        try:
            check_timezone(tz)
        except ValueError as error:
            raise IngestOptionError(str(error)) from None
    settings = read_settings(db)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    tables = [("kpis", Path(p)) for p in kpis] + [("survey", Path(p)) for p in survey]
    total = len(files) + (roster is not None) + (plan is not None) + len(tables)
    only_tables = bool(tables) and not files and roster is None and plan is None and tz is None
    reports: list[FileReport] = []

    def done(report: FileReport) -> None:
        reports.append(report)
        if progress is not None:
            progress(len(reports), total, f"{Path(report.file).name}: {report.status}")

    with writer(db, settings, guard) as con:
        if tz is not None:  # stored once the database is ours, so a busy run changes nothing
            from analytics.state.store import set_setting  # SQLModel only here (issue 12)

            set_setting(db, name="timezone", value=tz)
            settings = settings.model_copy(update={"timezone": tz})
        rebuilt = tz is not None or is_stale(con, settings)
        if rebuilt:  # a new zone, or person_day built with other settings (a killed run)
            rebuild_and_stamp(con, settings)
        roster_report = None
        if roster is not None:  # roster and person_day change in one transaction
            roster_report = over_cap(Path(roster), "roster", settings) or load_roster(
                con, Path(roster), rebuild=settings, max_line_bytes=int(settings.max_line_mb * MB)
            )
            done(roster_report)
    if plan is not None:
        cap = int(settings.max_line_mb * MB)
        done(
            over_cap(Path(plan), "plan", settings) or load_plan(db, Path(plan), max_line_bytes=cap)
        )
    for number, path in enumerate(files):  # parsed with the database closed; each file
        parsed = parse_file(Path(path), settings=settings, source=source, now=now, preset=preset)
        try:  # commits with its person_day
            with writer(db, settings, guard) as con:
                done(commit_file(con, parsed, settings=settings, now=now))
        except DatabaseBusy as busy:  # taken by another process between two files
            for rest in files[number:]:  # reported, so the files already loaded are too
                done(FileReport.refused(str(rest), f"{rest}: not loaded, {busy}"))
            for kind, rest in tables:
                done(FileReport.refused(str(rest), f"{rest}: not loaded, {busy}", kind=kind))
            return reports
        del parsed  # freed before the next file is read
    roster_changed = roster_report is not None and roster_report.status == "loaded"
    if not only_tables and not (rebuilt or files or roster_changed):
        with writer(db, settings, guard) as con:
            rebuild_and_stamp(con, settings)
    if tables:
        with writer(db, settings, guard) as con:
            for kind, path in tables:
                done(ingest_table_file(con, path, kind=kind, settings=settings, now=now))
    return reports


FILE_KINDS = ("events", "kpis", "survey")  # reported with counts (JSON on stdout)


def print_reports(reports: Sequence[FileReport], output_format: str) -> None:
    """Text: every report; JSON: the event files as a list on stdout, roster/plan on stderr."""
    if output_format != "json":
        print("\n".join(r.to_text() for r in reports))
        return
    for report in reports:
        if report.kind not in FILE_KINDS:
            print(report.to_text(), file=sys.stderr)
    print(json.dumps([r.to_json() for r in reports if r.kind in FILE_KINDS], indent=2))


def terminal_progress(stream: TextIO | None = None) -> Progress | None:
    """A one-line progress display on stderr for long ingests; None when stderr is not a
    terminal, so JSON and CI output stay clean."""
    stream = stream or sys.stderr
    if not stream.isatty():
        return None

    def show(done: int, total: int, message: str) -> None:
        end = "\n" if done >= total else ""
        stream.write(f"\r\033[Kingest: {done}/{total} files done ({message}){end}")
        stream.flush()

    return show


def ingest_command(
    *,
    files: Sequence[Path],
    roster: Path | None,
    plan: Path | None,
    source: str | None,
    tz: str | None,
    db: Path,
    output_format: str = "text",
    kpis: Sequence[Path] = (),
    survey: Sequence[Path] = (),
    preset: str | None = None,
) -> int:
    """`adoption ingest`: exit 0 when every file was readable, 2 when any was refused."""
    if not files and roster is None and plan is None and tz is None and not kpis and not survey:
        message = (
            "adoption ingest: give event FILEs, --roster FILE, --plan FILE, --kpis FILE "
            "and/or --survey FILE"
        )
        print(message, file=sys.stderr)
        return 2
    try:
        reports = ingest_paths(
            db,
            files,
            roster=roster,
            plan=plan,
            source=source,
            tz=tz,
            progress=terminal_progress(),
            kpis=kpis,
            survey=survey,
            preset=preset,
        )
    except IngestOptionError as error:
        print(f"adoption ingest: {error}", file=sys.stderr)
        return 2
    print_reports(reports, output_format)
    return 2 if any(r.status == "refused" for r in reports) else 0
