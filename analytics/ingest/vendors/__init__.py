"""Vendor exports of AI tools (SPEC 10): one module per preset, detection, and the loader.

Each preset module turns one vendor file into the vendor frame (`common.VENDOR_SCHEMA`): one
row per record (an event, or a licence row), each cleaned or given a quarantine reason; the
loader writes it with revisions and licence rows (`load.py`).
"""

from __future__ import annotations

PRESETS: tuple[str, ...] = (
    "github-copilot",
    "m365-copilot",
    "chatgpt-enterprise",
    "gemini-workspace",
)
