"""Erasure on request (`adoption erase USER`, SPEC 3): delete a person, keep only a keyed hash.

In one DuckDB transaction: the person's events and roster row are deleted, so are quarantine rows
whose user or raw text holds them (identity.identity_tokens, the rule ingest suppresses by) or
whose raw text holds their full roster name (identity.holds_full_name);
other people's references to them (champion_id, manager_id, event properties) become
`erased-person`; HMAC-SHA256 hashes of their identities go to `tombstones` under the newest
erasure key (kept outside the database, analytics.ingest.keyring). The database is then copied
into a fresh file and swapped in, so no free block keeps their bytes. In the app state their
outreach rows are deleted, references in other contacts and in the audit log are replaced, and
the file is vacuumed. One audit entry records the erasure, without the identity.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from analytics.db import bump_ingest_version, connection, copy_to_fresh_file, swap_in, transaction
from analytics.ingest.identity import (
    holds_full_name,
    holds_identity,
    is_identity,
    keys_frame,
    normalise_user,
    redact_identities,
)
from analytics.ingest.keyring import ErasureKey, erasure_keys
from analytics.ingest.suppress import ERASED_PERSON
from analytics.rollup.days import erase_rollup_days

if TYPE_CHECKING:
    from analytics.privacy.roles import Viewer
    from analytics.settings import Settings


TOMBSTONE_SQL = """
INSERT OR IGNORE INTO tombstones (identity_hash, erased_at, key_id)
SELECT sha256(k.opad || unhex(sha256(k.ipad || encode(identity)))), ?, k.key_id
FROM (SELECT unnest(?::VARCHAR[]) AS identity), erasure_keys AS k
"""


@dataclass(frozen=True)
class Person:
    """Who is erased: the roster id (or the value given), every identity, and their names."""

    person_id: str
    identities: tuple[str, ...]
    names: tuple[str, ...]


@dataclass(frozen=True)
class Erasure:
    """What one erasure removed (rows deleted) and neutralised (references replaced)."""

    person: str
    identities: tuple[str, ...]
    events: int
    quarantine_rows: int
    roster_rows: int
    outreach_rows: int
    champion_references: int = 0
    manager_references: int = 0
    event_references: int = 0
    outreach_references: int = 0
    audit_entries: int = 0
    kpi_rows: int = 0
    survey_rows: int = 0

    @property
    def deleted(self) -> int:
        """Rows deleted: events, quarantine, roster, outreach, KPI and named survey rows."""
        return (
            self.events
            + self.quarantine_rows
            + self.roster_rows
            + self.outreach_rows
            + self.kpi_rows
            + self.survey_rows
        )

    @property
    def references(self) -> int:
        """References to the person in other rows replaced by `erased-person`."""
        return (
            self.champion_references
            + self.manager_references
            + self.event_references
            + self.outreach_references
            + self.audit_entries
        )

    def counts(self) -> dict[str, int]:
        """Every count by kind (no identity): what the report and the audit entry show."""
        return {k: v for k, v in asdict(self).items() if isinstance(v, int)}

    def to_text(self) -> str:
        """The counts, as printed by `adoption erase`."""
        return "\n".join(
            [
                f"erased {self.person}",
                f"  events deleted: {self.events}",
                f"  quarantine rows deleted: {self.quarantine_rows}",
                f"  roster rows deleted: {self.roster_rows}",
                f"  outreach rows deleted: {self.outreach_rows}",
                f"  KPI rows deleted: {self.kpi_rows}",
                f"  survey answers deleted: {self.survey_rows}",
                f"  champion references replaced: {self.champion_references}",
                f"  manager references replaced: {self.manager_references}",
                f"  event property references replaced: {self.event_references}",
                f"  outreach references replaced: {self.outreach_references}",
                f"  audit entries replaced: {self.audit_entries}",
                f"  references now read {ERASED_PERSON!r}; the database files were rewritten",
                "  future ingests of this person's rows are suppressed",
            ]
        )


def resolve_person(con: duckdb.DuckDBPyConnection, user: str) -> Person:
    """The person (roster id when on the roster), every identity they appear under, names."""
    rows = con.execute(
        "SELECT user_id, email, name, github_login FROM roster "
        "WHERE user_id = ? OR email = lower(?)",
        [user, user],
    ).fetchall()
    if not rows:
        return Person(user, (user,), ())
    person, email, name, login = rows[0]
    github = f"github:{login}" if login else None  # how GitHub Copilot rows name them (SPEC 10)
    identities = tuple(dict.fromkeys(v for v in (person, email, github, user) if v))
    return Person(person, identities, (name.strip(),) if name and name.strip() else ())


def _count(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> int:
    """Run a DELETE or UPDATE and return how many rows it changed."""
    return con.execute(sql, params).fetchall()[0][0]


def _quarantine_hits(
    con: duckdb.DuckDBPyConnection, identities: list[str], names: Sequence[str] = ()
) -> pl.DataFrame:
    """Row ids of quarantine rows whose user or raw text holds the person, or whose raw text
    holds their full roster name (holds_full_name), one row each."""
    rows = con.sql("SELECT rowid AS rid, user_key, raw FROM quarantine").pl()
    hit = (
        pl.col("user_key").is_in(identities).fill_null(False)
        | holds_identity(pl.col("raw"), identities)
        | holds_full_name(pl.col("raw"), names)
    )
    return rows.filter(hit).select("rid")


def _delete_quarantine(
    con: duckdb.DuckDBPyConnection, identities: list[str], names: Sequence[str] = ()
) -> int:
    """Delete the person's quarantine rows (the rule ingest suppresses by, plus their full
    name); how many."""
    hits = _quarantine_hits(con, identities, names)
    con.register("erased_rows", hits)
    try:
        sql = "DELETE FROM quarantine WHERE rowid IN (SELECT rid FROM erased_rows)"
        return _count(con, sql, [])
    finally:
        con.unregister("erased_rows")


def _redact_event_properties(con: duckdb.DuckDBPyConnection, person: Person) -> int:
    """Replace the person in other events' properties (a text pre-filter, then the token rule)."""
    words = [w.lower() for w in (*person.identities, *person.names)]
    candidates = con.sql(
        "SELECT rowid AS rid, properties FROM events WHERE properties IS NOT NULL "
        "AND list_bool_or([contains(lower(properties), w) FOR w IN ?::VARCHAR[]])",
        params=[words],
    ).pl()
    redacted = candidates.with_columns(
        redact_identities(pl.col("properties"), person.identities, person.names, ERASED_PERSON)
        .replace(ERASED_PERSON, "{}")  # a property text replaced whole stays valid JSON
        .alias("new")
    ).filter(pl.col("new") != pl.col("properties"))
    con.register("redacted_events", redacted.select("rid", "new"))
    try:
        sql = (
            "UPDATE events SET properties = r.new FROM redacted_events AS r "
            "WHERE events.rowid = r.rid"
        )
        return _count(con, sql, [])
    finally:
        con.unregister("redacted_events")


