"""Who a user value is: normalisation of identities and the keyed hash kept after erasure.

User values are compared after the same normalisation everywhere (events, roster, erasure):
NFC, Unicode white space stripped at both ends, e-mails (values with an `@`) lower-cased.
Erased identities survive only as HMAC-SHA256 hashes under a random key kept in `meta`, computed
in SQL so that a whole file's users are checked against the tombstones in one query.
"""

from __future__ import annotations

import re
import secrets
import unicodedata

import duckdb
import polars as pl

HMAC_KEY_NAME = "erasure_hmac_key"
_BLOCK = 64  # SHA-256 block size in bytes (RFC 2104)
_EDGE_SPACE = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")

# HMAC-SHA256(key, value) = H((key ^ opad) || H((key ^ ipad) || value)); the padded keys are
# bound as parameters, so only hashes are ever compared, never stored identities.
HMAC_SQL = "sha256(?::BLOB || unhex(sha256(?::BLOB || encode({value}))))"


def normalise_user(value: str | None) -> str | None:
    """A user value as stored: NFC, edge white space stripped, e-mail lower-cased; None if empty."""
    if value is None:
        return None
    text = _EDGE_SPACE.sub("", unicodedata.normalize("NFC", value))
    if not text:
        return None
    return text.lower() if "@" in text else text


def normalise_user_expr(column: pl.Expr) -> pl.Expr:
    """The same normalisation as normalise_user, as a polars expression over a String column."""
    text = column.str.normalize("NFC").str.replace_all(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$", "")
    text = (
        pl.when(text.str.contains("@", literal=True)).then(text.str.to_lowercase()).otherwise(text)
    )
    return pl.when(text == "").then(None).otherwise(text)


def normalise_email_expr(column: pl.Expr) -> pl.Expr:
    """An e-mail as compared: trimmed and lower-cased; None when empty."""
    text = column.str.normalize("NFC").str.strip_chars().str.to_lowercase()
    return pl.when(text == "").then(None).otherwise(text)


def hmac_key(con: duckdb.DuckDBPyConnection, *, create: bool) -> bytes | None:
    """The erasure key from `meta`; created (32 random bytes) on first need when create is set."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [HMAC_KEY_NAME]).fetchall()
    if rows:
        return bytes.fromhex(rows[0][0])
    if not create:
        return None
    key = secrets.token_bytes(32)
    con.execute("INSERT INTO meta VALUES (?, ?)", [HMAC_KEY_NAME, key.hex()])
    return key


def hmac_params(key: bytes) -> list[bytes]:
    """The two padded keys HMAC_SQL binds, outer first: [key ^ opad, key ^ ipad]."""
    padded = key.ljust(_BLOCK, b"\0")
    return [bytes(b ^ 0x5C for b in padded), bytes(b ^ 0x36 for b in padded)]


def hmac_sql(value_sql: str) -> str:
    """HMAC_SQL over a SQL expression (a column name, never a value); binds hmac_params."""
    return HMAC_SQL.format(value=value_sql)
