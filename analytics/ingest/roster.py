"""The roster (who is in the rollout): read, validate, and replace the stored one atomically.

Duplicate people are a reason to refuse the whole roster (the previous one stays in force); a
bad optional value is nulled and flagged, never a reason to drop a person, because a dropped
person silently inflates adoption (SPEC 3, "Roster integrity").
"""

from __future__ import annotations

import codecs
from pathlib import Path

import duckdb
import polars as pl

from analytics.activity import rebuild_with
from analytics.db import bump_ingest_version, execute, transaction
from analytics.ingest.columns import normalise_name
from analytics.ingest.decode import csv_records, decode_bytes, lines_frame
from analytics.ingest.identity import (
    normalise_email_expr,
    normalise_user_expr,
    registered_keys,
    tombstoned_sql,
)
from analytics.ingest.keyring import erasure_keys
from analytics.ingest.longlines import DEFAULT_MAX_LINE_BYTES, LongLines, cut_long_lines
from analytics.ingest.report import FileReport
from analytics.ingest.sniff import (
    FileRefused,
    Header,
    find_header,
    is_gzip,
    refused_content,
    safe_gunzip,
    split_header_line,
)
from analytics.ingest.suppress import redact_erased_references
from analytics.settings import Settings
from analytics.tables import ROSTER_FILE_COLUMNS

COLUMNS = ROSTER_FILE_COLUMNS
HEADER_ALIASES = {"employee_id": "user_id", "e_mail": "email", "email_address": "email"}
TRUE_WORDS = ["true", "t", "yes", "y", "1"]
FALSE_WORDS = ["false", "f", "no", "n", "0"]
ROLES = ["rep", "manager", "executive"]
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y")
FLAG_EXAMPLES = 10
IGNORED_LISTED = 20  # ignored column names listed in the report, then a count
WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


class RosterRefused(FileRefused):
    """The roster cannot be used as it is; the message says why (the old roster stays)."""


def decode_text(
    data: bytes,
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
    max_decompressed_bytes: int = 200 * 1024 * 1024,
) -> tuple[str, LongLines]:
    """Bytes of a small table file as text, with the read layer's gzip, encoding and line-cap
    rules: a line over max_line_bytes is cut out before decoding (longlines), returned apart."""
    if is_gzip(data):
        data = safe_gunzip(data, max_bytes=max_decompressed_bytes)
    what = refused_content(data)
    if what is not None:
        raise FileRefused(None, f"not a supported format: this is {what}")
    cut = LongLines.none()
    if not data.startswith(WIDE_BOMS):  # UTF-16/32: a line break is not one byte
        data, cut = cut_long_lines(data, max_line_bytes)
    return decode_bytes(data).text, cut


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that occurs most often in the header line."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    return max([",", ";", "\t", "|"], key=header.count)


def normalise_header(name: str) -> str:
    """A header as matched: case- and space-insensitive (as event files), with a few aliases."""
    key = normalise_name(name)
    return HEADER_ALIASES.get(key, key)


def _header_names(names: list[str]) -> list[str]:
    """Normalised header names, unique (a repeat gets `_2`), never empty (`column_N`)."""
    seen: dict[str, int] = {}
    result = []
    for i, name in enumerate(names):
        base = normalise_header(name) or f"column_{i + 1}"
        seen[base] = seen.get(base, 0) + 1
        result.append(base if seen[base] == 1 else f"{base}_{seen[base]}")
    return result


def _find_table_header(lines: list[str], identifying: tuple[str, ...]) -> Header:
    """The first line holding one of the identifying columns (after any preamble); else the
    first non-blank line, so the caller's "missing column" message names what is there."""
    names = set(identifying)
    header = find_header(
        lines,
        known=lambda cells: sum(normalise_header(c) in names for c in cells),
        missing=lambda cells: [] if names & {normalise_header(c) for c in cells} else ["id"],
    )
    if header is not None:
        return header
    index = next(i for i, line in enumerate(lines) if line.strip())
    delimiter = sniff_delimiter(lines[index])
    return Header(index, delimiter, split_header_line(lines[index], delimiter))


