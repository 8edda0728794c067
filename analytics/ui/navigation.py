"""Which views exist and which roles may open each: the one table the router and the views read.

The router (app.py) builds `st.navigation` from this table for the signed-in role on every run,
so a view the role may not see is not routable at all; each view checks the same table again
when it runs (defence in depth). View scripts live in `views/`, a folder Streamlit does not
auto-discover (a `pages/` folder is served on its own whenever the router stops early).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from analytics.privacy.roles import CHAMPION, LEADERSHIP, PRODUCT_MANAGER, Role

VIEWS_DIR = Path(__file__).resolve().parents[2] / "views"
EVERYONE: frozenset[Role] = frozenset({PRODUCT_MANAGER, LEADERSHIP, CHAMPION})
DECIDERS: frozenset[Role] = frozenset({PRODUCT_MANAGER, LEADERSHIP})  # group-level results
PEOPLE: frozenset[Role] = frozenset({PRODUCT_MANAGER, CHAMPION})
MANAGERS: frozenset[Role] = frozenset({PRODUCT_MANAGER})


@dataclass(frozen=True)
class View:
    """One view: its script name in views/, title, icon, menu section and the roles allowed."""

    name: str
    title: str
    icon: str
    section: str
    roles: frozenset[Role]

    @property
    def path(self) -> Path:
        """The view's script."""
        return VIEWS_DIR / f"{self.name}.py"


CHAMPIONS: frozenset[Role] = frozenset({CHAMPION})

VIEWS: tuple[View, ...] = (
    View("my_cohort", "My cohort", ":material/person_pin:", "Rollout", CHAMPIONS),
    View("overview", "Overview", ":material/dashboard:", "Rollout", EVERYONE),
    View("waves", "Rollout waves", ":material/waves:", "Rollout", EVERYONE),
    View("retention", "Retention and lifecycle", ":material/replay:", "Rollout", EVERYONE),
    View("champions", "Champions", ":material/groups:", "Rollout", EVERYONE),
    View("outreach", "Outreach worklist", ":material/campaign:", "Rollout", PEOPLE),
    View("team_meeting", "Team meeting", ":material/co_present:", "Rollout", EVERYONE),
    View("impact", "Impact", ":material/trending_up:", "Rollout", DECIDERS),
    View("explore", "Explore", ":material/query_stats:", "Analyse and manage", MANAGERS),
    View("data", "Data", ":material/upload_file:", "Analyse and manage", MANAGERS),
    View("settings", "Settings", ":material/settings:", "Analyse and manage", MANAGERS),
    View("glossary", "Glossary", ":material/menu_book:", "Help", EVERYONE),
)
VIEWS_BY_NAME: dict[str, View] = {v.name: v for v in VIEWS}
# Views shown to a room (the team meeting): a group-level audience whoever opens them, so their
# numbers and their sidebar tool choices are released as for leadership (PageData.room).
ROOM_VIEWS: frozenset[str] = frozenset({"team_meeting"})


def views_for(role: Role) -> list[View]:
    """The views this role may open, in menu order (none for a viewer without access)."""
    return [v for v in VIEWS if role in v.roles]


def may_open(role: Role, name: str) -> bool:
    """Whether this role may open the named view (unknown names: no)."""
    view = VIEWS_BY_NAME.get(name)
    return view is not None and role in view.roles


def default_view(role: Role) -> str:
    """The view a role lands on: a champion's own cohort, everyone else's overview."""
    return "my_cohort" if role == CHAMPION else "overview"
