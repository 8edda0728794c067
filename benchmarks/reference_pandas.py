"""The reference for `adoption metrics`: the core SPEC 4 metrics in plain pandas, from clean events.

What a competent analyst would write given the clean events, the roster and the plan as Parquet
(exported once from a built database by `export_inputs`): match users to the roster by id or
e-mail, reduce to one row per person per active day, then DAU/WAU/MAU, adoption rate, stickiness,
the active-days histogram, segments, weekly retention and lifecycle, with waves and eligibility
as SPEC 4 defines them. `python -m benchmarks.reference_pandas --inputs DIR` prints the numbers
as JSON; `mismatches` compares them with the metrics document.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import pandas as pd

DAY = pd.Timedelta(days=1)
WEEK = pd.Timedelta(days=7)


# ---------------------------------------------------------------- export (run once, not timed)


def export_inputs(db: Path, out: Path) -> Path:
    """Write events, roster, plan (Parquet) and settings (JSON) of a built database to out."""
    from analytics.db import connection
    from analytics.metrics.inputs import load_inputs

    out.mkdir(parents=True, exist_ok=True)
    with connection(db, read_only=True) as con:
        con.execute(
            "COPY (SELECT user_id, ts, event FROM events) TO ? (FORMAT parquet)",
            [str(out / "events.parquet")],
        )
        con.execute("COPY roster TO ? (FORMAT parquet)", [str(out / "roster.parquet")])
    inputs = load_inputs(db)
    inputs.plan.write_parquet(out / "plan.parquet")
    names = ("timezone", "passive_events", "dormant_days", "at_risk_ratio")
    settings = {name: getattr(inputs.settings, name) for name in names}
    (out / "settings.json").write_text(json.dumps(settings, default=str))
    return out


# ---------------------------------------------------------------- the analyst's pandas


def read_inputs(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Events (user_id, ts, event), roster, plan and settings from the exported folder."""
    events = pd.read_parquet(folder / "events.parquet", columns=["user_id", "ts", "event"])
    roster = pd.read_parquet(folder / "roster.parquet")
    plan = pd.read_parquet(folder / "plan.parquet")
    settings = json.loads((folder / "settings.json").read_text())
    return events, roster, plan, settings


def local_day(ts: pd.Series, timezone: str) -> pd.Series:
    """Calendar day in the organisation timezone of UTC instants stored without a zone."""
    if timezone not in ("UTC", "Etc/UTC"):
        ts = ts.dt.tz_localize("UTC").dt.tz_convert(timezone).dt.tz_localize(None)
    return ts.dt.normalize()


def identity_map(roster: pd.DataFrame) -> dict[str, str]:
    """Normalised user value -> roster user_id: e-mails (lower-cased) first, ids win over them."""
    emails = roster.dropna(subset=["email"])
    mapping = dict(zip(emails["email"].str.strip().str.lower(), emails["user_id"], strict=True))
    mapping.update(zip(roster["user_id"], roster["user_id"], strict=True))
    return mapping


