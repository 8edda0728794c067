"""The erasure keys, kept apart from the data they protect (never in the database).

Tombstones are HMAC-SHA256 hashes of erased identities. Whoever holds the key can test a guessed
e-mail against them, so the key lives outside the data directory: in `ADOPTION_ERASURE_KEY`
(hex, several keys separated by commas, newest first) and/or in a key file, by default
`$XDG_CONFIG_HOME/adoption/erasure.key` (`~/.config/...`), overridden by
`ADOPTION_ERASURE_KEY_FILE`. The file holds one hex key per line, newest first, and is created
0600 (its folder 0700) on the first erasure. A key found in the database's `meta` table (where
older versions kept it) is moved to the key file on first use and deleted from the database.

Rotation adds a key in front: new tombstones are hashed with the newest key (their `key_id` says
which), and every older key is still tried when checking, until it is retired (see
docs/privacy.md).
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics.files import make_private_dir, write_private_text

KEY_ENV = "ADOPTION_ERASURE_KEY"
KEY_FILE_ENV = "ADOPTION_ERASURE_KEY_FILE"
LEGACY_META_KEY = "erasure_hmac_key"  # where versions before issue 9 kept the key
KEY_BYTES = 32
MIN_KEY_BYTES = 16


class ErasureKeyMissing(RuntimeError):
    """Tombstones exist but no erasure key is available to check them."""


@dataclass(frozen=True)
class ErasureKey:
    """One HMAC key; key_id names it in tombstones without revealing it."""

    secret: bytes

    @property
    def key_id(self) -> str:
        """A short public name of the key (a hash of it, useless for testing guesses)."""
        return hashlib.sha256(b"adoption erasure key id\0" + self.secret).hexdigest()[:16]


def key_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the key file is: ADOPTION_ERASURE_KEY_FILE, else the user's config folder."""
    environ = os.environ if environ is None else environ
    if environ.get(KEY_FILE_ENV):
        return Path(environ[KEY_FILE_ENV]).expanduser()
    config = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "adoption" / "erasure.key"


def parse_keys(text: str, origin: str) -> list[ErasureKey]:
    """Hex keys separated by commas, white space or lines ('#' comments); ValueError if bad."""
    lines = [line.split("#", 1)[0] for line in text.splitlines()]
    words = " ".join(lines).replace(",", " ").split()
    keys = []
    for word in words:
        try:
            secret = bytes.fromhex(word)
        except ValueError:
            raise ValueError(f"{origin}: an erasure key must be hexadecimal") from None
        if len(secret) < MIN_KEY_BYTES:
            raise ValueError(f"{origin}: an erasure key needs at least {MIN_KEY_BYTES} bytes")
        keys.append(ErasureKey(secret))
    return keys


def configured_keys(environ: Mapping[str, str] | None = None) -> list[ErasureKey]:
    """Every configured key, newest first: the environment's, then the key file's."""
    environ = os.environ if environ is None else environ
    keys = parse_keys(environ.get(KEY_ENV, ""), KEY_ENV)
    path = key_file_path(environ)
    if path.is_file():
        keys += parse_keys(path.read_text(encoding="utf-8"), str(path))
    return list(dict.fromkeys(keys))


def write_key_file(keys: list[ErasureKey], environ: Mapping[str, str] | None = None) -> Path:
    """Replace the key file with these keys (newest first), 0600 in a 0700 folder."""
    path = key_file_path(environ)
    make_private_dir(path.parent)
    body = "# adoption erasure keys, newest first; keep every key (see docs/privacy.md)\n"
    temporary = path.with_name(path.name + ".tmp")
    write_private_text(temporary, body + "".join(k.secret.hex() + "\n" for k in keys))
    os.replace(temporary, path)
    return path


def file_keys(environ: Mapping[str, str] | None = None) -> list[ErasureKey]:
    """The key file's keys only (empty when there is no file)."""
    path = key_file_path(environ)
    return parse_keys(path.read_text(encoding="utf-8"), str(path)) if path.is_file() else []


def add_key(key: ErasureKey | None = None, environ: Mapping[str, str] | None = None) -> ErasureKey:
    """Rotation: put a new (or given) key in front of the key file; older keys stay."""
    key = key or ErasureKey(secrets.token_bytes(KEY_BYTES))
    write_key_file([key, *[k for k in file_keys(environ) if k != key]], environ)
    return key


def _migrate_legacy_key(con: duckdb.DuckDBPyConnection) -> None:
    """Move a key kept in `meta` by older versions to the key file, then delete it there."""
    rows = con.execute("SELECT value FROM meta WHERE key = ?", [LEGACY_META_KEY]).fetchall()
    if not rows:
        return
    legacy = ErasureKey(bytes.fromhex(rows[0][0]))
    known = configured_keys()
    if legacy not in known:  # appended: the configured keys stay the newest
        write_key_file([*file_keys(), legacy])
    con.execute("UPDATE tombstones SET key_id = ? WHERE key_id IS NULL", [legacy.key_id])
    con.execute("DELETE FROM meta WHERE key = ?", [LEGACY_META_KEY])


def erasure_keys(con: duckdb.DuckDBPyConnection, *, create: bool) -> list[ErasureKey]:
    """The keys to hash and check tombstones with, newest first (a legacy key migrated first);
    a new key is made on first need when create is set; ErasureKeyMissing when tombstones
    exist but no key is available (a copy of the database without its key)."""
    _migrate_legacy_key(con)
    keys = configured_keys()
    if not keys and create:
        keys = [add_key()]
    if not keys and con.execute("SELECT count(*) FROM tombstones").fetchall()[0][0]:
        raise ErasureKeyMissing(
            f"this database has erasure tombstones but no erasure key: set {KEY_ENV} or restore "
            f"the key file {key_file_path()} (set {KEY_FILE_ENV} to use another path)"
        )
    return keys
