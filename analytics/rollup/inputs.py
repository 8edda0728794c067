"""Which inputs a rollup reads and how: format by name, CSV header and delimiter sniffed once.

An input is one `--events` argument (a path, a glob or a URI the engine reads); the report has
one entry per input. A CSV's first lines are read through the engine (`Engine.head`), so any
location the engine reads works (file://, s3a://, a glob), and are searched with the local
ingest's header finder, so preambles and delimiters are found the same way; the engines then read
it without a header and the query drops the header and preamble lines by content.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analytics.ingest.columns import known_count, plan_columns
from analytics.ingest.sniff import HEADER_SEARCH_LINES, find_header, split_header_line

FORMATS = {".parquet": "parquet", ".jsonl": "json", ".ndjson": "json", ".json": "json"}

# The first `count` lines of the first file a location names, as the engine reads them (gzip by
# name; a blank line may come back as None); RollupInputError when it names no readable file.
HeadReader = Callable[[str, int], Sequence[str | None]]


class RollupInputError(ValueError):
    """An input the rollup cannot read (named in the message)."""


@dataclass(frozen=True)
class InputSpec:
    """One input: where, its format, and for CSV the delimiter and the lines to drop."""

    location: str
    fmt: str  # parquet, json or csv
    delimiter: str = ","
    header: tuple[str, ...] = ()
    preamble: tuple[tuple[str, ...], ...] = ()


def input_format(location: str) -> str:
    """parquet, json or csv from the name (a trailing .gz ignored)."""
    name = location.lower().removesuffix(".gz")
    return next((f for ext, f in FORMATS.items() if name.endswith(ext)), "csv")


def _is_local(location: str) -> bool:
    """A path on this machine (not s3a://, hdfs://, ...)."""
    return "://" not in location or location.startswith("file://")


def _first_file(location: str) -> Path:
    """The first file a local path or glob names; error when it names none."""
    path = location.removeprefix("file://")
    matches = sorted(glob.glob(path)) if glob.has_magic(path) else [path]
    if not matches or not Path(matches[0]).is_file():
        raise RollupInputError(f"{location}: no such file")
    return Path(matches[0])


def head_text(lines: Sequence[str | None]) -> list[str]:
    """The engine's first lines as the header finder reads them: BOM and line ends removed."""
    text = [(line or "").removesuffix("\r") for line in lines[:HEADER_SEARCH_LINES]]
    if text:
        text[0] = text[0].lstrip("\ufeff")
    return text


def sniff_csv(location: str, mapping: Mapping[str, str] | None, head: HeadReader) -> InputSpec:
    """A CSV input's delimiter, header and preamble lines, from its first lines."""
    lines = head_text(head(location, HEADER_SEARCH_LINES))
    header = find_header(
        lines,
        known=lambda names: known_count(names, mapping),
        missing=lambda names: list(plan_columns(names, mapping).missing),
    )
    if header is None:
        raise RollupInputError(
            f"{location}: no header line with the columns user, timestamp and event"
        )
    preamble = tuple(
        tuple(split_header_line(line, header.delimiter))
        for line in lines[: header.index]
        if line.strip()
    )
    return InputSpec(location, "csv", header.delimiter, tuple(header.names), preamble)


def input_spec(location: str, mapping: Mapping[str, str] | None, head: HeadReader) -> InputSpec:
    """How to read one input (a CSV's first lines through the engine's `head`)."""
    fmt = input_format(location)
    if fmt == "csv":
        return sniff_csv(location, mapping, head)
    if _is_local(location):
        _first_file(location)
    return InputSpec(location, fmt)
