"""The digest tests' day and the tiny database's people (tests/pages/handbuilt.py)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "pages"))
from handbuilt import WAVE_2, build_tiny_db  # noqa: E402

# Three days into wave 2: each team is 6 eligible people, 5 of them active (83.3%); a week
# earlier only its champion was eligible and active (100%), so each team fell 16.7 points.
AS_OF = WAVE_2 + dt.timedelta(days=3)
NAMES = [f"Person {i:02d}" for i in range(1, 13)]
IDS = [f"p{i:02d}" for i in range(1, 13)]

__all__ = ["AS_OF", "IDS", "NAMES", "build_tiny_db"]
