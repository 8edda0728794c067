"""The data layer between the metrics and the views: one viewer-scoped object per page run.

`PageData(context)` answers every question a view asks (headlines, waves, teams, retention,
people, worklist inputs) with exactly what its viewer may see. Full results are cached once per
data key (database, ingest version, settings digest, as-of day) in `loaders`; scoping (which
people) and suppression (which groups) happen here, in one place, for every view:
- product manager: everything, every person;
- champion: person rows of their own cohort only; group numbers released as for leadership;
- leadership: group numbers only, released by `analytics.privacy.release` (no group, bin,
  verdict or earlier-date column resting on fewer people than the minimum group size).
Views import this module and `widgets`/`charts` only; they hold layout, no privacy logic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import polars as pl

from analytics.metrics.champions import cohort_series
from analytics.privacy.release import (
    hide_small_count,
    rate_if_enough,
    released_bin_columns,
    released_bins,
    released_funnel,
    released_groups,
    released_headlines,
    released_impact,
    released_rates,
)
from analytics.privacy.roles import CHAMPION, PRODUCT_MANAGER, Viewer
from analytics.privacy.scope import scope_people
from analytics.privacy.suppression import suppressed_label
from analytics.settings import Settings
from analytics.ui import frames, impact_loaders, loaders, widgets
from analytics.ui.widgets import PageContext

LIFECYCLE_COUNTS = ("new", "returning", "resurrecting", "dormant")
STARTED_PARTS = ("ever_used", "never_started")  # a group's eligible people, split in two
TOOL_COUNTS = ("people_active_28d", "licensed")  # per-tool people counts (SPEC 10)
TOOLS_SCHEMA = {"tool": pl.String, "grain": pl.String, **dict.fromkeys(TOOL_COUNTS, pl.Int64)}


class NotAllowed(PermissionError):
    """A view asked for data its viewer's role may not receive (a bug in a view, never shown)."""


