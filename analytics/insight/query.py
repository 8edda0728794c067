"""An explore query as a typed value (`InsightQuery`), and its command-line options.

The options of `adoption insight` are declared here once: the CLI adds them to its subparser,
and `query_from_argv` reads the same options for callers that hold `adoption insight` words.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Literal, NoReturn

Kind = Literal["retention", "lifecycle", "stickiness", "active"]
Period = Literal["day", "week", "month"]
KINDS: tuple[Kind, ...] = ("retention", "lifecycle", "stickiness", "active")


class InsightError(ValueError):
    """A bad option value: reported on stderr with exit code 2."""


@dataclass(frozen=True)
class InsightQuery:
    """One explore query: its kind and options (None: the documented default, docs/cli.md)."""

    kind: Kind
    period: Period | None = None
    tz: str | None = None
    week_start: Literal["monday", "sunday"] = "monday"
    event: str | None = None
    intervals: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    type: Literal["recurring", "first_time"] = "recurring"
    start_event: str | None = None
    return_event: str | None = None
    criterion: Literal["on", "on_or_after"] = "on"
    cumulative: bool = False
    window: int | None = None
    tool: str | None = None


def iso_date(text: str) -> dt.date:
    """argparse type of every date option: a YYYY-MM-DD day."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date YYYY-MM-DD, not {text!r}") from None


def add_insight_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of `adoption insight` (semantics and defaults: docs/cli.md)."""
    add = parser.add_argument
    add("kind", choices=KINDS, help="the explore query to run")
    add("--period", choices=["day", "week", "month"], help="period length (default: day)")
    add(
        "--tz",
        metavar="ZONE",
        help="IANA timezone of days and periods (default: the organisation timezone)",
    )
    add("--week-start", choices=["monday", "sunday"], default="monday", help="first weekday")
    add("--event", metavar="NAME", help="count only this event name (default: any event)")
    add(
        "--tool",
        metavar="NAME",
        help="count only this tool's events: a vendor preset such as github-copilot, or "
        "'events' for ordinary event files (default: every tool)",
    )
    add(
        "--intervals",
        type=int,
        metavar="N",
        help="retention: number of cohort periods (default: 7)",
    )
    add("--date-from", type=iso_date, metavar="DATE", help="first local day, YYYY-MM-DD")
    add(
        "--date-to",
        type=iso_date,
        metavar="DATE",
        help="last local day, YYYY-MM-DD (default: latest event)",
    )
    add(
        "--type",
        choices=["recurring", "first_time"],
        default="recurring",
        help="retention: cohorts of every start period, or of the first-ever one",
    )
    add("--start-event", metavar="E", help="retention: the event that puts a person in a cohort")
    add("--return-event", metavar="E", help="retention: the event that counts as coming back")
    add(
        "--criterion",
        choices=["on", "on_or_after"],
        default="on",
        help="retention: back in exactly that period, or in it or any later one",
    )
    add("--cumulative", action="store_true", help="stickiness: active in n or more periods")
    add(
        "--window",
        type=int,
        metavar="DAYS",
        help="active, daily: trailing window in days (7: weekly active)",
    )


def query_from_args(args: argparse.Namespace) -> InsightQuery:
    """The query parsed options describe (extra attributes such as --db are ignored)."""
    return InsightQuery(**{f.name: getattr(args, f.name) for f in fields(InsightQuery)})


class _RaisingParser(argparse.ArgumentParser):
    """A parser whose errors raise InsightError instead of exiting the process."""

    def error(self, message: str) -> NoReturn:
        """Raise the argparse message as an InsightError."""
        raise InsightError(message)


def query_from_argv(argv: Sequence[str]) -> InsightQuery:
    """The query `adoption insight ARGV` describes (InsightError for bad words)."""
    parser = _RaisingParser(prog="adoption insight")
    add_insight_arguments(parser)
    return query_from_args(parser.parse_args(list(argv)))