def read_table_csv(
    path: Path,
    identifying: tuple[str, ...] = ("user_id", "email"),
    *,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> tuple[pl.DataFrame, list[str]]:
    """A small CSV (roster, plan) as all-text columns with normalised headers and `line_no`,
    plus notes for the report.

    One row per record, numbered by its line in the file: preamble lines before the header
    (the first line naming one of `identifying`) and blank lines are skipped; a short row
    lacks trailing values (null); a row with more non-empty fields than the header, one
    that cannot be split, or a line over the line cap refuses the file (its columns cannot be
    trusted).
    """
    try:
        text, cut = decode_text(Path(path).read_bytes(), max_line_bytes=max_line_bytes)
    except FileRefused as error:
        raise RosterRefused(path, error.reason) from None
    if cut.count:
        which = "line {} is" if cut.count == 1 else "lines {} are"
        raise RosterRefused(
            path,
            f"refused, the previous one is kept: {which.format(_listed(cut.frame['line_no']))} "
            f"over the line cap of {max_line_bytes:,} bytes (setting max_line_mb)",
        )
    if not text.strip():
        raise RosterRefused(path, "the file is empty")
    lines = text.split("\n")
    header = _find_table_header(lines, identifying)
    names = _header_names(header.names)
    body = lines_frame(lines[header.index + 1 :], first_line_no=header.index + 2)
    records = csv_records(body, header.delimiter).frame
    extra = pl.col("fields").list.slice(len(names)).list.eval(pl.element().str.strip_chars())
    ragged = records.filter(
        pl.col("malformed") | (extra.list.eval(pl.element() != "").list.any().fill_null(False))
    )
    if ragged.height:
        which = "line {} does" if ragged.height == 1 else "lines {} do"
        raise RosterRefused(
            path,
            "refused, the previous one is kept: "
            f"{which.format(_listed(ragged['line_no']))} not split into the header's "
            f"{len(names)} columns",
        )
    frame = records.select(
        "line_no",
        *(pl.col("fields").list.get(i, null_on_oob=True).alias(n) for i, n in enumerate(names)),
    )
    plural = "s" * (header.index != 1)
    notes = [f"skipped {header.index} preamble line{plural} before the header"] * (header.index > 0)
    return frame, notes


def _text(name: str) -> pl.Expr:
    """A column trimmed, empty -> null."""
    value = pl.col(name).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def _word(name: str) -> pl.Expr:
    return pl.col(name).str.strip_chars().str.to_lowercase()


def _date(name: str) -> pl.Expr:
    return pl.coalesce(
        [
            pl.col(name).str.strip_chars().str.strptime(pl.Date, f, strict=False)
            for f in DATE_FORMATS
        ]
    )


def _flag(bad: pl.Expr, template: str, name: str) -> pl.Expr:
    """A flag message for rows where `bad` holds (else null)."""
    return pl.when(bad).then(pl.format(template, pl.col(name).str.strip_chars()))


def clean_roster(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed roster from text columns: one row per person, bad optional values nulled + flagged."""
    frame = raw.with_columns(
        pl.lit(None, pl.String).alias(c) for c in COLUMNS if c not in raw.columns
    )
    if "line_no" not in frame.columns:  # a frame not read from a file: header is line 1
        frame = frame.with_row_index("line_no", offset=2)
    wave_ok = _word("wave").str.contains(r"^\d+(\.0+)?$")
    champion_word = _word("is_champion")
    active_word = _word("active")
    role = _text("role")
    user_id = normalise_user_expr(pl.col("user_id"))
    email = normalise_email_expr(pl.col("email"))
    flags = pl.concat_list(
        pl.when(user_id.is_null() & email.is_not_null()).then(
            pl.lit("no user_id: the e-mail is used as the id")
        ),
        _flag(wave_ok.not_() & _text("wave").is_not_null(), "wave '{}' is not a number", "wave"),
        _flag(
            champion_word.is_in(TRUE_WORDS + FALSE_WORDS).not_()
            & _text("is_champion").is_not_null(),
            "is_champion '{}' is not true/false",
            "is_champion",
        ),
        _flag(
            _date("training_completed_on").is_null() & _text("training_completed_on").is_not_null(),
            "training_completed_on '{}' is not a date (YYYY-MM-DD)",
            "training_completed_on",
        ),
        _flag(
            active_word.is_in(TRUE_WORDS + FALSE_WORDS).not_() & _text("active").is_not_null(),
            "active '{}' is not true/false: treated as active",
            "active",
        ),
    ).list.drop_nulls()
    return frame.select(
        "line_no",
        pl.coalesce(user_id, email).alias("user_id"),
        _text("name").alias("name"),
        email.alias("email"),
        _text("team").alias("team"),
        _text("region").alias("region"),
        normalise_user_expr(pl.col("manager_id")).alias("manager_id"),
        pl.when(role.str.to_lowercase().is_in(ROLES))
        .then(role.str.to_lowercase())
        .otherwise(role)
        .alias("role"),
        pl.when(champion_word.is_in(TRUE_WORDS))
        .then(True)
        .when(champion_word.is_in(FALSE_WORDS) | _text("is_champion").is_null())
        .then(False)
        .alias("is_champion"),
        normalise_user_expr(pl.col("champion_id")).alias("champion_id"),
        pl.when(wave_ok).then(_word("wave").str.replace(r"\.0+$", "").cast(pl.Int32)).alias("wave"),
        _date("training_completed_on").alias("training_completed_on"),
        pl.when(active_word.is_in(FALSE_WORDS)).then(False).otherwise(True).alias("active"),
        flags.alias("flags"),
        _text("github_login").str.to_lowercase().alias("github_login"),
    )


def _listed(values: pl.Series, limit: int = 10) -> str:
    """A short comma-separated list of values for a message."""
    shown = values.head(limit).to_list()
    more = f" and {values.len() - limit} more" if values.len() > limit else ""
    return ", ".join(str(v) for v in shown) + more


def integrity_errors(roster: pl.DataFrame) -> list[str]:
    """Why this roster cannot be used: people without identity, duplicate ids or e-mails."""
    errors = []
    nameless = roster.filter(pl.col("user_id").is_null())["line_no"]
    if nameless.len():
        errors.append(f"rows with neither user_id nor email on lines {_listed(nameless)}")
    ids = roster.filter(pl.col("user_id").is_not_null() & pl.col("user_id").is_duplicated())
    if ids.height:
        errors.append(f"duplicate user_id: {_listed(ids['user_id'].unique(maintain_order=True))}")
    mails = roster.filter(pl.col("email").is_not_null() & pl.col("email").is_duplicated())
    if mails.height:
        errors.append(f"duplicate email: {_listed(mails['email'].unique(maintain_order=True))}")
    crossed = roster.join(roster, left_on="user_id", right_on="email", suffix="_other").filter(
        pl.col("line_no") != pl.col("line_no_other")
    )
    if crossed.height:
        errors.append(f"user_id equal to another person's email: {_listed(crossed['user_id'])}")
    return errors


def resolve_references(roster: pl.DataFrame) -> pl.DataFrame:
    """champion_id / manager_id given as an e-mail of a roster person become that person's id."""
    mails = roster.filter(pl.col("email").is_not_null())
    return roster.with_columns(
        pl.col(c).replace(mails["email"], mails["user_id"]) for c in ("champion_id", "manager_id")
    )


def flag_warnings(roster: pl.DataFrame) -> list[str]:
    """Readable flag lines for the report: a few examples and how many people were flagged."""
    flagged = roster.filter(pl.col("flags").list.len() > 0)
    if flagged.height == 0:
        return []
    lines = (
        flagged.head(FLAG_EXAMPLES)
        .select(
            pl.format("line {} ({}): {}", "line_no", "user_id", pl.col("flags").list.join("; "))
        )
        .to_series()
        .to_list()
    )
    return [f"{flagged.height} people have values nulled or flagged", *lines]


ERASED_SQL = """
SELECT line_no FROM new_roster
WHERE {erased_id} OR (email IS NOT NULL AND {erased_email})
"""


def without_erased(
    con: duckdb.DuckDBPyConnection, roster: pl.DataFrame
) -> tuple[pl.DataFrame, int]:
    """The roster without people erased on request (their id or e-mail matches a tombstone),
    so an old HR export does not bring them back; and how many were left out."""
    keys = erasure_keys(con, create=False)
    if not keys:
        return roster, 0
    con.register("new_roster", roster)
    try:
        sql = ERASED_SQL.format(
            erased_id=tombstoned_sql("user_id"), erased_email=tombstoned_sql("email")
        )
        with registered_keys(con, keys):
            erased = [r[0] for r in execute(con, sql).fetchall()]
    finally:
        con.unregister("new_roster")
    return roster.filter(~pl.col("line_no").is_in(erased)), len(erased)


REPLACE_SQL = f"""
INSERT INTO roster ({", ".join(ROSTER_FILE_COLUMNS)}, flags)
SELECT {", ".join(ROSTER_FILE_COLUMNS)},
       CASE WHEN len(flags) > 0 THEN to_json(flags)::VARCHAR END
FROM new_roster
"""  # flags, the last column, is a list of checks in the frame and JSON text in the table


def replace_roster(
    con: duckdb.DuckDBPyConnection,
    roster: pl.DataFrame,
    *,
    rebuild: Settings | None = None,
) -> None:
    """Swap the stored roster for this one in one transaction (rebuild: person_day's settings)."""
    with transaction(con):
        execute(con, "DELETE FROM roster")
        con.register("new_roster", roster)
        try:
            execute(con, REPLACE_SQL)
        finally:
            con.unregister("new_roster")
        if rebuild is not None:
            rebuild_with(con, rebuild)
        bump_ingest_version(con)


def load_roster(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    rebuild: Settings | None = None,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> FileReport:
    """Read, validate and store a roster file; a refused report leaves the old roster in place."""
    try:
        raw, notes = read_table_csv(path, max_line_bytes=max_line_bytes)
        if "user_id" not in raw.columns and "email" not in raw.columns:
            found = ", ".join(c for c in raw.columns if c != "line_no")
            raise RosterRefused(path, f"no user_id or email column (found: {found})")
        roster = clean_roster(raw)
        errors = integrity_errors(roster)
        if roster.height == 0:
            errors.append("the roster has no people (only a header)")
        if errors:
            raise RosterRefused(path, f"roster refused, previous roster kept: {'; '.join(errors)}")
    except (RosterRefused, OSError, UnicodeError) as error:
        return FileReport.refused(str(path), str(error), kind="roster")
    except Exception as error:  # unforeseen (csv.Error, polars...): refused, the batch goes on
        message = f"{path}: could not be read ({type(error).__name__}: {error})"
        return FileReport.refused(str(path), message, kind="roster")
    read = roster.height
    roster, erased = without_erased(con, roster)
    if erased:
        notes.append(f"{erased} people erased on request were left out")
    roster, references = redact_erased_references(con, roster)
    if references:
        notes.append(f"{references} references to people erased on request read 'erased-person'")
    replace_roster(con, resolve_references(roster), rebuild=rebuild)
    ignored = [c for c in raw.columns if c not in (*COLUMNS, "line_no")]
    more = f" and {len(ignored) - IGNORED_LISTED} more" if len(ignored) > IGNORED_LISTED else ""
    notes += [f"columns ignored: {', '.join(ignored[:IGNORED_LISTED])}{more}"] if ignored else []
    return FileReport(
        file=str(path),
        kind="roster",
        read=read,
        loaded=roster.height,
        suppressed=erased,
        warnings=[*notes, *flag_warnings(roster)],
    )
