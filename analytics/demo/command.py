"""`adoption demo` and the app's first start: write the running example and ingest it."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session

from analytics.db import connection, scalar
from analytics.demo import sources
from analytics.demo.generate import outreach_contacts, write_sample_files
from analytics.ingest.command import ingest_paths
from analytics.ingest.report import FileReport
from analytics.state.models import Outreach
from analytics.state.store import engine_for, get_settings, outreach_frame, set_setting

SAMPLE_FOLDER = Path("sample_events")
BUILD_COST = 800_000  # SPEC 2.3: the running example's build cost


def ingest_samples(db: Path, paths: Sequence[Path]) -> list[FileReport]:
    """Ingest written sample files (events, roster, plan, KPIs, survey) through the public
    ingest API."""
    by_name = {path.name: path for path in paths}
    events = [by_name[name] for name in sources.EVENT_FILES]
    return ingest_paths(
        Path(db),
        events,
        roster=by_name[sources.ROSTER_FILE],
        plan=by_name[sources.PLAN_FILE],
        source=None,
        tz=None,
        kpis=[by_name[sources.KPIS_FILE]],
        survey=[by_name[sources.SURVEY_FILE]],
    )


def summary_lines(reports: Sequence[FileReport]) -> list[str]:
    """A short table: one line per event file, then the totals."""
    lines = []
    totals = {"read": 0, "loaded": 0, "duplicates": 0, "conflicts": 0, "quarantined": 0}
    for report in reports:
        if report.status == "refused":
            lines.append(f"  {report.file}: refused: {report.error}")
            continue
        if report.kind not in ("events", "kpis", "survey"):
            continue
        counts = {key: getattr(report, key) for key in totals}
        totals = {key: totals[key] + counts[key] for key in totals}
        lines.append(
            f"  {Path(report.file).name}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
    lines.append("  total: " + ", ".join(f"{k} {v}" for k, v in totals.items()))
    return lines


def set_build_cost(db: Path) -> None:
    """Give the running example its build cost, unless someone already set one."""
    if get_settings(db).build_cost is None:
        set_setting(db, name="build_cost", value=BUILD_COST)


def seed_outreach(db: Path) -> int:
    """Log the running example's outreach contacts, unless contacts are logged already; how
    many were logged. Logged as at 17:00 UTC on the contact day, by "demo"."""
    if not outreach_frame(db).is_empty():
        return 0
    fields = ["person_id", "contacted_on", "channel", "owner", "segment", "note"]
    contacts = [
        Outreach(
            **row,
            logged_at=dt.datetime.combine(row["contacted_on"], dt.time(17), dt.UTC),
            logged_by="demo",
        )
        for row in outreach_contacts().select(fields).to_dicts()
    ]
    with Session(engine_for(db)) as session:
        session.add_all(contacts)
        session.commit()
    return len(contacts)


def load_demo(db: Path, folder: Path = SAMPLE_FOLDER) -> list[FileReport]:
    """Write the sample files into folder, ingest them into db, set the example's build cost
    and log its outreach contacts (each only when none is set yet); the per-file reports."""
    reports = ingest_samples(db, write_sample_files(folder))
    set_build_cost(db)
    seed_outreach(db)
    return reports


def demo_command(db: Path) -> int:
    """Write the running example to ./sample_events, ingest it, say where the database is."""
    folder = Path.cwd() / SAMPLE_FOLDER
    reports = load_demo(Path(db), folder)
    refused = [r for r in reports if r.status == "refused"]
    print(f"Wrote the running example to {folder.resolve()}")
    print("Ingested:")
    print("\n".join(summary_lines(reports)))
    print(f"Database: {Path(db).resolve()}")
    if refused:
        print(f"{len(refused)} file(s) were refused; see above.")
        return 2
    print("Next: `adoption metrics --format json` or `make run` to open the app.")
    return 0


def database_has_events(db: Path) -> bool:
    """Whether the database file exists and holds at least one event."""
    if not Path(db).exists():
        return False
    with connection(db) as con:
        return scalar(con, "SELECT count(*) FROM events") > 0


def ensure_demo_loaded(db: Path, folder: Path | None = None) -> bool:
    """First start of the app: load the running example only into an empty database; returns
    whether it loaded."""
    if database_has_events(db):
        return False
    try:
        load_demo(Path(db), folder or Path.cwd() / SAMPLE_FOLDER)
    except PermissionError:  # a read-only checkout: write the files somewhere private
        with tempfile.TemporaryDirectory() as private:
            load_demo(Path(db), Path(private))
    return True
