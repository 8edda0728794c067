"""The fixed list of quarantine reasons, worded for the person who has to fix the row.

A row gets exactly one reason: the checks run in the order of ALL_REASONS and the first failing
check wins (structure first, then the required fields).
"""

from __future__ import annotations

LINE_TOO_LONG = "line over the line cap"  # longer than setting max_line_mb: cut, length kept
INVALID_JSON = "invalid JSON"  # a JSON Lines line / array element that is not a JSON object
REPEATED_HEADER = "repeated header line"  # a line equal to the header (concatenated exports)
WRONG_FIELD_COUNT = "wrong number of fields"  # never padded, never shifted
FIELD_TOO_LARGE = "field over 1 MB"  # any single field over FIELD_MAX_BYTES
IDENTIFIER_TOO_LONG = "identifier over 256 characters"  # never truncated
MISSING_USER = "missing user"  # empty, white space, or a placeholder such as null/none/n/a
BAD_TIMESTAMP = "unparseable timestamp"  # never replaced by "now"
TIMESTAMP_OUT_OF_RANGE = "timestamp out of range"  # before 2000-01-01 or > 1 day after ingest
MISSING_EVENT = "missing event name"

ALL_REASONS: tuple[str, ...] = (
    LINE_TOO_LONG,
    INVALID_JSON,
    REPEATED_HEADER,
    WRONG_FIELD_COUNT,
    FIELD_TOO_LARGE,
    IDENTIFIER_TOO_LONG,
    MISSING_USER,
    BAD_TIMESTAMP,
    TIMESTAMP_OUT_OF_RANGE,
    MISSING_EVENT,
)

FIELD_MAX_BYTES = 1_000_000  # "1 MB": UTF-8 bytes of one field
IDENTIFIER_MAX_CHARS = 256  # user_id, event_id, event, source, session_id

# KPI and survey files (SPEC 13): checked after the structural reasons above, in this order
BAD_WEEK = "unparseable week (YYYY-MM-DD)"
WEEK_NOT_MONDAY = "week is not a Monday"
DATE_OUT_OF_RANGE = "date out of range"  # before 2000-01-01 or more than 1 day after ingest
BAD_DATE = "unparseable date (YYYY-MM-DD)"
NOT_A_NUMBER = "KPI value is not a number"
NO_VALUES = "no KPI value"
MISSING_PERSON_OR_TEAM = "missing person and team"
BAD_ANSWER = "survey answer not 1 to 5"
NO_ANSWERS = "no survey answer"
TABLE_REASONS: tuple[str, ...] = (
    BAD_WEEK,
    WEEK_NOT_MONDAY,
    DATE_OUT_OF_RANGE,
    BAD_DATE,
    NOT_A_NUMBER,
    NO_VALUES,
    MISSING_PERSON_OR_TEAM,
    BAD_ANSWER,
    NO_ANSWERS,
)
