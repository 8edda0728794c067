"""The dedupe key and the content hash of a row, as SQL: one definition, computed once per row
where the rows are built (the native parse's scratch table, or the stage of rows from Python)
and compared by the commit's dedupe, conflict and revision rules.
"""

from __future__ import annotations

from analytics.db import key_number_sql

# Dedupe key: the source's event id within the source (the system, not the file) when present,
# else (user, timestamp to the second, event, source). Variable parts are length-prefixed so
# that no two different keys can concatenate to the same text. Only its md5_number is kept
# (key_number): the text is never stored (s20, decisions).
DEDUPE_KEY_SQL = """
CASE WHEN event_id IS NOT NULL
     THEN 'id|' || length(source) || '|' || source || '|' || event_id
     ELSE 'row|' || length(user_id) || '|' || user_id || '|'
          || strftime(date_trunc('second', ts), '%Y-%m-%d %H:%M:%S') || '|'
          || length(event) || '|' || event || '|' || source
END
"""

# What a conflict compares: the event's content, nulls distinguished from empty text, as the
# 128-bit number of its md5 (events.content_number).
CONTENT_HASH_SQL = """
md5_number(concat_ws(chr(31), user_id, CAST(ts AS VARCHAR), event,
    coalesce(session_id, chr(0)), coalesce(feature, chr(0)),
    coalesce(CAST(accepted AS VARCHAR), chr(0)), coalesce(properties, chr(0))))
"""


def keyed_sql(rows: str) -> str:
    """The rows of a query (contract columns, source already set by the row builders'
    columns.fallback_source) with key_number and content_number: what the commit stages."""
    key = key_number_sql(DEDUPE_KEY_SQL)
    return f"SELECT *, {key} AS key_number, {CONTENT_HASH_SQL} AS content_number FROM ({rows})"
