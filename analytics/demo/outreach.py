"""The running example's outreach: whom champions and managers contacted, and who came back.

Contacts are chosen from the scenario's own activity (people who were never started, dormant or
at risk the day before the contact), and the response is written back into their behaviour, so
the outreach effect the metrics measure is in the events, not only in the log. A share of each
channel's contacts comes back within the window (in person the most, e-mail the least); the
others stay away for the whole window.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from analytics.demo.roster import FIRST_DAY, rng_for
from analytics.demo.scenario import N_DAYS, day_index

FIRST_CONTACT = dt.date(2026, 9, 14)  # a Monday, three weeks after wave 4 started
LAST_CONTACT = dt.date(2026, 10, 20)
CONTACTS = 32
WINDOW_DAYS = 14  # the metrics' default outreach_effect_days
RELAPSE = 0.4  # share of those who come back who stop again after one to three weeks
# channel: (share of the contacts, share of them who come back within the window)
CHANNELS = {
    "in person": (0.30, 0.75),
    "phone": (0.20, 0.60),
    "chat": (0.25, 0.50),
    "email": (0.25, 0.30),
}
SEGMENTS = ("never_started", "dormant", "at_risk")
NOTES = {
    "never_started": "Booked them into the hands-on workshop",
    "dormant": "1-on-1 to hear what got in the way",
    "at_risk": "Shared a peer's success story and two workflow tips",
}
CONTACT_SCHEMA = pl.Schema(
    {
        "person_id": pl.String,
        "contacted_on": pl.Date,
        "channel": pl.String,
        "owner": pl.String,
        "segment": pl.String,
        "note": pl.String,
        "comes_back": pl.Boolean,
        "back_on": pl.Date,
        "back_until": pl.Date,
    }
)


def contact_days(rng: np.random.Generator, n: int) -> np.ndarray:
    """A weekday between the first and last contact day for each of n people (day indexes)."""
    span = np.arange(day_index(FIRST_CONTACT), day_index(LAST_CONTACT) + 1)
    weekdays = span[(span + FIRST_DAY.weekday()) % 7 < 5]
    return weekdays[rng.integers(0, len(weekdays), n)]


def segments_before(active: np.ndarray, day: np.ndarray) -> np.ndarray:
    """Each person's segment as of the day before their contact day (SPEC 4 definitions).

    `active`: people x days booleans; `day`: one contact day index per person. Everyone the
    scenario contacts is eligible by then (wave 4 started 2026-08-24).
    """
    done = np.concatenate([np.zeros((len(active), 1), int), active.cumsum(axis=1)], axis=1)
    people = np.arange(len(active))

    def count(first: np.ndarray, last: np.ndarray) -> np.ndarray:
        return done[people, last + 1] - done[people, np.maximum(first, 0)]

    as_of = day - 1
    recent = count(as_of - 13, as_of)
    prior = count(as_of - 27, as_of - 14)
    return np.select(
        [done[people, as_of + 1] == 0, recent == 0, recent < prior * 0.5],
        ["never_started", "dormant", "at_risk"],
        "active",
    )


def back_days(rng: np.random.Generator, contacted: np.ndarray) -> np.ndarray:
    """The weekday a responding person comes back: mostly within days, always in the window."""
    offsets = np.arange(1, WINDOW_DAYS + 1)
    weekday = (contacted[:, None] + offsets[None, :] + FIRST_DAY.weekday()) % 7 < 5
    nth = np.minimum(np.floor(rng.exponential(2.0, len(contacted))), 9).astype(int)
    pick = weekday & (weekday.cumsum(axis=1) - 1 == nth[:, None])  # 10 weekdays in 14 days
    return contacted + offsets[pick.argmax(axis=1)]


def stay_days(rng: np.random.Generator, n: int) -> list[int | None]:
    """How long a person who comes back keeps using it: to the end, or one to three weeks."""
    relapse = rng.random(n) < RELAPSE
    days = rng.integers(7, 22, n)
    return [int(d) if r else None for r, d in zip(relapse, days, strict=True)]


def choose_contacts(people: pl.DataFrame, active: np.ndarray) -> pl.DataFrame:
    """One row per logged contact: who was contacted, when, how, by whom, and whether they came
    back within the window (and on which day), chosen from the scenario's own activity."""
    rng = rng_for(7)
    contacted = contact_days(rng, people.height)
    frame = people.with_columns(
        day=pl.Series(contacted),
        segment=pl.Series(segments_before(active, contacted)),
        key=pl.Series(rng.random(people.height)),
        owner=pl.coalesce("champion_id", "manager_id"),
    ).filter(
        pl.col("active"),
        ~pl.col("is_champion"),
        pl.col("role").is_in(["rep", "manager"]),
        pl.col("segment").is_in(SEGMENTS),
    )
    chosen = frame.sort("key").head(CONTACTS)
    names = list(CHANNELS)
    shares = np.array([share for share, _ in CHANNELS.values()])
    channel = np.array(names)[rng.choice(len(names), chosen.height, p=shares)]
    back_rate = pl.col("channel").replace_strict({k: v for k, (_, v) in CHANNELS.items()})
    order = pl.col("key").rank("ordinal").over("channel")
    returns = chosen.with_columns(
        channel=pl.Series(channel),
        back=pl.Series(back_days(rng, chosen["day"].to_numpy())),
        stay=pl.Series(stay_days(rng, chosen.height)),
    ).with_columns(comes_back=order <= (pl.len().over("channel") * back_rate).round())
    first = pl.lit(FIRST_DAY)
    return (
        returns.with_columns(
            person_id=pl.col("user_id"),
            contacted_on=first + pl.duration(days=pl.col("day")),
            note=pl.col("segment").replace_strict(NOTES),
            back_on=pl.when(pl.col("comes_back")).then(first + pl.duration(days=pl.col("back"))),
            back_until=pl.when(pl.col("comes_back"), pl.col("stay").is_not_null()).then(
                first + pl.duration(days=pl.col("back") + pl.col("stay"))
            ),
        )
        .select(list(CONTACT_SCHEMA))
        .cast(CONTACT_SCHEMA)
        .sort("contacted_on", "person_id")
    )


def with_response(
    behaviour: dict[str, np.ndarray], people: pl.DataFrame, contacts: pl.DataFrame
) -> dict[str, np.ndarray]:
    """Behaviour with each contacted person's response: quiet from the contact day until they
    come back (or through the whole window), then back at least at a moderate pace for a while
    (to the end, or one to three weeks for those who relapse)."""
    index = people.select("user_id").with_row_index("row")
    rows = contacts.join(index, left_on="person_id", right_on="user_id")
    at = rows["row"].to_numpy()
    contacted = np.full(people.height, N_DAYS)
    contacted[at] = (rows["contacted_on"] - FIRST_DAY).dt.total_days().to_numpy()
    back = np.full(people.height, N_DAYS)
    back_on = (rows["back_on"] - FIRST_DAY).dt.total_days().fill_null(N_DAYS).to_numpy()
    back[at] = back_on
    until = np.full(people.height, N_DAYS)
    until[at] = (rows["back_until"] - FIRST_DAY).dt.total_days().fill_null(N_DAYS).to_numpy()
    quiet_until = np.where(back < N_DAYS, back - 1, contacted + WINDOW_DAYS)
    return {
        **behaviour,
        "contacted": contacted,
        "quiet_until": quiet_until,
        "back": back,
        "back_until": until,
    }
