"""Build the running example end to end (roster, behaviour, events) and write its files."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analytics.demo import sources, vendors
from analytics.demo.outcomes import kpi_frame, kpis_csv, survey_csv, survey_frame
from analytics.demo.outreach import choose_contacts, with_response
from analytics.demo.roster import LAST_DAY, build_roster, plan_frame
from analytics.demo.scenario import (
    activity_draws,
    activity_probability,
    event_log,
    people_frame,
    person_behaviour,
)


def scenario_contacts(roster: pl.DataFrame) -> pl.DataFrame:
    """The outreach the scenario's champions and managers did: one row per contact, chosen from
    the activity people would have had without it."""
    people = people_frame(roster)
    behaviour = person_behaviour(people)
    draws, _ = activity_draws(people.height)
    return choose_contacts(people, draws < activity_probability(behaviour))


def scenario_events(roster: pl.DataFrame) -> pl.DataFrame:
    """The scenario's clean event log, outreach responses included, routed to its source
    systems: one row per event."""
    people = people_frame(roster)
    behaviour = with_response(person_behaviour(people), people, scenario_contacts(roster))
    return sources.route(event_log(people, behaviour))


def outreach_contacts() -> pl.DataFrame:
    """The running example's outreach log: one row per contact (person, day, channel, owner,
    segment, note; and whether the scenario makes them come back)."""
    return scenario_contacts(build_roster())


def sample_files() -> dict[str, bytes]:
    """Every sample file's name and exact bytes: event sources first, then roster and plan,
    then the KPIs and the survey."""
    roster = build_roster()
    events = scenario_events(roster)
    web_first, web_second = sources.web_exports(events)
    return {
        sources.CRM_FILE: sources.crm_export(events),
        sources.COACH_FILE: sources.coach_api(events),
        sources.WEB_FILES[0]: web_first,
        sources.WEB_FILES[1]: web_second,
        sources.CALLS_FILE: sources.call_analyzer(events),
        vendors.COPILOT_FILE: vendors.copilot_usage(events, roster),
        vendors.COPILOT_SEATS_FILE: vendors.copilot_seats(roster),
        vendors.CHATGPT_FILE: vendors.chatgpt_weekly(events, roster, LAST_DAY),
        sources.ROSTER_FILE: sources.roster_csv(vendors.with_github_logins(roster)),
        sources.PLAN_FILE: sources.plan_csv(plan_frame()),
        sources.KPIS_FILE: kpis_csv(kpi_frame(roster)),
        sources.SURVEY_FILE: survey_csv(survey_frame(roster)),
    }


def write_sample_files(folder: Path) -> list[Path]:
    """Write the sample files into folder (created if needed); same bytes on every run."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in sample_files().items():
        path = folder / name
        path.write_bytes(content)
        paths.append(path)
    return paths
