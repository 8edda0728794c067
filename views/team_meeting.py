"""Team meeting: big numbers for the room, the team leaderboard, leadership use, recognition.

Every group smaller than the minimum group size is shown as "fewer than N people", with no
numbers, and nobody from such a group is named.
"""

from __future__ import annotations

import datetime as dt
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
last_meeting = context.as_of - dt.timedelta(days=int(gap or 14))
if context.first_day is not None and last_meeting < context.first_day:
    last_meeting = context.first_day
doc = data.headlines()
before = data.headlines(last_meeting)
rate, rate_then = doc["adoption_rate"], before["adoption_rate"]
change = None if rate is None or rate_then is None else f"{(rate - rate_then) * 100:+.1f} pts"
widgets.big_numbers_style()
big = st.container(key="big_headlines").columns(3)
widgets.headline(
    big[0],
    "Adoption today",
    widgets.percent(rate, hidden=data.hidden),
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
    widgets.count(doc["active"]["mau"], hidden=data.hidden),
    DEFINITIONS["mau"],
    delta=None
    if doc["active"]["mau"] is None or before["active"]["mau"] is None
    else f"{doc['active']['mau'] - before['active']['mau']:+,}",
)
st.caption(f"As of the end of {doc['as_of']}; changes since {last_meeting.isoformat()}.")

st.subheader("Team leaderboard")
board = data.leaderboard(last_meeting)
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

st.subheader("Success stories")
gains = visible.filter(pl.col("change_pts") > 0).sort("change_pts", descending=True).head(3)
if gains.is_empty():
    st.info("No team gained adoption since the last meeting.")
else:
    cols = st.columns(gains.height)
    for column, story in zip(cols, gains.to_dicts(), strict=True):
        column.metric(
            widgets.md_escape(story["team"]),
            widgets.percent(story["adoption_rate"]),
            delta=f"{story['change_pts']:+.1f} pts",
        )

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
    file_name=f"adoption-meeting-{context.as_of.isoformat()}.pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation",
    on_click="ignore",
    key="meeting_pack",
)
st.caption(
    "The same slides as `adoption report --format pptx`: team-level numbers only, no group "
    "under the minimum size, nobody named, whoever downloads them."
)
