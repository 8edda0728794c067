"""The worklist: who is on it, in what order, why, who owns the contact, and what to say."""

from __future__ import annotations

import polars as pl
from outreach_frames import AS_OF, OUTREACH, PEOPLE, ROSTER, d

from analytics.outreach import WORKLIST_COLUMNS, build_worklist, filter_worklist
from analytics.outreach.worklist import empty_worklist
from analytics.settings import Settings


def _worklist(**settings: object) -> pl.DataFrame:
    return build_worklist(PEOPLE, ROSTER, OUTREACH, AS_OF, Settings.model_validate(settings))


def _row(worklist: pl.DataFrame, person_id: str) -> dict:
    return worklist.filter(pl.col("person_id") == person_id).row(0, named=True)


def test_people_are_exactly_the_non_active_segments() -> None:
    worklist = _worklist()
    expected = PEOPLE.filter(pl.col("segment").is_in(["never_started", "dormant", "at_risk"]))
    # everyone but x1 (active): n1, d1, a1, l1, n2, d2
    assert sorted(worklist["person_id"]) == sorted(expected["person_id"])
    assert worklist.columns == list(WORKLIST_COLUMNS)
    assert worklist["person_id"].is_unique().all()


def test_order_puts_the_most_valuable_contacts_first() -> None:
    worklist = _worklist()
    # not contacted recently first: lost trust l1, dormant d1, then never started by days since
    # invite, longest first: n1 (34 days) before n2 (7 days); then the recently contacted, in
    # the same order: a1 (at risk, contacted after D) before d2 (dormant, contacted D-3)
    assert worklist["person_id"].to_list() == ["l1", "d1", "n1", "n2", "a1", "d2"]
    assert worklist["rank"].to_list() == [1, 2, 3, 4, 5, 6]


def test_reasons_in_words_from_each_persons_numbers() -> None:
    worklist = _worklist()
    # n1: wave start 2026-02-25 -> D 2026-03-31 = 4 days to Mar 1 + 30 = 34 days
    assert _row(worklist, "n1")["reason"] == "invited 34 days ago, never used the tool"
    # d1: last active 2026-03-08 -> 31 - 8 = 23 days
    assert _row(worklist, "d1")["reason"] == "last active 23 days ago"
    # a1: 9 active days in [D-27, D-14], 2 in [D-13, D]
    assert _row(worklist, "a1")["reason"] == "active 9 of the previous 14 days, 2 of the last 14"
    # l1: lost trust (dormant, last 3 feedback events rejected), last active 03-15 -> 16 days
    assert _row(worklist, "l1")["reason"] == "last 3 suggestions rejected, inactive for 16 days"
    assert _row(worklist, "l1")["segment"] == "dormant"
    assert _row(worklist, "l1")["playbook"] == "lost_trust"


def test_reason_pluralises_and_says_today_or_yesterday() -> None:
    people = PEOPLE.with_columns(
        last_active=pl.when(pl.col("person_id") == "d1")
        .then(d("2026-03-30"))
        .otherwise("last_active"),
        wave_start=pl.when(pl.col("person_id") == "n1").then(AS_OF).otherwise("wave_start"),
    )
    worklist = build_worklist(people, ROSTER, OUTREACH, AS_OF)
    assert _row(worklist, "d1")["reason"] == "last active yesterday"
    assert _row(worklist, "n1")["reason"] == "invited today, never used the tool"


def test_owner_is_the_active_champion_else_the_manager() -> None:
    worklist = _worklist()
    # n1's champion c1 is an active champion
    assert (_row(worklist, "n1")["owner_id"], _row(worklist, "n1")["owner_role"]) == (
        "c1",
        "champion",
    )
    assert _row(worklist, "n1")["owner_name"] == "Cara Lee"
    # d1's champion c3 left (active=false): the manager m1 owns it
    assert _row(worklist, "d1")["owner_id"] == "m1"
    assert (_row(worklist, "d1")["owner_name"], _row(worklist, "d1")["owner_role"]) == (
        "Mia Chen",
        "manager",
    )
    # l1's "champion" r9 is not a champion: manager
    assert _row(worklist, "l1")["owner_role"] == "manager"
    # n2 has neither champion nor manager
    assert (_row(worklist, "n2")["owner_id"], _row(worklist, "n2")["owner_role"]) == (
        None,
        "unassigned",
    )


def test_next_step_and_message_follow_the_playbook() -> None:
    worklist = _worklist()
    n1 = _row(worklist, "n1")
    assert "workshop" in n1["next_step"] and "office hours" in n1["next_step"]
    assert n1["message"].startswith(
        "Hi Nina, it's Cara. You've had access to the coaching tool for 34 days"
    )
    assert "1-on-1" in _row(worklist, "d1")["next_step"]
    assert "success story" in _row(worklist, "a1")["next_step"]
    lost = _row(worklist, "l1")
    assert "bad suggestion" in lost["next_step"] and "not for" in lost["next_step"]
    assert lost["message"].startswith("Hi Lou, Mia here.")
    # unassigned owner: the message still reads
    assert "the rollout team" in _row(worklist, "n2")["message"]


