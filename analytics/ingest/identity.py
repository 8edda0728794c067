"""Who a user value is: normalisation of identities and the keyed hash kept after erasure.

User values are compared after the same normalisation everywhere (events, roster, erasure): the
read layer's `user_value` (NFC, every Unicode white space removed, e-mails lower-cased).
Erased identities survive only as HMAC-SHA256 hashes under a random key kept in `meta`, computed
in SQL so that a whole file's users are checked against the tombstones in one query.
"""

from __future__ import annotations

import secrets

import duckdb
import polars as pl

from analytics.ingest.columns import user_value

HMAC_KEY_NAME = "erasure_hmac_key"
_BLOCK = 64  # SHA-256 block size in bytes (RFC 2104)

# HMAC-SHA256(key, value) = H((key ^ opad) || H((key ^ ipad) || value)); the padded keys are
# bound as parameters, so only hashes are ever compared, never stored identities.
HMAC_SQL = "sha256(?::BLOB || unhex(sha256(?::BLOB || encode({value}))))"


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
