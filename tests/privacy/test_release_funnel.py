"""The licence funnel released as a partition (SPEC 10 with SPEC 6's release rules)."""

from __future__ import annotations

from analytics.privacy.release import released_funnel

PARTS = ("never_used", "used_not_weekly", "weekly_not_habitual", "habitual")


def _parts(*counts: int) -> dict[str, int]:
    return dict(zip(PARTS, counts, strict=True))


def test_one_small_part_hides_the_next_smallest_too() -> None:
    # 25 holders = 7 + 3 + 6 + 9; min 5: 3 is small, so the smallest other part (6) goes too.
    funnel = {"licensed": 25, "first_use": 18, "weekly_active": 8, "habitual": 9}
    steps, parts = released_funnel(funnel, _parts(7, 3, 6, 9), 5)
    assert parts == {
        "never_used": 7,
        "used_not_weekly": None,
        "weekly_not_habitual": None,
        "habitual": 9,
    }
    # first use = 25 - 7 = 18 follows from what is shown; weekly active is no sum of parts.
    assert steps == {"licensed": 25, "first_use": 18, "weekly_active": None, "habitual": 9}


def test_two_small_parts_need_no_complement_and_zero_is_shown() -> None:
    # 16 = 0 + 2 + 4 + 10: 2 and 4 hidden (two hidden parts cannot be told apart), 0 shown.
    funnel = {"licensed": 16, "first_use": 16, "weekly_active": 14, "habitual": 10}
    steps, parts = released_funnel(funnel, _parts(0, 2, 4, 10), 5)
    assert parts == {
        "never_used": 0,
        "used_not_weekly": None,
        "weekly_not_habitual": None,
        "habitual": 10,
    }
    assert steps == {"licensed": 16, "first_use": 16, "weekly_active": None, "habitual": 10}


def test_a_small_total_shows_nothing_but_zeros() -> None:
    funnel = {"licensed": 3, "first_use": 1, "weekly_active": 1, "habitual": 0}
    steps, parts = released_funnel(funnel, _parts(2, 0, 1, 0), 5)
    assert parts == {
        "never_used": None,
        "used_not_weekly": 0,
        "weekly_not_habitual": None,
        "habitual": 0,
    }
    assert steps == {"licensed": None, "first_use": None, "weekly_active": None, "habitual": 0}


def test_tool_choices_never_narrow_to_a_small_group() -> None:
    from analytics.privacy.release import released_tools

    # 12 people: Copilot's 6 and the other 6 are both >= 5; ChatGPT is everyone (rest 0).
    sizes = {"chatgpt-enterprise": 12, "github-copilot": 6}
    assert released_tools(sizes, 12, 5) == ["chatgpt-enterprise", "github-copilot"]
    # min 7: Copilot's 6 is small; ChatGPT's 12 with an empty rest is still fine.
    assert released_tools(sizes, 12, 7) == ["chatgpt-enterprise"]
    # a tool of 10 out of 12 would leave 2 by subtraction.
    assert released_tools({"gemini-workspace": 10}, 12, 5) == []
