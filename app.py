"""Adoption analytics: the router. Page config, sign-in, first-start demo load, navigation per role.

Run with `streamlit run app.py` (`make run`); the database is env ADOPTION_DB or
data/adoption.duckdb. The navigation is built for the signed-in role on every run, so a view the
role may not see is not routable; each view checks its role again (analytics/ui/navigation.py).
"""

from __future__ import annotations

import os

import streamlit as st

from analytics.db import DatabaseBusy
from analytics.ui import access, gate, loaders, widgets
from analytics.ui.navigation import ROOM_VIEWS, default_view, views_for

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
    from analytics.demo import ensure_demo_loaded  # the demo generator is needed once, if ever

    message = "First start: loading the running example (a 200-person sales rollout)…"
    with st.spinner(message), access.db_access():
        loaded = ensure_demo_loaded(db)
    if loaded:
        loaders.clear()


def navigation() -> None:
    """Route this run: sign-in or refusal pages only, else the signed-in role's views."""
    refusal = gate.refusal()
    if refusal is not None:
        st.navigation([refusal]).run()
        return
    try:
        load_running_example_on_first_start()
    except DatabaseBusy:
        widgets.busy()
    context = widgets.sidebar(tool_later=True)  # the tool split follows the page (a room)
    if not context.viewer.has_access:
        st.navigation([gate.no_access_page()]).run()
        return
    pages = {
        view.name: st.Page(view.path, title=view.title, icon=view.icon)
        for view in views_for(context.viewer.role)
    }
    home = pages[default_view(context.viewer.role)]
    # The root URL is a hidden page that moves on to the role's home view, so every view,
    # the home view included, keeps its own URL (`/overview`): bookmarks work for every role.
    landing = st.Page(
        lambda: st.switch_page(home),
        title=home.title,
        url_path="start",
        default=True,
        visibility="hidden",
    )
    sections: dict[str, list] = {"": [landing]}
    for view in views_for(context.viewer.role):
        sections.setdefault(view.section, []).append(pages[view.name])
    page = st.navigation(sections)
    rooms = {pages[name].url_path for name in ROOM_VIEWS if name in pages}
    context = widgets.tool_split(context, room=page.url_path in rooms)
    with widgets.routed(context):
        page.run()


navigation()
