"""Which inputs a rollup reads and how: format by name, CSV header and delimiter sniffed once.

An input is one `--events` argument (a path, a glob or a URI the engine reads); the report has
one entry per input. A local CSV's first lines are read here (the local ingest's header finder,
so preambles and delimiters are found the same way); the engines then read it without a header
and the query drops the header and preamble lines by content.
"""

from __future__ import annotations

import glob
import gzip
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from analytics.ingest.columns import known_count, plan_columns
from analytics.ingest.sniff import HEADER_SEARCH_LINES, find_header, split_header_line

FORMATS = {".parquet": "parquet", ".jsonl": "json", ".ndjson": "json", ".json": "json"}
SNIFF_BYTES = 65_536


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


def _head_lines(path: Path) -> list[str]:
    """The first lines of a (possibly gzip) text file, BOM removed."""
    with path.open("rb") as handle:
        data = handle.read(2)
    opener = gzip.open if data == b"\x1f\x8b" else open
    with opener(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.replace("\r\n", "\n").split("\n")[:HEADER_SEARCH_LINES]


def sniff_csv(location: str, mapping: Mapping[str, str] | None) -> InputSpec:
    """A CSV input's delimiter, header and preamble lines (local files only)."""
    if not _is_local(location):
        raise RollupInputError(
            f"{location}: CSV is read from local paths only; remote inputs: Parquet or JSON Lines"
        )
    lines = _head_lines(_first_file(location))
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


def input_spec(location: str, mapping: Mapping[str, str] | None) -> InputSpec:
    """How to read one input."""
    fmt = input_format(location)
    if fmt == "csv":
        return sniff_csv(location, mapping)
    if _is_local(location):
        _first_file(location)
    return InputSpec(location, fmt)
