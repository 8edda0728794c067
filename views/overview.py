"""Overview: adoption against the target path and forecast, active people, value delivered."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from analytics import charts
from analytics.ui import definitions, frames, widgets
from analytics.ui.definitions import DEFINITIONS
from analytics.ui.pagedata import open_view

st.title("Overview")
data = open_view("overview")
context = data.context

doc = data.headlines()
week_ago = data.as_of - dt.timedelta(days=7)
before = (
    data.headlines(week_ago)
    if context.first_day is not None and week_ago >= context.first_day
    else None
)
target = doc["target"]
st.caption(f"As of the end of {doc['as_of']} · deltas compare with {week_ago.isoformat()}")


def delta(path: tuple[str, ...], *, as_percent: bool) -> str | None:
    """Change since a week earlier as display text (None when there is no earlier document)."""
    if before is None:
        return None
    now, then = frames.dig(doc, path), frames.dig(before, path)
    if now is None or then is None:
        return None
    return frames.change_text(now, then, is_rate=as_percent)


rate, path_rate = doc["adoption_rate"], target["path_rate"]
bounds = set(data.tools()["lower_bounds"])  # SPEC 10: numbers a coarse source leaves short
LOWER_BOUND = "*Lower bound* (see By tool)"
status = widgets.status_text(target)
top = st.columns(4)
widgets.headline(
    top[0],
    "Adoption rate",
    widgets.percent(rate, hidden=data.hidden),
    DEFINITIONS["adoption_rate"],
    delta=delta(("adoption_rate",), as_percent=True),
    note=LOWER_BOUND if "adoption_rate" in bounds else None,
)
widgets.headline(
    top[1],
    "Target path today",
    widgets.percent(path_rate),
    DEFINITIONS["path_rate"].format(
        rate=widgets.percent(target["rate"]), date=target["date"] or "—"
    ),
    note=status,
)
widgets.headline(
    top[2],
    f"Forecast at {target['date'] or 'target date'}",
    widgets.percent(target["forecast_rate"], hidden=data.hidden),
    DEFINITIONS["forecast_rate"],
)
widgets.headline(
    top[3],
    "Value delivered",
    widgets.money(doc["value_delivered"], data.settings.currency),
    DEFINITIONS["value_delivered"]
    if doc["value_delivered"] is not None
    else "Set the build cost on the Settings page to see the value delivered.",
)

history = data.adoption_history()
lines = frames.adoption_lines(history, doc)
st.subheader("Adoption against the target path")
st.altair_chart(
    charts.adoption_vs_target(
        lines, target_rate=target["rate"], wave_starts=frames.wave_start_marks(data.waves())
    ),
    width="stretch",
)
st.caption(
    "Solid: adoption rate each day. Dashed grey: the target path from launch (0%) to the target "
    "rate on the target date. Dotted orange: the forecast, a straight line fitted to the last "
    "28 days and extended to the target date. Thin dotted rules: a wave starts, and its people "
    "join the eligible count before they start, so the rate dips there."
)

st.subheader("Active people")
ACTIVE_HEADLINES = (  # (label, document section, key, a rise is good)
    ("DAU", "active", "dau", True),
    ("WAU", "active", "wau", True),
    ("MAU", "active", "mau", True),
    ("Eligible", "population", "eligible", True),
    ("Never started", "population", "never_started", False),
)
for column, (label, section, key, rise_is_good) in zip(
    st.columns(len(ACTIVE_HEADLINES)), ACTIVE_HEADLINES, strict=True
):
    widgets.headline(
        column,
        label,
        widgets.count(doc[section][key], hidden=data.hidden),
        DEFINITIONS[key],
        delta=delta((section, key), as_percent=False),
        delta_color="normal" if rise_is_good else "inverse",
        note=LOWER_BOUND if key in bounds else None,
    )
if history.height:
    st.altair_chart(charts.active_users(history), width="stretch")

st.subheader("What changed since last week")
if before is None:
    st.info("Less than a week of data before this day: no comparison yet.")
else:
    changes = frames.changes_table(doc, before)
    st.dataframe(
        changes, hide_index=True, width="stretch", height=widgets.table_height(changes.height)
    )

by_tool = data.tools()  # SPEC 10: a mixed rollout is one population, split here by tool
if by_tool["tools"].height:
    st.subheader("By tool")
    shown = {**by_tool["funnel_parts"], "licensed": by_tool["funnel"]["licensed"]}
    for column, (label, part) in zip(  # the funnel as a partition of the licence holders
        st.columns(5),
        (
            ("Licensed", "licensed"),
            ("Never used", "never_used"),
            ("Used, not weekly", "used_not_weekly"),
            ("Weekly, not habitual", "weekly_not_habitual"),
            ("Habitual", "habitual"),
        ),
        strict=True,
    ):
        widgets.headline(
            column, label, widgets.count(shown[part], hidden=data.hidden), DEFINITIONS[part]
        )
    st.dataframe(
        frames.tools_display(by_tool["tools"], data.hidden or "hidden"),
        hide_index=True,
        width="stretch",
        column_config=widgets.TOOL_COLUMNS,
    )
    if by_tool["lower_bounds"]:
        sources = ", ".join(definitions.tool_name(tool) for tool in by_tool["sources"])
        st.caption(
            f"Lower bounds: {frames.lower_bound_words(by_tool['lower_bounds'])}. {sources} "
            "reports a week, a month or a last-activity date rather than every active day, "
            "so these can only be at least the number shown."
        )
