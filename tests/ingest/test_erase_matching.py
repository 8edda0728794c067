"""Erasure leftovers of issue 9: a quarantined line naming the person only by their full roster
name, or writing their id with inner spaces, is deleted; other people's lines stay."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from analytics.db import connection
from analytics.ingest.erase import erase_person
from analytics.ingest.identity import holds_full_name, text_identities
from analytics.ingest.reasons import WRONG_FIELD_COUNT

KEPT = [
    "Ann,2026-03-02",  # her first name alone: too common to match
    "Annabel Quistgaarden,2026-03-02",  # a longer surname is another word
    "MaryAnnabel Quistgaard,2026-03-02",  # a longer first name is another word
    "Annabel,Quistgaard,2026-03-02",  # two fields, not the name as one word sequence
    "E 0011,2026-03-02",  # another id
    "asked about E 001 today,2026-03-02",  # inside a sentence the field is not her id
    "Ann Berg,2026-03-02",  # someone else
]
DELETED = [
    "Annabel Quistgaard,2026-03-02",  # her full name only
    "x;ANNABEL   QUISTGAARD;y",  # any case, any run of white space
    "\uff21nnabel Quistgaard,x",  # full-width A: equal after NFKC
    "E 001,2026-03-02",  # her id with an inner space, as a field
    '"E\u00a0001";x',  # quoted, NBSP inside
]


def _setup(db: Path) -> None:
    with connection(db) as con:
        con.execute(
            "INSERT INTO roster (user_id, name, email, active) VALUES "
            "('E001', 'Annabel Quistgaard', 'annabel@x.com', true), "
            "('E002', 'Ann Berg', 'ann.berg@x.com', true)"
        )
        for line_no, raw in enumerate([*KEPT, *DELETED], start=2):
            con.execute(
                "INSERT INTO quarantine (ingest_id, file_name, line_no, reason, raw, source)"
                " VALUES (1, 'old.csv', ?, ?, ?, 'crm')",
                [line_no, WRONG_FIELD_COUNT, raw],
            )


def test_erasure_deletes_name_only_and_spaced_id_lines(db_path: Path) -> None:
    _setup(db_path)
    erasure = erase_person(db_path, "annabel@x.com")
    assert erasure.quarantine_rows == len(DELETED) == 5
    with connection(db_path) as con:
        left = [r[0] for r in con.execute("SELECT raw FROM quarantine ORDER BY line_no").fetchall()]
    assert left == KEPT


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("Bo Berg,x", ["Bo Berg"], True),
        ("bo\tberg", ["Bo  Berg"], True),
        ("Bo Bergman", ["Bo Berg"], False),
        ("Bo", ["Bo"], False),  # one word is never matched
        (None, ["Bo Berg"], False),
        ("Bo Berg", [], False),
    ],
)
def test_holds_full_name(text: str | None, names: list[str], expected: bool) -> None:
    frame = pl.DataFrame({"t": [text]}, schema={"t": pl.String})
    assert frame.select(holds_full_name(pl.col("t"), names).alias("hit"))["hit"].item() is expected


def test_an_id_with_inner_spaces_is_a_token() -> None:
    assert text_identities("E 001,2026-03-01") == ["001", "2026-03-01", "E", "E001"]
    assert text_identities("the E 001 team") == ["001", "E", "team", "the", "theE001team"]
