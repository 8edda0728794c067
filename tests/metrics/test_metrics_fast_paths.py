"""The faster kernels (issue 10) against SPEC 4 and 10 definitions, on hand-made inputs.

Each expected value is worked out by hand in the comments; a change to the weekly frame, the
per-person summary or the funnel that breaks a definition fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import polars as pl
from metric_frames import build, day

from analytics.metrics.active import active_days, window_counts
from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_document_inputs, load_inputs, make_inputs
from analytics.metrics.lifecycle import lifecycle_long
from analytics.metrics.population import activity_summary, prepare
from analytics.metrics.retention import active_weeks, retention_long
from analytics.metrics.tools import tools_list

W0, W1, W2, W3 = (day(7 * n) for n in range(4))  # Mondays 2024-01-01, -08, -15, -22


def test_weekly_frame_first_week_and_neighbours() -> None:
    # a: active in W0 (twice), W1 and W3 -> weeks W0, W1, W3; b: W2 only; c: passive only.
    rows = [("a", 0), ("a", 3), ("a", 8), ("a", 23), ("b", 16), ("c", 2, 0)]
    frame = active_weeks(prepare(build(rows), day(23))).sort("person_id", "week")
    assert frame.to_dicts() == [
        # W0: first; W1 follows it.  W1: W0 before, W2 not after.  W3: W2 not before.
        {"person_id": "a", "week": W0, "first_week": W0, "returning": False, "stays": True},
        {"person_id": "a", "week": W1, "first_week": W0, "returning": True, "stays": False},
        {"person_id": "a", "week": W3, "first_week": W0, "returning": False, "stays": False},
        {"person_id": "b", "week": W2, "first_week": W2, "returning": False, "stays": False},
    ]


def test_lifecycle_and_retention_from_the_weekly_frame() -> None:
    rows = [("a", 0), ("a", 3), ("a", 8), ("a", 23), ("b", 16), ("c", 2, 0)]
    basis = prepare(build(rows), day(23))  # D Tuesday of W3
    life = lifecycle_long(basis)
    # W0 a new; W1 a returning; W2 b new, a dormant; W3 a resurrecting, b dormant.
    assert life.select("new", "returning", "resurrecting", "dormant", "active").rows() == [
        (1, 0, 0, 0, 1),
        (0, 1, 0, 0, 1),
        (1, 0, 0, 1, 1),
        (0, 0, 1, 1, 1),
    ]  # a and b active in W3's next week would be dormant there: beyond D's week, not listed
    ret = retention_long(basis)
    # cohort W0 = {a}: k 0..3 active 1, 1, 0, 1; cohort W2 = {b}: k 0..1 active 1, 0
    assert ret.select("cohort_week", "k", "size", "active").rows() == [
        (W0, 0, 1, 1),
        (W0, 1, 1, 1),
        (W0, 2, 1, 0),
        (W0, 3, 1, 1),
        (W2, 0, 1, 1),
        (W2, 1, 1, 0),
    ]


def test_rejection_run_since_the_last_acceptance() -> None:
    # (person, day, active, accepted, rejected, trailing)
    rows = [
        # r1: accepts on day 5 with 2 rejections after it that day, then 1 and 2 rejections:
        # 2 + 1 + 2 = 5 (the day-3 rejections came before the acceptance)
        ("r1", 3, 1, 0, 4, 4),
        ("r1", 5, 1, 1, 3, 2),
        ("r1", 7, 1, 0, 1, 1),
        ("r1", 8, 1, 0, 2, 2),
        # r2: never accepts: every rejection, 1 + 1 = 2
        ("r2", 4, 1, 0, 1, 1),
        ("r2", 9, 1, 0, 1, 1),
        # r3: accepts on day 2 and day 6 (trailing 0 on day 6): 0
        ("r3", 2, 1, 1, 0, 0),
        ("r3", 6, 1, 2, 5, 0),
    ]
    basis = prepare(build(rows), day(9))
    summary = activity_summary(basis.activity, day(9), 14).sort("person_id")
    assert summary["rejection_run"].to_list() == [5, 2, 0]
    assert summary["accepted"].to_list() == [1, 0, 3]
    assert summary["rejected"].to_list() == [10, 2, 5]


def test_activity_summary_windows() -> None:
    # dormant_days 14 at D = day 29: recent [16, 29], prior [2, 15], 28 days [2, 29], 7 [23, 29]
    rows = [("p", 1), ("p", 2), ("p", 15), ("p", 16), ("p", 23), ("p", 29), ("p", 20, 0)]
    summary = activity_summary(prepare(build(rows), day(29)).activity, day(29), 14)
    assert summary.drop("person_id").to_dicts() == [
        {
            "first_active": day(1),
            "last_active": day(29),
            "active_today": True,
            "active_7": True,  # days 23 and 29
            "active_days_28": 5,  # 2, 15, 16, 23, 29 (day 20 passive, day 1 too early)
            "recent_days": 3,  # 16, 23, 29
            "prior_days": 2,  # 2, 15
            "accepted": 0,
            "rejected": 0,
            "rejection_run": 0,
        }
    ]


D = dt.date(2026, 3, 29)  # a Sunday


def _back(n: int) -> dt.date:
    return D - dt.timedelta(days=n)


def test_funnel_window_edges() -> None:
    # k: active 27, 20, 13 days back: weeks 3, 2, 1 -> habitual, not weekly.
    # m: active 28, 21, 14 days back: weeks 4 (outside), 3, 2 -> used only.
    # t: active 6 days back (week 0): weekly.  Nobody holds a licence: the eligible population.
    active = [("k", 27), ("k", 20), ("k", 13), ("m", 28), ("m", 21), ("m", 14), ("t", 6)]
    person_day = pl.DataFrame(
        {
            "person_id": [p for p, _ in active],
            "day": [_back(b) for _, b in active],
            "events": [1] * len(active),
            "active_events": [1] * len(active),
        }
    )
    doc = build_document(make_inputs(person_day=person_day), D)
    assert doc["funnel"] == {"licensed": 3, "first_use": 3, "weekly_active": 1, "habitual": 1}
    assert doc["funnel_parts"] == {
        "never_used": 0,
        "used_not_weekly": 1,  # m
        "weekly_not_habitual": 1,  # t
        "habitual": 1,  # k
    }


def test_tool_grain_is_the_coarsest_loaded_up_to_d() -> None:
    # copilot: day rows, then a monthly row after D (not yet loaded at D): grain "day".
    # chat: event and period rows: the coarser is "period"; its 28 days hold x (2 days) and y;
    # z was active 28 days back, outside the window.
    rows = [
        ("x", _back(0), "chat", "event", 1),
        ("x", _back(3), "chat", "period", 1),
        ("y", _back(27), "chat", "event", 1),
        ("z", _back(28), "chat", "event", 1),
        ("w", _back(1), "chat", "event", 0),  # passive: not active
        ("x", _back(2), "copilot", "day", 1),
        ("x", _back(-3), "copilot", "month", 1),
    ]
    tool_day = pl.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "day": [r[1] for r in rows],
            "tool": [r[2] for r in rows],
            "grain": [r[3] for r in rows],
            "events": [1] * len(rows),
            "active_events": [r[4] for r in rows],
        }
    )
    licences = pl.DataFrame({"person_id": ["x"], "tool": ["copilot"], "since": [None]})
    tools = tools_list(tool_day, licences.with_columns(pl.col("since").cast(pl.Date)), D)
    assert tools == [
        {"tool": "chat", "grain": "period", "people_active_28d": 2, "licensed": None},
        {"tool": "copilot", "grain": "day", "people_active_28d": 1, "licensed": 1},
    ]


def test_command_reads_only_the_tool_rows_of_its_day(tmp_path: Path) -> None:
    # The command's inputs (load_document_inputs) hold the active tool rows of the 28 days
    # ending D plus one row per tool and grain; the tool keys equal those over the whole table.
    person_day = pl.DataFrame(
        {"person_id": ["x", "y"], "day": [_back(0), _back(40)], "events": [1, 1]},
    ).with_columns(active_events=pl.lit(1, pl.Int64))
    rows = [
        ("x", _back(0), "chat", "event", 1),
        ("y", _back(40), "chat", "snapshot", 1),  # long before D: still chat's coarsest grain
        ("y", _back(28), "chat", "event", 1),  # one day outside the 28 days
        ("x", _back(27), "copilot", "month", 1),
        ("y", _back(-1), "copilot", "snapshot", 1),  # after D: not loaded at D
    ]
    tool_day = pl.DataFrame(
        {
            "person_id": [r[0] for r in rows],
            "day": [r[1] for r in rows],
            "tool": [r[2] for r in rows],
            "grain": [r[3] for r in rows],
            "events": [1] * len(rows),
            "active_events": [r[4] for r in rows],
        }
    )
    db = tmp_path / "tools.duckdb"
    con = duckdb.connect(str(db))
    con.register("pd", person_day)
    con.register("td", tool_day)
    con.execute("CREATE TABLE person_day AS SELECT * FROM pd")
    con.execute("CREATE TABLE tool_day AS SELECT * FROM td")
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.close()
    scoped = load_document_inputs(db, None)  # D: the latest event's day, _back(0)
    # x active on chat and copilot; grains up to D: chat event, chat snapshot, copilot month
    assert scoped.tool_day.height == 2 + 3
    keys = ("tools", "lower_bounds", "lower_bound_sources")
    expected = {
        "tools": [
            {"tool": "chat", "grain": "snapshot", "people_active_28d": 1, "licensed": None},
            {"tool": "copilot", "grain": "month", "people_active_28d": 1, "licensed": None},
        ],
        "lower_bounds": [
            "dau", "stickiness", "active_days_histogram", "wau", "mau", "adoption_rate",
            "funnel.weekly_active", "funnel.habitual", "retention", "lifecycle",
        ],
        "lower_bound_sources": ["chat", "copilot"],
    }  # fmt: skip
    for inputs in (scoped, load_inputs(db)):
        doc = build_document(inputs, D)
        assert {key: doc[key] for key in keys} == expected
    # as of 30 days back: the 28 days are [back 57, back 30]: y's snapshot (back 40) only
    early = load_document_inputs(db, _back(30))
    assert build_document(early, _back(30))["tools"] == [
        {"tool": "chat", "grain": "snapshot", "people_active_28d": 1, "licensed": None}
    ]


def test_window_counts_span_ends_by_gap() -> None:
    # a active on days 0, 2 and 40; b on day 5. Counted by hand over the windows ending each day:
    # DAU that day, WAU [d-6, d], MAU [d-27, d].
    activity = prepare(build([("a", 0), ("a", 2), ("a", 40), ("b", 5)]), day(41)).activity
    counts = window_counts(active_days(activity), day(0), day(41))
    got = {row["day"]: (row["dau"], row["wau"], row["mau"]) for row in counts.to_dicts()}
    expected = {
        0: (1, 1, 1),  # a
        1: (0, 1, 1),  # a's day 0 in both windows
        5: (1, 2, 2),  # b today; a's day 0 still in [-1, 5]
        8: (0, 2, 2),  # WAU [2, 8]: a's day 2, b's day 5
        9: (0, 1, 2),  # WAU [3, 9]: b
        12: (0, 0, 2),  # WAU [6, 12]: nobody
        29: (0, 0, 2),  # MAU [2, 29]: a, b
        30: (0, 0, 1),  # MAU [3, 30]: b
        32: (0, 0, 1),  # MAU [5, 32]: b
        33: (0, 0, 0),  # MAU [6, 33]: nobody
        40: (1, 1, 1),  # a again
        41: (0, 1, 1),
    }
    assert {day(n): value for n, value in expected.items()} == {
        day(n): got[day(n)] for n in expected
    }
    waves = activity.with_columns(wave=pl.when(pl.col("person_id") == "a").then(1).otherwise(2))
    by_wave = window_counts(active_days(waves, ("wave",)), day(0), day(41), ("wave",), ("mau",))
    mau = {(row["wave"], row["day"]): row["mau"] for row in by_wave.to_dicts()}
    assert [mau[(1, day(n))] for n in (5, 29, 30, 40)] == [1, 1, 0, 1]  # a: days 0, 2, 40
    assert [mau[(2, day(n))] for n in (4, 5, 32, 33)] == [0, 1, 1, 0]  # b: day 5


def test_wave_rates_span_edges() -> None:
    # Wave 1 starts on day 14; the 2-week rate counts [start-14, start+13] = days [0, 27], the
    # 4-week rate [start, start+27] = days [14, 41]. p1 on day 0: 2 weeks only; p2 on day -1:
    # neither; p3 on day 41: 4 weeks only; p4 on day 42: neither. Size 4.
    people = [{"user_id": f"p{n}", "wave": 1} for n in range(1, 5)]
    rows = [("p1", 0), ("p2", -1), ("p3", 41), ("p4", 42)]
    doc = build_document(build(rows, people, [(1, "One", 14, 4)]), day(60))
    (wave,) = doc["waves"]
    assert (wave["rate_2w"], wave["rate_4w"]) == (1 / 4, 1 / 4)


def test_rows_up_to_d_without_a_copy_when_none_is_later() -> None:
    from analytics.metrics.population import up_to

    frame = pl.DataFrame({"day": [day(1), day(3)], "person_id": ["a", "b"]})
    assert up_to(frame, day(3)) is frame  # D is the latest day: nothing to drop
    assert up_to(frame, day(2))["person_id"].to_list() == ["a"]  # b's day 3 is after D
    undated = pl.DataFrame({"day": [day(1), None], "person_id": ["a", "b"]})
    assert up_to(undated, day(3))["person_id"].to_list() == ["a"]  # no day: not on or before D
    empty = frame.clear()
    assert up_to(empty, day(3)).height == 0


def test_champion_cohorts_cut_from_the_sorted_rows() -> None:
    from analytics.metrics.champions import cohorts_list

    # Champions C1 (assigned b then a, listed by id: a, b) and C2 (nobody); x is assigned to y,
    # who is no champion: in no cohort. a active on day 1, nobody else; D = day 2, no plan.
    people = [
        {"user_id": "C1", "team": "T", "is_champion": True, "name": "One"},
        {"user_id": "C2", "team": "U", "is_champion": True, "name": "Two"},
        {"user_id": "b", "team": "T", "champion_id": "C1"},
        {"user_id": "a", "team": "T", "champion_id": "C1"},
        {"user_id": "x", "team": "U", "champion_id": "y"},
        {"user_id": "y", "team": "U"},
    ]
    got = cohorts_list(prepare(build([("a", 1, 1, 1, 1, 1)], people), day(2)))
    a = {"person_id": "a", "eligible": True, "segment": "active", "last_active_day": day(1)}
    b = {"person_id": "b", "eligible": True, "segment": "never_started", "last_active_day": None}
    assert got == [
        {
            "champion_id": "C1",
            "name": "One",
            "team": "T",
            "size": 2,
            "people": [  # a: 1 active day in 28, 1 accepted of 2 feedback events
                {**a, "active_days_28": 1, "acceptance_rate": 0.5},
                {**b, "active_days_28": 0, "acceptance_rate": None},
            ],
        },
        {"champion_id": "C2", "name": "Two", "team": "U", "size": 0, "people": []},
    ]
    assert cohorts_list(prepare(build([("a", 1)]), day(1))) == []  # no roster: no champion
