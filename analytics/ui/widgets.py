"""Shared widgets: the sidebar (as-of day, who is looking), definitions, empty states.

Every page calls `page_context()`. Under the router (app.py) the sidebar is drawn once by the
router and handed to the page; a page run on its own (AppTest) draws the same sidebar itself.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import streamlit as st

from analytics.db import DatabaseBusy
from analytics.metrics.targets import whole_people
from analytics.money import format_money
from analytics.privacy.release import released_tools
from analytics.privacy.roles import (
    CHAMPION,
    LEADERSHIP,
    LOCAL_IDENTITY,
    PRODUCT_MANAGER,
    Viewer,
    privacy_config,
    resolve_viewer,
)
from analytics.ui import access, definitions, loaders
from analytics.ui.frames import NO_CHANGE, percent_text
from analytics.ui.frames import md_escape as md_escape  # re-exported for pages
from analytics.ui.navigation import VIEWS_BY_NAME, may_open

EMPTY_MESSAGE = "No events yet: load files on the Data page or run `adoption demo`."

_ROUTED: contextvars.ContextVar[PageContext | None] = contextvars.ContextVar(
    "routed_page_context", default=None
)


@dataclass(frozen=True)
class PageContext:
    """What every page needs: the database, the data and settings versions, as-of and viewer."""

    db: str
    version: int
    state: str
    first_day: dt.date | None
    last_day: dt.date | None
    as_of: dt.date | None
    viewer: Viewer
    tool: str | None = None  # the sidebar's tool split (SPEC 10); None: all tools
    tool_slot: Any = field(default=None, compare=False, repr=False)  # where the split is drawn

    @property
    def empty(self) -> bool:
        """True when there is no event day to show (empty database)."""
        return self.last_day is None

    @property
    def key(self) -> tuple[str, int, str, str]:
        """The cache key every loader takes: database, ingest version, state version, scope."""
        return (self.db, self.version, self.state, self.viewer.cache_key)


def _as_of_widget(first: dt.date, last: dt.date) -> dt.date:
    """The as-of date input: defaults to the latest event day, bounded to the data's range."""
    if st.session_state.get("_as_of_range") != (first, last):
        # New data (or first run): follow the latest day again, and never hold an out-of-range day.
        st.session_state["_as_of_range"] = (first, last)
        st.session_state["as_of"] = last
    chosen = st.sidebar.date_input(
        "As of (end of day)",
        min_value=first,
        max_value=last,
        key="as_of",
        help="Every number is computed as of the end of this day; later events are ignored. "
        "Defaults to the day of the latest event.",
    )
    return chosen if isinstance(chosen, dt.date) else last


ALL_TOOLS = "All tools"


def tool_choices(
    db: str, version: int, state: str, viewer: Viewer, *, room: bool = False
) -> list[str]:
    """The tools this viewer may split by: all for the product manager at their desk; for
    group-level viewers and rooms (the team meeting) only splits that never narrow to a small
    group (privacy.release.released_tools)."""
    tools = loaders.tools(db, version, state)
    if len(tools) < 2:  # one tool (or none): nothing to split
        return []
    if viewer.role == PRODUCT_MANAGER and not room:
        return tools
    sizes, total = loaders.tool_populations(db, version, state)
    min_size = loaders.inputs(db, version, state).settings.min_group_size
    return released_tools(sizes, total, min_size)


def _tool_widget(tools: list[str], slot: Any) -> str | None:
    """The tool split (SPEC 10) in its sidebar slot: shown only when there is a tool to choose."""
    if not tools:
        return None
    if st.session_state.get("tool") not in (ALL_TOOLS, *tools):
        st.session_state["tool"] = ALL_TOOLS  # new data, or a room: a choice not offered is all
    chosen = slot.selectbox(
        "Tool",
        (ALL_TOOLS, *tools),
        key="tool",
        format_func=lambda tool: tool if tool == ALL_TOOLS else definitions.tool_name(tool),
        help="Every metric view for one tool only: its activity, and its licence holders as "
        "the population when it has licences (docs/metrics.md, split by tool); Explore counts "
        "that tool's events. The Data page always shows every file.",
    )
    return None if chosen in (None, ALL_TOOLS) else str(chosen)


