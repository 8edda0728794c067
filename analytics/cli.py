"""The `adoption` command line: argument parsing only; the work lives in the modules it calls.

Commands are imported when dispatched, so that `adoption metrics` does not pay for the modules of
the other commands (SQLModel alone costs about a second).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from analytics.asof import AsOfOutOfRange
from analytics.db import DEFAULT_DB, DatabaseBusy
from analytics.ingest.keyring import ErasureKeyMissing
from analytics.ingest.vendors import PRESETS
from analytics.insight.query import add_insight_arguments, iso_date, query_from_args

DESCRIPTION = "Adoption analytics for an internal tool rollout: ingest usage, compute adoption."


def _add_db(parser: argparse.ArgumentParser) -> None:
    """The --db option every command takes."""
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        default=DEFAULT_DB,
        help="DuckDB database file, app state beside it (default: data/adoption.duckdb, "
        "or $ADOPTION_DB)",
    )


def _add_as_of(parser: argparse.ArgumentParser) -> None:
    """The --as-of option of the metrics and outreach commands."""
    parser.add_argument(
        "--as-of",
        type=iso_date,
        metavar="DATE",
        help="compute as of the end of this day, YYYY-MM-DD (default: the latest event's day)",
    )


def _add_ingest(commands: argparse._SubParsersAction) -> None:
    """`adoption ingest`."""
    ingest = commands.add_parser("ingest", help="ingest event files, a roster and/or a plan")
    ingest.add_argument("files", nargs="*", type=Path, metavar="FILE", help="event files")
    ingest.add_argument("--roster", type=Path, metavar="FILE", help="roster CSV: who is in it")
    ingest.add_argument("--plan", type=Path, metavar="FILE", help="rollout plan CSV (waves)")
    ingest.add_argument(
        "--kpis",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="weekly KPIs per person: person (id or e-mail), week (its Monday), numeric columns"
        " (repeatable)",
    )
    ingest.add_argument(
        "--survey",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="ADKAR pulse survey: person or team, date, awareness, desire, knowledge, ability,"
        " reinforcement 1-5 (repeatable)",
    )
    ingest.add_argument(
        "--source", metavar="NAME", help="source system of rows without a source column"
    )
    ingest.add_argument("--tz", metavar="ZONE", help="set the organisation timezone (IANA)")
    ingest.add_argument(
        "--preset",
        choices=PRESETS,
        help="read every FILE as this vendor's usage export (docs/vendors.md); without it a "
        "vendor export is detected from its header or shape when that is unambiguous",
    )
    ingest.add_argument(
        "--person-day",
        type=Path,
        metavar="DIR",
        help="load the output of `adoption rollup`, replacing the days and sources it covers",
    )
    ingest.add_argument("--format", choices=["text", "json"], default="text", help="report format")
    _add_db(ingest)


def _since_days(text: str) -> int:
    """A --since value: a whole number of days, at least 1."""
    days = int(text)
    if days < 1:
        raise argparse.ArgumentTypeError("--since must be at least 1 day")
    return days


def _add_since(parser: argparse.ArgumentParser) -> None:
    """The --since option of the digest and the meeting pack."""
    parser.add_argument(
        "--since",
        type=_since_days,
        default=7,
        metavar="DAYS",
        help="compare with this many days before the as-of day, the last digest (default: 7)",
    )


def _add_digest(commands: argparse._SubParsersAction) -> None:
    """`adoption digest` and `adoption report` (SPEC 12)."""
    digest = commands.add_parser("digest", help="the weekly digest for one role, and alerts")
    _add_as_of(digest)
    _add_since(digest)
    digest.add_argument(
        "--role",
        default="product_manager",
        metavar="ROLE",
        help="product_manager, leadership (team-level, suppressed) or champion:ID (their "
        "cohort by name); default: product_manager",
    )
    digest.add_argument(
        "--format", choices=["md", "html", "json"], default="md", help="output format"
    )
    digest.add_argument(
        "--send",
        action="store_true",
        help="also e-mail it and post it to the webhook (settings), once per role and week",
    )
    _add_db(digest)
    report = commands.add_parser("report", help="the team meeting pack: slides, PDF or HTML")
    _add_as_of(report)
    _add_since(report)
    report.add_argument(
        "--format", choices=["pptx", "pdf", "html"], default="pptx", help="output format"
    )
    report.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="file to write (default: adoption-meeting-<as-of day>.<format>)",
    )
    _add_db(report)


def _add_rollup(commands: argparse._SubParsersAction) -> None:
    """`adoption rollup` (SPEC 11, docs/scale.md)."""
    rollup = commands.add_parser("rollup", help="events -> person_day on DuckDB or Spark")
    rollup.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb", help="engine")
    rollup.add_argument("--master", metavar="URL", help="Spark master (default: local[*])")
    rollup.add_argument(
        "--events",
        nargs="+",
        required=True,
        metavar="PATH_OR_GLOB",
        help="event inputs: Parquet, JSON Lines or CSV paths, globs or URIs (s3a://...)",
    )
    rollup.add_argument("--source", metavar="NAME", help="source of rows without a source column")
    rollup.add_argument("--mapping", type=Path, metavar="FILE", help="JSON {column: field}")
    rollup.add_argument("--roster", type=Path, metavar="FILE", help="roster CSV (identities)")
    rollup.add_argument("--tz", metavar="ZONE", help="organisation timezone (IANA)")
    rollup.add_argument(
        "--date-order",
        choices=["month_first", "day_first"],
        help="day/month order of numeric dates (default: the source's setting, else month-first)",
    )
    rollup.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    rollup.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="app database whose settings and erasure tombstones apply (optional)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line contract in one place (docs/cli.md is generated from it)."""
    parser = argparse.ArgumentParser(prog="adoption", description=DESCRIPTION)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="write and ingest the running example")
    _add_db(demo)

    _add_ingest(commands)

    erase = commands.add_parser("erase", help="erase one person on request")
    erase.add_argument("user", metavar="USER", help="the person's user id or e-mail")
    _add_db(erase)

    metrics = commands.add_parser("metrics", help="every metric as one JSON document")
    _add_as_of(metrics)
    metrics.add_argument("--format", choices=["json"], default="json", help="output format")
    _add_db(metrics)

    outreach = commands.add_parser("outreach", help="the outreach worklist")
    _add_as_of(outreach)
    outreach.add_argument("--format", choices=["csv", "json"], default="csv", help="output format")
    _add_db(outreach)

    impact = commands.add_parser("impact", help="the effect of the rollout on a sales KPI")
    impact.add_argument("--kpi", required=True, metavar="NAME", help="the KPI column to analyse")
    _add_as_of(impact)
    impact.add_argument("--format", choices=["json", "text"], default="text", help="output format")
    _add_db(impact)

    insight = commands.add_parser("insight", help="explore queries, as in product analytics")
    add_insight_arguments(insight)
    insight.add_argument("--format", choices=["json"], default="json", help="output format")
    _add_db(insight)

    _add_digest(commands)
    _add_rollup(commands)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    """Run the parsed command and return its exit code."""
    # Deferred imports: each command loads only its own modules (see the module docstring).
    if args.command == "demo":
        from analytics.demo import demo_command

        return demo_command(db=args.db)
    if args.command == "ingest" and args.person_day is not None:
        from analytics.rollup.load import person_day_command

        return person_day_command(folder=args.person_day, db=args.db)
    if args.command == "ingest":
        from analytics.ingest.command import ingest_command

        return ingest_command(
            files=args.files,
            roster=args.roster,
            plan=args.plan,
            source=args.source,
            tz=args.tz,
            db=args.db,
            output_format=args.format,
            kpis=args.kpis,
            survey=args.survey,
            preset=args.preset,
        )
    if args.command == "erase":
        from analytics.ingest.erase import erase_command

        return erase_command(user=args.user, db=args.db)
    if args.command == "metrics":
        from analytics.metrics.document import metrics_command

        return metrics_command(as_of=args.as_of, db=args.db)
    if args.command == "outreach":
        from analytics.outreach import outreach_command

        return outreach_command(as_of=args.as_of, db=args.db, output_format=args.format)
    if args.command == "impact":
        from analytics.impact.command import impact_command

        return impact_command(kpi=args.kpi, as_of=args.as_of, db=args.db, output_format=args.format)
    if args.command == "digest":
        from analytics.digest.command import digest_command

        return digest_command(
            as_of=args.as_of,
            since=args.since,
            role=args.role,
            output_format=args.format,
            send=args.send,
            db=args.db,
        )
    if args.command == "report":
        from analytics.digest.pack import report_command

        return report_command(
            as_of=args.as_of, since=args.since, output_format=args.format, out=args.out, db=args.db
        )
    if args.command == "rollup":
        from analytics.rollup.command import rollup_command

        return rollup_command(**{k: v for k, v in vars(args).items() if k != "command"})
    from analytics.insight.command import insight_command

    return insight_command(query_from_args(args), args.db)


