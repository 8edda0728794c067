"""Roles x data-layer methods on the running example: what leadership and champions receive.

For every method of `PageData`, at several as-of days and minimum group sizes, a leadership
viewer never receives a person row or a number resting on fewer people than the minimum (group
rows, bins, earlier-date columns, headlines), and a champion never receives a person outside
their cohort. Group sizes are taken from the unsuppressed metrics, not from what was released.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics.privacy.roles import CHAMPION, LEADERSHIP, Viewer
from analytics.state import store
from analytics.ui import access, loaders
from analytics.ui.pagedata import NotAllowed, PageData
from analytics.ui.widgets import PageContext

MIN_SIZES = (5, 10, 12)
PERSON_COLUMNS = {"person_id", "name", "email", "user_id"}
PM_ONLY = ("ingest_log", "quarantine", "data_quality", "event_names")


@pytest.fixture(scope="module", params=MIN_SIZES)
def example_min(request, example_db: Path, tmp_path_factory) -> tuple[Path, int]:
    """A copy of the running example with the minimum group size set."""
    folder = tmp_path_factory.mktemp(f"min{request.param}")
    for source in example_db.parent.iterdir():
        if source.is_file():
            shutil.copy(source, folder / source.name)
    db = folder / example_db.name
    store.set_setting(db, name="min_group_size", value=request.param)
    return db, request.param


def page_data(db: Path, viewer: Viewer, as_of: dt.date) -> PageData:
    """A PageData as a view would get it, for this viewer and day."""
    version, state = access.current_ingest_version(db), access.state_version(db)
    first, last = loaders.day_range(str(db), version, state)
    context = PageContext(str(db), version, state, first, last, as_of, viewer)
    return PageData(context)


def as_of_days(db: Path) -> list[dt.date]:
    """Three days: two weeks after launch (small groups everywhere), mid-rollout, the last day."""
    version, state = access.current_ingest_version(db), access.state_version(db)
    first, last = loaders.day_range(str(db), version, state)
    return [first + dt.timedelta(days=14), first + dt.timedelta(days=60), last]


def roster(db: Path) -> pl.DataFrame:
    """The roster as loaded (ids, e-mails, roles, champions)."""
    version, state = access.current_ingest_version(db), access.state_version(db)
    return loaders.inputs(str(db), version, state).roster


def viewers(db: Path) -> dict[str, Viewer]:
    """One leadership viewer (an executive) and one champion of the running example."""
    people = roster(db).filter(pl.col("active").fill_null(True)).sort("user_id")
    executive = people.filter(pl.col("role") == "executive").row(0, named=True)
    champion = people.filter(pl.col("is_champion")).row(0, named=True)
    return {
        LEADERSHIP: Viewer(executive["email"], LEADERSHIP, executive["user_id"]),
        CHAMPION: Viewer(champion["email"], CHAMPION, champion["user_id"]),
    }


def true_sizes(db: Path, day: dt.date) -> dict[str, dict[Any, int]]:
    """Unsuppressed group sizes at a day: eligible per team, role and wave; members per team."""
    key = (str(db), access.current_ingest_version(db), access.state_version(db))
    teams, roles = loaders.group_adoption(*key, day)
    waves = loaders.basis_frame("waves", *key, day)
    champion_teams = loaders.basis_frame("teams", *key, day)
    return {
        "team": dict(zip(teams["team"], teams["eligible"], strict=True)),
        "role": dict(zip(roles["role"], roles["eligible"], strict=True)),
        "wave": dict(zip(waves["wave"], waves["eligible"], strict=True)),
        "members": dict(zip(champion_teams["team"], champion_teams["members"], strict=True)),
    }


def small(count: Any, min_size: int) -> bool:
    return isinstance(count, int) and not isinstance(count, bool) and 0 < count < min_size


def assert_group_rows_released(frame: pl.DataFrame, group: str, sizes: dict, min_size: int):
    """Every row of a group below the minimum is suppressed with no values left."""
    values = [c for c in frame.columns if c not in (group, "name", "start", "started", "note")]
    for row in frame.to_dicts():
        if sizes.get(row[group], 0) < min_size:
            assert row["suppressed"], (group, row[group])
            assert all(row[c] is None for c in values if c != "suppressed"), row


def headline_counts(document: dict) -> list[tuple[str, Any]]:
    """Every people count of a released headline document (target and settings excluded)."""
    return [
        (f"{section}.{key}", value)
        for section in ("population", "active", "segments")
        for key, value in document[section].items()
    ] + [("trust.lost_trust", document["trust"]["lost_trust"])]


def test_leadership_never_receives_a_person_or_a_small_group(example_min):
    db, min_size = example_min
    viewer = viewers(db)[LEADERSHIP]
    for day in as_of_days(db):
        data = page_data(db, viewer, day)
        sizes = true_sizes(db, day)
        document = data.headlines()
        assert "unmatched_users" not in document and "teams" not in document
        assert not [c for c in headline_counts(document) if small(c[1], min_size)], day
        history = data.adoption_history()
        for column in ("dau", "wau", "mau"):
            assert not history[column].is_between(1, min_size - 1).any(), (day, column)
        assert history.filter(pl.col("eligible") < min_size)["adoption_rate"].is_null().all()
        assert_group_rows_released(data.waves(), "wave", sizes["wave"], min_size)
        for frame in (data.waves(), data.leaderboard(day - dt.timedelta(days=14))):
            for column in ("ever_used", "never_started"):
                assert not frame[column].is_between(1, min_size - 1).any(), (day, column)
        curves, first_use = data.wave_curves()
        shown_waves = set(data.waves().filter(~pl.col("suppressed"))["wave"])
        assert set(curves["wave"]) <= shown_waves
        assert not first_use["people"].is_between(1, min_size - 1).any()
        cells, _ = data.retention()
        assert (cells["size"] >= min_size).all() and "active" not in cells.columns
        weeks = data.lifecycle()
        for column in ("new", "returning", "resurrecting", "dormant"):
            assert not weeks[column].abs().is_between(1, min_size - 1).any(), (day, column)
        assert not data.active_days_histogram()["people"].is_between(1, min_size - 1).any()
        assert_group_rows_released(data.teams(), "team", sizes["members"], min_size)
        assert_group_rows_released(data.roles(), "role", sizes["role"], min_size)
        last_meeting = day - dt.timedelta(days=14)
        board = data.leaderboard(last_meeting)
        assert_group_rows_released(board, "team", sizes["team"], min_size)
        earlier = true_sizes(db, last_meeting)["team"]
        for row in board.filter(pl.col("adoption_before").is_not_null()).to_dicts():
            assert earlier.get(row["team"], 0) >= min_size, (day, row["team"])
        assert data.people().is_empty()
        assert data.champion_options() == {}
        assert data.cohort(viewers(db)[CHAMPION].person_id).is_empty()
        for frame in (data.waves(), data.teams(), board, data.roles(), cells):
            assert not (PERSON_COLUMNS - {"name"}) & set(frame.columns)  # a wave has a name
        for frame in (data.teams(), board, data.roles(), cells):
            assert "name" not in frame.columns


@pytest.mark.parametrize(
    "method",
    [
        *PM_ONLY,
        "contact_log",
        "roster",
        "champions_activity",
        "top_users",
        "insight",
    ],
)
def test_leadership_is_refused_individual_and_management_data(example_db, method):
    viewer = viewers(example_db)[LEADERSHIP]
    data = page_data(example_db, viewer, as_of_days(example_db)[-1])
    arguments = {"champions_activity": ([],), "top_users": ([],), "insight": (("active",),)}
    with pytest.raises(NotAllowed):
        getattr(data, method)(*arguments.get(method, ()))


def test_a_champion_receives_only_their_own_cohort(example_db):
    viewer = viewers(example_db)[CHAMPION]
    people = roster(example_db)
    cohort = set(people.filter(pl.col("champion_id") == viewer.person_id)["user_id"])
    others = people.filter(pl.col("is_champion"), pl.col("user_id") != viewer.person_id)
    for day in as_of_days(example_db):
        data = page_data(example_db, viewer, day)
        assert set(data.people()["person_id"]) <= cohort
        assert set(data.champion_options()) == {viewer.person_id}
        assert set(data.cohort(viewer.person_id)["person_id"]) <= cohort
        assert data.cohort(others["user_id"][0]).is_empty()
        assert set(data.roster_names()) <= cohort | {viewer.person_id}
        for method in PM_ONLY:
            with pytest.raises(NotAllowed):
                getattr(data, method)()


def test_tools_split_released_for_leadership(example_min):
    """SPEC 10: the tools table and funnel hide counts of 1..min-1 people for leadership."""
    db, min_size = example_min
    viewer = viewers(db)[LEADERSHIP]
    for day in as_of_days(db):
        released = page_data(db, viewer, day).tools()
        full = loaders.document(*page_data(db, viewer, day)._key, day)
        counts = [*released["funnel"].values(), *released["funnel_parts"].values()]
        for column in ("people_active_28d", "licensed"):
            counts += released["tools"][column].to_list()
        assert not [n for n in counts if n is not None and 0 < n < min_size], (day, counts)
        assert released["tools"]["tool"].to_list() == [t["tool"] for t in full["tools"]]
        assert released["lower_bounds"] == full["lower_bounds"]
        parts = released["funnel_parts"]  # a partition: never exactly one part hidden
        assert sum(v is None for v in parts.values()) != 1, (day, parts)
