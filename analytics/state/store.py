"""Read and write the app state (SQLite beside the DuckDB file) through SQLModel."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
from polars._typing import PolarsDataType
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, create_engine, delete, select, update

from analytics.db import state_path_for
from analytics.files import make_private_dir, protect_file
from analytics.settings import Settings, from_stored, stored_json, validated_value
from analytics.state.models import (
    AuditEntry,
    Delivery,
    DigestSent,
    Outreach,
    SettingValue,
    Wave,
)
from analytics.tables import OUTREACH_LOG_SCHEMA, PLAN

_ENGINES: dict[str, Engine] = {}


def engine_for(db_path: Path | str) -> Engine:
    """One SQLAlchemy engine per state file, tables created on first use."""
    state = state_path_for(db_path)
    key = str(state.resolve())
    if key not in _ENGINES:
        make_private_dir(state.parent)
        engine = create_engine(f"sqlite:///{state}", connect_args={"check_same_thread": False})
        SQLModel.metadata.create_all(engine)
        protect_file(state)  # SQLite gives its journals the database file's mode
        _ENGINES[key] = engine
    return _ENGINES[key]


def get_settings(db_path: Path | str) -> Settings:
    """Every setting: the stored value where a valid one was saved, else the default."""
    with Session(engine_for(db_path)) as session:
        rows = session.exec(select(SettingValue)).all()
        return from_stored({row.name: json.loads(row.value_json) for row in rows})


def set_setting(db_path: Path | str, *, name: str, value: Any) -> None:
    """Validate and store one setting (KeyError: not a setting; SettingError: a bad value)."""
    value = validated_value(name, value)
    with Session(engine_for(db_path)) as session:
        session.merge(SettingValue(name=name, value_json=stored_json(name, value)))
        session.commit()


def get_plan(db_path: Path | str) -> list[Wave]:
    """The rollout plan's waves, by number (empty list: no plan)."""
    with Session(engine_for(db_path)) as session:
        return list(session.exec(select(Wave).order_by(col(Wave.number))))


def save_plan(db_path: Path | str, *, waves: list[Wave]) -> None:
    """Replace the whole plan with these waves."""
    with Session(engine_for(db_path)) as session:
        session.exec(delete(Wave))
        for wave in waves:
            session.add(Wave.model_validate(wave.model_dump()))
        session.commit()


def plan_frame(db_path: Path | str) -> pl.DataFrame:
    """The plan as a frame: one row per wave (wave, name, start, planned_size)."""
    rows = [
        {c.name: getattr(wave, c.stored_as or c.name) for c in PLAN.columns}
        for wave in get_plan(db_path)
    ]
    return pl.DataFrame(rows, schema=PLAN.schema)


def log_outreach(db_path: Path | str, *, contact: Outreach) -> Outreach:
    """Store one outreach contact and return it with its id."""
    with Session(engine_for(db_path)) as session:
        session.add(contact)
        session.commit()
        session.refresh(contact)
        return contact


def outreach_frame(db_path: Path | str) -> pl.DataFrame:
    """Every logged contact: one row per contact."""
    with Session(engine_for(db_path)) as session:
        rows = [o.model_dump() for o in session.exec(select(Outreach).order_by(col(Outreach.id)))]
    return pl.DataFrame(rows, schema=OUTREACH_LOG_SCHEMA)


def audit(
    db_path: Path | str, *, who: str, role: str, what: str, filters: str = "", row_count: int = 0
) -> None:
    """Append an audit entry (individual-level view, export or erasure)."""
    with Session(engine_for(db_path)) as session:
        session.add(
            AuditEntry(
                who=who,
                role=role,
                what=what,
                filters=filters,
                row_count=row_count,
                at=dt.datetime.now(dt.UTC),
            )
        )
        session.commit()


