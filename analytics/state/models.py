"""SQLModel tables of the app state: rollout plan, settings, outreach log and audit log."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class WaveBase(SQLModel):
    """A rollout wave as the plan states it (planned_size None = everyone else)."""

    number: int = Field(primary_key=True)
    name: str
    start: dt.date
    planned_size: int | None = None


class Wave(WaveBase, table=True):
    """Stored wave of the rollout plan."""


class SettingValue(SQLModel, table=True):
    """A setting changed from its default; the value is stored as JSON text."""

    name: str = Field(primary_key=True)
    value_json: str


class OutreachBase(SQLModel):
    """One logged contact with a person who has not (fully) adopted."""

    person_id: str = Field(index=True)
    contacted_on: dt.date
    channel: str
    owner: str = ""
    segment: str = ""
    note: str = ""


class Outreach(OutreachBase, table=True):
    """Stored outreach contact."""

    id: int | None = Field(default=None, primary_key=True)
    logged_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    logged_by: str = ""


class AuditEntry(SQLModel, table=True):
    """Who looked at individual-level data, exported or erased, and when (no event values)."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    who: str
    role: str
    what: str
    filters: str = ""
    row_count: int = 0


class DigestSent(SQLModel, table=True):
    """A digest or alert delivered to one role over one channel in one week (sent once)."""

    rule: str = Field(primary_key=True)  # "digest" or an alert rule
    subject: str = Field(primary_key=True)  # what it is about: a team, a wave, a champion id
    week: dt.date = Field(primary_key=True)  # the Monday of the as-of day's week
    role: str = Field(primary_key=True)
    channel: str = Field(primary_key=True)  # "email" or "webhook"
    sent_at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))


class Delivery(SQLModel, table=True):
    """One attempt series to deliver a digest message: sent or failed, with the error."""

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=lambda: dt.datetime.now(dt.UTC))
    role: str
    channel: str
    target: str  # recipients or the webhook's host (never its secret path)
    title: str
    status: str  # "sent" or "failed"
    attempts: int
    error: str = ""