ROLE_LABELS = {
    PRODUCT_MANAGER: "product manager",
    CHAMPION: "champion",
    LEADERSHIP: "leadership",
}


def _secrets() -> dict[str, Any]:
    """Streamlit secrets as a dict; none configured (local use) reads as empty."""
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml: a local single-user install
        return {}


def current_viewer(db: str, version: int, state: str) -> Viewer:
    """Who is looking, decided on the server from the signed-in identity (never a widget)."""
    user = {"is_logged_in": st.user.get("is_logged_in", False), "email": st.user.get("email")}
    roster = loaders.roster_identities(db, version, state)
    return resolve_viewer(user, roster, privacy_config(_secrets()))


def role_label(viewer: Viewer) -> str:
    """The role in words; the single local user is "product manager (local)"."""
    label = ROLE_LABELS.get(viewer.role, "no access")
    return f"{label} (local)" if viewer.identity == LOCAL_IDENTITY else label


def identity_label(viewer: Viewer) -> str:
    """The signed-in identity as shown in the sidebar."""
    return "local user" if viewer.identity == LOCAL_IDENTITY else viewer.identity


def busy() -> None:
    """Stop the run with a calm message while another process (a CLI ingest) holds the file."""
    st.warning(
        "The database is busy: another process (probably an ingest) is writing to it. "
        "Reload this page in a moment.",
        icon=":material/hourglass_top:",
    )
    st.stop()


def auth_configured() -> bool:
    """Whether Streamlit's OIDC sign-in is configured (an `[auth]` section in the secrets)."""
    return privacy_config(_secrets()).oidc_configured


def signed_in(info: Any | None = None) -> bool:
    """Whether a visitor is signed in through OIDC (False when sign-in is not configured)."""
    return bool((info if info is not None else st.user).get("is_logged_in", False))


def signed_in_panel(viewer: Viewer) -> None:
    """Who is signed in, with their role, and the way out (sign-out, or local mode explained)."""
    st.sidebar.caption("Signed in as")
    st.sidebar.text(f"{identity_label(viewer)}\nrole: {role_label(viewer)}")
    if auth_configured() and signed_in():
        st.sidebar.button("Sign out", on_click=st.logout, key="sign_out", icon=":material/logout:")
    elif viewer.identity == LOCAL_IDENTITY:
        st.sidebar.caption(
            "Local mode: sign-in is not configured, so this app serves this computer only and "
            "you are its product manager (docs/privacy.md: sharing it)."
        )


def tool_split(context: PageContext, *, room: bool) -> PageContext:
    """Draw the tool split in its sidebar slot with the choices this audience may see (a room
    is group-level, whoever opened it); the context with the chosen tool."""
    if context.last_day is None or context.tool_slot is None:
        return context
    db, version, state = context.db, context.version, context.state
    choices = tool_choices(db, version, state, context.viewer, room=room)
    return replace(context, tool=_tool_widget(choices, context.tool_slot))


def sidebar(*, room: bool = False, tool_later: bool = False) -> PageContext:
    """Draw the shared sidebar and return the page context (no data: no as-of widget); with
    tool_later the tool split waits for `tool_split` (the router knows the page only later)."""
    db = access.db_path()
    try:
        version = access.current_ingest_version(db)
    except DatabaseBusy:
        busy()
    state = access.state_version(db)
    first, last = loaders.day_range(str(db), version, state)
    viewer = current_viewer(str(db), version, state)
    as_of = _as_of_widget(first, last) if last is not None and first is not None else None
    slot = st.sidebar.container()  # the tool split's place, below the as-of day
    signed_in_panel(viewer)
    context = PageContext(
        db=str(db),
        version=version,
        state=state,
        first_day=first,
        last_day=last,
        as_of=as_of,
        viewer=viewer,
        tool_slot=slot,
    )
    return context if tool_later else tool_split(context, room=room)


@contextmanager
def routed(context: PageContext) -> Iterator[None]:
    """Hand the router's sidebar context to the page it runs (used by app.py only)."""
    token = _ROUTED.set(context)
    try:
        yield
    finally:
        _ROUTED.reset(token)


