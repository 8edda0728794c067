"""Overview: headline numbers equal the metrics document's, definitions beside them, as-of."""

from __future__ import annotations

import datetime as dt

from conftest import metric, no_exception

from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs


def test_tiny_overview_numbers_worked_by_hand(open_page, tiny_db):
    at = open_page("overview", tiny_db)
    no_exception(at)
    # 12 people, all eligible on 2026-02-15; p05 and p11 never active; everyone else was active
    # in the last 28 days -> MAU 10, adoption 10 / 12 = 83.3%, shown whole: 83%.
    assert metric(at, "Adoption rate") == "83%"
    assert metric(at, "MAU") == "10"
    assert metric(at, "Eligible") == "12"
    assert metric(at, "Never started") == "2"
    # No build cost set -> no value delivered
    assert metric(at, "Value delivered") == "—"


def test_overview_matches_the_document_on_the_running_example(open_page, example_db):
    doc = build_document(load_inputs(example_db))
    at = open_page("overview", example_db)
    no_exception(at)
    assert metric(at, "Adoption rate") == f"{doc['adoption_rate']:.0%}"
    assert metric(at, "DAU") == f"{doc['active']['dau']:,}"
    assert metric(at, "WAU") == f"{doc['active']['wau']:,}"
    assert metric(at, "MAU") == f"{doc['active']['mau']:,}"
    assert metric(at, "Never started") == f"{doc['population']['never_started']:,}"
    assert metric(at, "Target path today") == f"{doc['target']['path_rate']:.0%}"
    if doc["value_delivered"] is not None:
        # the currency setting's default is USD
        assert metric(at, "Value delivered") == f"${doc['value_delivered']:,.0f}"
    captions = " ".join(c.value for c in at.caption)
    assert "28 days" in captions and "eligible" in captions  # window and denominator shown
    assert doc["as_of"] in captions
    assert len(at.get("vega_lite_chart")) == 2  # adoption vs target, active people


def test_every_headline_has_its_definition_as_help(open_page, example_db):
    at = open_page("overview", example_db)
    assert all(m.help for m in at.metric)


def test_changing_the_as_of_day_recomputes_as_of_that_day(open_page, example_db):
    at = open_page("overview", example_db)
    last = at.sidebar.date_input(key="as_of").value
    earlier = last - dt.timedelta(days=20)
    at.sidebar.date_input(key="as_of").set_value(earlier).run()
    no_exception(at)
    doc = build_document(load_inputs(example_db), as_of=earlier)
    assert metric(at, "Adoption rate") == f"{doc['adoption_rate']:.0%}"
    assert metric(at, "MAU") == f"{doc['active']['mau']:,}"


def test_what_changed_since_last_week_compares_with_d_minus_7(open_page, tiny_db):
    at = open_page("overview", tiny_db)
    table = at.dataframe[-1].value
    # headers in words like every other table; an unchanged count reads "no change", not "+0"
    assert list(table.columns) == ["Measure", "As of 2026-02-08", "As of 2026-02-15", "Change"]
    eligible = table[table["Measure"] == "Eligible people"].iloc[0]
    assert (eligible["As of 2026-02-08"], eligible["As of 2026-02-15"], eligible["Change"]) == (
        "12",
        "12",
        "no change",
    )


def test_overview_splits_by_tool_with_the_funnel_and_lower_bounds(open_page, example_db):
    """SPEC 10: the running example's mixed rollout (coaching tool, Copilot, ChatGPT)."""
    doc = build_document(load_inputs(example_db))
    at = open_page("overview", example_db)
    no_exception(at)
    assert "By tool" in [h.value for h in at.subheader]
    assert metric(at, "Licensed") == f"{doc['funnel']['licensed']:,}"
    assert metric(at, "Habitual") == f"{doc['funnel']['habitual']:,}"
    tools = at.dataframe[-1].value
    assert list(tools["tool"]) == ["ChatGPT Enterprise", "Event logs", "GitHub Copilot"]
    # the coaching tool's event logs have no licence list; both vendors have one
    assert list(tools["licensed"]) == [
        str(doc["tools"][0]["licensed"]),
        "no licence list",
        str(doc["tools"][2]["licensed"]),
    ]
    captions = " ".join(c.value for c in at.caption)
    assert "Lower bounds: daily active users, stickiness, active days per person" in captions
