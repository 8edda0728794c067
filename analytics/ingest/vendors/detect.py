"""Which preset a file is, from its header or shape, when that is unambiguous (SPEC 10)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from pathlib import Path

from analytics.ingest.columns import normalise_name
from analytics.ingest.decode import decode_bytes
from analytics.ingest.sniff import FileRefused

SNIFF_BYTES = 65_536
GITHUB_USAGE_KEYS = {"day", "user_login"}
GITHUB_COUNTER_KEYS = {
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
}
CHATGPT_KEYS = {"period_start", "email", "first_day_active_in_period"}
M365_USER_KEYS = {"user_principal_name", "user_name"}
GEMINI_SHAPE = re.compile(r'"(uniqueQualifier|applicationName)"')
SEATS_SHAPE = re.compile(r'"seats"\s*:\s*\[')


def head_text(path: Path) -> str:
    """The first bytes of a file (gzip unwrapped) as text; empty when unreadable."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(SNIFF_BYTES)
        if data.startswith(b"\x1f\x8b"):
            with gzip.open(path, "rb") as handle:
                data = handle.read(SNIFF_BYTES)
        return decode_bytes(data).text if data else ""
    except (OSError, EOFError, FileRefused):  # the ordinary reader explains what is wrong
        return ""


def _json_keys(line: str) -> set[str]:
    """The top-level keys of a one-line JSON object (empty when it is not one)."""
    try:
        value = json.loads(line)
    except ValueError:
        return set()
    return set(value) if isinstance(value, dict) else set()


def detect_preset(path: Path) -> str | None:
    """The preset a file's header or shape names, or None for an ordinary event file."""
    text = head_text(Path(path)).lstrip()
    if not text:
        return None
    if text.startswith("{"):
        first = text.split("\n", 1)[0]
        keys = _json_keys(first)
        if keys >= GITHUB_USAGE_KEYS and keys & GITHUB_COUNTER_KEYS:
            return "github-copilot"
        # a whole document on one line (a compact API response) parses on its first line
        if (not keys or "seats" in keys) and SEATS_SHAPE.search(text) and '"assignee"' in text:
            return "github-copilot"
        if (not keys or "items" in keys) and GEMINI_SHAPE.search(text) and '"items"' in text:
            return "gemini-workspace"
        return None
    header = {normalise_name(n) for n in next(csv.reader(io.StringIO(text)), [])}
    if header >= CHATGPT_KEYS:
        return "chatgpt-enterprise"
    if header & M365_USER_KEYS and any("copilot" in n and "last_activity" in n for n in header):
        return "m365-copilot"
    return None