def _replace_roster_reference(con: duckdb.DuckDBPyConnection, column: str, ids: list[str]) -> int:
    """Point other roster rows' champion_id or manager_id at the placeholder; how many."""
    sql = f"UPDATE roster SET {column} = ? WHERE {column} IN (SELECT unnest(?::VARCHAR[]))"
    return _count(con, sql, [ERASED_PERSON, ids])


def _store_tombstones(con: duckdb.DuckDBPyConnection, key: ErasureKey, ids: list[str]) -> None:
    """Keyed hashes of every identity under the newest key (its key_id kept beside them)."""
    con.register("erasure_keys", keys_frame([key]))
    try:
        con.execute(TOMBSTONE_SQL, [dt.datetime.now(dt.UTC).replace(tzinfo=None), ids])
    finally:
        con.unregister("erasure_keys")


def _erase_in_database(
    con: duckdb.DuckDBPyConnection, target: str, settings: Settings
) -> tuple[Erasure, Person]:
    """Every DuckDB step of an erasure, inside the caller's transaction."""
    # deferred: ingest must not import the app state or privacy layers at module load (layer order)
    from analytics.activity import rebuild_person_day

    person = resolve_person(con, target)
    ids = list(person.identities)
    events = _count(con, "DELETE FROM events WHERE user_id IN (SELECT unnest(?))", [ids])
    # licence rows of vendor exports (SPEC 10) are the person's rows too: counted with the events
    events += _count(con, "DELETE FROM licences WHERE user_id IN (SELECT unnest(?))", [ids])
    events += erase_rollup_days(con, ids)  # person-days loaded from a rollup: theirs too
    erasure = Erasure(
        person=person.person_id,
        identities=person.identities,
        events=events,
        quarantine_rows=_delete_quarantine(con, ids, person.names),
        roster_rows=_count(
            con,
            "DELETE FROM roster WHERE user_id IN (SELECT unnest(?)) OR email IN (SELECT unnest(?))",
            [ids, ids],
        ),
        outreach_rows=0,
        champion_references=_replace_roster_reference(con, "champion_id", ids),
        manager_references=_replace_roster_reference(con, "manager_id", ids),
        event_references=_redact_event_properties(con, person),
        kpi_rows=_count(con, "DELETE FROM kpis WHERE person IN (SELECT unnest(?))", [ids]),
        survey_rows=_count(con, "DELETE FROM survey WHERE person IN (SELECT unnest(?))", [ids]),
    )
    _store_tombstones(con, erasure_keys(con, create=True)[0], ids)
    rebuild_person_day(con, timezone=settings.timezone, passive_events=settings.passive_events)
    bump_ingest_version(con)
    return erasure, person


