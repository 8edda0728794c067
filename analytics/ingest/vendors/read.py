"""Read one vendor file with a preset into the vendor frame (the read layer never writes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import polars as pl

from analytics.ingest.sniff import FileRefused
from analytics.ingest.vendors import (
    chatgpt_enterprise,
    gemini_workspace,
    github_copilot,
    m365_copilot,
)
from analytics.ingest.vendors.common import VendorFile, file_text

Reader = Callable[..., pl.DataFrame]
READERS: dict[str, Reader] = {
    "github-copilot": github_copilot.read_rows,
    "m365-copilot": m365_copilot.read_rows,
    "chatgpt-enterprise": chatgpt_enterprise.read_rows,
    "gemini-workspace": gemini_workspace.read_rows,
}


def read_vendor_file(path: Path, *, preset: str, now: datetime) -> VendorFile:
    """The file's records with their reasons; FileRefused (naming the file) when unreadable."""
    path = Path(path)
    try:
        text, digest = file_text(path)
        rows = READERS[preset](text, now=now)
    except FileRefused as refusal:
        raise FileRefused(path, f"{preset}: {refusal.reason}") from None
    return VendorFile(path=path, sha256=digest, preset=preset, rows=rows)
