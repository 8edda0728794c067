"""The outreach effect: a contact converts with an active day in the N days after it."""

from __future__ import annotations

import polars as pl
from outreach_frames import AS_OF, d

from analytics.metrics.document import build_document
from analytics.metrics.inputs import make_inputs
from analytics.outreach import contact_outcomes, conversion_by, effect_summary

CONTACTS = pl.DataFrame(
    {
        "id": [1, 2, 3, 4, 5, 6, 7],
        "person_id": ["p1", "p2", "p3", "p4", "p5", "p6", "p7"],
        # all on 2026-03-01 (window 03-02..03-15), except p4 on 03-25 (window open at D = 03-31)
        # and p7 on 04-02 (after D: ignored)
        "contacted_on": [d("2026-03-01")] * 3
        + [d("2026-03-25")]
        + [d("2026-03-01")] * 2
        + [d("2026-04-02")],
        "channel": ["chat", "chat", "email", "email", "phone", "phone", "chat"],
        "owner": ["c1", "c1", "c1", "m1", "m1", "m1", "c1"],
        "segment": [
            "dormant",
            "never_started",
            "dormant",
            "at_risk",
            "dormant",
            "at_risk",
            "dormant",
        ],
        "note": [""] * 7,
    }
)
PERSON_DAY = pl.DataFrame(
    {
        "person_id": ["p1", "p2", "p3", "p5", "p6", "p6", "p7", "p8"],
        "day": [
            d("2026-03-10"),  # p1: day 9 after the contact -> converted
            d("2026-03-05"),  # p2: only a passive event -> not converted
            d("2026-03-16"),  # p3: day 15 after the contact -> not converted
            d("2026-03-01"),  # p5: the contact day itself -> not converted
            d("2026-03-15"),  # p6: day 14, the last day of the window -> converted
            d("2026-04-05"),  # p6: after D, ignored anyway
            d("2026-04-03"),  # p7: contact after D
            d("2026-03-31"),  # p8: someone active on D, so D is the latest event day
        ],
        "events": [3, 1, 2, 1, 1, 1, 1, 1],
        "active_events": [3, 0, 2, 1, 1, 1, 1, 1],
    }
)


def _inputs(person_day: pl.DataFrame = PERSON_DAY, **settings: object):
    return make_inputs(person_day=person_day, outreach=CONTACTS, settings=settings)


def _outcomes() -> pl.DataFrame:
    return contact_outcomes(_inputs(), AS_OF)


def test_each_contacts_outcome() -> None:
    outcomes = _outcomes()
    status = dict(zip(outcomes["person_id"], outcomes["status"], strict=True))
    assert status == {
        "p1": "converted",
        "p2": "not converted",
        "p3": "not converted",
        "p4": "pending",  # window 03-26..04-08 still open at D and no activity yet
        "p5": "not converted",
        "p6": "converted",
    }
    owners = dict(zip(outcomes["person_id"], outcomes["owner"], strict=True))
    assert owners["p4"] == "m1"


def test_a_pending_contact_converts_as_soon_as_there_is_activity() -> None:
    extra = pl.DataFrame(
        {"person_id": ["p4"], "day": [d("2026-03-27")], "events": [1], "active_events": [1]}
    )
    outcomes = contact_outcomes(_inputs(pl.concat([PERSON_DAY, extra])), AS_OF)
    assert outcomes.filter(pl.col("person_id") == "p4")["status"].to_list() == ["converted"]


def test_conversion_by_channel_segment_and_owner() -> None:
    by_channel = conversion_by(_outcomes(), "channel")
    # chat: p1 yes, p2 no -> 1/2; email: p3 no, p4 pending -> 0/1; phone: p5 no, p6 yes -> 1/2
    assert by_channel.to_dicts() == [
        {"channel": "chat", "contacts": 2, "converted": 1, "pending": 0, "conversion_rate": 0.5},
        {"channel": "email", "contacts": 2, "converted": 0, "pending": 1, "conversion_rate": 0.0},
        {"channel": "phone", "contacts": 2, "converted": 1, "pending": 0, "conversion_rate": 0.5},
    ]
    by_segment = conversion_by(_outcomes(), "segment")
    # at_risk: p4 pending, p6 yes -> 1/1; dormant: p1 yes, p3 no, p5 no -> 1/3; never: p2 no -> 0
    rates = dict(zip(by_segment["segment"], by_segment["conversion_rate"], strict=True))
    assert rates == {"at_risk": 1.0, "dormant": 1 / 3, "never_started": 0.0}
    by_owner = conversion_by(_outcomes(), "owner")
    # c1: p1 yes, p2 no, p3 no -> 1/3; m1: p4 pending, p5 no, p6 yes -> 1/2
    rates = dict(zip(by_owner["owner"], by_owner["conversion_rate"], strict=True))
    assert rates == {"c1": 1 / 3, "m1": 0.5}


def test_summary_agrees_with_the_metrics_document() -> None:
    summary = effect_summary(_outcomes())
    # 6 contacts up to D: 2 converted, 1 pending -> 2 / (6 - 1) = 0.4
    assert (summary["contacts"], summary["converted"], summary["pending"]) == (6, 2, 1)
    assert summary["conversion_rate"] == 2 / 5
    document = build_document(_inputs(), AS_OF)["outreach_effect"]
    assert document["conversion_rate"] == summary["conversion_rate"]
    assert document["by_channel"] == summary["by_channel"]
    assert document["by_segment"] == summary["by_segment"]


def test_all_pending_rate_is_null_and_no_contacts_is_empty() -> None:
    only_pending = conversion_by(_outcomes().filter(pl.col("person_id") == "p4"), "channel")
    assert only_pending["conversion_rate"].to_list() == [None]
    empty = effect_summary(_outcomes().clear())
    assert (empty["contacts"], empty["conversion_rate"], empty["by_channel"]) == (0, None, [])


def test_effect_days_is_a_setting() -> None:
    # with a 7-day window p1's activity on day 9 no longer counts
    outcomes = contact_outcomes(_inputs(outreach_effect_days=7), AS_OF)
    assert outcomes.filter(pl.col("person_id") == "p1")["status"].to_list() == ["not converted"]