def _erase_in_state(db: Path | str, person: Person) -> dict[str, int]:
    """Delete the person's outreach rows, replace references to them, vacuum the state file."""
    # deferred: ingest must not import the app state or privacy layers at module load (layer order)
    from analytics.state import store

    ids = list(person.identities)
    deleted = store.delete_outreach_of(db, person_ids=ids)
    outreach = store.outreach_frame(db)
    changed_outreach = _redacted(outreach, ["owner", "logged_by"], ["note"], person)
    store.update_outreach_rows(db, rows=changed_outreach)
    audit = store.audit_frame(db)
    changed_audit = _redacted(audit, ["who"], ["filters"], person)
    store.update_audit_rows(db, rows=changed_audit)
    store.vacuum(db)
    return {
        "outreach_rows": deleted,
        "outreach_references": changed_outreach.height,
        "audit_entries": changed_audit.height,
    }


def _redacted(
    frame: pl.DataFrame, whole: list[str], free_text: list[str], person: Person
) -> pl.DataFrame:
    """The rows of frame that mention the person, with those values replaced (same columns)."""
    ids = list(person.identities)
    replaced = frame.with_columns(
        *(
            pl.when(is_identity(pl.col(c), ids))
            .then(pl.lit(ERASED_PERSON))
            .otherwise(pl.col(c))
            .alias(c)
            for c in whole
        ),
        *(
            redact_identities(pl.col(c), ids, person.names, ERASED_PERSON).alias(c)
            for c in free_text
        ),
    )
    changed = pl.any_horizontal(pl.col(c).ne_missing(frame[c]) for c in (*whole, *free_text))
    return replaced.filter(changed)


def erase_person(db: Path | str, user: str, *, viewer: Viewer | None = None) -> Erasure:
    """Erase one person everywhere (see the module docstring) and return the counts; with a
    viewer, also write the one audit entry of the erasure (counts only, no identity)."""
    # deferred: ingest must not import the app state or privacy layers at module load (layer order)
    from analytics.state.store import get_settings

    settings = get_settings(db)
    target = normalise_user(user)
    if target is None:
        raise ValueError("give the user id or e-mail of the person to erase")
    with connection(db, retry_seconds=settings.busy_retry_seconds) as con:
        with transaction(con):
            erasure, person = _erase_in_database(con, target, settings)
        fresh = copy_to_fresh_file(con, db)
    swap_in(fresh, db)
    erasure = Erasure(**{**asdict(erasure), **_erase_in_state(db, person)})
    if viewer is not None:
        audit_erasure(db, viewer, erasure)
    return erasure


def audit_erasure(db: Path | str, viewer: Viewer, erasure: Erasure) -> None:
    """The audit entry of an erasure: who, role, `erase person`, counts by kind; no identity."""
    # deferred: ingest must not import the app state or privacy layers at module load (layer order)
    from analytics.privacy.audit import ERASE, audit_view

    counts = {k: v for k, v in erasure.counts().items() if v}
    audit_view(db, viewer, ERASE, filters=counts, row_count=erasure.deleted)


def erase_command(*, user: str, db: Path | str) -> int:
    """`adoption erase USER`: erase, audit as the command-line operator, print the counts."""
    # deferred: ingest must not import the app state or privacy layers at module load (layer order)
    from analytics.privacy.roles import command_line_viewer

    try:
        erasure = erase_person(db, user, viewer=command_line_viewer())
    except ValueError as error:
        print(f"adoption: {error}")
        return 2
    print(erasure.to_text())
    return 0
