"""One declaration per shared table: its columns with their polars and SQL types.

The DuckDB DDL of `roster` and `person_day`, the polars schemas the metrics conform to, the
column lists of SQL statements and the SQLite reads of the plan and outreach log are all derived
from these declarations. The SQLModel tables of analytics/state/models.py declare the same plan
and outreach columns for SQLAlchemy; tests/test_tables.py checks that both agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

SQL_TYPES: dict[type[pl.DataType], str] = {  # DuckDB types of the polars types used
    pl.String: "VARCHAR",
    pl.Boolean: "BOOLEAN",
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.Date: "DATE",
    pl.Float64: "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """A column: name, polars type, SQL constraint text and, when stored under another name,
    the stored name (the plan's `wave` is stored as `number`)."""

    name: str
    dtype: pl.DataType
    constraint: str = ""
    stored_as: str | None = None

    @property
    def sql_type(self) -> str:
        """The DuckDB type of the column."""
        return SQL_TYPES[type(self.dtype)]


@dataclass(frozen=True)
class Table:
    """A table's name and columns, in order."""

    name: str
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return [c.name for c in self.columns]

    @property
    def schema(self) -> dict[str, pl.DataType]:
        """The polars schema frames of this table are conformed to."""
        return {c.name: c.dtype for c in self.columns}

    def ddl(self) -> str:
        """CREATE TABLE IF NOT EXISTS for DuckDB."""
        body = ", ".join(f"{c.name} {c.sql_type} {c.constraint}".strip() for c in self.columns)
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({body});"

    def select_sql(self, stored_name: str, order_by: str) -> str:
        """A SELECT reading the stored table under these column names (SQLite app state)."""
        listed = ", ".join(
            f"{c.stored_as} AS {c.name}" if c.stored_as else c.name for c in self.columns
        )
        return f"SELECT {listed} FROM {stored_name} ORDER BY {order_by}"


def _columns(**dtypes: pl.DataType) -> tuple[Column, ...]:
    """Plain columns from name=dtype pairs, in order."""
    return tuple(Column(name, dtype) for name, dtype in dtypes.items())


ROSTER = Table(
    "roster",
    (
        Column("user_id", pl.String(), "PRIMARY KEY"),
        *_columns(
            name=pl.String(),
            email=pl.String(),
            team=pl.String(),
            region=pl.String(),
            manager_id=pl.String(),
            role=pl.String(),
            is_champion=pl.Boolean(),
            champion_id=pl.String(),
            wave=pl.Int64(),
            training_completed_on=pl.Date(),
            active=pl.Boolean(),
            flags=pl.String(),  # JSON list of the roster checks a row failed
            github_login=pl.String(),  # optional: GitHub login, lower-cased (SPEC 10)
        ),
    ),
)
ROSTER_FILE_COLUMNS = tuple(name for name in ROSTER.names if name != "flags")  # a roster CSV's
ROSTER_OPTIONAL_COLUMNS = ("github_login",)  # written to a roster CSV only when it has values

PLAN = Table(  # one row per wave; SQLModel table `wave` (analytics/state/models.py)
    "plan",
    (
        Column("wave", pl.Int64(), stored_as="number"),
        *_columns(name=pl.String(), start=pl.Date(), planned_size=pl.Int64()),
    ),
)

OUTREACH = Table(  # one row per logged contact; SQLModel table `outreach`
    "outreach",
    _columns(
        id=pl.Int64(),
        person_id=pl.String(),
        contacted_on=pl.Date(),
        channel=pl.String(),
        owner=pl.String(),
        segment=pl.String(),
        note=pl.String(),
    ),
)
OUTREACH_LOG_SCHEMA: dict[str, pl.DataType] = {  # the store's full log, with who logged it
    **OUTREACH.schema,
    "logged_at": pl.Datetime("us", "UTC"),
    "logged_by": pl.String(),
}

KPIS = Table(  # one row per person, week and KPI (SPEC 13); `person` as written, normalised
    "kpis",
    _columns(
        person=pl.String(),
        week=pl.Date(),  # its Monday
        kpi=pl.String(),
        value=pl.Float64(),
        file_name=pl.String(),
        line_no=pl.Int64(),
        ingest_id=pl.Int64(),
    ),
)

SURVEY = Table(  # one row per pulse-survey answer (SPEC 13): a person's, or anonymous with team
    "survey",
    _columns(
        response_key=pl.String(),  # person|date, or team|date|answers|occurrence (dedupe key)
        person=pl.String(),
        team=pl.String(),
        date=pl.Date(),
        awareness=pl.Int64(),
        desire=pl.Int64(),
        knowledge=pl.Int64(),
        ability=pl.Int64(),
        reinforcement=pl.Int64(),
        file_name=pl.String(),
        line_no=pl.Int64(),
        ingest_id=pl.Int64(),
    ),
)
ADKAR = ("awareness", "desire", "knowledge", "ability", "reinforcement")
