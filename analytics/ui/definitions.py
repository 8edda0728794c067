"""The definition shown beside every headline number: its window and its denominator (SPEC 4).

Short enough for a caption under a big number; docs/metrics.md has the full text.
"""

from __future__ import annotations

DEFINITIONS: dict[str, str] = {
    "adoption_rate": "MAU ÷ eligible people: share of people whose wave has started (or who used "
    "it early) with an active event in the 28 days ending the as-of day.",
    "path_rate": "Where the target path ({rate} by {date}) says adoption should be today: "
    "target × elapsed share of the time from launch to the target date.",
    "forecast_rate": "Straight line fitted to the daily adoption rate of the last 28 days, "
    "read at the target date (clipped to 0–100%).",
    "value_delivered": "Build cost × adoption rate: the share of the investment in use.",
    "dau": "Daily active: eligible people with an active event on the as-of day.",
    "wau": "Weekly active: eligible people with an active event in the 7 days ending the "
    "as-of day.",
    "mau": "Monthly active: eligible people with an active event in the 28 days ending the "
    "as-of day.",
    "eligible": "People in the rollout whose wave has started on or before the as-of day, "
    "or who used the tool early. People not yet invited count nowhere.",
    "never_started": "Eligible people with no active event on or before the as-of day.",
    "ever_used": "Eligible people with at least one active event on or before the as-of day.",
    "stickiness": "Mean DAU over the 28 days ending the as-of day ÷ MAU: how many of the "
    "month's users show up on a typical day.",
    "segments": "Each eligible person is in exactly one segment: never started (no active event "
    "ever), dormant (none in the last {dormant}), at risk (active on fewer than {ratio} as many "
    "days in the last {dormant} as in the {dormant} before), active (the rest).",
    "retention": "Cohort = week of a person's first active event. Each cell: share of the "
    "cohort active in the k-th week after. Week 0 is 100% by definition.",
    "lifecycle": "Each week: new (first active week), returning (also active the week before), "
    "resurrecting (back after a gap); lapsed (active last week, not this week) below zero. "
    "Lapsed is a one-week change; the dormant segment is no use in the whole dormant window.",
    "active_days": "Eligible people active on exactly k of the 28 days ending the as-of day.",
    "wave_rate": "Members of the wave with an active event in the 28 days ending the as-of day "
    "÷ members of the wave.",
    "wave_rate_4w": "Members with an active event in the 28 days ending 4 weeks after the wave's "
    "start (start + 27 days) ÷ members; empty until that day.",
    "gate": "A wave is ready for the next wave when its 4-week adoption reaches the wave gate.",
    "coverage": "Share of eligible non-champions whose assigned champion is an active roster "
    "champion.",
    "people_per_champion": "Eligible non-champions ÷ eligible champions (target: at most "
    "{ratio} people per champion).",
    "leadership": "Adoption rate (MAU ÷ eligible) among the people with this roster role "
    "(executive or manager).",
    "acceptance_rate": "Accepted ÷ (accepted + rejected) AI suggestions, over all feedback up to "
    "the as-of day.",
    "lost_trust": "Eligible people whose last 3 feedback events were rejections and who are now "
    "dormant. They are counted among the dormant segment; the worklist gives them their own "
    "playbook, so its dormant count leaves them out.",
    "training": "Adoption rate among people trained on or before the as-of day vs the others.",
    # the licence funnel (SPEC 10): over licence holders, or eligible people without licences
    "licensed": "People holding a licence of any tool at the as-of day (eligible people when "
    "no licence list is loaded).",
    "first_use": "Of them, people with an active day on or before the as-of day, in any tool.",
    "weekly_active": "Of them, people active in the 7 days ending the as-of day.",
    "habitual": "Of them, people active in at least 3 of the last 4 weeks (7-day windows).",
    # the funnel as a partition of the licence holders: each person in exactly one part
    "never_used": "Licence holders with no active day up to the as-of day.",
    "used_not_weekly": "Licence holders who used it, but not in the last 7 days and not "
    "habitually.",
    "weekly_not_habitual": "Licence holders active in the last 7 days but in fewer than 3 of "
    "the last 4 weeks.",
}

# One word, one meaning: every term the views use, defined once (the Glossary view shows them;
# {dormant}, {ratio} and {min_group} are filled from the settings in force).
GLOSSARY: dict[str, str] = {
    "Eligible": DEFINITIONS["eligible"],
    "Active event": "Any event not listed as passive in the settings.",
    "DAU, WAU, MAU": "Eligible people with an active event on the day, in the 7 days, in the "
    "28 days ending the as-of day.",
    "Adoption rate": DEFINITIONS["adoption_rate"],
    "Ever used": DEFINITIONS["ever_used"],
    "Never started": DEFINITIONS["never_started"],
    "Dormant": "A segment: eligible, used it once, but no active event in the last {dormant}.",
    "At risk": "A segment: active in the last {dormant} on fewer than {ratio} as many days as in "
    "the {dormant} before.",
    "Active (segment)": "Eligible people in none of the other segments.",
    "Lost trust": DEFINITIONS["lost_trust"],
    "New, returning, resurrecting": "Lifecycle, per week: first active week; also active the "
    "week before; back after at least one week without use.",
    "Lapsed": "Lifecycle, per week: active the week before and not this week (a one-week change, "
    "not the dormant segment).",
    "Stickiness": DEFINITIONS["stickiness"],
    "Retention cohort": DEFINITIONS["retention"],
    "Wave gate": DEFINITIONS["gate"],
    "Coverage": DEFINITIONS["coverage"],
    "On track, at risk, behind": "The target status: on track when adoption is on the target "
    "path and the forecast reaches the target; at risk when only one of the two holds; behind "
    "when neither.",
    "Quarantined": "A row kept aside with a reason instead of loaded (no user, a bad time, ...); "
    "it can be fixed and loaded again.",
    "Fewer than {min_group} people": "A group too small to show without singling people out: "
    "team-level views show no numbers for it (and hide the next-smallest group too).",
}

# Tools as people name them (SPEC 10 presets; ordinary event files are the organisation's own
# tool). An unknown name (a custom --source) is shown as it is.
TOOL_NAMES: dict[str, str] = {
    "events": "Event logs",
    "github-copilot": "GitHub Copilot",
    "m365-copilot": "Microsoft 365 Copilot",
    "chatgpt-enterprise": "ChatGPT Enterprise",
    "gemini-workspace": "Gemini for Workspace",
}
GRAIN_NAMES: dict[str, str] = {
    "event": "every event",
    "day": "daily",
    "period": "weekly",
    "month": "monthly",
    "snapshot": "last activity only",
    "licence": "licences only",
}
# Metrics-document keys that can be lower bounds (docs/metrics.md `lower_bounds`), in words.
LOWER_BOUND_NAMES: dict[str, str] = {
    "dau": "daily active users",
    "stickiness": "stickiness",
    "active_days_histogram": "active days per person",
    "wau": "weekly active users",
    "mau": "monthly active users",
    "adoption_rate": "adoption rate",
    "funnel.weekly_active": "weekly active (funnel)",
    "funnel.habitual": "habitual (funnel)",
    "retention": "retention",
    "lifecycle": "lifecycle",
}


def tool_name(tool: str) -> str:
    """A tool as people name it ("github-copilot" -> "GitHub Copilot")."""
    return TOOL_NAMES.get(tool, tool)
