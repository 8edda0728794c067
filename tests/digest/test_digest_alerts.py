"""Alert rules on hand-written digests: which fire, about what, and in which words."""

from __future__ import annotations

from typing import Any

from analytics.digest.alerts import alerts
from analytics.digest.render import html_page, markdown
from analytics.settings import Settings


def digest(role: str = "product_manager", forecast: float = 0.6) -> dict[str, Any]:
    """A digest with one team fall, one wave under the gate and one champion to help."""
    return {
        "as_of": "2026-03-04",
        "since": "2026-02-25",
        "role": role,
        "adoption_rate": 0.5,
        "path_rate": 0.45,
        "forecast_rate": forecast,
        "target_rate": 0.7,
        "status": "at_risk",
        "needed_per_week": 2.5,
        "teams_fell": [{"team": "North", "change_pts": -8.0, "adoption_rate": 0.4}],
        "waves_not_ready": [
            {"wave": 2, "name": "Sales", "rate_2w": 0.3, "rate_4w": None, "gate": 0.6}
        ],
        "actions": [],
        "people": [{"person_id": "c1", "name": "Ann", "team": "North", "why": "3 non-adopters"}],
        "teams_below_gate": [
            {"team": "North", "wave": 1, "eligible": 8, "adoption_rate": 0.375, "gate": 0.6}
        ],
    }


def test_every_rule_fires_once_with_its_subject() -> None:
    """Forecast 60% vs 70%: a 10-point miss > 5 fires; the wave is under the gate at 2 weeks."""
    fired = {(a.rule, a.subject): a.text for a in alerts(digest(), Settings())}
    assert fired == {
        ("team_drop", "North"): "North: adoption fell 8.0 pts to 40%",
        ("wave_gate", "wave 2"): "Wave 2 (Sales) is below the 60% gate at 2 weeks: 30%",
        ("champion_no_contact", "c1"): "Ann: 3 non-adopters",
        ("forecast_miss", "organisation"): "The forecast (60%) misses the 70% target by 10.0 pts",
    }


def test_thresholds_and_roles_limit_the_alerts() -> None:
    """A 3-point miss is under 5; a champion's own cohort is no champion alert."""
    fired = {a.rule for a in alerts(digest("champion:c1", forecast=0.67), Settings())}
    assert fired == {"team_drop", "wave_gate"}


def test_markdown_says_the_status_in_words() -> None:
    """Above the path but a forecast under the target: at risk, and why."""
    text = markdown(digest(), [])
    assert "Status: at risk (at or above the path today; the forecast falls short" in text
    assert "About 3 more active people needed per week" in text  # 2.5, rounded up
    assert "North, wave 1: 37.5% of its 8 people active (gate 60%)" in text


def test_html_has_a_title_and_escapes_team_names() -> None:
    """The subject is the page's title (mail clients and browsers show it); names are escaped."""
    page = html_page({**digest(), "teams_fell": [{**digest()["teams_fell"][0], "team": "<b>"}]}, [])
    assert "<title>Adoption digest 2026-03-04 for product manager</title>" in page
    assert "&lt;b&gt;: down 8.0 pts to 40%" in page and "<b>:" not in page
