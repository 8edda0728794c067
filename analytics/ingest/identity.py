"""Who a user value is: one identity rule and one tokeniser, and the keyed hash kept after erasure.

User values are compared after the same normalisation everywhere (events, roster, erasure): the
read layer's `user_value` (NFC, every Unicode white space removed, e-mails lower-cased). Text
that may hold identities anywhere (a quarantined row's raw line, an outreach note, an audit
filter) is cut into tokens by `identity_tokens`, each token normalised by that same rule; ingest
(which suppresses an erased person's rows) and erasure (which deletes them) both use it, so they
always agree on whose row a line is. Erased identities survive only as HMAC-SHA256 hashes
computed in SQL, under keys kept outside the database (analytics.ingest.keyring).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import duckdb
import polars as pl

from analytics.db import register_frame
from analytics.ingest.columns import usable_user, user_text, user_value
from analytics.ingest.keyring import ErasureKey

_BLOCK = 64  # SHA-256 block size in bytes (RFC 2104)
KEYS_RELATION = "erasure_keys"

# Invisible characters removed before cutting (a zero-width space inside an e-mail joins it).
INVISIBLE = r"[\u200b\u2060\ufeff]"
# A field of CSV, JSON, a log line or a mail header: cut at every Unicode white space (NBSP
# included) and at quotes, brackets and separators, so `<ann@x.com>`, `"Ann <ANN@x.com>"` and
# `{"user":"ann@x.com"}` all yield `ann@x.com`.
FIELD_TOKEN = r"[^\s,;|\"'`{}\[\]()<>]+"
# The same field cut further at `:`, `=`, `/` and `\` (`mailto:ann@x.com`, `user=ann`), kept
# beside the whole field so an identity that contains one of those characters still matches.
PART_TOKEN = r"[^\s,;|\"'`{}\[\]()<>:=/\\]+"
# A field cut only at quotes, brackets and separators, its inner white space then removed (the
# user value rule): an id written with inner spaces, `E 001,...` or `"E 001"`, yields `E001`.
SPACED_FIELD_TOKEN = r"[^,;|\"'`{}\[\]()<>]+"

# HMAC-SHA256(key, value) = H((key ^ opad) || H((key ^ ipad) || value)); the padded keys come
# from the registered relation erasure_keys (k), so only hashes are compared, never identities.
HMAC_SQL = "sha256(k.opad || unhex(sha256(k.ipad || encode({value}))))"
TOMBSTONED_SQL = (
    "EXISTS (SELECT 1 FROM erasure_keys AS k "
    "WHERE {hmac} IN (SELECT identity_hash FROM tombstones))"
)


def normalise_user_expr(column: pl.Expr) -> pl.Expr:
    """A user value as events store it (the read layer's rule): NFC, no white space, e-mail
    lower-cased; null when empty or a placeholder such as `null`."""
    return user_value(column)


def normalise_email_expr(column: pl.Expr) -> pl.Expr:
    """An e-mail as compared with event users: normalised like a user value, lower-cased."""
    return user_value(column).str.to_lowercase()


def normalise_user(value: str | None) -> str | None:
    """normalise_user_expr for one value (a command-line argument); None when unusable."""
    return pl.select(normalise_user_expr(pl.lit(value, pl.String))).item()


def identity_tokens(text: pl.Expr) -> pl.Expr:
    """Every identity free text may hold (list of user values: fields, their parts, and fields
    with inner spaces joined, each normalised like a user value; placeholders and pieces without
    a letter or digit left out)."""
    cleaned = text.str.normalize("NFC").str.replace_all(INVISIBLE, "")
    fields = cleaned.str.extract_all(FIELD_TOKEN)
    parts = cleaned.str.extract_all(PART_TOKEN).list.eval(pl.element().str.strip_chars("."))
    spaced = cleaned.str.extract_all(SPACED_FIELD_TOKEN).list.eval(user_text(pl.element()))
    tokens = pl.concat_list(fields.fill_null([]), parts.fill_null([]), spaced.fill_null([]))
    usable = usable_user(pl.element().filter(pl.element().str.contains(r"\w")))
    return tokens.list.eval(usable).list.drop_nulls().list.unique()


def text_identities(text: str | None) -> list[str]:
    """identity_tokens for one text, sorted (tests and single values)."""
    tokens = pl.select(identity_tokens(pl.lit(text, pl.String)).alias("t")).item()
    return [] if tokens is None else sorted(tokens.to_list())


def holds_identity(text: pl.Expr, identities: Sequence[str]) -> pl.Expr:
    """True where the text holds one of these (normalised) identities as a token."""
    wanted = pl.lit(pl.Series(list(identities), dtype=pl.String)).implode()
    return identity_tokens(text).list.set_intersection(wanted).list.len().gt(0).fill_null(False)


def hmac_params(key: bytes) -> list[bytes]:
    """The two padded keys of HMAC: [key ^ opad, key ^ ipad]."""
    padded = key.ljust(_BLOCK, b"\0")
    return [bytes(b ^ 0x5C for b in padded), bytes(b ^ 0x36 for b in padded)]


def keys_frame(keys: Sequence[ErasureKey]) -> pl.DataFrame:
    """One row per key: key_id, opad, ipad (what HMAC_SQL reads as `k`)."""
    pads = [hmac_params(k.secret) for k in keys]
    return pl.DataFrame(
        {
            "key_id": [k.key_id for k in keys],
            "opad": [p[0] for p in pads],
            "ipad": [p[1] for p in pads],
        },
        schema={"key_id": pl.String, "opad": pl.Binary, "ipad": pl.Binary},
    )


@contextmanager
def registered_keys(con: duckdb.DuckDBPyConnection, keys: Sequence[ErasureKey]) -> Iterator[None]:
    """Make the keys readable as the relation erasure_keys for the duration of a block."""
    register_frame(con, KEYS_RELATION, keys_frame(keys))
    try:
        yield
    finally:
        con.unregister(KEYS_RELATION)


def hmac_sql(value_sql: str) -> str:
    """HMAC_SQL over a SQL expression (a column name, never a value) and the key row `k`."""
    return HMAC_SQL.format(value=value_sql)


def tombstoned_sql(value_sql: str) -> str:
    """SQL that is true when the value's HMAC under any registered key is a tombstone."""
    return TOMBSTONED_SQL.format(hmac=hmac_sql(value_sql))


# Where a whole identity may start or end in free text: the separators of PART_TOKEN.
_EDGE = r"[\s,;|\"'`{}\[\]()<>:=/\\]"


def redact_identities(
    text: pl.Expr, identities: Sequence[str], phrases: Sequence[str], placeholder: str
) -> pl.Expr:
    """Free text with every identity (and phrase, e.g. a name) replaced by the placeholder; a
    text still holding an identity after that (an unusual spelling) is replaced whole."""
    words = sorted({w for w in (*identities, *phrases) if w}, key=len, reverse=True)
    if not words:
        return text
    alternatives = "|".join(re.escape(w) for w in words)
    pattern = f"(?i)(^|{_EDGE})({alternatives})($|{_EDGE})"
    replaced = text
    for _ in range(2):  # adjacent matches share an edge: the second pass takes the rest
        replaced = replaced.str.replace_all(pattern, f"${{1}}{placeholder}${{3}}")
    return (
        pl.when(holds_identity(replaced, identities)).then(pl.lit(placeholder)).otherwise(replaced)
    )


def is_identity(value: pl.Expr, identities: Sequence[str]) -> pl.Expr:
    """True where a whole value (an owner, a viewer's e-mail) is one of these identities."""
    return normalise_user_expr(value).is_in(list(identities)).fill_null(False)


# A full name needs at least this many words to be matched in free text: one word ("Ann") is too
# common to delete other people's rows by.
MIN_NAME_WORDS = 2


def name_words(name: str) -> list[str]:
    """A name's words as matched: NFKC, lower-cased, split at white space."""
    return unicodedata.normalize("NFKC", name).lower().split()


def holds_full_name(text: pl.Expr, names: Sequence[str]) -> pl.Expr:
    """True where the text (NFKC, case-insensitive) holds one of these names as a whole word
    sequence: every word in order, white space between, no letter or digit either side; names
    of fewer than MIN_NAME_WORDS words are never matched (false positives)."""
    spelled = [words for words in map(name_words, names) if len(words) >= MIN_NAME_WORDS]
    if not spelled:
        return pl.lit(False)
    alternatives = "|".join(r"\s+".join(re.escape(w) for w in words) for words in spelled)
    cleaned = text.str.normalize("NFKC").str.replace_all(INVISIBLE, "").str.to_lowercase()
    return cleaned.str.contains(rf"(?:^|[^\w])(?:{alternatives})(?:$|[^\w])").fill_null(False)
