"""Read-only SQL behind the Data page: ingest log, quarantine, data quality (no Streamlit).

Each function takes an open connection and returns a collected frame; the caller opens and closes.
"""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.ingest.quarantine import FOLDER_PATTERN

EVENT_COLUMNS = (
    "source",
    "event_id",
    "user_id",
    "ts",
    "event",
    "session_id",
    "feature",
    "accepted",
    "properties",
)


def day_range(con: duckdb.DuckDBPyConnection) -> tuple[object, object]:
    """First and last calendar day with events (organisation timezone), from person_day."""
    row = con.execute("SELECT min(day), max(day) FROM person_day").fetchone()
    return (row[0], row[1]) if row else (None, None)


def ingest_log(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """One row per ingested (or refused) file, newest first."""
    return con.sql(
        r"""SELECT ingest_id, file_name, status, regexp_replace(error, ?, '\1', 'g') AS error,
                  "read", loaded, duplicates, quarantined,
                  suppressed, conflicts,
                  regexp_replace(coalesce(quarantine_reasons, ''), '[{}"\[\]]', '', 'g')
                      AS quarantine_reasons,
                  date_order,
                  regexp_replace(
                      regexp_replace(coalesce(warnings, ''), '^\[\]$|^\[|\]$', '', 'g'),
                      ?, '\1', 'g') AS warnings,
                  ingested_at, sha256
           FROM ingest_log ORDER BY ingest_id DESC""",
        params=[FOLDER_PATTERN, FOLDER_PATTERN],
    ).pl()


def quarantine(con: duckdb.DuckDBPyConnection, *, limit: int = 5000) -> pl.DataFrame:
    """Quarantined rows with reason, raw text and when a later upload fixed them: one row per
    quarantined line (open ones first, capped)."""
    fixed = _fixed_columns(con)
    return con.sql(
        f"""SELECT file_name, line_no, reason, raw, source, ingest_id, {fixed}
            FROM quarantine
            ORDER BY fixed_at IS NOT NULL, ingest_id DESC, file_name, line_no LIMIT ?""",
        params=[limit],
    ).pl()


def quarantine_reasons(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Rows in quarantine now (`rows`) and fixed by a later upload (`fixed`): one row per reason."""
    fixed = _fixed_columns(con)
    return con.sql(
        f"""SELECT reason, count(*) FILTER (WHERE fixed_at IS NULL) AS rows,
                   count(*) FILTER (WHERE fixed_at IS NOT NULL) AS fixed
            FROM (SELECT reason, {fixed} FROM quarantine)
            GROUP BY reason ORDER BY rows DESC, fixed DESC, reason"""
    ).pl()


def _fixed_columns(con: duckdb.DuckDBPyConnection) -> str:
    """`fixed_at, fixed_by` of the quarantine, or nulls on a database created before them (the
    app opens read-only, so only a writable open adds the columns)."""
    sql = (
        "SELECT count(*) FROM information_schema.columns "
        "WHERE table_name = 'quarantine' AND column_name = 'fixed_at'"
    )
    if con.execute(sql).fetchall()[0][0]:
        return "fixed_at, fixed_by"
    return "NULL::TIMESTAMP AS fixed_at, NULL::VARCHAR AS fixed_by"


def null_counts(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Nulls per column of the events table: one row per column, with the share of rows."""
    selects = ", ".join(f'count(*) - count("{c}") AS "{c}"' for c in EVENT_COLUMNS)
    counts = con.sql(f"SELECT count(*) AS total, {selects} FROM events").pl()  # constant names
    total = int(counts.item(0, "total"))
    return (
        counts.drop("total")
        .unpivot(variable_name="column", value_name="nulls")
        .with_columns(
            (pl.col("nulls") / total if total else pl.lit(None, pl.Float64)).alias("share")
        )
    )


def date_orders(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Date orders inferred per file (day-first, month-first, unambiguous): one row per order."""
    return con.sql(
        """SELECT coalesce(replace(date_order, '_', ' '), 'no ambiguous dates') AS date_order,
                  count(*) AS files,
                  string_agg(file_name, ', ' ORDER BY file_name) AS file_names
           FROM ingest_log GROUP BY 1 ORDER BY files DESC"""
    ).pl()


def duplicate_totals(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Totals over the ingest log (read, loaded, duplicates, conflicts, suppressed) and the rows
    in quarantine now (`quarantined`: the Quarantine tab's number, fixed rows excluded)."""
    return con.sql(
        f"""SELECT coalesce(sum("read"), 0) AS "read", coalesce(sum(loaded), 0) AS loaded,
                   coalesce(sum(duplicates), 0) AS duplicates,
                   coalesce(sum(conflicts), 0) AS conflicts,
                   (SELECT count(*) FROM (SELECT {_fixed_columns(con)} FROM quarantine)
                    WHERE fixed_at IS NULL) AS quarantined,
                   coalesce(sum(suppressed), 0) AS suppressed
            FROM ingest_log"""
    ).pl()


def unmatched_users(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Users in events matching no roster person (none without a roster): one row per user."""
    return con.sql(
        """SELECT person_id AS user, sum(events) AS events, min(day) AS first_day,
                  max(day) AS last_day
           FROM person_day WHERE NOT matched AND EXISTS (SELECT 1 FROM roster)
           GROUP BY person_id ORDER BY events DESC, user"""
    ).pl()


def event_names(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every event name with its count: one row per event name (for passive-event settings)."""
    return con.sql("SELECT event, count(*) AS events FROM events GROUP BY 1 ORDER BY 2 DESC").pl()
