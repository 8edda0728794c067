"""Adoption analytics: the router. Page config, first-start demo load, shared sidebar, navigation.

Run with `streamlit run app.py`; the database is env ADOPTION_DB or data/adoption.duckdb.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from analytics.db import DatabaseBusy
from analytics.ui import access, loaders, widgets

st.set_page_config(
    page_title="Adoption analytics", page_icon=":material/trending_up:", layout="wide"
)


def load_running_example_on_first_start() -> None:
    """An empty database on first start gets the running example, so the app opens on real views."""
    if os.environ.get("ADOPTION_LOAD_DEMO", "1") == "0":
        return
    db = access.db_path()
    if access.has_any_data(db):
        return
    from analytics.demo import ensure_demo_loaded

    message = "First start: loading the running example (a 200-person sales rollout)…"
    with st.spinner(message), access.db_access():
        loaded = ensure_demo_loaded(db)
    if loaded:
        loaders.clear()


try:
    load_running_example_on_first_start()
except DatabaseBusy:
    widgets.busy()
context = widgets.sidebar()
widgets.require_access(context)

# The outreach worklist page belongs to the outreach module; route to it once it exists.
OUTREACH = (
    [st.Page("pages/outreach.py", title="Outreach worklist", icon=":material/campaign:")]
    if (Path(__file__).parent / "pages" / "outreach.py").exists()
    else []
)
PAGES = {
    "Rollout": [
        st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page("pages/waves.py", title="Rollout waves", icon=":material/waves:"),
        st.Page("pages/retention.py", title="Retention and lifecycle", icon=":material/replay:"),
        st.Page("pages/champions.py", title="Champions", icon=":material/groups:"),
        *OUTREACH,
        st.Page("pages/team_meeting.py", title="Team meeting", icon=":material/co_present:"),
    ],
    "Analyse and manage": [
        st.Page("pages/explore.py", title="Explore", icon=":material/query_stats:"),
        st.Page("pages/data.py", title="Data", icon=":material/upload_file:"),
        st.Page("pages/settings.py", title="Settings", icon=":material/settings:"),
    ],
}

page = st.navigation(PAGES)
with widgets.routed(context):
    page.run()
