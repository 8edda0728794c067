"""Alert rules of SPEC 12 as (rule, subject, text) triples from a role's digest: pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from analytics.privacy.roles import PRODUCT_MANAGER
from analytics.settings import Settings

DIGEST_RULE = "digest"  # the weekly digest itself, sent once per role and week


@dataclass(frozen=True)
class Alert:
    """One alert: which rule fired, about what (a team, a wave, a champion), in words."""

    rule: str
    subject: str
    text: str


def pct(rate: float | None) -> str:
    """A rate as a percentage with at most one decimal ('63.2%'), or an em dash."""
    return "—" if rate is None else f"{rate * 100:.1f}%".replace(".0%", "%")


def alerts(digest: dict[str, Any], settings: Settings) -> list[Alert]:
    """Every alert the digest's numbers fire (only released numbers reach a released digest)."""
    fired = [
        Alert(
            "team_drop",
            row["team"],
            f"{row['team']}: adoption fell {abs(row['change_pts']):.1f} pts to "
            f"{pct(row['adoption_rate'])}",
        )
        for row in digest["teams_fell"]
    ]
    fired += [
        Alert(
            "wave_gate",
            f"wave {row['wave']}",
            f"Wave {row['wave']} ({row['name']}) is below the {pct(row['gate'])} gate at "
            f"{'4' if row['rate_4w'] is not None else '2'} weeks: "
            f"{pct(row['rate_4w'] if row['rate_4w'] is not None else row['rate_2w'])}",
        )
        for row in digest["waves_not_ready"]
    ]
    fired += [
        Alert("champion_no_contact", person["person_id"], f"{person['name']}: {person['why']}")
        for person in digest["people"]
        if digest["role"] == PRODUCT_MANAGER  # a champion's people are their own cohort
    ]
    forecast, target = digest["forecast_rate"], digest["target_rate"]
    if forecast is not None and target is not None:
        miss = (target - forecast) * 100
        if miss > settings.forecast_miss_points:
            fired.append(
                Alert(
                    "forecast_miss",
                    "organisation",
                    f"The forecast ({pct(forecast)}) misses the {pct(target)} target by "
                    f"{miss:.1f} pts",
                )
            )
    return fired
