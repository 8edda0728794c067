"""Champions: coverage and people per champion by team, champions' own use, "my cohort"."""

from __future__ import annotations

import streamlit as st

from analytics import charts
from analytics.privacy import PRODUCT_MANAGER, VIEW_CHAMPIONS, VIEW_COHORT
from analytics.ui import frames, widgets
from analytics.ui.definitions import DEFINITIONS
from analytics.ui.pagedata import open_view

st.title("Champions")
data = open_view("champions")
context, viewer, db = data.context, data.viewer, data.context.db
doc = data.headlines()
max_ratio = data.settings.max_people_per_champion
summary = data.champion_summary()

if not doc["modes"]["roster"]:
    st.info(
        "No roster loaded: champions, teams and cohorts come from the roster. "
        "Load one on the Data page."
    )
    st.stop()

top = st.columns(4)
widgets.headline(
    top[0],
    "Champions",
    widgets.count(summary["champions"], hidden=data.hidden),
    "Eligible champions.",
)
widgets.headline(
    top[1],
    "People per champion",
    data.hidden or "—"
    if summary["people_per_champion"] is None
    else f"{summary['people_per_champion']:.1f}",
    DEFINITIONS["people_per_champion"].format(ratio=max_ratio),
)
widgets.headline(
    top[2],
    "Coverage",
    widgets.percent(summary["coverage"], hidden=data.hidden),
    DEFINITIONS["coverage"],
)
team_table = data.teams()
hidden_teams = int(team_table["suppressed"].sum())
widgets.headline(
    top[3],
    "Teams flagged",
    widgets.count(int(team_table["over_ratio"].fill_null(False).sum())),
    f"Teams over {max_ratio} people per champion, or with members and no champion"
    + (f"; {hidden_teams} team(s) with {data.hidden} are not counted." if hidden_teams else "."),
)

st.subheader("By team")
all_teams = team_table["team"].drop_nulls().to_list()
chosen = st.multiselect("Teams", all_teams, default=[], placeholder="All teams", key="teams")
shown = frames.teams_display(team_table, chosen)
left, right = st.columns(2)
with left:
    st.altair_chart(
        charts.team_bars(
            shown.drop_nulls("people_per_champion"),
            value="people_per_champion",
            title="People per champion",
            target=max_ratio,
            target_label=f"Target: at most {max_ratio}",
            percent=False,
            flag="over_ratio",
        ),
        width="stretch",
    )
with right:
    st.altair_chart(
        charts.team_bars(
            shown.drop_nulls("coverage"),
            value="coverage",
            title="Coverage (people with an active champion)",
            flag="over_ratio",
        ),
        width="stretch",
    )
st.caption("Flagged teams (over the ratio, or with members and no champion) are in vermillion.")
st.dataframe(
    frames.rates_as_percent(shown),
    hide_index=True,
    width="stretch",
    height=widgets.table_height(shown.height),
    column_config=widgets.TEAM_COLUMNS,
    placeholder="—",
)

orphans = frames.teams_without_champion(team_table)
if orphans:
    st.warning("Teams with members and no champion: " + ", ".join(map(widgets.md_escape, orphans)))

st.subheader("Training and trust by team")
drivers = data.training_and_trust()
left, right = st.columns([3, 2])
with left:
    if drivers.drop_nulls("trained_rate").is_empty():
        st.info("No team has both trained people and a rate to show yet.")
    else:
        st.altair_chart(charts.training_bars(drivers), width="stretch")
        st.caption(DEFINITIONS["training"])
with right:
    weeks = data.acceptance_by_week()
    if weeks.is_empty():
        st.info("No feedback on AI suggestions yet.")
    else:
        st.altair_chart(
            charts.series_lines(
                weeks,
                x="week",
                y="acceptance_rate",
                series=None,
                y_title="Suggestions accepted",
                percent=True,
            ),
            width="stretch",
        )
        st.caption(DEFINITIONS["acceptance_rate"] + " Per week.")
st.dataframe(
    frames.rates_as_percent(
        drivers.drop("note")
        if "note" in drivers.columns and drivers["note"].is_null().all()
        else drivers
    ),
    hide_index=True,
    width="stretch",
    column_config=widgets.DRIVER_COLUMNS,
    placeholder="—",
)
st.caption(DEFINITIONS["lost_trust"])

if not viewer.sees_individuals:
    st.info("Champions' own activity and cohorts show individual people; your role sees teams.")
    st.stop()

if viewer.role == PRODUCT_MANAGER:
    st.subheader("Champions' own use")
    st.caption("A champion who does not use the tool cannot coach it: their own activity.")
    activity = data.champions_activity(chosen)
    widgets.audit_once(
        db, viewer, VIEW_CHAMPIONS, {"teams": chosen, "as_of": context.as_of}, activity.height
    )
    st.dataframe(
        frames.rates_as_percent(activity),
        hide_index=True,
        width="stretch",
        height=widgets.table_height(min(activity.height, 25)),
        column_config=widgets.PERSON_COLUMNS,
        placeholder="—",
    )

st.subheader("My cohort")
options = data.champion_options()
if not options:
    st.info("No champions in the roster yet.")
    st.stop()
champion_id = st.selectbox(
    "Champion", list(options), format_func=lambda key: options[key], key="champion"
)
cohort = data.cohort(champion_id)
widgets.audit_once(
    db, viewer, VIEW_COHORT, {"champion": champion_id, "as_of": context.as_of}, cohort.height
)
counts = frames.segment_counts(frames.cohort_display(cohort))
row = st.columns(len(counts))
for column, (segment, number) in zip(row, counts.items(), strict=True):
    column.metric(segment, number, border=True)
st.dataframe(
    frames.rates_as_percent(frames.cohort_display(cohort)),
    hide_index=True,
    width="stretch",
    column_config=widgets.PERSON_COLUMNS,
    placeholder="—",
)
st.caption(
    "Segment at the as-of day; last active day; active days in the last 28; acceptance rate of "
    "AI suggestions (accepted ÷ accepted + rejected). The Outreach page says what to do next."
)
widgets.download_csv(
    frames.cohort_display(cohort),
    label="Download this cohort (CSV)",
    file_name=f"cohort-{context.as_of}.csv",
    key="cohort_csv",
    viewer=viewer,
    db=db,
)
