"""Vendor exports end to end (SPEC 10): hand-written files in each documented layout, the
person_day rows, grain marks, licence rows, the funnel and the accounting identity per file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from analytics.db import connection
from analytics.ingest.command import ingest_paths
from analytics.ingest.report import FileReport
from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs
from tests.ingest.vendors import files as f

MONTH_KEYS = [
    "wau",
    "mau",
    "adoption_rate",
    "funnel.weekly_active",
    "funnel.habitual",
    "retention",
    "lifecycle",
]
Row = tuple[str, str, int, int]  # person_id, day, events, active_events


def _ingest(db: Path, folder: Path, named: dict[str, str], **options: object) -> list[FileReport]:
    paths = [f.write(folder, name, text) for name, text in named.items()]
    roster = f.write(folder, "roster.csv", f.ROSTER)
    reports = ingest_paths(db, paths, roster=roster, **options)  # type: ignore[arg-type]
    return [r for r in reports if r.kind == "events"]


def _counts(report: FileReport) -> tuple[int, int, int, int, int, int]:
    assert report.balanced()
    return (
        report.read,
        report.loaded,
        report.duplicates,
        report.quarantined,
        report.suppressed,
        report.revisions,
    )


def _person_days(db: Path) -> list[Row]:
    with connection(db) as con:
        rows = con.execute(
            "SELECT person_id, CAST(day AS VARCHAR), events, active_events FROM person_day "
            "ORDER BY person_id, day"
        ).fetchall()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def _query(db: Path, sql: str) -> list[tuple[object, ...]]:
    with connection(db) as con:
        return con.execute(sql).fetchall()


def _document(db: Path, as_of: str) -> dict:
    return build_document(load_inputs(db), dt.date.fromisoformat(as_of))


def test_github_file_revised_by_a_later_one(db_path: Path, tmp_path: Path) -> None:
    # Los Angeles is 8 hours behind UTC: vendor days must stay the days GitHub wrote.
    first, later = _ingest(
        db_path,
        tmp_path,
        {"copilot_1.ndjson": f.GITHUB_FIRST, "copilot_2.ndjson": f.GITHUB_LATER},
        tz="America/Los_Angeles",
    )
    assert first.preset == later.preset == "github-copilot"
    assert _counts(first) == (3, 3, 0, 0, 0, 0)
    # Ann's 03-03 revised (loaded, listed as a revision); bob's 03-02 unchanged (a duplicate).
    assert _counts(later) == (3, 2, 1, 0, 0, 1)
    assert later.to_json()["revisions"] == 1
    # Ann via roster github_login Octo-Ann; bob-dev is unmatched; bob's row of zeros is passive.
    assert _person_days(db_path) == [
        ("E1", "2026-03-02", 1, 1),
        ("E1", "2026-03-03", 1, 1),
        ("github:bob-dev", "2026-03-02", 1, 0),
        ("github:bob-dev", "2026-03-04", 1, 1),
    ]
    stored = _query(
        db_path,
        "SELECT event, json_extract_string(properties, '$.user_initiated_interaction_count') "
        "FROM events WHERE user_id = 'github:octo-ann' AND vendor_day = '2026-03-03'",
    )
    assert stored == [("copilot_prompted", "2")]  # the later file won
    assert _query(db_path, "SELECT DISTINCT grain FROM tool_day") == [("day",)]


def test_seats_are_licence_rows_and_give_the_funnel(db_path: Path, tmp_path: Path) -> None:
    events = "user_id,timestamp,event\nE1,2026-03-02T10:00:00Z,login\n"
    reports = _ingest(
        db_path,
        tmp_path,
        {
            "copilot_1.ndjson": f.GITHUB_FIRST,
            "copilot_2.ndjson": f.GITHUB_LATER,
            "seats.json": f.GITHUB_SEATS,
            "app.csv": events,
        },
    )
    assert _counts(reports[2]) == (2, 2, 0, 0, 0, 0)
    assert _query(db_path, "SELECT count(*) FROM events WHERE event = 'licence'") == [(0,)]
    assert _query(db_path, "SELECT * FROM licence_holders ORDER BY person_id") == [
        ("E1", "github-copilot", dt.date(2026, 1, 10), True),
        ("github:carol-x", "github-copilot", dt.date(2026, 2, 1), False),
    ]
    # One population: E1's app login and Copilot day on 03-02 are one person-day.
    assert ("E1", "2026-03-02", 2, 2) in _person_days(db_path)
    doc = _document(db_path, "2026-03-04")
    assert doc["tools"] == [
        {"tool": "events", "grain": "event", "people_active_28d": 1, "licensed": None},
        {"tool": "github-copilot", "grain": "day", "people_active_28d": 2, "licensed": 2},
    ]
    # licensed: E1 and carol-x; E1 used it (03-02, 03-03, in the last 7 days); nobody 3 weeks.
    assert doc["funnel"] == {"licensed": 2, "first_use": 1, "weekly_active": 1, "habitual": 0}
    assert doc["lower_bounds"] == [] and doc["lower_bound_sources"] == []
    assert _ingest(db_path, tmp_path, {"seats_again.json": f.GITHUB_SEATS})[0].duplicates == 2


def test_m365_graph_then_admin_centre_header(db_path: Path, tmp_path: Path) -> None:
    graph, admin = _ingest(
        db_path, tmp_path, {"m365_graph.csv": f.M365_GRAPH, "m365_admin.csv": f.M365_ADMIN}
    )
    # graph: 2 licence rows + Ann's all-apps 03-04, Chat 03-04, Teams 03-01.
    assert _counts(graph) == (5, 5, 0, 0, 0, 0)
    # admin: 1 licence row + Teams 03-01 (already known: duplicate), all apps 03-05, Word 03-05.
    assert _counts(admin) == (4, 3, 1, 0, 0, 0)
    assert _person_days(db_path) == [
        ("E1", "2026-03-01", 1, 1),
        ("E1", "2026-03-04", 2, 2),
        ("E1", "2026-03-05", 2, 2),
    ]
    assert _query(db_path, "SELECT person_id FROM licence_holders ORDER BY 1") == [
        ("E1",),
        ("E3",),
    ]
    totals = _query(
        db_path,
        "SELECT json_extract_string(properties, '$.prompts_submitted_for_all_apps'), "
        "json_extract_string(properties, '$.cost_centre') FROM licences "
        "WHERE file_name = 'm365_admin.csv'",
    )
    assert totals == [("12", "CC-1")]  # period totals and unknown columns kept
    doc = _document(db_path, "2026-03-05")
    assert doc["tools"] == [
        {"tool": "m365-copilot", "grain": "snapshot", "people_active_28d": 1, "licensed": 2}
    ]
    assert doc["lower_bounds"] == ["dau", "stickiness", "active_days_histogram"]
    assert doc["lower_bound_sources"] == ["m365-copilot"]


def test_m365_concealed_names_are_refused(db_path: Path, tmp_path: Path) -> None:
    (report,) = _ingest(db_path, tmp_path, {"m365.csv": f.M365_CONCEALED})
    assert report.status == "refused"
    assert report.error is not None
    assert "Display concealed user, group, and site names in all reports" in report.error
    assert "Org settings > Reports" in report.error
    assert _query(db_path, "SELECT count(*) FROM events") == [(0,)]
    assert _query(db_path, "SELECT count(*) FROM licences") == [(0,)]


def test_m365_without_activity_columns_is_refused(db_path: Path, tmp_path: Path) -> None:
    text = "User Principal Name,Display Name\nann@x.com,Ann\n"
    (report,) = _ingest(db_path, tmp_path, {"m365.csv": text}, preset="m365-copilot")
    assert report.status == "refused"
    assert "no 'Last Activity Date' column" in (report.error or "")


def test_chatgpt_weekly_and_monthly(db_path: Path, tmp_path: Path) -> None:
    weekly, monthly = _ingest(
        db_path, tmp_path, {"weekly.csv": f.CHATGPT_WEEKLY, "monthly.csv": f.CHATGPT_MONTHLY}
    )
    # weekly: 3 licence rows + Cy's first and last day + Eve's one day (first = last).
    assert _counts(weekly) == (6, 6, 0, 0, 0, 0)
    assert _counts(monthly) == (3, 3, 0, 0, 0, 0)
    assert _person_days(db_path) == [
        ("E2", "2026-02-02", 1, 1),
        ("E2", "2026-02-27", 1, 1),
        ("E2", "2026-03-03", 1, 1),
        ("E2", "2026-03-06", 1, 1),
        ("eve@x.com", "2026-03-04", 1, 1),
    ]
    department = _query(
        db_path,
        "SELECT json_extract_string(properties, '$.department'), "
        "json_extract_string(properties, '$.messages') FROM licences "
        "WHERE user_id = 'cy@x.com' AND file_name = 'weekly.csv'",
    )
    assert department == [("Sales", "40")]
    doc = _document(db_path, "2026-03-08")
    # E2, E3 (is_active = 0) and eve hold a licence; E2 and eve used it, both this week;
    # E2's weeks back from 03-08: 03-06 and 03-03 in week 0, 02-27 in week 1: 2 weeks.
    assert doc["funnel"] == {"licensed": 3, "first_use": 2, "weekly_active": 2, "habitual": 0}
    # the monthly file (February, 28 days) makes the tool's coarsest grain `month`: its two
    # known days a month leave the 7- and 28-day windows and the weekly numbers short too.
    assert doc["tools"] == [
        {"tool": "chatgpt-enterprise", "grain": "month", "people_active_28d": 2, "licensed": 3}
    ]
    assert doc["lower_bounds"] == [
        "dau",
        "stickiness",
        "active_days_histogram",
        *MONTH_KEYS,
    ]


def test_chatgpt_weekly_file_alone_marks_only_the_day_level_keys(
    db_path: Path, tmp_path: Path
) -> None:
    (weekly,) = _ingest(db_path, tmp_path, {"weekly.csv": f.CHATGPT_WEEKLY})
    assert _counts(weekly) == (6, 6, 0, 0, 0, 0)
    doc = _document(db_path, "2026-03-08")
    assert doc["tools"][0]["grain"] == "period"
    assert doc["lower_bounds"] == ["dau", "stickiness", "active_days_histogram"]


def test_chatgpt_monthly_file_alone_marks_the_weekly_and_28_day_keys(
    db_path: Path, tmp_path: Path
) -> None:
    (monthly,) = _ingest(db_path, tmp_path, {"monthly.csv": f.CHATGPT_MONTHLY})
    assert _counts(monthly) == (3, 3, 0, 0, 0, 0)  # a licence row, the first and last day
    doc = _document(db_path, "2026-03-08")
    assert doc["tools"][0]["grain"] == "month"
    assert doc["lower_bounds"] == ["dau", "stickiness", "active_days_histogram", *MONTH_KEYS]
    assert doc["lower_bound_sources"] == ["chatgpt-enterprise"]


def test_chatgpt_columns_read_by_name_or_refused(db_path: Path, tmp_path: Path) -> None:
    header, *rows = f.CHATGPT_WEEKLY.strip().split("\n")
    order = [11, 6, 5, 4, 3, 2, 1, 0, 7, 8, 9, 10]  # every column moved
    shuffled = "\n".join(",".join(line.split(",")[i] for i in order) for line in [header, *rows])
    renamed = f.CHATGPT_WEEKLY.replace("last_day_active_in_period", "last_active")
    ok, refused = _ingest(
        db_path,
        tmp_path,
        {"shuffled.csv": shuffled + "\n", "renamed.csv": renamed},
        preset="chatgpt-enterprise",
    )
    assert _counts(ok) == (6, 6, 0, 0, 0, 0)
    assert refused.status == "refused"
    assert "missing column last_day_active_in_period" in (refused.error or "")


def test_gemini_active_and_passive_actions(db_path: Path, tmp_path: Path) -> None:
    # Tokyo is UTC+9: Cy's 23:30Z on 03-03 is 08:30 on 03-04 there (an instant takes the
    # organisation's day); a proactive summary and an inactive event are passive.
    (report,) = _ingest(db_path, tmp_path, {"gemini.json": f.GEMINI}, tz="Asia/Tokyo")
    assert _counts(report) == (3, 3, 0, 0, 0, 0)
    assert _person_days(db_path) == [("E2", "2026-03-04", 2, 1), ("E3", "2026-03-04", 1, 0)]
    events = _query(db_path, "SELECT event_id, event, passive, feature FROM events ORDER BY 1")
    assert events == [
        ("111|0", "help_me_write", False, "docs"),
        ("111|1", "summarize_proactive_email", True, "gmail"),
        ("222|0", "report_unspecified", True, None),
    ]
    assert _query(db_path, "SELECT DISTINCT grain FROM tool_day") == [("event",)]
    props = _query(db_path, "SELECT properties FROM events WHERE event_id = '111|0'")[0][0]
    assert json.loads(str(props))["event_name"] == "feature_utilization"


def test_erasure_deletes_licence_rows_and_suppresses_github_rows(
    db_path: Path, tmp_path: Path
) -> None:
    from analytics.ingest.erase import erase_person

    _ingest(db_path, tmp_path, {"copilot_1.ndjson": f.GITHUB_FIRST, "seats.json": f.GITHUB_SEATS})
    erase_person(db_path, "E1")
    assert _query(db_path, "SELECT count(*) FROM licences WHERE user_id = 'github:octo-ann'") == [
        (0,)
    ]
    assert _query(db_path, "SELECT count(*) FROM events WHERE user_id = 'github:octo-ann'") == [
        (0,)
    ]
    (again,) = _ingest(db_path, tmp_path, {"copilot_again.ndjson": f.GITHUB_FIRST})
    # Ann's two user-days come back suppressed; bob's row of zeros is a duplicate.
    assert _counts(again) == (3, 0, 1, 0, 2, 0)


def test_wrong_or_incomplete_files_are_refused_clearly(db_path: Path, tmp_path: Path) -> None:
    no_login = f.GITHUB_FIRST.replace('"user_login"', '"login"')
    (github,) = _ingest(db_path, tmp_path, {"copilot.ndjson": no_login}, preset="github-copilot")
    assert "missing column user_login" in (github.error or "")
    (gemini,) = _ingest(
        db_path, tmp_path, {"weekly.csv": f.CHATGPT_WEEKLY}, preset="gemini-workspace"
    )
    assert gemini.status == "refused" and "invalid JSON" in (gemini.error or "")
    assert _query(db_path, "SELECT count(*) FROM events") == [(0,)]


def test_explore_queries_give_vendor_rows_the_same_day_as_person_day(
    db_path: Path, tmp_path: Path
) -> None:
    # One rule for an event's day (db.event_day): in Los Angeles (UTC-8) a GitHub day of
    # 2026-03-02 stays 03-02 in person_day and in the explore queries alike (not 03-01).
    from analytics.insight import InsightQuery, run_insight

    _ingest(db_path, tmp_path, {"copilot_1.ndjson": f.GITHUB_FIRST}, tz="America/Los_Angeles")
    query = InsightQuery(
        kind="active",
        period="day",
        date_from=dt.date(2026, 3, 1),
        date_to=dt.date(2026, 3, 3),
        tz="America/Los_Angeles",
    )
    rows = run_insight(query, db_path)["rows"]
    # person_day above: Ann (E1) active 03-02 and 03-03; bob-dev's 03-02 row counts as an event
    # (the explore queries count any event, like PostHog): 2 people on 03-02, 1 on 03-03.
    assert [(r["period_start"], r["count"]) for r in rows] == [
        ("2026-03-01", 0),
        ("2026-03-02", 2),
        ("2026-03-03", 1),
    ]


def test_gemini_items_without_events_are_quarantined_never_dropped(
    db_path: Path, tmp_path: Path
) -> None:
    # f.GEMINI's two items give 3 events; an item with `events: []` and one with no `events`
    # key name no action: one quarantine record each, so 5 records read.
    document = json.loads(f.GEMINI)
    actor = {"email": "eve@x.com"}
    document["items"] += [
        {
            "id": {"time": "2026-03-04T09:00:00Z", "uniqueQualifier": "333"},
            "actor": actor,
            "events": [],
        },
        {"id": {"time": "2026-03-04T09:05:00Z", "uniqueQualifier": "444"}, "actor": actor},
    ]
    (report,) = _ingest(db_path, tmp_path, {"gemini.json": json.dumps(document)})
    assert _counts(report) == (5, 3, 0, 2, 0, 0)
    reasons = _query(db_path, "SELECT reason, count(*) FROM quarantine GROUP BY ALL")
    assert reasons == [("activity item without events[] entries", 2)]
    assert _query(db_path, "SELECT count(*) FROM events WHERE user_id = 'eve@x.com'") == [(0,)]


def test_chatgpt_licence_since_from_created_or_invited_date(db_path: Path, tmp_path: Path) -> None:
    # The export's created_or_invited_date: Cy (E2) 2026-01-10, Dee (E3) 2026-03-07, Eve none.
    invited = f.CHATGPT_WEEKLY.replace(",department\n", ",department,created_or_invited_date\n")
    invited = invited.replace(",Sales\n", ",Sales,2026-01-10\n", 1)
    invited = invited.replace(",0,Sales\n", ",0,Sales,2026-03-07\n").replace(",Ops\n", ",Ops,\n")
    (weekly,) = _ingest(db_path, tmp_path, {"weekly.csv": invited})
    assert _counts(weekly) == (6, 6, 0, 0, 0, 0)
    since = _query(
        db_path, "SELECT person_id, CAST(since AS VARCHAR) FROM licence_holders ORDER BY 1"
    )
    assert since == [("E2", "2026-01-10"), ("E3", "2026-03-07"), ("eve@x.com", None)]
    # on 03-06 Dee is not invited yet: E2 and Eve hold a licence, both used it this week.
    assert _document(db_path, "2026-03-06")["funnel"] == {
        "licensed": 2,
        "first_use": 2,
        "weekly_active": 2,
        "habitual": 0,
    }
    assert _document(db_path, "2026-03-08")["funnel"]["licensed"] == 3


def test_a_vendor_file_uploaded_again_quarantines_nothing_twice(
    db_path: Path, tmp_path: Path
) -> None:
    # the same Gemini file as above (5 records: 3 events, 2 items without events) twice
    document = json.loads(f.GEMINI)
    actor = {"email": "eve@x.com"}
    document["items"] += [
        {"id": {"time": "2026-03-04T09:00:00Z", "uniqueQualifier": "333"}, "actor": actor},
        {"id": {"time": "2026-03-04T09:05:00Z", "uniqueQualifier": "444"}, "actor": actor},
    ]
    (first,) = _ingest(db_path, tmp_path, {"gemini.json": json.dumps(document)})
    (tmp_path / "again").mkdir()
    (again,) = _ingest(db_path, tmp_path / "again", {"gemini.json": json.dumps(document)})
    assert _counts(first) == (5, 3, 0, 2, 0, 0)
    # again: the 3 events are duplicates and the 2 bad records are already in quarantine,
    # counted once under duplicates: 5 = 0 loaded + 5 duplicates + 0 quarantined
    assert _counts(again) == (5, 0, 5, 0, 0, 0)
    assert again.already_quarantined == 2
    assert _query(db_path, "SELECT count(*) FROM quarantine") == [(2,)]
