"""One identity tokeniser: erasure deletes exactly the quarantine rows a later ingest suppresses."""

from __future__ import annotations

import os
from unittest import mock

import duckdb
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.db import SCHEMA
from analytics.ingest.erase import _quarantine_hits, _store_tombstones
from analytics.ingest.identity import identity_tokens, normalise_user, text_identities
from analytics.ingest.keyring import KEY_ENV, ErasureKey
from analytics.ingest.load import _stage
from analytics.ingest.read import ROW_SCHEMA
from analytics.ingest.reasons import WRONG_FIELD_COUNT

KEY = ErasureKey(bytes(range(32)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("<ann@example.com>,2026-03-01", ["2026-03-01", "ann@example.com"]),
        ('"Ann <ANN@example.com>",x', ["Ann", "ann@example.com", "x"]),
        ("\u00a0ann@example.com\u00a0", ["ann@example.com"]),  # NBSP around
        ("an\u200bn@example.com", ["ann@example.com"]),  # zero-width space inside
        ('{"user":"E7"', ["E7", "user"]),
        ("mailto:Ann@Example.com.", ["ann@example.com", "mailto", "mailto:ann@example.com."]),
        ("null,n/a, ,", ["a", "n"]),  # n/a is a placeholder; its parts are kept
    ],
)
def test_tokens_are_user_values(raw: str, expected: list[str]) -> None:
    assert text_identities(raw) == expected


def _with_tombstone(identity: str) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(SCHEMA)
    _store_tombstones(con, KEY, [identity])
    return con


def _erase_deletes(con: duckdb.DuckDBPyConnection, raw: str, identity: str) -> bool:
    """Erasure's decision: the stored quarantine row is the person's."""
    con.execute("DELETE FROM quarantine")
    con.execute("INSERT INTO quarantine (raw, reason) VALUES (?, ?)", [raw, WRONG_FIELD_COUNT])
    return _quarantine_hits(con, [identity]).height == 1


def _ingest_suppresses(con: duckdb.DuckDBPyConnection, raw: str) -> bool:
    """Ingest's decision: the same row, bound for quarantine, is suppressed."""
    rows = pl.DataFrame(
        [{"line_no": 2, "raw": raw, "reason": WRONG_FIELD_COUNT, "source": "crm"}],
        schema=ROW_SCHEMA,
    )
    con.execute("DROP TABLE IF EXISTS staged")
    with mock.patch.dict(os.environ, {KEY_ENV: KEY.secret.hex()}):
        _stage(con, rows)
    return con.execute("SELECT outcome FROM staged").fetchall() == [("suppressed",)]


identities = st.one_of(
    st.from_regex(r"[a-z][a-z0-9._+-]{0,8}@[a-z]{1,6}\.(com|org)", fullmatch=True),
    st.from_regex(r"[A-Z]{0,3}[0-9]{1,6}", fullmatch=True),
)
decorations = st.sampled_from(
    ["{}", "<{}>", "Ann <{}>", "\u00a0{}\u00a0", '"{}"', "x,{},y", '{"user":"{}"}', "{}."]
)
noise = st.text(alphabet="aA@.,;<> \u00a0\"'{}:=-_0123456789", max_size=20)


@settings(max_examples=60, deadline=None)
@given(identity=identities, decoration=decorations, before=noise, after=noise, upper=st.booleans())
def test_erasure_and_ingest_agree_on_every_raw_line(
    identity: str, decoration: str, before: str, after: str, upper: bool
) -> None:
    stored = normalise_user(identity)
    assert stored is not None
    shown = stored.upper() if upper and "@" in stored else stored
    raw = before + " " + decoration.replace("{}", shown, 1) + " " + after
    con = _with_tombstone(stored)
    try:
        deleted, suppressed = _erase_deletes(con, raw, stored), _ingest_suppresses(con, raw)
    finally:
        con.close()
    assert deleted == suppressed
    assert deleted  # the person is written as a field: both find them


@settings(max_examples=60, deadline=None)
@given(identity=identities, raw=noise)
def test_erasure_and_ingest_agree_on_unrelated_text(identity: str, raw: str) -> None:
    stored = normalise_user(identity)
    assert stored is not None
    con = _with_tombstone(stored)
    try:
        assert _erase_deletes(con, raw, stored) == _ingest_suppresses(con, raw)
    finally:
        con.close()


def test_tokens_of_a_frame_are_lists() -> None:
    frame = pl.DataFrame({"raw": ["<a@b.com>", None]})
    assert frame.select(identity_tokens(pl.col("raw")))["raw"].to_list() == [["a@b.com"], []]


def test_tombstone_carries_the_key_id() -> None:
    con = _with_tombstone("E1")
    assert con.execute("SELECT key_id FROM tombstones").fetchall() == [(KEY.key_id,)]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("E 001,2026-03-01", True), ('x;"E\u00a0001"', True), ("about E 001 today,x", False)],
)
def test_erasure_and_ingest_agree_on_an_id_with_inner_spaces(raw: str, expected: bool) -> None:
    con = _with_tombstone("E001")
    try:
        assert _erase_deletes(con, raw, "E001") is expected
        assert _ingest_suppresses(con, raw) is expected
    finally:
        con.close()
