"""The Overview's "What changed" wording: one rule for changes, never "+0" (issue 10)."""

from __future__ import annotations

import pytest

from analytics.ui.frames import NO_CHANGE, change_text, changes_table


@pytest.mark.parametrize(
    ("now", "then", "is_rate", "text"),
    [
        (12, 12, False, "no change"),  # not "+0"
        (15, 12, False, "+3"),
        (1200, 2500, False, "-1,300"),
        (0.5875, 0.5875, True, "no change"),  # not "+0.0 pts"
        (0.5, 0.5004, True, "no change"),  # -0.04 pts rounds to 0.0: not "-0.0 pts"
        (0.63, 0.5875, True, "+4.2 pts"),  # 63 - 58.75 = 4.25 points: 4.2 (4.2499... in floats)
        (0.63, 0.59, True, "+4.0 pts"),
        (0.40, 0.55, True, "-15.0 pts"),
        (None, 0.5, True, "—"),
    ],
)
def test_change_text(now: float | None, then: float, is_rate: bool, text: str) -> None:
    assert change_text(now, then, is_rate=is_rate) == text


def document(as_of: str, rate: float, eligible: int, dau: int | None) -> dict[str, object]:
    """The keys the table reads (frames.CHANGE_ROWS)."""
    return {
        "as_of": as_of,
        "adoption_rate": rate,
        "population": {"eligible": eligible, "ever_used": 5, "never_started": 7},
        "active": {"dau": dau, "wau": 4, "mau": 5},
        "stickiness": 0.2,
        "segments": {"dormant": 1, "at_risk": 0},
        "trust": {"acceptance_rate": None},
    }


def test_changes_table_headers_are_words_and_no_change_reads_so() -> None:
    before = document("2026-02-08", 0.5, 12, None)
    table = changes_table(document("2026-02-15", 0.5, 14, 3), before)
    assert table.columns == ["Measure", "As of 2026-02-08", "As of 2026-02-15", "Change"]
    rows = {r["Measure"]: r for r in table.iter_rows(named=True)}
    assert rows["Adoption rate"]["Change"] == NO_CHANGE
    assert rows["Eligible people"]["Change"] == "+2"
    assert rows["WAU"]["Change"] == NO_CHANGE
    assert rows["DAU"]["Change"] == "—"  # no value a week earlier
    assert rows["Acceptance rate"]["As of 2026-02-15"] == "—"