def test_contacted_recently_and_last_contact() -> None:
    worklist = _worklist()
    # d2: contacted 2026-03-28, 3 days before D, within 7 days
    assert _row(worklist, "d2")["contacted_recently"] is True
    assert _row(worklist, "d2")["last_contacted_on"] == d("2026-03-28")
    assert _row(worklist, "d2")["last_contact_channel"] == "chat"
    # d1: contacted 2026-03-21, 10 days before D: logged but not recent
    assert _row(worklist, "d1")["contacted_recently"] is False
    assert _row(worklist, "d1")["last_contacted_on"] == d("2026-03-21")
    # a1's contact is dated after D (logged today, data up to yesterday): it counts as recent
    assert _row(worklist, "a1")["last_contacted_on"] == d("2026-04-02")
    assert _row(worklist, "a1")["contacted_recently"] is True
    # with a 14-day window d1 becomes recent too (31 - 21 = 10 < 14)
    assert _row(_worklist(recent_contact_days=14), "d1")["contacted_recently"] is True


def test_recent_contact_window_edge() -> None:
    # recent = contacted in the 7 days ending D: [D-6, D]; D-7 is not recent
    outreach = OUTREACH.with_columns(
        contacted_on=pl.when(pl.col("id") == 1).then(d("2026-03-25")).otherwise(d("2026-03-24"))
    )
    worklist = build_worklist(PEOPLE, ROSTER, outreach, AS_OF)
    assert _row(worklist, "d2")["contacted_recently"] is True  # 03-25 = D-6
    assert _row(worklist, "d1")["contacted_recently"] is False  # 03-24 = D-7


def test_template_overrides_and_placeholders() -> None:
    templates = {
        "dormant": {
            "message": "Hey {first_name}, {owner_first_name} ({days_inactive} days) {nope}"
        },
        "at_risk": {"next_step": "Coffee with {owner_name}"},
        "not_a_playbook": {"message": "ignored"},
    }
    worklist = _worklist(message_templates=templates)
    assert _row(worklist, "d1")["message"] == "Hey Dan, Mia (23 days) {nope}"
    assert _row(worklist, "a1")["next_step"] == "Coffee with Cody Vance"
    # fields not overridden keep their default
    assert "Hi Ann" in _row(worklist, "a1")["message"]


def test_placeholder_text_inside_a_name_is_not_filled_again() -> None:
    people = PEOPLE.with_columns(
        name=pl.when(pl.col("person_id") == "d1")
        .then(pl.lit("{owner_first_name}"))
        .otherwise("name")
    )
    templates = {"dormant": {"message": "Hi {first_name} from {owner_first_name}"}}
    worklist = build_worklist(
        people, ROSTER, OUTREACH, AS_OF, Settings(message_templates=templates)
    )
    assert _row(worklist, "d1")["message"] == "Hi {owner_first_name} from Mia"


def test_sql_looking_names_are_kept_verbatim() -> None:
    name = "Robert'); DROP TABLE roster;--"
    people = PEOPLE.with_columns(
        name=pl.when(pl.col("person_id") == "d1").then(pl.lit(name)).otherwise("name")
    )
    row = _row(build_worklist(people, ROSTER, OUTREACH, AS_OF), "d1")
    assert row["name"] == name
    assert row["message"].startswith("Hi Robert');,")


def test_filters() -> None:
    worklist = _worklist()
    assert sorted(filter_worklist(worklist, teams=["East"])["person_id"]) == ["d1", "n1"]
    assert sorted(filter_worklist(worklist, champions=["c2"])["person_id"]) == ["a1", "d2"]
    assert sorted(filter_worklist(worklist, waves=[1])["person_id"]) == ["a1", "d2", "l1"]
    # "dormant" includes the lost-trust person; "lost_trust" selects only them
    assert sorted(filter_worklist(worklist, segments=["dormant"])["person_id"]) == [
        "d1",
        "d2",
        "l1",
    ]
    assert filter_worklist(worklist, segments=["lost_trust"])["person_id"].to_list() == ["l1"]
    both = filter_worklist(worklist, teams=["West"], segments=["never_started"])
    assert both["person_id"].to_list() == ["n2"]
    assert filter_worklist(worklist, teams=["Nowhere"]).is_empty()


def test_empty_inputs_give_an_empty_worklist_with_every_column() -> None:
    worklist = build_worklist(PEOPLE.clear(), ROSTER.clear(), OUTREACH.clear(), AS_OF)
    assert worklist.is_empty()
    assert worklist.schema == empty_worklist().schema


def test_a_champion_on_the_list_is_called_out() -> None:
    people = PEOPLE.with_columns(is_champion=pl.col("person_id") == "d1")
    worklist = build_worklist(people, ROSTER, OUTREACH, AS_OF)
    # d1: dormant 23 days (31 - 8) and a champion themselves
    assert _row(worklist, "d1")["reason"] == (
        "last active 23 days ago; is a champion (their cohort depends on them)"
    )
    assert _row(worklist, "n1")["reason"] == "invited 34 days ago, never used the tool"