def page_context(*, room: bool = False) -> PageContext:
    """The context of this run: the router's when routed, else this page draws the sidebar
    (room: the page is shown to a room, so its tool choices are group-level)."""
    context = _ROUTED.get()
    return context if context is not None else sidebar(room=room)


def require_data(context: PageContext) -> None:
    """Stop the page with a friendly instruction when the database has no events."""
    if context.empty:
        st.info(EMPTY_MESSAGE)
        st.stop()


def require_access(context: PageContext) -> None:
    """Stop everything for a signed-in person the rollout does not know (no data at all)."""
    if not context.viewer.has_access:
        st.error(
            "You are signed in but not part of this rollout's roster, so there is nothing to show. "
            "Ask the rollout's product manager for access."
        )
        st.stop()


def require_view(context: PageContext, name: str) -> None:
    """Stop a view its viewer's role may not open (the router hides it too: defence in depth)."""
    require_access(context)
    if not may_open(context.viewer.role, name):
        st.info(refusal_text(name))
        st.stop()


def refusal_text(name: str) -> str:
    """Why a role may not open a view, in the words of who may."""
    roles = VIEWS_BY_NAME[name].roles
    if roles == {PRODUCT_MANAGER}:
        return "This page is for the rollout's product managers."
    if LEADERSHIP not in roles:
        return "This view shows individual people; your role sees team-level numbers only."
    return "This page is not available to your role."


def percent(value: float | None, *, hidden: str | None = None) -> str:
    """A rate as a whole percentage (frames.percent_text, one rule for every view); undefined
    shows as an em dash, or the `hidden` text (e.g. "fewer than 5 people") where withheld."""
    if value is None:
        return hidden or "—"
    return percent_text(value)


def count(value: int | None, *, hidden: str | None = None) -> str:
    """A count with thousands separators; undefined shows as an em dash (or `hidden`)."""
    if value is None:
        return hidden or "—"
    return f"{value:,}"


def money(value: float | None, currency: str) -> str:
    """An amount in the `currency` setting's sign (analytics/money.py); undefined is a dash."""
    return format_money(value, currency)


RATE_FORMAT = "%.0f%%"  # a rate as a whole percentage (the frame via frames.rates_as_percent)
TOOL_COLUMNS = {
    "tool": st.column_config.TextColumn("Tool"),
    "grain": st.column_config.TextColumn("Finest detail", help="What one row of the source is"),
    "people_active_28d": st.column_config.NumberColumn("Active in 28 days", format="%d"),
    "licensed": st.column_config.TextColumn("Licence holders"),
}
WAVE_COLUMNS = {
    "wave": st.column_config.NumberColumn("Wave", width="small"),
    "name": st.column_config.TextColumn("Name"),
    "start": st.column_config.DateColumn("Start", width="small"),
    "size": st.column_config.NumberColumn("Members", width="small"),
    "eligible": st.column_config.NumberColumn("Eligible", width="small"),
    "ever_used": st.column_config.NumberColumn("Ever used", width="small"),
    "active": st.column_config.NumberColumn("Active 28 d", width="small"),
    "never_started": st.column_config.NumberColumn("Never started"),
    "adoption_rate": st.column_config.NumberColumn("Now", format="%.0f%%", width="small"),
    "rate_2w": st.column_config.NumberColumn("2 weeks", format="%.0f%%", width="small"),
    "rate_4w": st.column_config.NumberColumn("4 weeks", format="%.0f%%", width="small"),
    "median_days_to_first_use": st.column_config.NumberColumn(
        "Days to 1st use",
        format="%.1f",
        width="small",
        help="Median days from the wave's start to first use, among those who started",
    ),
    "gate": st.column_config.TextColumn("Gate"),
    "note": st.column_config.TextColumn("Note"),
    "suppressed": None,
}