def matched_events(events: pd.DataFrame, roster: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """One row per event with its calendar day and person (roster user_id, else null)."""
    events = events.assign(day=local_day(events["ts"], settings["timezone"]))
    if len(roster):
        events["person_id"] = events["user_id"].map(identity_map(roster))
    else:
        events["person_id"] = events["user_id"]
    events["is_active"] = ~events["event"].isin(settings.get("passive_events") or [])
    return events


def population(
    roster: pd.DataFrame, plan: pd.DataFrame, seen: pd.Series, first_day
) -> pd.DataFrame:
    """One row per population person (active roster people, else users seen) with wave start."""
    if len(roster):
        people = roster[roster["active"].fillna(True).astype(bool)][["user_id", "wave"]]
        people = people.rename(columns={"user_id": "person_id"})
    else:
        people = pd.DataFrame({"person_id": seen.unique(), "wave": pd.NA})
    if len(plan):
        plan = plan.sort_values("wave")
        wave = people["wave"].where(people["wave"].isin(plan["wave"]), plan["wave"].iloc[-1])
        starts = dict(zip(plan["wave"], pd.to_datetime(plan["start"]), strict=True))
        people = people.assign(wave_start=wave.astype("int64").map(starts))
    else:
        people = people.assign(wave_start=first_day)
    return people.set_index("person_id")


def window_days(person_days: pd.DataFrame, start, end) -> pd.Series:
    """Active days per person in [start, end]."""
    inside = person_days["day"].between(start, end)
    return person_days[inside].groupby("person_id").size()


def person_table(people: pd.DataFrame, person_days: pd.DataFrame, as_of, settings) -> pd.DataFrame:
    """One row per population person: first active day, window counts, eligible, segment."""
    dormant_days = int(settings.get("dormant_days") or 14)
    ratio = float(settings.get("at_risk_ratio") or 0.5)
    table = people.copy()
    table["first_active"] = person_days.groupby("person_id")["day"].min()
    table["today"] = window_days(person_days, as_of, as_of)
    table["days_7"] = window_days(person_days, as_of - 6 * DAY, as_of)
    table["days_28"] = window_days(person_days, as_of - 27 * DAY, as_of)
    table["recent"] = window_days(person_days, as_of - (dormant_days - 1) * DAY, as_of)
    prior_start = as_of - (2 * dormant_days - 1) * DAY
    table["prior"] = window_days(person_days, prior_start, as_of - dormant_days * DAY)
    counts = ["today", "days_7", "days_28", "recent", "prior"]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["eligible"] = (table["wave_start"] <= as_of) | (table["first_active"] <= as_of)
    table["segment"] = "active"
    table.loc[table["recent"] < table["prior"] * ratio - 1e-9, "segment"] = "at_risk"
    table.loc[table["recent"] == 0, "segment"] = "dormant"
    table.loc[table["first_active"].isna(), "segment"] = "never_started"
    return table


def retention(weeks: pd.DataFrame, as_of_week) -> list[dict]:
    """[{cohort_week, size, rates}] from one row per person per active week."""
    cohort = weeks.groupby("person_id")["week"].transform("min")
    offset = (weeks["week"] - cohort) // WEEK
    active = weeks.assign(cohort=cohort, k=offset).groupby(["cohort", "k"]).size()
    sizes = active.xs(0, level="k")
    rows = []
    for cohort_week, size in sizes.items():  # one row per cohort week (~30), not per person
        span = (as_of_week - cohort_week) // WEEK + 1
        counts = active.loc[cohort_week].reindex(range(span), fill_value=0)
        rates = (counts / size).tolist()
        rows.append(
            {"cohort_week": cohort_week.date().isoformat(), "size": int(size), "rates": rates}
        )
    return rows


def lifecycle(weeks: pd.DataFrame, as_of_week) -> list[dict]:
    """[{week, new, returning, resurrecting, dormant}] from one row per person per active week."""
    first = weeks.groupby("person_id")["week"].transform("min")
    previous = weeks.assign(week=weeks["week"] + WEEK)[["person_id", "week"]]
    merged = weeks.merge(previous, on=["person_id", "week"], how="left", indicator=True)
    merged["first"] = first.to_numpy()
    returning = merged["_merge"] == "both"
    new = merged["week"] == merged["first"]
    status = pd.DataFrame(
        {
            "week": merged["week"],
            "new": new,
            "returning": returning,
            "resurrecting": ~new & ~returning,
        }
    )
    all_weeks = pd.date_range(weeks["week"].min(), as_of_week, freq="7D")
    table = status.groupby("week")[["new", "returning", "resurrecting"]].sum()
    table = table.reindex(all_weeks, fill_value=0)
    gone = previous.merge(weeks, on=["person_id", "week"], how="left", indicator=True)
    dormant = gone[gone["_merge"] == "left_only"].groupby("week").size()
    table["dormant"] = dormant.reindex(all_weeks, fill_value=0)
    table = table.astype("int64")
    return [
        {"week": week.date().isoformat(), **{k: int(v) for k, v in row.items()}}
        for week, row in table.iterrows()  # one row per week (~30), not per person
    ]


def compute(folder: Path, as_of: str | None = None) -> dict[str, Any]:
    """Every reference metric as a dict shaped like the metrics document's keys."""
    events, roster, plan, settings = read_inputs(folder)
    events = matched_events(events, roster, settings)
    as_of_day = pd.Timestamp(as_of) if as_of else events["day"].max()
    events = events[events["day"] <= as_of_day]
    first_day = events["day"].min()
    people = population(roster, plan, events["user_id"], first_day)
    unmatched = events.loc[events["person_id"].isna(), "user_id"].nunique() if len(roster) else 0
    person_days = events.loc[events["is_active"] & events["person_id"].isin(people.index)]
    person_days = person_days[["person_id", "day"]].drop_duplicates()
    table = person_table(people, person_days, as_of_day, settings)
    eligible = table[table["eligible"]]
    ever_used = int(eligible["first_active"].notna().sum())
    mau = int((eligible["days_28"] > 0).sum())
    in_28 = person_days["day"] >= as_of_day - 27 * DAY
    histogram = eligible.loc[eligible["days_28"] > 0, "days_28"].value_counts()
    weeks = person_days.assign(week=person_days["day"].dt.to_period("W-SUN").dt.start_time)
    weeks = weeks[["person_id", "week"]].drop_duplicates()
    as_of_week = as_of_day - as_of_day.weekday() * DAY
    segments = eligible["segment"].value_counts()
    return {
        "as_of": as_of_day.date().isoformat(),
        "population": {
            "roster": len(table),
            "eligible": len(eligible),
            "ever_used": ever_used,
            "never_started": len(eligible) - ever_used,
            "unmatched_users": int(unmatched),
        },
        "active": {
            "dau": int((eligible["today"] > 0).sum()),
            "wau": int((eligible["days_7"] > 0).sum()),
            "mau": mau,
        },
        "adoption_rate": mau / len(eligible) if len(eligible) else None,
        "stickiness": (in_28.sum() / 28) / mau if mau else None,
        "active_days_histogram": [int(histogram.get(k, 0)) for k in range(1, 29)],
        "segments": {
            s: int(segments.get(s, 0)) for s in ("never_started", "dormant", "at_risk", "active")
        },
        "retention": retention(weeks, as_of_week),
        "lifecycle": lifecycle(weeks, as_of_week),
    }


# ---------------------------------------------------------------- comparison


def _close(a: Any, b: Any) -> bool:
    """Equal, with floats equal to 1e-9."""
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) <= 1e-9
    return a == b


