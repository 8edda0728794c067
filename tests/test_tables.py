"""The table declarations of analytics/tables.py agree with the SQLModel and DuckDB tables."""

from __future__ import annotations

import datetime as dt
import types
from pathlib import Path
from typing import Any, Union, get_args, get_origin

import polars as pl
import pytest
from sqlmodel import SQLModel

from analytics.db import connection
from analytics.state.models import Outreach, Wave
from analytics.tables import OUTREACH, OUTREACH_LOG_SCHEMA, PLAN, ROSTER, Table

PYTHON_TYPES = {
    int: pl.Int64(),
    str: pl.String(),
    dt.date: pl.Date(),
    dt.datetime: pl.Datetime("us", "UTC"),
}


def _polars_type(annotation: Any) -> pl.DataType:
    """The polars type of a model field's annotation (Optional unwrapped)."""
    if get_origin(annotation) in (Union, types.UnionType):
        (annotation,) = [a for a in get_args(annotation) if a is not type(None)]
    return PYTHON_TYPES[annotation]


def _model_schema(model: type[SQLModel], table: Table) -> dict[str, pl.DataType]:
    """The model's fields under the declaration's names, typed as polars types."""
    renamed = {c.stored_as: c.name for c in table.columns if c.stored_as}
    return {
        renamed.get(name, name): _polars_type(field.annotation)
        for name, field in model.model_fields.items()
    }


@pytest.mark.parametrize(
    ("model", "table", "expected"),
    [(Wave, PLAN, PLAN.schema), (Outreach, OUTREACH, OUTREACH_LOG_SCHEMA)],
)
def test_sqlmodel_tables_match_their_declaration(
    model: type[SQLModel], table: Table, expected: dict[str, pl.DataType]
) -> None:
    assert _model_schema(model, table) == expected


def test_the_duckdb_roster_is_created_from_its_declaration(db_path: Path) -> None:
    with connection(db_path) as con:
        rows = con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'roster' "
            "ORDER BY ordinal_position"
        ).fetchall()
    assert [name for (name,) in rows] == ROSTER.names
