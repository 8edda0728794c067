"""Teams that fell since the last meeting, and the likely reason, on hand-made boards."""

from __future__ import annotations

import polars as pl

from analytics.ui.frames import FELL_REASONS, leaderboard, teams_that_fell


def board() -> pl.DataFrame:
    # Now and at the last meeting, per team: (eligible, active).
    # North 20 -> 30 eligible, 12 -> 12 active: 60% -> 40%, newcomers (-20 pts).
    # South 10 -> 10, 8 -> 6: 80% -> 60%, lapsed (-20 pts).
    # East 10 -> 20, 9 -> 8: 90% -> 40%, both (-50 pts). West 10 -> 10, 5 -> 6: a gain.
    now = pl.DataFrame(
        {
            "team": ["North", "South", "East", "West"],
            "eligible": [30, 10, 20, 10],
            "active": [12, 6, 8, 6],
            "adoption_rate": [0.4, 0.6, 0.4, 0.6],
            "ever_used": [20, 9, 15, 8],
            "never_started": [10, 1, 5, 2],
        }
    )
    before = pl.DataFrame(
        {
            "team": ["North", "South", "East", "West"],
            "eligible": [20, 10, 10, 10],
            "active": [12, 8, 9, 5],
            "adoption_rate": [0.6, 0.8, 0.9, 0.5],
        }
    )
    return leaderboard(now, before)


def test_falls_biggest_first_with_their_reason():
    falls = teams_that_fell(board())
    assert falls["team"].to_list() == ["East", "North", "South"]
    assert [round(c, 1) for c in falls["change_pts"]] == [-50.0, -20.0, -20.0]
    assert falls["reason"].to_list() == [
        FELL_REASONS["both"],
        FELL_REASONS["joined"],
        FELL_REASONS["lapsed"],
    ]


def test_a_team_without_an_earlier_rate_never_counts_as_fallen():
    rows = board().with_columns(
        pl.when(pl.col("team") == "East")
        .then(None)
        .otherwise(pl.col("change_pts"))
        .alias("change_pts")
    )
    assert teams_that_fell(rows)["team"].to_list() == ["North", "South"]


def test_a_fall_is_never_put_down_to_the_champion():
    # Decision (docs/decisions.md, "Champion inactive"): the room knows each team's champion,
    # so "champion inactive" would name one person's activity on a projector. The reasons read
    # team counts only: a board carrying a champion's activity gives the same reasons.
    with_champion = board().with_columns(champion_active_days=pl.lit(0))
    falls = teams_that_fell(with_champion)
    assert falls["reason"].to_list() == teams_that_fell(board())["reason"].to_list()
    assert not any("champion" in reason.lower() for reason in FELL_REASONS.values())
    assert "champion" not in " ".join(falls.columns)
