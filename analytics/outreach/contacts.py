"""Logging a contact (who reached whom, when, how, with what note) into the app state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from analytics.state import store
from analytics.state.models import Outreach

CHANNELS: tuple[str, ...] = ("in person", "video call", "phone", "chat", "email", "workshop")
MAX_NOTE_CHARS = 2000


def log_contact(
    db: Path | str,
    *,
    person_id: str,
    contacted_on: dt.date,
    channel: str,
    owner: str = "",
    segment: str = "",
    note: str = "",
    logged_by: str = "",
) -> Outreach:
    """Store one contact and return it with its id (ValueError for a missing person or channel).

    The note is kept as typed (stored verbatim, shown as text), up to MAX_NOTE_CHARS characters.
    """
    person_id = (person_id or "").strip()
    channel = (channel or "").strip()
    if not person_id:
        raise ValueError("a contact needs the person contacted")
    if not channel:
        raise ValueError("a contact needs a channel (e.g. " + ", ".join(CHANNELS) + ")")
    if not isinstance(contacted_on, dt.date) or isinstance(contacted_on, dt.datetime):
        raise ValueError("contacted_on must be a date")
    if len(note or "") > MAX_NOTE_CHARS:
        raise ValueError(f"the note is longer than {MAX_NOTE_CHARS} characters")
    contact = Outreach(
        person_id=person_id,
        contacted_on=contacted_on,
        channel=channel,
        owner=owner or "",
        segment=segment or "",
        note=note or "",
        logged_by=logged_by or "",
    )
    return store.log_outreach(db, contact=contact)
