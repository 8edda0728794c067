"""Read the KPI and survey tables (the only I/O of the impact package), people resolved.

Each row's `person` (an id or an e-mail, as written) is resolved to the roster person through
the shared `identities()` macro of analytics/db.py, the rule events are resolved by: the value
as written, else lower-cased and trimmed (an e-mail in any case). `person_id` is null for an
anonymous answer or a value that matches nobody.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analytics.db import connection, table_names
from analytics.tables import KPIS, SURVEY

RESOLVED_SQL = """
SELECT {columns}, coalesce(exact.person_id, folded.person_id) AS person_id
FROM {table} AS t
LEFT JOIN identities() AS exact ON exact.key = t.person
LEFT JOIN identities() AS folded ON folded.key = lower(trim(t.person))
"""


def read_resolved(db: Path | str, name: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """A whole small table with `person_id` (empty with its schema when absent)."""
    full = {**schema, "person_id": pl.String()}
    if not Path(db).exists():
        return pl.DataFrame(schema=full)
    with connection(db, read_only=True) as con:
        if name not in table_names(con):
            return pl.DataFrame(schema=full)
        columns = ", ".join(f"t.{column}" for column in schema)
        return con.sql(RESOLVED_SQL.format(columns=columns, table=name)).pl().cast(full)


def read_kpis(db: Path | str) -> pl.DataFrame:
    """One row per person (as written), week and KPI: person, week, kpi, value, person_id."""
    schema = {k: v for k, v in KPIS.schema.items() if k in ("person", "week", "kpi", "value")}
    return read_resolved(db, "kpis", schema)


def read_survey(db: Path | str) -> pl.DataFrame:
    """One row per survey answer: person, team, date, the five ADKAR scores and person_id."""
    schema = {k: v for k, v in SURVEY.schema.items() if k not in ("file_name", "line_no")}
    return read_resolved(db, "survey", schema)
