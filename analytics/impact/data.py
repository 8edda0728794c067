"""Read the KPI and survey tables (the only I/O of the impact package)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analytics.db import connection, table_names
from analytics.tables import KPIS, SURVEY


def read_table(db: Path | str, name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A whole small table (empty with its schema when the file or table is absent)."""
    if not Path(db).exists():
        return pl.DataFrame(schema=schema)
    with connection(db, read_only=True) as con:
        if name not in table_names(con):
            return pl.DataFrame(schema=schema)
        return con.sql(f"SELECT {', '.join(schema)} FROM {name}").pl().cast(schema)


def read_kpis(db: Path | str) -> pl.DataFrame:
    """One row per person (as written), week and KPI: person, week, kpi, value."""
    schema = {k: v for k, v in KPIS.schema.items() if k in ("person", "week", "kpi", "value")}
    return read_table(db, "kpis", schema)


def read_survey(db: Path | str) -> pl.DataFrame:
    """One row per survey answer: person, team, date and the five ADKAR scores."""
    schema = {k: v for k, v in SURVEY.schema.items() if k not in ("file_name", "line_no")}
    return read_table(db, "survey", schema)
