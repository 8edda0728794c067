"""Fixtures of the digest tests: the hand-built tiny database."""

from __future__ import annotations

from pathlib import Path

import pytest
from digest_fixtures import build_tiny_db


@pytest.fixture
def tiny_db(db_path: Path) -> Path:
    """The tiny database: 12 people, Team A (p01-p06) and Team B (p07-p12), champions p01, p07."""
    return build_tiny_db(db_path)