READ_COMMANDS = frozenset({"metrics", "outreach", "insight"})  # erase may precede any data


def missing_database(args: argparse.Namespace) -> str | None:
    """Why a command that reads the database cannot run (no such file), else None."""
    if args.command in READ_COMMANDS and not Path(args.db).exists():
        return (
            f"no database at {args.db}: check --db, or load data first with `adoption ingest` "
            "or `adoption demo`"
        )
    return None


def _quiet_stdout() -> None:
    """After the reader of our output went away (`| head`): send the rest nowhere, quietly."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `adoption` script; returns the process exit code (2: bad options)."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as stop:  # argparse printed usage or the error; --help exits 0
        return stop.code if isinstance(stop.code, int) else 2
    if problem := missing_database(args):
        print(f"adoption {args.command}: {problem}", file=sys.stderr)
        return 2
    try:
        return _dispatch(args)
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except AsOfOutOfRange as error:
        print(f"adoption {args.command}: {error}", file=sys.stderr)
        return 2
    except DatabaseBusy as error:
        print(f"adoption: {error}", file=sys.stderr)
        return 3
    except ErasureKeyMissing as error:
        print(f"adoption: {error}", file=sys.stderr)
        return 2


QUICK_EXIT_COMMANDS = frozenset({"metrics"})  # read only, everything closed when main returns


def run() -> int:
    """The `adoption` script: `main()`; after `adoption metrics` the process ends without
    freeing its frames and modules one by one (about 0.1 s of a 1.5 s run at 10M events),
    its output flushed first. `main` itself always returns, for tests and in-process callers."""
    code = main()
    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT_COMMANDS:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except BrokenPipeError:  # the reader went away (`| head`): nothing more to say
            pass
        os._exit(code)
    return code


if __name__ == "__main__":
    sys.exit(run())
