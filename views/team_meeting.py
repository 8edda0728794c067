"""Team meeting: big numbers for the room, the team leaderboard, leadership use, recognition.

Every group smaller than the minimum group size is shown as "fewer than N people", with no
numbers, and nobody from such a group is named.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import polars as pl
import streamlit as st

from analytics import charts
from analytics.privacy import PRODUCT_MANAGER, VIEW_TOP_USERS
from analytics.ui import frames, widgets
from analytics.ui.definitions import DEFINITIONS
from analytics.ui.pagedata import open_view

st.title("Team meeting")
data = open_view("team_meeting", room=True)
context = data.context
min_group = data.min_group
gap = st.segmented_control(
    "Last meeting",
    [7, 14],
    default=14,
    format_func=lambda days: f"{days} days ago",
    key="meeting_gap",
)
last_meeting = data.as_of - dt.timedelta(days=int(gap or 14))
if context.first_day is not None and last_meeting < context.first_day:
    last_meeting = context.first_day
doc = data.headlines()
before = data.headlines(last_meeting)
rate, rate_then = doc["adoption_rate"], before["adoption_rate"]
change = None if rate is None or rate_then is None else f"{(rate - rate_then) * 100:+.1f} pts"
widgets.big_numbers_style()
target = doc["target"]
big = st.container(key="big_headlines").columns(4)
widgets.headline(
    big[0],
    "Adoption today",
    widgets.percent(rate, hidden=data.hidden),
    DEFINITIONS["adoption_rate"],
    delta=change,
    note=widgets.status_text(target),
)
widgets.headline(
    big[1],
    f"Target by {target['date'] or 'the target date'}",
    widgets.percent(target["rate"]),
    DEFINITIONS["path_rate"].format(
        rate=widgets.percent(target["rate"]), date=target["date"] or "—"
    )
    + f" Today's point on that path: {widgets.percent(target['path_rate'])}.",
)
widgets.headline(
    big[2],
    "Forecast at the target date",
    widgets.percent(target["forecast_rate"], hidden=data.hidden),
    DEFINITIONS["forecast_rate"],
)
needed = target["needed"]
widgets.headline(
    big[3],
    "More people needed",
    data.hidden or "—" if needed is None else (f"{needed:,}" if needed > 0 else "none"),
    "People who must become active (28 days) for today's rate to reach the target: "
    "target × eligible people, rounded up, minus those active now"
    + (
        f"; about {math.ceil(target['needed_per_week'])} a week until the target date."
        if target["needed_per_week"] and needed and needed > 0
        else "."
    ),
)
st.caption(f"As of the end of {doc['as_of']}; changes since {last_meeting.isoformat()}.")

st.subheader("Team leaderboard")
board = data.leaderboard(last_meeting)
visible = board.filter(~pl.col("suppressed")).with_columns(
    reached=pl.col("adoption_rate") >= (doc["target"]["rate"] or 1.0)
)
if visible.height:
    st.altair_chart(
        charts.team_bars(
            visible,
            value="adoption_rate",
            title="Adoption rate (28 days)",
            target=doc["target"]["rate"],
            target_label=f"Target {widgets.percent(doc['target']['rate'])}",
            flag="reached",
            flag_colour=charts.GREEN,
            font_size=charts.ROOM_FONT_SIZE,
            inside_labels=True,  # the target rule never crosses a team's number
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
    placeholder="—",
)
if "ever_used" in board.columns and board["ever_used"].is_null().any():
    st.caption(
        f"A dash in “Ever used” and “Never started”: one of the two would count fewer than "
        f"{min_group} people, so neither is shown (nobody can be singled out in the room)."
    )
hidden = board.filter(pl.col("suppressed"))["team"].to_list()
if hidden:
    st.caption(
        f"{len(hidden)} team(s) shown as “{data.hidden or 'hidden'}”: too small to show "
        "without singling people out (and, when only one is small, the next-smallest too)."
    )

st.subheader("Leadership use")
roles = data.roles()
lead = st.container(key="big_leadership").columns(2)
for column, role in zip(lead, ["executive", "manager"], strict=True):
    row = roles.filter(pl.col("role") == role)
    value = "—" if row.is_empty() else (row["note"][0] or widgets.percent(row["adoption_rate"][0]))
    widgets.headline(column, f"{role.capitalize()}s using it", value, DEFINITIONS["leadership"])

gains_column, falls_column = st.columns(2)
with gains_column:
    st.subheader("Success stories")
    gains = visible.filter(pl.col("change_pts") >= 0.05).sort("change_pts", descending=True)
    if gains.is_empty():
        st.info("No team gained adoption since the last meeting.")
    for story in gains.head(3).to_dicts():
        st.metric(
            widgets.md_escape(story["team"]),
            widgets.percent(story["adoption_rate"]),
            delta=f"{story['change_pts']:+.1f} pts",
            border=True,
        )
with falls_column:
    st.subheader("Teams that fell")
    falls = frames.teams_that_fell(visible)
    if falls.is_empty():
        st.success("No team's adoption fell since the last meeting.")
    for fall in falls.to_dicts():
        st.metric(
            widgets.md_escape(fall["team"]),
            widgets.percent(fall["adoption_rate"]),
            delta=f"{fall['change_pts']:+.1f} pts",
            border=True,
        )
        st.caption(f"Likely reason: {fall['reason']}.")

if data.viewer.role == PRODUCT_MANAGER:
    st.subheader("Top users to recognise")
    top = data.top_users(hidden)
    widgets.audit_once(
        context.db, context.viewer, VIEW_TOP_USERS, {"as_of": context.as_of}, top.height
    )
    st.dataframe(
        top,
        hide_index=True,
        width="stretch",
        column_config=widgets.PERSON_COLUMNS,
    )
    st.caption(
        "Most active days in the last 28; nobody from a team too small to show is named. "
        "Ask before naming someone in the meeting."
    )

st.subheader("Meeting pack")


def meeting_pack() -> bytes:
    """The slides of this meeting (`adoption report`): released numbers only, nobody named."""
    from analytics.digest.inputs import gather  # deferred: built only when downloaded
    from analytics.digest.pack import report_bytes
    from analytics.metrics.inputs import load_inputs

    inputs = gather(load_inputs(Path(context.db)), context.as_of, int(gap or 14))
    return b"" if inputs is None else report_bytes(inputs, "pptx")


st.download_button(
    "Download the slides (pptx)",
    meeting_pack,
    file_name=f"adoption-meeting-{data.as_of.isoformat()}.pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    on_click="ignore",
    key="meeting_pack",
)
st.caption(
    "The same slides as `adoption report --format pptx`: team-level numbers only, no group "
    "under the minimum size, nobody named, whoever downloads them."
)
