"""The digest's numbers per role, worked out by hand on tiny frames and the tiny database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from digest_fixtures import AS_OF, IDS, NAMES

from analytics.cli import main
from analytics.digest.compute import (
    actions,
    build_digest,
    parse_role,
    target_status,
    team_changes,
    teams_fell,
)
from analytics.digest.inputs import gather
from analytics.metrics.inputs import load_inputs
from analytics.state import store

SPEC_KEYS = {
    "as_of", "since", "role", "adoption_rate", "path_rate", "forecast_rate", "target_rate",
    "status", "needed_per_week", "teams_fell", "waves_not_ready", "actions", "people",
    "teams_below_gate",  # the extra key of docs/digest.md
}  # fmt: skip


def test_target_status_and_people_needed_per_week() -> None:
    """rate < path but forecast >= target: at risk; ceil(0.7 x 20) - 10 = 4 over 2 weeks."""
    target = {"rate": 0.7, "path_rate": 0.6, "forecast_rate": 0.75, "date": "2026-03-15"}
    day = dt.date(2026, 3, 1)
    assert target_status(target, rate=0.5, eligible=20, mau=10, as_of=day) == ("at_risk", 2.0)
    assert target_status(target, rate=0.65, eligible=20, mau=13, as_of=day)[0] == "on_track"
    behind = {**target, "forecast_rate": 0.1}
    assert target_status(behind, rate=0.5, eligible=20, mau=10, as_of=day)[0] == "behind"
    assert target_status(target, rate=None, eligible=None, mau=None, as_of=day) == (None, None)


def test_teams_fell_by_the_threshold_only() -> None:
    """A fall of 20 points is listed, one of 4 is not (threshold 5), a gain never is."""
    now = pl.DataFrame({"team": ["A", "B", "C"], "adoption_rate": [0.5, 0.76, 0.9]})
    then = pl.DataFrame({"team": ["A", "B", "C"], "adoption_rate": [0.7, 0.8, 0.6]})
    flags = {"suppressed": pl.lit(False)}
    changes = team_changes(now.with_columns(**flags), then.with_columns(**flags))
    assert teams_fell(changes, 5) == [{"team": "A", "change_pts": -20.0, "adoption_rate": 0.5}]


def test_released_actions_leave_out_small_counts() -> None:
    """Three never-started people in a team make an action for the PM, none when min is 5."""
    worklist = pl.DataFrame(
        {"playbook": ["never_started"] * 3 + ["dormant"] * 6, "team": ["A"] * 3 + ["B"] * 6}
    )
    full = actions(worklist, min_size=None)
    assert [(a["count"], a["owner"]) for a in full] == [
        (6, "champions of B"),
        (3, "champions of A"),
    ]
    assert [a["count"] for a in actions(worklist, min_size=5)] == [6]


def test_role_text_is_checked() -> None:
    """Only the three role forms of the contract are accepted."""
    assert parse_role("champion:p01") == ("champion", "p01")
    with pytest.raises(ValueError):
        parse_role("champion")
    with pytest.raises(ValueError):
        parse_role("ceo")


def test_product_manager_digest_on_the_tiny_db(tiny_db: Path) -> None:
    """Both teams fell from 100% (champion only) to 5/6; champions with silent cohorts named."""
    data = gather(load_inputs(tiny_db), AS_OF, 7)
    assert data is not None
    digest = build_digest(data, "product_manager")
    assert set(digest) == SPEC_KEYS
    assert digest["adoption_rate"] == pytest.approx(10 / 12)
    assert digest["since"] == "2026-01-15"
    fell = {t["team"]: t["change_pts"] for t in digest["teams_fell"]}
    assert fell == {"Team A": -16.7, "Team B": -16.7}
    assert {p["name"] for p in digest["people"]} == {"Person 01", "Person 07"}
    assert all(a["owner"].startswith("champions of Team") for a in digest["actions"])
    assert digest["teams_below_gate"] == []  # wave 1's gate day (02-01) is after D (01-22)


def test_leadership_digest_names_nobody_and_no_small_group(tiny_db: Path) -> None:
    """A week ago each team had 1 eligible person: no change is released, no action of 1."""
    data = gather(load_inputs(tiny_db), AS_OF, 7)
    assert data is not None
    digest = build_digest(data, "leadership")
    assert digest["people"] == [] and digest["teams_fell"] == [] and digest["actions"] == []
    assert digest["adoption_rate"] == pytest.approx(10 / 12)  # 12 eligible people: shown
    text = json.dumps(digest)
    assert not any(name in text for name in NAMES + IDS)


def test_champion_digest_covers_their_cohort_by_name(tiny_db: Path) -> None:
    """p01's digest names Person 05 (never started, in p01's cohort) and nobody of Team B."""
    data = gather(load_inputs(tiny_db), AS_OF, 7)
    assert data is not None
    people = build_digest(data, "champion:p01")["people"]
    assert "Person 05" in {p["name"] for p in people}
    assert {p["team"] for p in people} == {"Team A"}


def test_cli_json_has_exactly_the_contract_keys(
    tiny_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`adoption digest --format json` prints the SPEC 14 keys; a bad role exits 2."""
    store.set_setting(tiny_db, name="min_group_size", value=7)
    argv = ["digest", "--as-of", AS_OF.isoformat(), "--db", str(tiny_db)]
    assert main([*argv, "--role", "leadership", "--format", "json"]) == 0
    digest = json.loads(capsys.readouterr().out)
    assert set(digest) == SPEC_KEYS and digest["role"] == "leadership"
    assert main([*argv, "--role", "boss"]) == 2
    assert store.audit_frame(tiny_db).is_empty()  # leadership's digest names nobody
    assert main([*argv, "--format", "md"]) == 0
    assert "# Adoption digest 2026-01-22 for product manager" in capsys.readouterr().out
    entry = store.audit_frame(tiny_db).row(0, named=True)
    assert entry["what"] == "export digest naming people" and entry["row_count"] == 2


def test_teams_below_the_gate_on_the_tiny_db(tiny_db: Path) -> None:
    """On 02-15 wave 2 (from 01-19) reaches its gate day; 4 of each team's 5 wave-2 people are
    active (p05, p11 never start): 80% < a 90% gate. The product manager sees both teams;
    leadership neither: each team's wave-2 rate is its total minus a champion alone (wave 1)."""
    store.set_setting(tiny_db, name="wave_gate_rate", value=0.9)
    data = gather(load_inputs(tiny_db), dt.date(2026, 2, 15), 7)
    assert data is not None
    assert build_digest(data, "product_manager")["teams_below_gate"] == [
        {"team": "Team A", "wave": 2, "eligible": 5, "adoption_rate": 0.8, "gate": 0.9},
        {"team": "Team B", "wave": 2, "eligible": 5, "adoption_rate": 0.8, "gate": 0.9},
    ]
    assert build_digest(data, "leadership")["teams_below_gate"] == []
