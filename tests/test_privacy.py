"""Roles from the server-side identity, cohort scoping, leadership suppression and the audit log."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from analytics.privacy import (
    CHAMPION,
    LEADERSHIP,
    LOCAL_PRODUCT_MANAGER,
    NO_ACCESS,
    PRODUCT_MANAGER,
    PrivacyConfig,
    Viewer,
    audit_log,
    audit_view,
    command_line_viewer,
    privacy_config,
    resolve_viewer,
    scope_people,
    suppress_small_groups,
)
from analytics.state import store

ROSTER = pl.DataFrame(
    {
        "user_id": ["c1", "c2", "c3", "r1", "r2", "r3", "m1", "x1", "gone"],
        "name": ["Cara", "Cody", "Cleo", "Rae", "Ron", "Rita", "Mia", "Xu", "Gus"],
        "email": [
            "cara@ex.com",
            "cody@ex.com",
            "cleo@ex.com",
            "rae@ex.com",
            "ron@ex.com",
            "rita@ex.com",
            "mia@ex.com",
            "xu@ex.com",
            "gus@ex.com",
        ],
        "role": ["rep", "rep", "rep", "rep", "rep", "rep", "manager", "executive", "rep"],
        "is_champion": [True, True, False, False, False, False, False, False, True],
        # c1 coaches r1, r2 and itself; c2 coaches r3; c3 is no longer a champion
        "champion_id": ["c1", None, None, "c1", "c1", "c2", None, None, None],
        "active": [True, True, True, True, True, True, True, True, False],
    }
)
NO_OIDC = PrivacyConfig()
LOGGED_OUT: dict = {"is_logged_in": False}


def _signed_in(email: str) -> dict:
    return {"is_logged_in": True, "email": email}


# --- roles -------------------------------------------------------------------------------------


def test_without_oidc_the_local_user_is_the_product_manager() -> None:
    assert resolve_viewer(LOGGED_OUT, ROSTER, NO_OIDC) == LOCAL_PRODUCT_MANAGER
    assert LOCAL_PRODUCT_MANAGER.role == PRODUCT_MANAGER


def test_roles_from_the_oidc_email() -> None:
    config = PrivacyConfig(product_managers=frozenset({"pm@ex.com"}), oidc_configured=True)
    assert resolve_viewer(_signed_in("PM@ex.com "), ROSTER, config).role == PRODUCT_MANAGER
    champion = resolve_viewer(_signed_in("Cara@Ex.com"), ROSTER, config)
    assert (champion.role, champion.person_id) == (CHAMPION, "c1")
    assert resolve_viewer(_signed_in("mia@ex.com"), ROSTER, config).role == LEADERSHIP
    assert resolve_viewer(_signed_in("xu@ex.com"), ROSTER, config).role == LEADERSHIP
    # a rep, a former champion who left, a stranger, and nobody signed in: no access
    assert resolve_viewer(_signed_in("rae@ex.com"), ROSTER, config).role == NO_ACCESS
    assert resolve_viewer(_signed_in("gus@ex.com"), ROSTER, config).role == NO_ACCESS
    assert resolve_viewer(_signed_in("eve@evil.com"), ROSTER, config).role == NO_ACCESS
    assert resolve_viewer(LOGGED_OUT, ROSTER, config).role == NO_ACCESS


def test_override_env_only_without_oidc() -> None:
    config = privacy_config({}, {"ADOPTION_VIEWER_EMAIL": "cara@ex.com"})
    assert resolve_viewer(LOGGED_OUT, ROSTER, config).person_id == "c1"
    # with [auth] configured the override is ignored: the OIDC identity decides
    with_auth = privacy_config({"auth": {"client_id": "x"}}, {"ADOPTION_VIEWER_EMAIL": "pm@ex"})
    assert resolve_viewer(LOGGED_OUT, ROSTER, with_auth).role == NO_ACCESS


def test_product_managers_from_secrets() -> None:
    secrets = {"adoption": {"product_managers": [" Pat@Ex.com", ""]}}
    config = privacy_config(secrets, {})
    assert config.product_managers == frozenset({"pat@ex.com"})
    assert config.oidc_configured is False


def test_cache_keys_never_collide_across_roles_and_scopes() -> None:
    keys = {
        LOCAL_PRODUCT_MANAGER.cache_key,
        Viewer("a@ex", CHAMPION, "c1").cache_key,
        Viewer("b@ex", CHAMPION, "c2").cache_key,
        Viewer("m@ex", LEADERSHIP, "m1").cache_key,
    }
    assert len(keys) == 4


# --- scoping -----------------------------------------------------------------------------------


def _people() -> pl.DataFrame:
    return ROSTER.select(pl.col("user_id").alias("person_id"), "champion_id", "name")


def test_champion_sees_only_their_cohort_not_themselves() -> None:
    viewer = Viewer("cara@ex.com", CHAMPION, "c1")
    seen = scope_people(_people(), viewer)
    # c1's assigned people are r1 and r2 (c1's own row points at itself and is left out)
    assert sorted(seen["person_id"]) == ["r1", "r2"]
    via_roster = scope_people(_people().drop("champion_id"), viewer, roster=ROSTER)
    assert sorted(via_roster["person_id"]) == ["r1", "r2"]


def test_leadership_and_no_access_see_no_individual_rows() -> None:
    for viewer in (Viewer("mia@ex.com", LEADERSHIP, "m1"), Viewer("eve", NO_ACCESS)):
        seen = scope_people(_people(), viewer)
        assert seen.is_empty()
        assert seen.columns == _people().columns


def test_product_manager_sees_everyone() -> None:
    assert scope_people(_people(), LOCAL_PRODUCT_MANAGER).height == ROSTER.height


# --- suppression -------------------------------------------------------------------------------


def test_team_of_four_in_region_of_twelve_is_suppressed_with_its_smallest_sibling() -> None:
    table = pl.DataFrame(
        {
            "region": ["North", "North", "South", "South", "South"],
            "team": ["A", "B", "C", "D", "E"],
            # North = 4 + 8 = 12: A is small; showing B (8) and North (12) would reveal A = 4
            "members": [4, 8, 6, 7, 9],
            "adoption_rate": [0.25, 0.5, 0.5, 0.4, 0.3],
        }
    )
    out = suppress_small_groups(table, group="team", count="members", parent="region")
    assert out["suppressed"].to_list() == [True, True, False, False, False]
    assert out["members"].to_list() == [None, None, 6, 7, 9]
    assert out["adoption_rate"].to_list()[:2] == [None, None]
    assert out["note"].to_list()[:2] == ["fewer than 5 people"] * 2


def test_complementary_suppression_picks_next_smallest_sibling() -> None:
    table = pl.DataFrame({"team": ["A", "B", "C", "D"], "members": [3, 9, 6, 20]})
    out = suppress_small_groups(table, group="team", count="members")
    # A (3) is alone below 5, so the smallest shown sibling C (6) goes too; B and D stay
    assert out["suppressed"].to_list() == [True, False, True, False]


def test_two_small_groups_need_no_extra_suppression() -> None:
    table = pl.DataFrame({"team": ["A", "B", "C"], "members": [3, 2, 30]})
    out = suppress_small_groups(table, group="team", count="members")
    # A and B are both hidden: their sum (5) is derivable but neither alone is
    assert out["suppressed"].to_list() == [True, True, False]


def test_small_region_hides_all_its_teams_and_a_sibling_region() -> None:
    table = pl.DataFrame(
        {
            "region": ["N", "S", "S", "W", "W"],
            "team": ["A", "B", "C", "D", "E"],
            # N = 3 (< 5) is suppressed; the next-smallest region W = 5 + 6 = 11 goes too,
            # S = 10 + 20 = 30 stays
            "members": [3, 10, 20, 5, 6],
        }
    )
    out = suppress_small_groups(table, group="team", count="members", parent="region")
    assert out["suppressed"].to_list() == [True, False, False, True, True]


def test_min_group_size_is_a_parameter() -> None:
    table = pl.DataFrame({"team": ["A", "B", "C"], "members": [8, 9, 30]})
    out = suppress_small_groups(table, group="team", count="members", min_size=10)
    assert out["suppressed"].to_list() == [True, True, False]
    assert out["note"][0] == "fewer than 10 people"


def test_audit_rows_and_who_may_read_them(db_path: Path) -> None:
    champion = Viewer("cara@ex.com", CHAMPION, "c1")
    audit_view(db_path, champion, "view outreach worklist", {"team": ["A"], "wave": []}, 2)
    audit_view(db_path, LOCAL_PRODUCT_MANAGER, "export outreach worklist", None, 7)
    log = audit_log(db_path, LOCAL_PRODUCT_MANAGER)
    assert log["what"].to_list() == ["export outreach worklist", "view outreach worklist"]
    first = log.row(1, named=True)
    assert (first["who"], first["role"], first["row_count"]) == ("cara@ex.com", CHAMPION, 2)
    assert json.loads(first["filters"]) == {"team": ["A"]}
    with pytest.raises(PermissionError):
        audit_log(db_path, champion)
    assert store.audit_frame(db_path).height == 2


def test_command_line_viewer_is_a_named_product_manager() -> None:
    viewer = command_line_viewer()
    assert viewer.role == PRODUCT_MANAGER
    assert viewer.identity.startswith("cli:")
