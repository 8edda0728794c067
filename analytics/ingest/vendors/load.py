"""Write one vendor file in one transaction: events, licence rows, revisions, quarantine, log.

The outcomes are decided as for any event file (analytics.ingest.load: suppressed, quarantined,
duplicate, loaded); then a record whose key is stored with other values is a revision (SPEC 10):
it replaces the stored row and counts as loaded. Licence rows go to `licences`, not `events`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from analytics.db import execute, transaction
from analytics.ingest.load import BeforeCommit, finish_load, next_ingest_id, stage_and_report
from analytics.ingest.report import FileReport
from analytics.ingest.vendors.common import VendorFile

# The first row of a key in the file, stored before with other content: a revision.
REVISE_EVENTS_SQL = """
UPDATE staged SET outcome = 'revised', is_conflict = false
WHERE kind = 'event' AND outcome = 'duplicate' AND stored_content IS NOT NULL
  AND stored_content <> content_number
  AND row_idx IN (SELECT min(row_idx) FROM staged
                  WHERE outcome NOT IN ('suppressed', 'quarantined') GROUP BY key_number)
"""
# A licence row whose key is stored: the same values are a duplicate, others a revision.
LICENCE_OUTCOMES_SQL = """
UPDATE staged SET outcome = CASE WHEN l.content_number = staged.content_number
                                 THEN 'duplicate' ELSE 'revised' END
FROM licences AS l
WHERE staged.kind = 'licence' AND staged.outcome = 'loaded' AND l.key_number = staged.key_number
"""
DELETE_REVISED_SQL = """
DELETE FROM {table} WHERE key_number IN (
    SELECT key_number FROM staged WHERE outcome = 'revised' AND kind = ?)
"""
INSERT_VENDOR_EVENTS_SQL = """
INSERT INTO events (key_number, content_number, source, event_id, user_id, ts, event,
                    session_id, feature, accepted, properties, file_name, line_no, ingest_id,
                    vendor_day, passive, tool, grain)
SELECT key_number, content_number, source, event_id, user_id, ts, event, session_id,
       feature, accepted, properties, ?, line_no, ?, vendor_day, passive, tool, grain
FROM staged WHERE kind = 'event' AND outcome IN ('loaded', 'revised')
"""
INSERT_LICENCES_SQL = """
INSERT INTO licences (key_number, content_number, source, tool, user_id, since,
                      properties, file_name, line_no, ingest_id)
SELECT key_number, content_number, source, tool, user_id, since, properties, ?,
       line_no, ?
FROM staged WHERE kind = 'licence' AND outcome IN ('loaded', 'revised')
"""


def load_vendor_file(
    con: duckdb.DuckDBPyConnection,
    parsed: VendorFile,
    *,
    ingest_time: dt.datetime,
    before_commit: BeforeCommit | None = None,
) -> FileReport:
    """Load one vendor file atomically; read = loaded (revisions included) + dup + quar + supp."""
    file_name = Path(parsed.path).name
    with transaction(con):
        ingest_id = next_ingest_id(con)
        outcomes = (REVISE_EVENTS_SQL, LICENCE_OUTCOMES_SQL)
        report = stage_and_report(con, parsed, outcomes_sql=outcomes, preset=parsed.preset)
        execute(con, DELETE_REVISED_SQL.format(table="events"), ["event"])
        execute(con, DELETE_REVISED_SQL.format(table="licences"), ["licence"])
        execute(con, INSERT_VENDOR_EVENTS_SQL, [file_name, ingest_id])
        execute(con, INSERT_LICENCES_SQL, [file_name, ingest_id])
        finish_load(con, report, parsed, ingest_id=ingest_id, at=ingest_time, hook=before_commit)
    return report
