"""Erased people in a newly read roster: other people's references to them become the placeholder.

An old HR export names an erased champion or manager again in other people's `champion_id` /
`manager_id`. Those values are matched the way an erased person's events are suppressed (their
keyed hash is a tombstone, identity.tombstoned_sql) and replaced by `erased-person`, the value
erase_person writes, before the roster is stored (SPEC 3, erasure; docs/privacy.md).
"""

from __future__ import annotations

import duckdb
import polars as pl

from analytics.db import execute
from analytics.ingest.identity import registered_keys, tombstoned_sql
from analytics.ingest.keyring import erasure_keys

ERASED_PERSON = "erased-person"  # the one placeholder: erase_person writes it too
REFERENCE_COLUMNS = ("champion_id", "manager_id")


def erased_values(con: duckdb.DuckDBPyConnection, values: pl.Series) -> list[str]:
    """The distinct values among these whose keyed hash is a tombstone (an erased identity)."""
    keys = erasure_keys(con, create=False)
    distinct = pl.DataFrame({"value": values.cast(pl.String)}).drop_nulls().unique()
    if not keys or distinct.is_empty():
        return []
    con.register("candidate_values", distinct)
    try:
        with registered_keys(con, keys):
            sql = f"SELECT value FROM candidate_values WHERE {tombstoned_sql('value')}"
            return [row[0] for row in execute(con, sql).fetchall()]
    finally:
        con.unregister("candidate_values")


def redact_erased_references(
    con: duckdb.DuckDBPyConnection, roster: pl.DataFrame
) -> tuple[pl.DataFrame, int]:
    """The roster with champion_id / manager_id naming an erased person replaced by
    `erased-person`, and how many values were replaced."""
    columns = [c for c in REFERENCE_COLUMNS if c in roster.columns]
    if not columns:
        return roster, 0
    erased = erased_values(con, pl.concat([roster[c] for c in columns]))
    if not erased:
        return roster, 0
    hits = [pl.col(c).is_in(erased).fill_null(False) for c in columns]
    replaced = int(roster.select(pl.sum_horizontal(hits).sum()).item())
    redacted = roster.with_columns(
        pl.when(hit).then(pl.lit(ERASED_PERSON)).otherwise(pl.col(c)).alias(c)
        for c, hit in zip(columns, hits, strict=True)
    )
    return redacted, replaced
