"""The erasure key lives outside the database: env or key file, migrated out, rotated."""

from __future__ import annotations

import hashlib
import hmac
import shutil
import stat
from pathlib import Path

import pytest

from analytics.db import connection
from analytics.ingest.erase import erase_person
from analytics.ingest.keyring import (
    KEY_ENV,
    LEGACY_META_KEY,
    ErasureKey,
    ErasureKeyMissing,
    add_key,
    configured_keys,
    erasure_keys,
)
from analytics.ingest.load import load_parsed_file

from ._parsed import parsed, row

NOW = __import__("datetime").datetime(2026, 11, 1, 12, 0)


def _load(db: Path, user: str) -> int:
    with connection(db) as con:
        report = load_parsed_file(
            con, parsed("a.csv", [row(user, "2026-10-01 09:00")]), ingest_time=NOW
        )
    return report.suppressed


def _tombstones(db: Path) -> set[str]:
    with connection(db) as con:
        return {h for (h,) in con.execute("SELECT identity_hash FROM tombstones").fetchall()}


def test_key_file_is_created_private_on_first_erasure(
    db_path: Path, erasure_key_file: Path
) -> None:
    assert not erasure_key_file.exists()
    erase_person(db_path, "ann@x.com")
    assert stat.S_IMODE(erasure_key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(erasure_key_file.parent.stat().st_mode) == 0o700
    key = ErasureKey(bytes.fromhex(erasure_key_file.read_text().split()[-1]))
    assert key.secret.hex() not in db_path.read_bytes().hex()


def test_a_copy_of_the_database_alone_cannot_test_a_guess(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    erase_person(db_path, "ann@x.com")
    copy = tmp_path / "stolen" / "adoption.duckdb"
    copy.parent.mkdir()
    shutil.copy(db_path, copy)
    monkeypatch.setenv("ADOPTION_ERASURE_KEY_FILE", str(tmp_path / "elsewhere.key"))
    with connection(copy) as con:
        meta = con.execute("SELECT key, value FROM meta").fetchall()
    guess = b"ann@x.com"
    # what the copy offers to test a guess with: its meta values, and no key at all
    candidates = [hashlib.sha256(guess).hexdigest()]
    candidates += [hmac.new(v.encode(), guess, hashlib.sha256).hexdigest() for _, v in meta]
    candidates += [
        hmac.new(bytes.fromhex(v), guess, hashlib.sha256).hexdigest()
        for k, v in meta
        if k == LEGACY_META_KEY
    ]
    assert not set(candidates) & _tombstones(copy)
    with pytest.raises(ErasureKeyMissing, match="no erasure key"):
        _load(copy, "ann@x.com")  # refused, rather than loading an erased person again


def test_environment_key_wins_and_no_file_is_written(
    db_path: Path, erasure_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = bytes(range(32))
    monkeypatch.setenv(KEY_ENV, secret.hex())
    erase_person(db_path, "E1")
    assert not erasure_key_file.exists()
    expected = hmac.new(secret, b"E1", hashlib.sha256).hexdigest()
    assert _tombstones(db_path) == {expected}
    assert _load(db_path, "E1") == 1


def test_a_legacy_key_in_the_database_moves_to_the_key_file(
    db_path: Path, erasure_key_file: Path
) -> None:
    legacy = bytes(range(100, 132))
    old_hash = hmac.new(legacy, b"E1", hashlib.sha256).hexdigest()
    with connection(db_path) as con:  # as versions before issue 9 left it
        con.execute("INSERT INTO meta VALUES (?, ?)", [LEGACY_META_KEY, legacy.hex()])
        con.execute("INSERT INTO tombstones (identity_hash) VALUES (?)", [old_hash])
    assert _load(db_path, "E1") == 1  # still suppressed, through the migrated key
    with connection(db_path) as con:
        assert con.execute(
            "SELECT count(*) FROM meta WHERE key = ?", [LEGACY_META_KEY]
        ).fetchall() == [(0,)]
        key_ids = con.execute("SELECT key_id FROM tombstones").fetchall()
    assert ErasureKey(legacy) in configured_keys()
    assert key_ids == [(ErasureKey(legacy).key_id,)]


def test_rotation_keeps_old_tombstones_working(db_path: Path) -> None:
    erase_person(db_path, "E1")
    old = configured_keys()[0]
    new = add_key()
    assert configured_keys() == [new, old]
    erase_person(db_path, "E2")
    with connection(db_path) as con:
        assert erasure_keys(con, create=False) == [new, old]
        by_key = dict(con.execute("SELECT key_id, count(*) FROM tombstones GROUP BY 1").fetchall())
    assert by_key == {old.key_id: 1, new.key_id: 1}
    assert (_load(db_path, "E1"), _load(db_path, "E2"), _load(db_path, "E3")) == (1, 1, 0)


def test_a_bad_environment_key_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "not-hex")
    with pytest.raises(ValueError, match="hexadecimal"):
        configured_keys()


def test_the_cli_refuses_an_ingest_without_the_key(
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from analytics.cli import main

    erase_person(db_path, "ann@x.com")
    monkeypatch.setenv("ADOPTION_ERASURE_KEY_FILE", str(tmp_path / "elsewhere.key"))
    events = tmp_path / "e.csv"
    events.write_text("user_id,timestamp,event\nann@x.com,2026-03-01T10:00:00Z,login\n")
    assert main(["ingest", str(events), "--db", str(db_path)]) == 2
    assert "no erasure key" in capsys.readouterr().err