TEAM_COLUMNS = {
    "team": st.column_config.TextColumn("Team"),
    "members": st.column_config.NumberColumn("Eligible members"),
    "champions": st.column_config.NumberColumn("Champions"),
    "people_per_champion": st.column_config.NumberColumn("People per champion", format="%.1f"),
    "coverage": st.column_config.NumberColumn("Coverage", format=RATE_FORMAT),
    "over_ratio": st.column_config.CheckboxColumn("Flagged"),
    "no_champion": st.column_config.CheckboxColumn("No champion"),
    "note": st.column_config.TextColumn("Note"),
    "suppressed": None,
}
DRIVER_COLUMNS = {
    "team": st.column_config.TextColumn("Team"),
    "eligible": st.column_config.NumberColumn("Eligible", width="small"),
    "trained": st.column_config.NumberColumn("Trained", width="small"),
    "trained_rate": st.column_config.NumberColumn("Adoption, trained", format=RATE_FORMAT),
    "untrained": st.column_config.NumberColumn("Not trained", width="small"),
    "untrained_rate": st.column_config.NumberColumn("Adoption, not trained", format=RATE_FORMAT),
    "feedback_people": st.column_config.NumberColumn("Gave feedback", width="small"),
    "acceptance_rate": st.column_config.NumberColumn("Suggestions accepted", format=RATE_FORMAT),
    "lost_trust": st.column_config.NumberColumn("Lost trust", width="small"),
    "note": st.column_config.TextColumn("Note"),
    "suppressed": None,
}
BOARD_COLUMNS = {
    "team": st.column_config.TextColumn("Team"),
    "eligible": st.column_config.NumberColumn("Eligible"),
    "active": st.column_config.NumberColumn("Active (28 d)"),
    "adoption_rate": st.column_config.NumberColumn("Adoption", format="%.0f%%"),
    "adoption_before": st.column_config.NumberColumn("At last meeting", format="%.0f%%"),
    "ever_used": st.column_config.NumberColumn("Ever used"),
    "never_started": st.column_config.NumberColumn("Never started"),
    "change_pts": st.column_config.NumberColumn("Change (pts)", format="%+.1f"),
    "note": st.column_config.TextColumn("Note"),
    "suppressed": None,
}
LOG_COLUMNS = {
    "ingest_id": st.column_config.NumberColumn("#", width="small"),
    "file_name": st.column_config.TextColumn("File"),
    "file": st.column_config.TextColumn("File"),
    "quarantine_reasons": st.column_config.TextColumn("Quarantined by reason", width="large"),
    "date_order": st.column_config.TextColumn("Date order"),
    "sha256": st.column_config.TextColumn("SHA-256", width="small"),
    "ingested_at": st.column_config.DatetimeColumn("Ingested (UTC)", format="YYYY-MM-DD HH:mm"),
    "kind": st.column_config.TextColumn("Kind", width="small"),
    "status": st.column_config.TextColumn("Status", width="small"),
    "error": st.column_config.TextColumn("Error"),
    "read": st.column_config.NumberColumn("Read", width="small"),
    "loaded": st.column_config.NumberColumn("Loaded", width="small"),
    "duplicates": st.column_config.NumberColumn("Duplicates", width="small"),
    "already_quarantined": st.column_config.NumberColumn(
        "Already in quarantine",
        help="Of the duplicates: bad rows already in quarantine from an earlier upload",
    ),
    "conflicts": st.column_config.NumberColumn("Conflicts", width="small"),
    "quarantined": st.column_config.NumberColumn("Quarantined"),
    "fixed": st.column_config.NumberColumn(
        "Fixed", width="small", help="Rows quarantined earlier that this file loaded"
    ),
    "suppressed": st.column_config.NumberColumn(
        "Suppressed", width="small", help="Rows of erased people"
    ),
    "warnings": st.column_config.TextColumn("Warnings", width="large"),
}
LOG_ORDER = (  # the ingest log: counts first (they fit at 1440 px), texts after them
    "ingest_id", "file_name", "status", "read", "loaded", "duplicates", "quarantined",
    "suppressed", "conflicts", "quarantine_reasons", "error", "warnings", "date_order",
    "ingested_at", "sha256",
)  # fmt: skip
QUALITY_COLUMNS = {
    "column": st.column_config.TextColumn("Column"),
    "nulls": st.column_config.NumberColumn("Empty values"),
    "share": st.column_config.NumberColumn("Share", format=RATE_FORMAT),
    "date_order": st.column_config.TextColumn("Date order"),
    "files": st.column_config.NumberColumn("Files", width="small"),
    "file_names": st.column_config.TextColumn("File names", width="large"),
    "user": st.column_config.TextColumn("User"),
    "events": st.column_config.NumberColumn("Events", width="small"),
    "first_day": st.column_config.DateColumn("First day", format="YYYY-MM-DD"),
    "last_day": st.column_config.DateColumn("Last day", format="YYYY-MM-DD"),
}
UPLOAD_REPORT_ORDER = (  # the counts first, so they fit at 1440 px; texts after them
    "file", "status", "read", "loaded", "duplicates", "already_quarantined", "quarantined",
    "fixed", "suppressed", "conflicts", "error", "quarantine_reasons", "warnings", "date_order",
    "kind",
)  # fmt: skip
QUARANTINED_HELP = (
    "Rows in quarantine now: each bad line counted once, rows fixed by a later upload excluded"
)
QUARANTINE_COLUMNS = {
    "file_name": st.column_config.TextColumn("File"),
    "line_no": st.column_config.NumberColumn("Line", width="small"),
    "reason": st.column_config.TextColumn("Reason"),
    "raw": st.column_config.TextColumn("Raw row", width="large"),
    "source": st.column_config.TextColumn("Source", width="small"),
    "ingest_id": st.column_config.NumberColumn("Upload #", width="small"),
    "fixed_at": st.column_config.DatetimeColumn("Fixed (UTC)", format="YYYY-MM-DD HH:mm"),
    "fixed_by": st.column_config.TextColumn("Fixed by file"),
    "rows": st.column_config.NumberColumn("In quarantine", width="small"),
}


