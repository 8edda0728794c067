"""Team meeting: big numbers for the room, the team leaderboard, leadership use, recognition.

Every group smaller than the minimum group size is shown as "fewer than N people", with no
numbers, and nobody from such a group is named.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import streamlit as st

from analytics import charts
from analytics.privacy import suppress_small_groups, suppressed_label
from analytics.ui import frames, loaders, widgets
from analytics.ui.definitions import DEFINITIONS

context = widgets.page_context()
st.title("Team meeting")
widgets.require_data(context)

db, version, state, scope = context.key
settings = loaders.inputs(db, version, state).settings
min_group = settings.min_group_size
gap = st.segmented_control(
    "Last meeting",
    [7, 14],
    default=14,
    format_func=lambda days: f"{days} days ago",
    key="meeting_gap",
)
last_meeting = context.as_of - dt.timedelta(days=int(gap or 14))
if context.first_day is not None and last_meeting < context.first_day:
    last_meeting = context.first_day
doc = loaders.document(db, version, state, scope, context.as_of)
before = loaders.document(db, version, state, scope, last_meeting)
teams_now, roles_now = loaders.group_adoption(db, version, state, scope, context.as_of)
teams_then, _ = loaders.group_adoption(db, version, state, scope, last_meeting)

rate, rate_then = doc["adoption_rate"], before["adoption_rate"]
change = None if rate is None or rate_then is None else f"{(rate - rate_then) * 100:+.1f} pts"
widgets.big_numbers_style()
big = st.container(key="big_headlines").columns(3)
widgets.headline(
    big[0],
    "Adoption today",
    widgets.percent(rate),
    DEFINITIONS["adoption_rate"],
    delta=change,
)
widgets.headline(
    big[1],
    "Target path today",
    widgets.percent(doc["target"].get("path_rate")),
    DEFINITIONS["path_rate"].format(
        rate=widgets.percent(doc["target"].get("rate")), date=doc["target"].get("date") or "—"
    ),
    note=widgets.on_track_text(doc["target"].get("on_track")),
)
widgets.headline(
    big[2],
    "People using it (28 days)",
    widgets.count(doc["active"]["mau"]),
    DEFINITIONS["mau"],
    delta=f"{doc['active']['mau'] - before['active']['mau']:+,}",
)
st.caption(f"As of the end of {doc['as_of']}; changes since {last_meeting.isoformat()}.")

st.subheader("Team leaderboard")
board = suppress_small_groups(
    frames.leaderboard(teams_now, teams_then), group="team", count="eligible", min_size=min_group
)
visible = board.filter(~pl.col("suppressed")).with_columns(
    reached=pl.col("adoption_rate") >= (doc["target"].get("rate") or 1.0)
)
if visible.height:
    st.altair_chart(
        charts.team_bars(
            visible,
            value="adoption_rate",
            title="Adoption rate (28 days)",
            target=doc["target"].get("rate"),
            target_label=f"Target {widgets.percent(doc['target'].get('rate'))}",
            flag="reached",
            flag_colour=charts.GREEN,
        ),
        width="stretch",
    )
    st.caption("Green: teams at or above the target.")
st.dataframe(
    frames.leaderboard_display(board),
    hide_index=True,
    width="stretch",
    height=widgets.table_height(board.height),
    column_config=widgets.BOARD_COLUMNS,
    placeholder="",
)
hidden = board.filter(pl.col("suppressed"))["team"].to_list()
if hidden:
    st.caption(
        f"{len(hidden)} team(s) shown as “{suppressed_label(min_group)}”: too small to show "
        "without singling people out (and, when only one is small, the next-smallest too)."
    )

st.subheader("Leadership use")
roles = suppress_small_groups(
    roles_now.filter(pl.col("role").is_in(["executive", "manager"])),
    group="role",
    count="eligible",
    min_size=min_group,
)
lead = st.container(key="big_leadership").columns(2)
for column, role in zip(lead, ["executive", "manager"], strict=True):
    row = roles.filter(pl.col("role") == role)
    value = "—" if row.is_empty() else (row["note"][0] or widgets.percent(row["adoption_rate"][0]))
    widgets.headline(column, f"{role.capitalize()}s using it", value, DEFINITIONS["leadership"])

st.subheader("Success stories")
gains = visible.filter(pl.col("change_pts") > 0).sort("change_pts", descending=True).head(3)
if gains.is_empty():
    st.info("No team gained adoption since the last meeting.")
else:
    cols = st.columns(gains.height)
    for column, story in zip(cols, gains.to_dicts(), strict=True):
        column.metric(
            story["team"],
            widgets.percent(story["adoption_rate"]),
            delta=f"{story['change_pts']:+.1f} pts",
        )

if context.viewer.sees_individuals:
    st.subheader("Top users to recognise")
    people = loaders.people(db, version, state, scope, context.as_of, context.viewer)
    st.dataframe(
        frames.top_users(people, hidden),
        hide_index=True,
        width="stretch",
        column_config=widgets.PERSON_COLUMNS,
    )
    st.caption(
        "Most active days in the last 28; nobody from a team too small to show is named. "
        "Ask before naming someone in the meeting."
    )