def audit_frame(db_path: Path | str) -> pl.DataFrame:
    """The audit log, newest first."""
    with Session(engine_for(db_path)) as session:
        rows = [a.model_dump() for a in session.exec(select(AuditEntry))]
    schema: dict[str, PolarsDataType] = {
        "id": pl.Int64,
        "at": pl.Datetime("us", "UTC"),
        "who": pl.String,
        "role": pl.String,
        "what": pl.String,
        "filters": pl.String,
        "row_count": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort("id", descending=True)


def delete_person_state(db_path: Path | str, *, person_id: str) -> int:
    """Erasure: delete a person's outreach rows; returns how many."""
    return delete_outreach_of(db_path, person_ids=[person_id])


def delete_outreach_of(db_path: Path | str, *, person_ids: list[str]) -> int:
    """Erasure: delete the outreach rows about these person ids; returns how many."""
    with Session(engine_for(db_path)) as session:
        result = session.exec(delete(Outreach).where(col(Outreach.person_id).in_(person_ids)))
        session.commit()
        return result.rowcount


def update_outreach_rows(db_path: Path | str, *, rows: pl.DataFrame) -> None:
    """Rewrite owner, logged_by and note of the outreach rows given by id (erasure)."""
    if rows.is_empty():
        return
    with Session(engine_for(db_path)) as session:
        session.execute(
            update(Outreach), rows.select("id", "owner", "logged_by", "note").to_dicts()
        )
        session.commit()


def update_audit_rows(db_path: Path | str, *, rows: pl.DataFrame) -> None:
    """Rewrite who and filters of the audit entries given by id (erasure)."""
    if rows.is_empty():
        return
    with Session(engine_for(db_path)) as session:
        session.execute(update(AuditEntry), rows.select("id", "who", "filters").to_dicts())
        session.commit()


def already_sent(
    db_path: Path | str, *, week: dt.date, role: str, channel: str
) -> set[tuple[str, str]]:
    """The (rule, subject) pairs already delivered to this role over this channel this week."""
    with Session(engine_for(db_path)) as session:
        rows = session.exec(
            select(DigestSent).where(
                DigestSent.week == week, DigestSent.role == role, DigestSent.channel == channel
            )
        ).all()
        return {(row.rule, row.subject) for row in rows}


def mark_sent(
    db_path: Path | str,
    *,
    keys: list[tuple[str, str]],
    week: dt.date,
    role: str,
    channel: str,
) -> None:
    """Record (rule, subject) pairs as delivered to a role over a channel this week."""
    with Session(engine_for(db_path)) as session:
        for rule, subject in keys:
            session.merge(
                DigestSent(rule=rule, subject=subject, week=week, role=role, channel=channel)
            )
        session.commit()


def record_delivery(db_path: Path | str, *, delivery: Delivery) -> None:
    """Append one delivery outcome (sent or failed) to the log."""
    with Session(engine_for(db_path)) as session:
        session.add(delivery)
        session.commit()


def deliveries_frame(db_path: Path | str, limit: int = 50) -> pl.DataFrame:
    """The latest digest deliveries, newest first: one row per send or failure."""
    with Session(engine_for(db_path)) as session:
        query = select(Delivery).order_by(col(Delivery.id).desc()).limit(limit)
        rows = [d.model_dump() for d in session.exec(query)]
    schema: dict[str, PolarsDataType] = {
        "id": pl.Int64,
        "at": pl.Datetime("us", "UTC"),
        "role": pl.String,
        "channel": pl.String,
        "target": pl.String,
        "title": pl.String,
        "status": pl.String,
        "attempts": pl.Int64,
        "error": pl.String,
    }
    return pl.DataFrame(rows, schema=schema)


def vacuum(db_path: Path | str) -> None:
    """Rebuild the state file so deleted and overwritten values leave no bytes in free pages."""
    with engine_for(db_path).connect().execution_options(isolation_level="AUTOCOMMIT") as con:
        con.exec_driver_sql("VACUUM")
    protect_file(state_path_for(db_path))