def worded_columns(frame: Any) -> dict[str, Any]:
    """Every column headed by its name in words ('first_day' -> 'First day'), never snake_case."""
    return {
        name: st.column_config.Column(name.replace("_", " ").capitalize()) for name in frame.columns
    }


def date_columns(frame: Any) -> dict[str, Any]:
    """Date columns shown as dates (not midnight datetimes): config for every Date column."""
    import polars as pl

    return {
        name: st.column_config.DateColumn(name.replace("_", " "), format="YYYY-MM-DD")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date
    }


PLAN_COLUMNS = {
    "wave": st.column_config.NumberColumn("Wave", min_value=1, step=1, required=True),
    "name": st.column_config.TextColumn("Name"),
    "start": st.column_config.DateColumn("Start", required=True, format="YYYY-MM-DD"),
    "planned_size": st.column_config.NumberColumn(
        "Planned size", min_value=0, step=1, help="Empty: everyone else"
    ),
}
PERSON_COLUMNS = {
    "name": st.column_config.TextColumn("Name"),
    "person_id": st.column_config.TextColumn("Id"),
    "team": st.column_config.TextColumn("Team"),
    "segment": st.column_config.TextColumn("Segment"),
    "last_active_day": st.column_config.DateColumn("Last active"),
    "active_days_28": st.column_config.NumberColumn("Active days (28)"),
    "acceptance_rate": st.column_config.NumberColumn("Acceptance", format=RATE_FORMAT),
    "cohort_size": st.column_config.NumberColumn("Cohort size"),
}


def headline(
    column: Any,
    label: str,
    value: str,
    definition: str,
    *,
    delta: str | None = None,
    delta_color: Literal["normal", "inverse", "off"] = "normal",
    note: str | None = None,
) -> None:
    """A big number with its definition beside it (caption, and the help tooltip)."""
    unchanged = delta == NO_CHANGE or (
        delta is not None and re.fullmatch(r"[+-]?0(\.0+)?( pts)?", delta) is not None
    )
    with column:
        st.metric(
            label,
            value,
            delta=NO_CHANGE if unchanged else delta,
            delta_color="off" if unchanged else delta_color,
            delta_arrow="off" if unchanged else "auto",
            help=definition,
        )
        if note:
            st.markdown(note)
        st.caption(definition)


AT_RISK_REASONS = {
    True: "On today's path, but the forecast falls short of the target.",
    False: "Below today's path, though the forecast reaches the target.",
}