@dataclass(frozen=True)
class PageData:
    """What one viewer may see as of one day, computed from the cached full results."""

    context: PageContext
    room: bool = False  # shown to a room (the team meeting): released as for leadership

    # ---- who and what ---------------------------------------------------------------------

    @property
    def viewer(self) -> Viewer:
        """The signed-in viewer this object answers for."""
        return self.context.viewer

    @property
    def as_of(self) -> dt.date:
        """The as-of day (views call `widgets.require_data` first, so there is one)."""
        assert self.context.as_of is not None
        return self.context.as_of

    @property
    def full_access(self) -> bool:
        """True for the product manager at their desk: every number and person, unsuppressed."""
        return self.viewer.role == PRODUCT_MANAGER and not self.room

    @property
    def _key(self) -> tuple[str, int, str]:
        """The data key of every loader: the sidebar's tool split is part of it (SPEC 10)."""
        state = loaders.with_tool(self.context.state, self.context.tool)
        return self.context.db, self.context.version, state

    def _frame(self, name: str, day: dt.date | None = None) -> pl.DataFrame:
        """A full, unscoped metric frame (loaders.BASIS_FRAMES) at a day (default: as-of)."""
        return loaders.basis_frame(name, *self._key, day or self.as_of)

    def _require_full_access(self, what: str) -> None:
        if not self.full_access:
            raise NotAllowed(f"{what} is for product managers only")

    @cached_property
    def settings(self) -> Settings:
        """The typed settings in force (app state, defaults filled in)."""
        return loaders.settings(*self._key)

    @property
    def min_group(self) -> int:
        """The minimum group size for released (group-level) numbers."""
        return self.settings.min_group_size

    @property
    def hidden(self) -> str | None:
        """What a withheld number reads as for this viewer (None: nothing is withheld)."""
        return None if self.full_access else suppressed_label(self.min_group)

    # ---- headlines ------------------------------------------------------------------------

    def headlines(self, day: dt.date | None = None) -> dict[str, Any]:
        """The metrics document's headline keys at a day (default: the as-of day), released for
        the viewer: the organisation-level numbers (what `released_headlines` keeps), without the
        weekly and per-person lists a page reads through its own frames."""
        day = day or self.as_of
        document = loaders.headlines(*self._key, day)
        if self.full_access:
            return document
        people = self._frame("people", day)
        roles = loaders.group_adoption(*self._key, day)[1]
        feedback = people.filter(pl.col("accepted") + pl.col("rejected") > 0).height
        return released_headlines(
            document,
            min_size=self.min_group,
            role_eligible=dict(zip(roles["role"], roles["eligible"], strict=True)),
            feedback_people=feedback,
        )

    def adoption_history(self) -> pl.DataFrame:
        """One row per day from launch to as-of: eligible, dau, wau, mau, adoption_rate."""
        history = loaders.adoption_history(*self._key, self.as_of)
        if self.full_access:
            return history
        low = self.min_group
        counts = ("dau", "wau", "mau")
        small_days = released_rates(  # a day with too few eligible people shows nothing
            history, rates={c: "eligible" for c in (*counts, "adoption_rate")}, min_size=low
        )
        return released_bin_columns(small_days, columns=counts, min_size=low)

    # ---- waves ----------------------------------------------------------------------------

    def waves(self) -> pl.DataFrame:
        """One row per planned wave with a `started` flag; small waves released by eligible."""
        table = frames.with_started(self._frame("waves"), self.as_of)
        if self.full_access:
            return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
        return released_groups(
            table,
            group="wave",
            count="eligible",
            min_size=self.min_group,
            keep=("name", "start", "started"),
            parts=STARTED_PARTS,
        )

    def wave_verdicts(self) -> list[frames.Verdict]:
        """The laggard wave (furthest below its gate or peak), if any, then whether the latest
        started wave is ready for the next; both from the released waves and curves."""
        gate = self.settings.wave_gate_rate
        laggard = frames.laggard_verdict(self.waves(), self.wave_curves()[0], gate)
        return [v for v in (laggard, frames.gate_verdict(self.waves(), gate)) if v is not None]

    def wave_curves(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Adoption per wave by days since start, and people by days to first use.

        Released: no curve of a suppressed wave; first use counted per week and bins of
        fewer than the minimum dropped.
        """
        curves = self._frame("curves")
        first_use = self._frame("first_use")
        if self.full_access:
            return curves, first_use
        hidden = self.waves().filter("suppressed")["wave"].implode()
        curves = curves.filter(~pl.col("wave").is_in(hidden))
        weekly = (
            first_use.filter(~pl.col("wave").is_in(hidden))
            .with_columns(days=(pl.col("days") // 7) * 7)
            .group_by("wave", "days")
            .agg(pl.col("people").sum())
            .sort("wave", "days")
        )
        return curves, released_bins(weekly, count="people", min_size=self.min_group)

    # ---- retention and activity ----------------------------------------------------------

    def retention(self) -> tuple[pl.DataFrame, int]:
        """Cohort cells (one row per cohort per week offset) and how many cohorts were hidden."""
        cells = self._frame("retention")
        if self.full_access:
            return cells, 0
        small = pl.col("size") < self.min_group
        shown = cells.filter(~small).drop("active", strict=False)  # rates on cohorts >= min only
        return shown, cells.filter(small)["cohort_week"].n_unique()

    def lifecycle(self) -> pl.DataFrame:
        """One row per week: new, returning, resurrecting, dormant; small counts released."""
        weeks = self._frame("lifecycle")
        if self.full_access:
            return weeks
        released = released_bin_columns(weeks, columns=LIFECYCLE_COUNTS, min_size=self.min_group)
        parts = pl.any_horizontal(pl.col("new", "returning", "resurrecting").is_null())
        return released.with_columns(  # a total beside a hidden part would give the part away
            pl.when(parts).then(None).otherwise(pl.col("active")).alias("active")
        )

    def active_days_histogram(self) -> pl.DataFrame:
        """People by number of active days in the last 28 (k = 1..28); small bins dropped."""
        document = loaders.headlines(*self._key, self.as_of)
        counts = frames.histogram_frame(document["active_days_histogram"])
        if self.full_access:
            return counts
        return released_bins(counts, count="people", min_size=self.min_group)

    def _document(self) -> dict[str, Any]:
        """The full document, for shaping here only (never handed to a view as it is)."""
        return loaders.document(*self._key, self.as_of)

    def champion_summary(self) -> dict[str, Any]:
        """Organisation-wide champions, people per champion and coverage, released."""
        document = {
            "champions": loaders.champions_overall(*self._key, self.as_of),
            "population": loaders.headlines(*self._key, self.as_of)["population"],
        }
        summary = {k: v for k, v in document["champions"].items() if k != "teams"}
        if self.full_access:
            return summary
        champions = summary["champions"]
        others = document["population"]["eligible"] - champions
        return {
            "champions": hide_small_count(champions, self.min_group),
            "people_per_champion": summary["people_per_champion"]
            if champions >= self.min_group and others >= self.min_group
            else None,
            "coverage": rate_if_enough(summary["coverage"], others, self.min_group),
        }

    # ---- teams ----------------------------------------------------------------------------

    def teams(self) -> pl.DataFrame:
        """Champions by team: members, champions, ratio, coverage, flags; small teams released."""
        table = self._frame("teams")
        if self.full_access:
            return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
        return released_groups(table, group="team", count="members", min_size=self.min_group)

    def _group_board(self, day: dt.date, group: str) -> pl.DataFrame:
        """Adoption per team or role at a day, released for the viewer."""
        teams, roles = loaders.group_adoption(*self._key, day)
        table = teams if group == "team" else roles
        if self.full_access:
            return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
        parts = STARTED_PARTS if group == "team" else ()
        return released_groups(
            table, group=group, count="eligible", min_size=self.min_group, parts=parts
        )

    def leaderboard(self, last_meeting: dt.date) -> pl.DataFrame:
        """Teams by adoption now, with the rate at the last meeting and the change in points.

        Earlier-date columns are released on the team's size at that date: a team that was
        below the minimum then shows no earlier rate and no change.
        """
        now = self._group_board(self.as_of, "team")
        then = self._group_board(last_meeting, "team").filter(~pl.col("suppressed"))
        return frames.leaderboard(now, then)

    def roles(self) -> pl.DataFrame:
        """Adoption among executives and managers (one row per role), released for the viewer."""
        roles = self._group_board(self.as_of, "role")
        return roles.filter(pl.col("role").is_in(["executive", "manager"]))

    def training_and_trust(self) -> pl.DataFrame:
        """Per team: adoption of trained vs untrained people, acceptance of AI suggestions and
        lost trust. Released: a team below the minimum is hidden whole; a rate whose group
        (trained, untrained, people with feedback) is below the minimum is hidden, and so is a
        lost-trust count of 1 to min-1."""
        table = self._frame("training_trust")
        if self.full_access:
            return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
        low = self.min_group
        released = released_groups(
            table, group="team", count="eligible", min_size=low, parts=("trained", "untrained")
        )
        rates = {
            "trained_rate": "trained",
            "untrained_rate": "untrained",
            "acceptance_rate": "feedback_people",
        }
        by_rate = released_rates(released, rates=rates, min_size=low)
        return released_bin_columns(by_rate, columns=("lost_trust",), min_size=low)

    def acceptance_by_week(self) -> pl.DataFrame:
        """One row per week with AI feedback: people, accepted, rejected, acceptance rate (the
        whole population's feedback). Released: weeks resting on fewer people than the minimum
        are left out."""
        weeks = self._frame("trust_weeks")
        if self.full_access:
            return weeks
        return weeks.filter(pl.col("people") >= self.min_group)

    # ---- people ---------------------------------------------------------------------------

    def people(self) -> pl.DataFrame:
        """One row per person the viewer may see individually (leadership: none)."""
        return scope_people(self._frame("people"), self.viewer)

    def champion_options(self) -> dict[str, str]:
        """Champions whose cohort the viewer may open: everyone's for a PM, their own for one."""
        if self.viewer.role == CHAMPION:
            champions = self._frame("people").filter(
                pl.col("person_id") == (self.viewer.person_id or "")
            )
            options = frames.champion_options(champions.with_columns(is_champion=pl.lit(True)))
            return options or ({self.viewer.person_id: "me"} if self.viewer.person_id else {})
        if not self.full_access:
            return {}
        return frames.champion_options(self._frame("people"))

    def cohort(self, champion_id: str) -> pl.DataFrame:
        """One row per person assigned to this champion that the viewer may see."""
        rows = self._frame("cohorts").filter(pl.col("champion_id") == champion_id)
        return scope_people(rows, self.viewer)

    def champions_activity(self, teams: list[str]) -> pl.DataFrame:
        """Champions' own use (one row per champion): product managers only."""
        self._require_full_access("Champions' own use")
        return frames.champions_activity(self.people(), teams)

    def top_users(self, hidden_teams: list[str]) -> pl.DataFrame:
        """The most active people to recognise in the meeting: product managers only."""
        if self.viewer.role != PRODUCT_MANAGER:
            raise NotAllowed("Top users are for product managers only")
        people = scope_people(self._frame("people"), self.viewer)
        return frames.top_users(people, hidden_teams)

    def roster_names(self) -> dict[str, str]:
        """Person id -> name for the people the viewer may see (plus themselves)."""
        roster = loaders.inputs(*self._key).roster
        if not self.full_access:
            allowed = set(self.people()["person_id"].to_list()) | {self.viewer.person_id}
            roster = roster.filter(pl.col("user_id").is_in(list(allowed - {None})))
        return dict(roster.select("user_id", "name").drop_nulls("name").iter_rows())

    # ---- a champion's home ----------------------------------------------------------------

    def champion_home(self) -> dict[str, Any]:
        """The signed-in champion's cohort: adoption, their team's (released), their rank among
        champions (their own position only) and the cohort's daily rate over 12 weeks."""
        me = self.viewer.person_id
        if self.viewer.role != CHAMPION or me is None:
            raise NotAllowed("A champion's home is for that champion")
        table = self._frame("cohort_adoption")
        mine = table.filter(pl.col("champion_id") == me)
        row = mine.row(0, named=True) if mine.height else {}
        own = self._frame("people").filter(pl.col("person_id") == me)
        team = own["team"][0] if own.height else None
        teams = self._group_board(self.as_of, "team").filter(pl.col("team") == team)
        start = self.as_of - dt.timedelta(days=83)
        return {
            "eligible": row.get("eligible", 0),
            "active": row.get("active", 0),
            "adoption_rate": row.get("adoption_rate"),
            "rank": row.get("rank"),
            "champions_ranked": table["rank"].drop_nulls().len(),
            "team": team,
            "team_rate": teams["adoption_rate"][0] if teams.height else None,
            "series": cohort_series(loaders.basis(*self._key, self.as_of), me, start),
        }

    # ---- outreach -------------------------------------------------------------------------

    def _require_people(self, what: str) -> None:
        if self.viewer.role not in (PRODUCT_MANAGER, CHAMPION):
            raise NotAllowed(f"{what} is individual-level")

    def contact_log(self) -> pl.DataFrame:
        """The contact log as it is now (not scoped: pass it back to worklist/contact_outcomes)."""
        self._require_people("The contact log")
        return loaders.contact_log(self.context.db)

    def worklist(self, log: pl.DataFrame) -> pl.DataFrame:
        """The outreach worklist rows this viewer may see (all, or a champion's cohort).

        A champion's rows are numbered 1..n: ranks of the whole list would hint at its size.
        """
        self._require_people("The outreach worklist")
        full = loaders.worklist(*self._key, self.as_of, loaders.log_version(log), log)
        scoped = scope_people(full, self.viewer)
        if self.full_access:
            return scoped
        return scoped.with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64))

    def contact_outcomes(self, log: pl.DataFrame | None = None) -> pl.DataFrame:
        """One row per logged contact up to D with its outcome, for the people the viewer may
        see (the log read now unless given)."""
        self._require_people("Contact outcomes")
        log = loaders.contact_log(self.context.db) if log is None else log
        full = loaders.contact_outcomes(*self._key, self.as_of, loaders.log_version(log), log)
        return scope_people(full, self.viewer, roster=self.roster())

    def roster(self) -> pl.DataFrame:
        """The roster, for building the worklist and scoping it (never shown whole)."""
        if self.viewer.role not in (PRODUCT_MANAGER, CHAMPION):
            raise NotAllowed("The roster is individual-level")
        return loaders.inputs(*self._key).roster

    # ---- data and settings (product managers) ---------------------------------------------

    def ingest_log(self) -> pl.DataFrame:
        """The ingest log: one row per file, newest first."""
        self._require_full_access("The ingest log")
        return loaders.ingest_log(self.context.db, self.context.version)

    def quarantine(self) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Quarantined rows (capped) and the count per reason."""
        self._require_full_access("The quarantine")
        return loaders.quarantine(self.context.db, self.context.version)

    def data_quality(self) -> dict[str, pl.DataFrame]:
        """Nulls per column, date orders, duplicates, unmatched users, event names."""
        self._require_full_access("Data quality")
        return loaders.data_quality(self.context.db, self.context.version)

    def event_names(self) -> list[str]:
        """Every event name seen, most frequent first."""
        self._require_full_access("Event names")
        return loaders.event_names(self.context.db, self.context.version)

    def insight(self, argv: tuple[str, ...]) -> tuple[dict | None, str | None]:
        """An explore query over every user (unscoped): product managers only."""
        self._require_full_access("Explore queries")
        return loaders.insight(*self._key, argv)

    # ---- impact and surveys (SPEC 13; issue 14) -------------------------------------------
    # Kept together at the end of the class: estimates are group-level (whole waves), released
    # to leadership only when every wave used holds at least the minimum group size; survey
    # numbers per team only for teams with at least that many answers (release.py).

    def kpi_names(self) -> list[str]:
        """The KPIs ingested (`adoption ingest --kpis`), alphabetically."""
        return impact_loaders.names(self.context.db, self.context.version)

    def impact(self, kpi: str) -> dict[str, Any]:
        """The impact document of SPEC 14 for one KPI, or {kpi, error} with the reason; for a
        group-level viewer an adoption part resting on a small cohort is withheld (`withheld`)."""
        result = impact_loaders.impact(*self._key, kpi, self.as_of)
        if self.full_access:
            return result.document
        return released_impact(
            result.document,
            without_adoption=result.without_adoption,
            smallest=result.smallest,
            min_size=self.min_group,
        )

    def impact_unmatched(self) -> int:
        """KPI people who match nobody in the roster (left out); 0 for all but product managers."""
        names = self.kpi_names()
        if not names or not self.full_access:
            return 0
        return impact_loaders.impact(*self._key, names[0], self.as_of).unmatched

    def survey_barriers(self) -> pl.DataFrame:
        """One row per team: answers, mean per ADKAR element, barrier; small teams released."""
        table = impact_loaders.barriers(*self._key, self.as_of)[0]
        if self.full_access:
            return table.with_columns(suppressed=pl.lit(False), note=pl.lit(None, pl.String))
        return released_groups(table, group="team", count="answers", min_size=self.min_group)

    def segment_barriers(self) -> pl.DataFrame:
        """One row per team and segment (named answers): product managers only, else empty."""
        table = impact_loaders.barriers(*self._key, self.as_of)[1]
        return table if self.full_access else table.clear()

    # ---- vendor tools (SPEC 10, issue 11) -------------------------------------------------

    def tools(self) -> dict[str, Any]:
        """Adoption by tool and the licence funnel at the as-of day, released for the viewer:
        `tools` (one row per tool), `funnel` (licensed -> first use -> weekly -> habitual),
        `funnel_parts` (the same people as a partition: released as one, release.py),
        `lower_bounds` (document keys that are lower bounds) and the `sources` they rest on."""
        document = loaders.tool_summary(*self._key, self.as_of)  # the document's tool keys
        tools = pl.DataFrame(document["tools"], schema=TOOLS_SCHEMA).with_columns(
            has_licence_list=pl.col("licensed").is_not_null()  # before release blanks counts
        )
        funnel: dict[str, int | None] = dict(document["funnel"])
        parts: dict[str, int | None] = dict(document["funnel_parts"])
        if not self.full_access:
            tools = released_bin_columns(tools, columns=tuple(TOOL_COUNTS), min_size=self.min_group)
            funnel, parts = released_funnel(
                document["funnel"], document["funnel_parts"], self.min_group
            )
        return {
            "tools": tools,
            "funnel": funnel,
            "funnel_parts": parts,
            "lower_bounds": list(document["lower_bounds"]),
            "sources": list(document["lower_bound_sources"]),
        }


def open_view(name: str, *, needs_data: bool = True, room: bool = False) -> PageData:
    """Start a view: the page context, the role check for this view, the empty-data stop.

    Every view calls this first. Under the router the role was checked when the navigation
    was built; a view run on its own (AppTest) or reached any other way is checked here again.
    """
    context = widgets.page_context(room=room)
    widgets.require_view(context, name)
    if needs_data:
        widgets.require_data(context)
    return PageData(context, room=room)


def refresh() -> None:
    """Forget every cached result (after an ingest, erasure or settings change here)."""
    loaders.clear()
