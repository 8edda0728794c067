"""Which files the native read takes: one streaming pass over the bytes (bounded memory, which
also gives the sha256) that finds nothing the Python decoder would change, report or refuse.

Valid UTF-8 (one BOM at most), no NUL, Ctrl-Z or other control byte except tab, LF and the CR
of CRLF line ends (every line ending in CRLF, or none: DuckDB's reader decides the line end from
the first line, while the Python decoder turns any CR into a line end), one
gzip member at most and nothing after it, within the decompressed cap, content starting with
neither `[` (a JSON array), non-ASCII (Unicode space the Python path strips) nor anything the
sniffer refuses. Anything else returns None: the Python path reads the file.
"""

from __future__ import annotations

import codecs
import hashlib
import zlib
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from analytics.ingest.sniff import PARQUET_MAGIC, is_gzip, refused_content

_CHUNK = 1 << 20  # bytes read at a time
GLOB_CHARACTERS = "*?[]{}"  # file names DuckDB's readers expand as patterns
_HEAD = 64 * 1024  # decompressed bytes looked at for the kind of content
# Bytes the Python decoder rewrites (CR, Ctrl-Z, NUL) or refuses (control bytes), and those
# whose JSON escapes polars and DuckDB spell differently (\u001F vs \u001f): Python path.
_BAD_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])  # CR is checked apart


@dataclass
class Qualified:
    """A file the native path can read: its kind, compression and the sha256 of its bytes."""

    kind: str  # "csv" | "jsonl"
    gzip: bool
    sha256: str
    crlf: bool = False  # every line ends in CRLF (DuckDB reads it with new_line CRLF)
    inflated: Path | None = None  # a gzip file's content, written while it was checked


class _NotNative(Exception):
    """Content the native path leaves to the Python path."""


def qualify(
    path: Path, *, max_decompressed_bytes: int, inflate_to: Path | None = None
) -> Qualified | None:
    """Whether the native path reads this file the way the Python path would; None if unsure.
    With `inflate_to`, a gzip file's content is also written there as it is checked, so DuckDB
    reads it without inflating it a second time (single-threaded) on the way."""
    if any(c in str(path) for c in GLOB_CHARACTERS):
        return None  # DuckDB would take the name for a pattern and might read another file
    digest = hashlib.sha256()
    try:
        with path.open("rb") as raw:
            compressed = is_gzip(raw.read(2))
            raw.seek(0)
            chunks = _hashed(raw, digest)
            ends = _LineEnds()
            content = _gunzipped(chunks) if compressed else chunks
            inflated = inflate_to if compressed else None
            with inflated.open("wb") if inflated else nullcontext() as copy:
                checked = ends.checked(content)
                head = _scan(_copied(checked, copy) if copy else checked, max_decompressed_bytes)
            crlf = ends.finish()
    except (OSError, zlib.error, UnicodeDecodeError, _NotNative):
        return None  # unreadable, corrupt or multi-member gzip, bad UTF-8, mixed line ends
    kind = None if head is None else _kind(head)
    if kind is None:
        return None
    return Qualified(
        kind=kind, gzip=compressed, sha256=digest.hexdigest(), crlf=crlf, inflated=inflated
    )


def _copied(chunks: Iterator[bytes], copy: BinaryIO) -> Iterator[bytes]:
    """The chunks unchanged, each also written to `copy`."""
    for chunk in chunks:
        copy.write(chunk)
        yield chunk


class _LineEnds:
    """Checks, chunk by chunk, that the line ends are all LF or all CRLF (no lone CR)."""

    def __init__(self) -> None:
        self.held = b""  # a CR ending the previous chunk, paired with the next chunk's start
        self.crlf = self.lf = False

    def checked(self, chunks: Iterator[bytes]) -> Iterator[bytes]:
        """The chunks unchanged, each checked on the way; _NotNative at a mixed or lone end."""
        for chunk in chunks:
            text = self.held + chunk
            if b"\r" not in text:  # most chunks: one memchr instead of three counts
                self.held = b""
                self.lf |= b"\n" in text
                if self.crlf and self.lf:
                    raise _NotNative("LF and CRLF line ends mixed")
                yield chunk
                continue
            self.held = b"\r" if text.endswith(b"\r") else b""
            body = text[:-1] if self.held else text
            pairs = body.count(b"\r\n")
            if body.count(b"\r") != pairs:
                raise _NotNative("a CR that is not part of CRLF")
            self.crlf |= pairs > 0
            self.lf |= body.count(b"\n") > pairs
            if self.crlf and self.lf:
                raise _NotNative("LF and CRLF line ends mixed")
            yield chunk

    def finish(self) -> bool:
        """True when the lines end in CRLF; _NotNative when the content ends in a lone CR."""
        if self.held:
            raise _NotNative("a CR at the very end")
        return self.crlf


def _hashed(raw: BinaryIO, digest: Any) -> Iterator[bytes]:
    """The file's chunks, each added to the digest (so the scan also gives the sha256)."""
    while chunk := raw.read(_CHUNK):
        digest.update(chunk)
        yield chunk


def _gunzipped(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """One gzip member decompressed chunk by chunk; anything after it or a truncation is
    _NotNative (DuckDB and the Python path may differ there)."""
    inflater = zlib.decompressobj(wbits=31)
    for chunk in chunks:
        pending = chunk
        while pending:
            if inflater.eof:
                raise _NotNative("bytes after the gzip member")
            out = inflater.decompress(pending, _CHUNK)
            pending = inflater.unconsumed_tail
            yield out
        if inflater.eof and inflater.unused_data:
            raise _NotNative("bytes after the gzip member")
    while not inflater.eof:  # the rest of the output held back by the chunk limit
        out = inflater.decompress(b"", _CHUNK)
        if not out:
            raise _NotNative("truncated gzip")
        yield out


def _scan(chunks: Iterator[bytes], max_decompressed_bytes: int) -> bytes | None:
    """The first decompressed bytes when the whole content is clean UTF-8 text, else None."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    head, total = b"", 0
    for chunk in chunks:
        total += len(chunk)
        if total > max_decompressed_bytes or len(chunk.translate(None, _BAD_BYTES)) != len(chunk):
            return None
        decoder.decode(chunk)
        if len(head) < _HEAD:
            head += chunk[: _HEAD - len(head)]
    decoder.decode(b"", final=True)
    return head


def _kind(head: bytes) -> str | None:
    """ "csv" or "jsonl" for content the native path reads; None for anything else."""
    if head.startswith(codecs.BOM_UTF8 * 2) or is_gzip(head) or head.startswith(PARQUET_MAGIC):
        return None
    body = head.removeprefix(codecs.BOM_UTF8)
    if not body.strip() or refused_content(body) is not None:
        return None
    first = body.lstrip()[:1]
    if first == b"[" or first >= b"\x80":
        return None
    return "jsonl" if first == b"{" else "csv"
