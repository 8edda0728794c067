"""`adoption ingest --survey FILE`: ADKAR pulse-survey answers (SPEC 13), as section 3 asks.

One row per answer: `person` (id or e-mail) or, for an anonymous answer, `team`; `date`; and
`awareness`, `desire`, `knowledge`, `ability`, `reinforcement` scored 1 to 5 (blank allowed).
Dedupe key: person and date for a named answer; team, date, the answers and their occurrence in
the file for an anonymous one (re-ingesting the file or a renamed copy adds nothing twice).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl

from analytics.ingest import reasons
from analytics.ingest.columns import user_value
from analytics.ingest.longlines import DEFAULT_MAX_LINE_BYTES
from analytics.ingest.report import FileReport
from analytics.ingest.tabular import (
    blank_to_null,
    erased_rows,
    read_table_file,
    write_table_file,
)
from analytics.ingest.timestamps import day_in_range
from analytics.tables import ADKAR

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
INSERT_SQL = f"""
INSERT INTO survey (response_key, person, team, date, {", ".join(ADKAR)}, file_name, line_no,
    ingest_id)
SELECT response_key, person, team, date, {", ".join(ADKAR)}, ?, line_no, ? FROM staged_rows
"""


def _optional(rows: pl.DataFrame, name: str) -> pl.Expr:
    """A trimmed text column, or null when the file has no such column."""
    return blank_to_null(name) if name in rows.columns else pl.lit(None, pl.String)


def checked_answers(rows: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """One row per record: person, team, date, the five scores and the first failing reason."""
    person = user_value(_optional(rows, "person").fill_null(""))
    team = _optional(rows, "team")
    text = _optional(rows, "date")
    date = pl.coalesce([text.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS])
    scores = [_optional(rows, name) for name in ADKAR]
    numbers = [s.cast(pl.Int64, strict=False) for s in scores]
    bad = pl.any_horizontal(
        [
            (s.is_not_null() & ~n.is_between(1, 5).fill_null(False))
            for s, n in zip(scores, numbers, strict=True)
        ]
    )
    reason = (
        pl.when(person.is_null() & team.is_null())
        .then(pl.lit(reasons.MISSING_PERSON_OR_TEAM))
        .when(
            pl.max_horizontal(person.str.len_chars(), team.str.len_chars())
            > reasons.IDENTIFIER_MAX_CHARS
        )
        .then(pl.lit(reasons.IDENTIFIER_TOO_LONG))
        .when(date.is_null())
        .then(pl.lit(reasons.BAD_DATE))
        .when(~day_in_range(date, now))
        .then(pl.lit(reasons.DATE_OUT_OF_RANGE))
        .when(bad)
        .then(pl.lit(reasons.BAD_ANSWER))
        .when(pl.all_horizontal([s.is_null() for s in scores]))
        .then(pl.lit(reasons.NO_ANSWERS))
    )
    return rows.select(
        "line_no",
        "raw",
        person.alias("person"),
        team.alias("team"),
        date.alias("date"),
        *(n.alias(name) for n, name in zip(numbers, ADKAR, strict=True)),
        reason.alias("reason"),
    )


def with_keys(answers: pl.DataFrame) -> pl.DataFrame:
    """Each answer's dedupe key (see the module docstring)."""
    parts = [pl.col("date").cast(pl.String), *(pl.col(a).cast(pl.String) for a in ADKAR)]
    anonymous = pl.concat_str(
        [pl.lit("team"), pl.col("team"), *(p.fill_null("") for p in parts)], separator="|"
    )
    occurrence = pl.col("line_no").rank("ordinal").over(anonymous).cast(pl.String)
    named = pl.concat_str([pl.lit("person"), pl.col("person"), parts[0]], separator="|")
    key = (
        pl.when(pl.col("person").is_not_null()).then(named).otherwise(anonymous + "|" + occurrence)
    )
    return answers.with_columns(key.alias("response_key"))


def new_answers(con: duckdb.DuckDBPyConnection, answers: pl.DataFrame) -> pl.Series:
    """Whether each answer is new: first of its key in the file and not stored."""
    con.register("file_keys", answers.select("response_key").unique())
    try:
        sql = "SELECT response_key FROM file_keys JOIN survey USING (response_key)"
        stored = con.sql(sql).pl()["response_key"]
    finally:
        con.unregister("file_keys")
    first = pl.col("line_no") == pl.col("line_no").min().over("response_key")
    return answers.select(first & ~pl.col("response_key").is_in(stored.implode()))[:, 0]


def ingest_survey_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    now: dt.datetime,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> FileReport:
    """Read, validate and load one survey file in one transaction; FileRefused if unreadable."""
    table = read_table_file(path, [{"person", "team"}, {"date"}], max_line_bytes=max_line_bytes)
    checked = checked_answers(table.rows, now)
    quarantined = pl.concat(
        [
            table.bad,
            checked.filter(pl.col("reason").is_not_null()).select(
                "line_no", "raw", "reason", pl.coalesce("person", "team").alias("user_key")
            ),
        ]
    )
    usable = checked.filter(pl.col("reason").is_null())
    erased = erased_rows(con, usable["person"])  # named answers of erased people: suppressed
    good = with_keys(usable.filter(~erased))
    good = good.with_columns(new=new_answers(con, good))
    report = FileReport(
        file=str(path),
        read=table.rows.height + table.bad.height,
        loaded=int(good["new"].sum()),
        duplicates=int((~good["new"]).sum()),
        quarantined=quarantined.height,
        suppressed=int(erased.sum()),
        warnings=table.warnings,
        kind="survey",
    )
    named = pl.coalesce("person", "team").alias("user_id")
    outcomes = pl.concat(
        [
            good.select(
                "line_no",
                named,
                pl.when("new")
                .then(pl.lit("loaded"))
                .otherwise(pl.lit("duplicate"))
                .alias("outcome"),
            ),
            usable.filter(erased).select("line_no", named, pl.lit("suppressed").alias("outcome")),
        ]
    )
    write_table_file(
        con,
        report=report,
        table=table,
        insert_sql=INSERT_SQL,
        staged=good.filter("new").select(
            "response_key", "person", "team", "date", *ADKAR, "line_no"
        ),
        outcomes=outcomes,
        quarantined=quarantined,
        at=now,
    )
    return report
