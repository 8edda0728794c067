"""The command-line reference of docs/cli.md, generated from the argparse parser.

`python -m analytics.cli_docs` prints it; `python -m analytics.docs_gen` writes it into
docs/cli.md between its GENERATED markers, and tests/test_docs.py checks the committed copy.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator

from analytics.cli import build_parser


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Each subcommand's parser by name, in declaration order."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def command_helps(parser: argparse.ArgumentParser) -> dict[str, str]:
    """Each subcommand's one-line help, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {choice.dest: choice.help or "" for choice in action._choices_actions}
    return {}


def documented_actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    """The arguments and options a user gives (not --help)."""
    for action in parser._actions:
        if not isinstance(action, argparse._HelpAction):
            yield action


def _name(action: argparse.Action) -> str:
    """How the argument is written: `--tz ZONE`, `FILE...`, `kind`."""
    if not action.option_strings:
        name = action.metavar or ("|".join(map(str, action.choices)) if action.choices else "")
        name = name or action.dest
        return f"{name}..." if action.nargs in ("*", "+") else str(name)
    option = "/".join(action.option_strings)
    if action.nargs == 0:
        return option
    if action.choices:
        return f"{option} {'|'.join(map(str, action.choices))}"
    return f"{option} {action.metavar or action.dest.upper()}"


def _default(action: argparse.Action) -> str:
    """The default as the table shows it (empty for none, for flags and for --db)."""
    if action.dest == "db" or action.nargs == 0 or action.default in (None, [], argparse.SUPPRESS):
        return ""
    return f"`{action.default}`"


def _row(action: argparse.Action) -> str:
    """One table row: argument, default, help (pipes escaped)."""
    name = _name(action).replace("|", "\\|")
    return f"| `{name}` | {_default(action)} | {action.help or ''} |"


def cli_markdown() -> str:
    """Every command with its one-line help and a table of its arguments."""
    parser = build_parser()
    helps = command_helps(parser)
    lines = [parser.description or ""]
    for name, sub in subcommands(parser).items():
        lines += ["", f"### adoption {name}", "", f"{helps.get(name, '')}.", ""]
        lines += ["| argument | default | meaning |", "|---|---|---|"]
        lines += [_row(action) for action in documented_actions(sub)]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(cli_markdown(), end="")
