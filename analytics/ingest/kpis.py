"""`adoption ingest --kpis FILE`: weekly outcome numbers per person (SPEC 13), as section 3 asks.

One row per person and week in the file (`person` id or e-mail, `week` its Monday, then numeric
KPI columns); stored long, one row per person, week and KPI. A value already stored for the same
person, week and KPI is a duplicate (the first kept; a different value is a conflict), so
re-ingesting a file, a renamed copy or an overlapping export adds nothing twice.
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
from analytics.ingest.sniff import FileRefused
from analytics.ingest.tabular import (
    TableFile,
    blank_to_null,
    erased_rows,
    read_table_file,
    write_table_file,
)
from analytics.ingest.timestamps import day_in_range

KEY = ["person", "week", "kpi"]
NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
INSERT_SQL = """
INSERT INTO kpis (person, week, kpi, value, file_name, line_no, ingest_id)
SELECT person, week, kpi, value, ?, line_no, ? FROM staged_rows
"""


def kpi_columns(rows: pl.DataFrame) -> list[str]:
    """The file's KPI columns: every column but person, week and the bookkeeping ones."""
    return [c for c in rows.columns if c not in ("line_no", "raw", "person", "week")]


def checked_rows(rows: pl.DataFrame, kpis: list[str], now: dt.datetime) -> pl.DataFrame:
    """One row per record with its normalised person, Monday week, numbers and first reason."""
    week_text = blank_to_null("week")
    week = week_text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    numbers = [blank_to_null(k).str.replace_all(",", "") for k in kpis]
    not_number = pl.any_horizontal(
        [(n.is_not_null() & ~n.str.contains(NUMBER)).fill_null(False) for n in numbers]
    )
    person = user_value(pl.col("person").fill_null(""))
    reason = (
        pl.when(person.is_null())
        .then(pl.lit(reasons.MISSING_USER))
        .when(person.str.len_chars() > reasons.IDENTIFIER_MAX_CHARS)
        .then(pl.lit(reasons.IDENTIFIER_TOO_LONG))
        .when(week.is_null())
        .then(pl.lit(reasons.BAD_WEEK))
        .when(~day_in_range(week, now))
        .then(pl.lit(reasons.DATE_OUT_OF_RANGE))
        .when(week.dt.weekday() != 1)
        .then(pl.lit(reasons.WEEK_NOT_MONDAY))
        .when(not_number)
        .then(pl.lit(reasons.NOT_A_NUMBER))
        .when(pl.all_horizontal([n.is_null() for n in numbers]))
        .then(pl.lit(reasons.NO_VALUES))
    )
    return rows.select(
        "line_no",
        "raw",
        person.alias("person"),
        week.alias("week"),
        reason.alias("reason"),
        *(n.cast(pl.Float64, strict=False).alias(k) for n, k in zip(numbers, kpis, strict=True)),
    )


def stored_keys(con: duckdb.DuckDBPyConnection, long: pl.DataFrame) -> pl.DataFrame:
    """The stored values of the file's (person, week, kpi) keys, renamed `stored`."""
    con.register("file_keys", long.select(KEY).unique())
    try:
        sql = (
            "SELECT k.person, k.week, k.kpi, first(s.value) AS stored FROM file_keys AS k "
            "JOIN kpis AS s USING (person, week, kpi) GROUP BY ALL"
        )
        return con.sql(sql).pl()
    finally:
        con.unregister("file_keys")


def new_values(con: duckdb.DuckDBPyConnection, good: pl.DataFrame, kpis: list[str]) -> pl.DataFrame:
    """One row per non-null value with `new` (first of its key in the file and not stored) and
    `conflict` (a stored or earlier value of its key differs)."""
    long = good.unpivot(kpis, index=["line_no", "person", "week"], variable_name="kpi")
    long = long.drop_nulls("value").sort("line_no")
    first = long.group_by(KEY, maintain_order=True).agg(pl.col("value").first().alias("first"))
    long = long.join(first, on=KEY).join(stored_keys(con, long), on=KEY, how="left")
    earlier = pl.col("line_no") != pl.col("line_no").min().over(KEY)
    return long.with_columns(
        new=pl.col("stored").is_null() & ~earlier,
        conflict=(pl.col("stored").is_not_null() & (pl.col("stored") != pl.col("value")))
        | (earlier & (pl.col("first") != pl.col("value"))),
    )


def load_kpi_file(
    con: duckdb.DuckDBPyConnection, table: TableFile, *, path: Path, now: dt.datetime
) -> FileReport:
    """Validate and load one read KPI file in one transaction; the file's report."""
    kpis = kpi_columns(table.rows)
    if not kpis:
        raise FileRefused(path, "no KPI columns after person and week")
    checked = checked_rows(table.rows, kpis, now)
    quarantined = pl.concat(
        [
            table.bad,
            checked.filter(pl.col("reason").is_not_null()).select(
                "line_no", "raw", "reason", pl.col("person").alias("user_key")
            ),
        ]
    )
    usable = checked.filter(pl.col("reason").is_null())
    erased = erased_rows(con, usable["person"])
    values = new_values(con, usable.filter(~erased), kpis)
    per_row = values.group_by("line_no").agg(
        pl.col("person").first(), pl.col("new").any(), pl.col("conflict").any()
    )
    report = FileReport(
        file=str(path),
        read=table.rows.height + table.bad.height,
        loaded=int(per_row["new"].sum()),
        duplicates=int((~per_row["new"]).sum()),
        quarantined=quarantined.height,
        conflicts=int((per_row["conflict"] & ~per_row["new"]).sum()),
        suppressed=int(erased.sum()),
        warnings=table.warnings,
        kind="kpis",
    )
    outcomes = pl.concat(
        [
            per_row.select(
                "line_no",
                pl.col("person").alias("user_id"),
                pl.when("new")
                .then(pl.lit("loaded"))
                .otherwise(pl.lit("duplicate"))
                .alias("outcome"),
            ),
            usable.filter(erased).select(
                "line_no", pl.col("person").alias("user_id"), pl.lit("suppressed").alias("outcome")
            ),
        ]
    )
    write_table_file(
        con,
        report=report,
        table=table,
        insert_sql=INSERT_SQL,
        staged=values.filter("new").select("person", "week", "kpi", "value", "line_no"),
        outcomes=outcomes,
        quarantined=quarantined,
        at=now,
    )
    return report


def ingest_kpi_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    *,
    now: dt.datetime,
    max_line_bytes: int = DEFAULT_MAX_LINE_BYTES,
) -> FileReport:
    """Read and load one KPI file; FileRefused when it cannot be read at all."""
    table = read_table_file(path, [{"person"}, {"week"}], max_line_bytes=max_line_bytes)
    return load_kpi_file(con, table, path=path, now=now)