def status_text(target: dict[str, Any]) -> str:
    """The target status as a coloured badge, which half holds when at risk, and off track what
    it takes (fixed text only).

    One rule everywhere (SPEC 4): on track only when the path and the forecast both hold.
    """
    status, needed, per_week = (
        target.get("status"),
        target.get("needed"),
        target.get("needed_per_week"),
    )
    if status is None:
        return ":gray-badge[No status yet]"
    if status == "on_track":
        return ":green-badge[:material/check: On track]"
    badge = (
        ":orange-badge[:material/warning: At risk]"
        if status == "at_risk"
        else ":red-badge[:material/error: Behind]"
    )
    # At risk means exactly one of path and forecast holds: say which, so a rate above today's
    # path next to an "At risk" badge is not a puzzle.
    on_path = target.get("on_track")
    reason = None
    if status == "at_risk" and on_path is not None:
        reason = AT_RISK_REASONS[bool(on_path)]
    lead = f"{badge} {reason}" if reason else badge
    if needed is None or needed <= 0:
        return lead
    pace = f" (about {whole_people(per_week)} a week)" if per_week else ""
    return f"{lead} {needed:,} more active people needed by {target.get('date')}{pace}"


def table_height(rows: int) -> int:
    """Pixel height that shows every row of a short table without an inner scrollbar."""
    return 38 + 35 * max(rows, 1)


# The Team meeting is projected at 1920x1080: its texts are set larger than the app's 16 px so
# they read from the back of a room (static CSS on that page only, no user data).
ROOM_CSS = """<style>
[data-testid='stMain'] [data-testid='stMetricValue'] {font-size: 2.6rem;}
[data-testid='stMain'] [class*='st-key-big_'] [data-testid='stMetricValue'] {
    font-size: 4rem; line-height: 1.1;
}
[data-testid='stMain'] [data-testid='stMetricValue'] * {font-size: inherit;}
[data-testid='stMain'] [data-testid='stMetricLabel'] p {font-size: 1.3rem;}
[data-testid='stMain'] [data-testid='stMetricDelta'] {font-size: 1.3rem;}
[data-testid='stMain'] .stMarkdown [data-testid='stMarkdownContainer'] p {font-size: 1.3rem;}
[data-testid='stMain'] [data-testid='stCaptionContainer'] p {font-size: 1.15rem;}
[data-testid='stMain'] h3 {font-size: 2rem;}
</style>"""


def big_numbers_style() -> None:
    """Projector-sized type on the Team meeting page (ROOM_CSS): big metric values in the
    containers keyed `big_*`, and every label, caption and text above 20 px."""
    st.html(ROOM_CSS)


def download_csv(
    frame: Any, *, label: str, file_name: str, key: str, viewer: Viewer, db: str
) -> None:
    """A download button for a frame as spreadsheet-safe CSV; the export is audited on click."""
    from analytics.exports import to_safe_csv
    from analytics.privacy import EXPORT_CSV, audit_view

    st.download_button(
        label,
        to_safe_csv(frame, excel_bom=True),
        file_name=file_name,
        mime="text/csv",
        key=key,
        on_click=audit_view,
        args=(db, viewer, EXPORT_CSV, {"file": file_name}, frame.height),
    )


def audit_once(db: str, viewer: Viewer, what: str, filters: dict[str, Any], row_count: int) -> None:
    """Audit an individual-level view once per distinct view in a session, not on every rerun."""
    from analytics.privacy import audit_view

    seen = st.session_state.setdefault("_audited", set())
    key = (what, tuple(sorted((k, str(v)) for k, v in filters.items())))
    if key not in seen:
        audit_view(db, viewer, what, filters, row_count)
        seen.add(key)


def db_path_text(context: PageContext) -> str:
    """The database file name for captions (never the full path of a server)."""
    return Path(context.db).name


def link_to_view(path: str, label: str, icon: str) -> None:
    """A link to another view of the menu (under the router); run on its own, a plain caption."""
    if _ROUTED.get() is None:
        st.caption(label)
        return
    st.page_link(path, label=label, icon=icon)