def mismatches(ours: dict[str, Any], reference: dict[str, Any]) -> list[str]:
    """Every difference between the metrics document and the reference, one readable line each."""
    problems: list[str] = []
    scalar_paths = [
        ("as_of",),
        *[("population", k) for k in reference["population"]],
        *[("active", k) for k in ("dau", "wau", "mau")],
        ("adoption_rate",),
        ("stickiness",),
        *[("segments", k) for k in reference["segments"]],
    ]
    for path in scalar_paths:
        a, b = _get(ours, path), _get(reference, path)
        if not _close(a, b):
            problems.append(f"{'.'.join(path)}: ours {a!r} != reference {b!r}")
    if ours.get("active_days_histogram") != reference["active_days_histogram"]:
        problems.append("active_days_histogram differs")
    problems += _rows_mismatch("retention", "cohort_week", ours, reference, ("size", "rates"))
    problems += _rows_mismatch(
        "lifecycle", "week", ours, reference, ("new", "returning", "resurrecting", "dormant")
    )
    return problems


def _get(document: dict[str, Any], path: tuple[str, ...]) -> Any:
    """A nested value or None."""
    for key in path:
        document = document.get(key) if isinstance(document, dict) else None
    return document


def _rows_mismatch(name, key, ours, reference, fields) -> list[str]:
    """Differences between two lists of rows keyed by key (a week)."""
    mine = {row[key]: row for row in ours.get(name) or []}
    theirs = {row[key]: row for row in reference[name]}
    problems = [
        f"{name}: {k} only in {'ours' if k in mine else 'reference'}"
        for k in sorted(set(mine) ^ set(theirs))
    ]
    for k in sorted(set(mine) & set(theirs)):
        for field in fields:
            a, b = mine[k][field], theirs[k][field]
            same = (
                len(a) == len(b) and all(map(_close, a, b)) if isinstance(b, list) else _close(a, b)
            )
            if not same:
                problems.append(f"{name}[{k}].{field}: ours {a!r} != reference {b!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    """Compute the reference metrics from an exported folder and print them as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, required=True)
    parser.add_argument("--as-of")
    args = parser.parse_args(argv)
    json.dump(compute(args.inputs, args.as_of), sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
