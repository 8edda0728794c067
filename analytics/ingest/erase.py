"""Erasure on request (`adoption erase USER`, SPEC 3): delete a person, keep only a keyed hash.

The person's events, quarantine rows, roster row and outreach rows are deleted in one
transaction; HMAC-SHA256 hashes of their id and e-mail go to `tombstones` so that a later
ingest of an old export counts their rows as `suppressed` instead of loading them again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.db import bump_ingest_version, connection, transaction
from analytics.ingest.identity import hmac_key, hmac_params, hmac_sql, normalise_user

# A quarantined row may carry the identity only in its raw text (a row with the wrong number of
# fields has no parsed user): it matches when the identity is a whole field of the raw line.
_TOKEN_EDGE = r"[^\w.@+-]"

TOMBSTONE_SQL = """
INSERT OR IGNORE INTO tombstones
SELECT {hmac}, ? FROM (SELECT unnest(?::VARCHAR[]) AS identity)
"""


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed."""

    person: str
    identities: tuple[str, ...]
    events: int
    quarantine_rows: int
    roster_rows: int
    outreach_rows: int

    def to_text(self) -> str:
        """The counts deleted, as printed by `adoption erase`."""
        return "\n".join(
            [
                f"erased {self.person}",
                f"  events deleted: {self.events}",
                f"  quarantine rows deleted: {self.quarantine_rows}",
                f"  roster rows deleted: {self.roster_rows}",
                f"  outreach rows deleted: {self.outreach_rows}",
                "  future ingests of this person's rows are suppressed",
            ]
        )


def resolve_identities(con: duckdb.DuckDBPyConnection, user: str) -> tuple[str, tuple[str, ...]]:
    """The person (roster id when on the roster) and every identity they appear under."""
    rows = con.execute(
        "SELECT user_id, email FROM roster WHERE user_id = ? OR email = lower(?)", [user, user]
    ).fetchall()
    if not rows:
        return user, (user,)
    person, email = rows[0]
    identities = dict.fromkeys(v for v in (person, email, user) if v)
    return person, tuple(identities)


def _raw_pattern(identities: tuple[str, ...]) -> str:
    """A regex matching any identity as a whole field of a raw line (case-insensitive)."""
    alternatives = "|".join(re.escape(i) for i in identities)
    return f"(?i)(^|{_TOKEN_EDGE})({alternatives})($|{_TOKEN_EDGE})"


def _deleted(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    """Run a DELETE and return how many rows it removed."""
    return con.execute(sql, params).fetchall()[0][0]


def erase_person(db: Path | str, user: str) -> Erasure:
    """Delete one person everywhere and store their keyed hashes; rebuilds person_day."""
    from analytics.activity import rebuild_person_day
    from analytics.state.store import delete_person_state, get_settings

    settings = get_settings(db)
    target = normalise_user(user)
    if target is None:
        raise ValueError("give the user id or e-mail of the person to erase")
    with connection(db) as con, transaction(con):
        person, identities = resolve_identities(con, target)
        ids = list(identities)
        events = _deleted(con, "DELETE FROM events WHERE user_id IN (SELECT unnest(?))", [ids])
        quarantined = _deleted(
            con,
            "DELETE FROM quarantine WHERE user_key IN (SELECT unnest(?)) "
            "OR regexp_matches(coalesce(raw, ''), ?)",
            [ids, _raw_pattern(identities)],
        )
        roster = _deleted(con, "DELETE FROM roster WHERE user_id = ?", [person])
        key = hmac_key(con, create=True)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.execute(TOMBSTONE_SQL.format(hmac=hmac_sql("identity")), [*hmac_params(key), now, ids])
        rebuild_person_day(con, timezone=settings.timezone, passive_events=settings.passive_events)
        bump_ingest_version(con)
        outreach = sum(delete_person_state(db, person_id=i) for i in identities)
    return Erasure(person, identities, events, quarantined, roster, outreach)


def erase_command(*, user: str, db: Path | str) -> int:
    """`adoption erase USER`: erase, audit (no identity in the audit text), print the counts."""
    from analytics.state.store import audit

    try:
        erasure = erase_person(db, user)
    except ValueError as error:
        print(f"adoption: {error}")
        return 2
    deleted = erasure.events + erasure.quarantine_rows + erasure.roster_rows + erasure.outreach_rows
    audit(db, who="cli", role="product_manager", what="erase", row_count=deleted)
    print(erasure.to_text())
    return 0
