"""The target status line of the Overview and the Team meeting (widgets.status_text): the badge,
which of path and forecast holds when at risk, and the people needed (SPEC 4, target tracking)."""

from __future__ import annotations

import pytest

from analytics.ui.widgets import status_text

AT_RISK = ":orange-badge[:material/warning: At risk]"


@pytest.mark.parametrize(
    ("target", "text"),
    [
        ({"status": None}, ":gray-badge[No status yet]"),
        ({"status": "on_track", "on_track": True}, ":green-badge[:material/check: On track]"),
        # Rate 63% >= path 58% (on_track True) but the forecast 59% < target 70%: at risk.
        # 70% of 190 eligible = 133, 118 active now: 15 more; 4 whole weeks left: 3.75 -> 4.
        (
            {"status": "at_risk", "on_track": True, "needed": 15, "needed_per_week": 3.75,
             "date": "2026-11-30"},
            f"{AT_RISK} On today's path, but the forecast falls short of the target. "
            "15 more active people needed by 2026-11-30 (about 4 a week)",
        ),
        (
            {"status": "at_risk", "on_track": False, "needed": 0, "date": "2026-11-30"},
            f"{AT_RISK} Below today's path, though the forecast reaches the target.",
        ),
        (
            {"status": "behind", "on_track": False, "needed": 2, "needed_per_week": None,
             "date": "2026-11-30"},
            ":red-badge[:material/error: Behind] 2 more active people needed by 2026-11-30",
        ),
    ],
)  # fmt: skip
def test_status_text(target: dict[str, object], text: str) -> None:
    assert status_text(target) == text
