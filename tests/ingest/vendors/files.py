"""Hand-written vendor exports in each documented layout (SPEC 10), shared by the tests."""

from __future__ import annotations

import json
from pathlib import Path

ROSTER = (
    "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
    "training_completed_on,active,github_login\n"
    "E1,Ann,ann@x.com,Eng,EU,,rep,true,,1,,,Octo-Ann\n"
    "E2,Cy,cy@x.com,Sales,EU,,rep,false,E1,1,,,\n"
    "E3,Dee,dee@x.com,Sales,EU,,rep,false,E1,1,,,\n"
)


def _ndjson(*records: dict[str, object]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


def _gh(day: str, uid: int, login: str, prompts: int, gen: int, acc: int) -> dict[str, object]:
    return {
        "day": day,
        "user_id": uid,
        "user_login": login,
        "user_initiated_interaction_count": prompts,
        "code_generation_activity_count": gen,
        "code_acceptance_activity_count": acc,
        "loc_added_sum": 10 * acc,
        "used_chat": prompts > 0,
        "totals_by_ide": [{"ide": "vscode", "code_generation_activity_count": gen}],
    }


# Day 1 file: Ann prompted on 03-02 and was active on 03-03; bob-dev had a row of zeros on 03-02.
GITHUB_FIRST = _ndjson(
    _gh("2026-03-02", 101, "Octo-Ann", 3, 5, 2),
    _gh("2026-03-02", 102, "bob-dev", 0, 0, 0),
    _gh("2026-03-03", 101, "Octo-Ann", 0, 4, 1),
)
# Later file: GitHub revised Ann's 03-03 (now prompted), repeats bob's 03-02 as it was, adds 03-04.
GITHUB_LATER = _ndjson(
    _gh("2026-03-03", 101, "Octo-Ann", 2, 6, 1),
    _gh("2026-03-02", 102, "bob-dev", 0, 0, 0),
    _gh("2026-03-04", 102, "bob-dev", 1, 0, 0),
)
GITHUB_SEATS = json.dumps(
    {
        "total_seats": 2,
        "seats": [
            {
                "created_at": "2026-01-10T09:00:00Z",
                "last_activity_at": "2026-03-03T18:00:00Z",
                "pending_cancellation_date": None,
                "assignee": {"login": "octo-ann", "id": 101},
            },
            {
                "created_at": "2026-02-01T09:00:00Z",
                "last_activity_at": None,
                "pending_cancellation_date": None,
                "assignee": {"login": "carol-x", "id": 103},
            },
        ],
    },
    indent=2,
)

# Graph header (older): Ann used Copilot Chat on 03-04 and Teams on 03-01; Dee holds a licence.
M365_GRAPH = (
    "Report Refresh Date,User Principal Name,Display Name,Last Activity Date,"
    "Copilot Chat Last Activity Date,Microsoft Teams Copilot Last Activity Date,"
    "Word Copilot Last Activity Date,Report Period\n"
    "2026-03-05,ann@x.com,Ann,2026-03-04,2026-03-04,2026-03-01,,7\n"
    "2026-03-05,dee@x.com,Dee,,,,,7\n"
)
# Admin-centre header (newer, v2 totals, an extra column), columns in another order.
M365_ADMIN = (
    "User name,Display name,Report refresh date,Last activity date of Teams Copilot (UTC),"
    "Last activity date (UTC),Last activity date of Word Copilot (UTC),"
    "Prompts submitted for all apps,Active Usage Days for all apps,Cost centre\n"
    "ann@x.com,Ann,2026-03-06,2026-03-01,2026-03-05,2026-03-05,12,3,CC-1\n"
)
M365_CONCEALED = M365_GRAPH.replace("ann@x.com", "3F2A9C0D5B7E4F1A8C6D2E9B0A7F3C51").replace(
    "dee@x.com", "0123456789ABCDEF0123456789ABCDEF"
)

CHATGPT_HEADER = (
    "period_start,period_end,email,name,is_active,first_day_active_in_period,"
    "last_day_active_in_period,messages,gpt_messages,tool_messages,project_messages"
)
CHATGPT_WEEKLY = (
    CHATGPT_HEADER + ",department\n"
    "2026-03-02,2026-03-08,Cy@X.com,Cy,1,2026-03-03,2026-03-06,40,5,2,0,Sales\n"
    "2026-03-02,2026-03-08,dee@x.com,Dee,0,,,0,0,0,0,Sales\n"
    "2026-03-02,2026-03-08,eve@x.com,Eve,1,2026-03-04,2026-03-04,3,0,0,0,Ops\n"
)
CHATGPT_MONTHLY = (
    CHATGPT_HEADER + "\n2026-02-01,2026-02-28,cy@x.com,Cy,1,2026-02-02,2026-02-27,100,0,0,0\n"
)

GEMINI = json.dumps(
    {
        "kind": "admin#reports#activities",
        "items": [
            {
                "kind": "admin#reports#activity",
                "id": {
                    "time": "2026-03-03T23:30:00.000Z",
                    "uniqueQualifier": "111",
                    "applicationName": "gemini_in_workspace_apps",
                },
                "actor": {"email": "Cy@x.com", "profileId": "1"},
                "events": [
                    {
                        "type": "feature_utilization",
                        "name": "feature_utilization",
                        "parameters": [
                            {"name": "action", "value": "help_me_write"},
                            {"name": "app_name", "value": "docs"},
                            {"name": "event_category", "value": "active"},
                        ],
                    },
                    {
                        "type": "feature_utilization",
                        "name": "feature_utilization",
                        "parameters": [
                            {"name": "action", "value": "summarize_proactive_email"},
                            {"name": "app_name", "value": "gmail"},
                            {"name": "event_category", "value": "active"},
                        ],
                    },
                ],
            },
            {
                "kind": "admin#reports#activity",
                "id": {
                    "time": "2026-03-04T10:00:00Z",
                    "uniqueQualifier": "222",
                    "applicationName": "gemini_in_workspace_apps",
                },
                "actor": {"email": "dee@x.com"},
                "events": [
                    {
                        "name": "feature_utilization",
                        "parameters": [
                            {"name": "action", "value": "report_unspecified"},
                            {"name": "event_category", "value": "inactive"},
                        ],
                    }
                ],
            },
        ],
    },
    indent=1,
)


def write(folder: Path, name: str, text: str) -> Path:
    """Write a hand-written file and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
