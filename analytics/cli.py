"""The `adoption` command line (SPEC section 7): argument parsing only; work lives in modules.

Imports are lazy so that `adoption metrics` does not pay for modules it does not use.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from analytics.db import DEFAULT_DB, DatabaseBusy
from analytics.ingest.keyring import ErasureKeyMissing


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="DuckDB file")


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line contract in one place."""
    parser = argparse.ArgumentParser(prog="adoption", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    demo = commands.add_parser("demo", help="write and ingest the running example")
    _add_db(demo)

    ingest = commands.add_parser("ingest", help="ingest event files, a roster and/or a plan")
    ingest.add_argument("files", nargs="*", type=Path)
    ingest.add_argument("--roster", type=Path)
    ingest.add_argument("--plan", type=Path)
    ingest.add_argument("--source")
    ingest.add_argument("--tz")
    ingest.add_argument("--format", choices=["text", "json"], default="text")
    _add_db(ingest)

    erase = commands.add_parser("erase", help="erase one person (SPEC 3)")
    erase.add_argument("user")
    _add_db(erase)

    metrics = commands.add_parser("metrics", help="every metric as one JSON document")
    metrics.add_argument("--as-of")
    metrics.add_argument("--format", choices=["json"], default="json")
    _add_db(metrics)

    outreach = commands.add_parser("outreach", help="the outreach worklist")
    outreach.add_argument("--as-of")
    outreach.add_argument("--format", choices=["csv", "json"], default="csv")
    _add_db(outreach)

    insight = commands.add_parser("insight", help="explore queries")
    insight.add_argument("kind", choices=["retention", "lifecycle", "stickiness", "active"])
    insight.add_argument("--period", choices=["day", "week", "month"])
    insight.add_argument("--tz")
    insight.add_argument("--week-start", choices=["monday", "sunday"], default="monday")
    insight.add_argument("--event")
    insight.add_argument("--intervals", type=int)
    insight.add_argument("--date-from")
    insight.add_argument("--date-to")
    insight.add_argument("--type", choices=["recurring", "first_time"], default="recurring")
    insight.add_argument("--start-event")
    insight.add_argument("--return-event")
    insight.add_argument("--criterion", choices=["on", "on_or_after"], default="on")
    insight.add_argument("--cumulative", action="store_true")
    insight.add_argument("--window", type=int)
    insight.add_argument("--format", choices=["json"], default="json")
    _add_db(insight)
    return parser


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from analytics.demo import demo_command

        return demo_command(db=args.db)
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
    from analytics.insight import insight_command

    return insight_command(args)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `adoption` script; returns the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return _dispatch(args)
    except DatabaseBusy as error:
        print(f"adoption: {error}", file=sys.stderr)
        return 3
    except ErasureKeyMissing as error:
        print(f"adoption: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
