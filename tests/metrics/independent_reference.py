"""An independent test oracle for SPEC sections 4 and 8, written from the spec text alone.

It starts from RAW events (user as written, UTC instant, event name, accepted), a roster (list of
dicts), a plan (list of dicts), settings and an as-of day, and computes the metrics document with
plain Python loops: slow and obvious on purpose, so that it checks the whole chain (timezone
bucketing, roster matching by id or e-mail, passive events, eligibility, every metric) and not
the project's person_day table. It was written before reading analytics/metrics/.
"""

from __future__ import annotations

import datetime as dt
import statistics
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

EPS = 1e-9
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class RawEvent:
    """One usage event as a source wrote it: user value, instant (aware), event, accepted."""

    user: str
    ts: dt.datetime
    event: str
    accepted: bool | None = None


@dataclass
class RefSettings:
    """The settings SPEC 4 reads (defaults as SPEC 2.3 and analytics/settings.py)."""

    timezone: str = "UTC"
    passive_events: tuple[str, ...] = ()
    target_rate: float = 0.70
    target_date: dt.date | None = None
    wave_gate_rate: float = 0.60
    build_cost: float | None = None
    dormant_days: int = 14
    at_risk_ratio: float = 0.5
    max_people_per_champion: int = 10


@dataclass
class Person:
    """One population person with everything the metrics need, as of D."""

    pid: str
    team: str | None = None
    role: str | None = None
    is_champion: bool = False
    champion_id: str | None = None
    wave: int | None = None  # effective wave (plan's last wave when absent or unknown)
    training: dt.date | None = None
    active_days: set[dt.date] = field(default_factory=set)  # days with an active event <= D
    feedback: list[tuple[dt.datetime, bool]] = field(default_factory=list)  # up to D


def normalise_user(value: str) -> str:
    """SPEC 3: NFC, every Unicode white space removed, e-mails lower-cased."""
    text = unicodedata.normalize("NFC", value)
    text = "".join(ch for ch in text if not ch.isspace())
    return text.lower() if "@" in text else text


def week_of(day: dt.date) -> dt.date:
    """The Monday of the day's week."""
    return day - dt.timedelta(days=day.weekday())


def rate(num: int, den: int) -> float | None:
    """num / den, or None with an empty denominator."""
    return None if den == 0 else num / den


def local_day(ts: dt.datetime, tz: str) -> dt.date:
    """The calendar day of an instant in the organisation timezone."""
    return ts.astimezone(ZoneInfo(tz)).date()


def _matcher(roster: list[dict]) -> tuple[dict[str, str], dict[str, str]]:
    by_id = {r["user_id"]: r["user_id"] for r in roster}
    by_email = {r["email"].strip().lower(): r["user_id"] for r in roster if r.get("email")}
    return by_id, by_email


def match_user(user: str, by_id: dict[str, str], by_email: dict[str, str]) -> str | None:
    """The roster id an event user matches (by id first, then e-mail), else None."""
    if user in by_id:
        return by_id[user]
    return by_email.get(user.lower())


def resolve_champion(value: str | None, by_id: dict, by_email: dict) -> str | None:
    """A champion_id written as an id or as a roster person's e-mail, as a roster id."""
    if value is None or value == "":
        return None
    return match_user(value.strip(), by_id, by_email) or value.strip()


def compute(
    events: list[RawEvent],
    roster: list[dict] | None,
    plan: list[dict] | None,
    settings: RefSettings,
    as_of: dt.date | None = None,
    outreach: list[dict] | None = None,
) -> dict[str, Any]:
    """The SPEC 8 metrics document (the keys the reference covers) as of D.

    outreach: logged contacts {person_id, contacted_on, channel, segment} (SPEC 4 outreach
    effect; the window is the 14 days after the contact day, docs/metrics.md).
    """
    tz = settings.timezone
    passive = set(settings.passive_events)
    local = [(normalise_user(e.user), local_day(e.ts, tz), e) for e in events]
    if as_of is None:
        as_of = max(day for _, day, _ in local)
    D = as_of
    seen = [(u, day, e) for u, day, e in local if day <= D]
    first_event_day = min((day for _, day, _ in seen), default=None)

    # ---- population and identity -------------------------------------------------------
    people: dict[str, Person] = {}
    unmatched: dict[str, list[tuple[dt.date, RawEvent]]] = {}
    by_id, by_email = _matcher(roster or [])
    roster_by_id = {r["user_id"]: r for r in roster or []}
    plan = sorted(plan or [], key=lambda w: w["wave"])
    plan_numbers = {w["wave"] for w in plan}
    last_wave = plan[-1]["wave"] if plan else None

    def effective_wave(wave: int | None) -> int | None:
        if not plan:
            return None
        return wave if wave in plan_numbers else last_wave

    if roster is not None:
        for r in roster:
            if not r["active"]:
                continue
            role = r.get("role")
            people[r["user_id"]] = Person(
                pid=r["user_id"],
                team=r.get("team") or None,
                role=role.strip().lower() if role else None,
                is_champion=bool(r.get("is_champion")),
                champion_id=resolve_champion(r.get("champion_id"), by_id, by_email),
                wave=effective_wave(r.get("wave")),
                training=r.get("training_completed_on"),
            )
    for user, day, e in seen:
        if roster is not None:
            pid = match_user(user, by_id, by_email)
            if pid is None:
                unmatched.setdefault(user, []).append((day, e))
                continue
        else:
            pid = user
            if pid not in people:
                people[pid] = Person(pid=pid, wave=effective_wave(None))
        person = people.get(pid)
        if person is None:  # a leaver: matched, but outside the population
            continue
        if e.event not in passive:
            person.active_days.add(day)
        if e.accepted is not None:
            person.feedback.append((e.ts, e.accepted))
    for p in people.values():
        p.feedback.sort()

    wave_start = {w["wave"]: w["start"] for w in plan}

    def first_active(p: Person) -> dt.date | None:
        return min(p.active_days) if p.active_days else None

    def eligible_from(p: Person) -> dt.date | None:
        """The first day the person is eligible (None: not by D)."""
        candidates = []
        if plan:
            candidates.append(wave_start[p.wave])
        elif first_event_day is not None:
            candidates.append(first_event_day)
        if first_active(p) is not None:
            candidates.append(first_active(p))
        return min(candidates) if candidates else None

    def is_eligible(p: Person, d: dt.date) -> bool:
        start = eligible_from(p)
        return start is not None and start <= d

    def active_in(p: Person, lo: dt.date, hi: dt.date) -> int:
        return sum(1 for day in p.active_days if lo <= day <= hi)

    def mau(group: list[Person], d: dt.date) -> int:
        return sum(1 for p in group if is_eligible(p, d) and active_in(p, d - 27 * DAY, d) > 0)

    def adoption(group: list[Person], d: dt.date) -> float | None:
        elig = [p for p in group if is_eligible(p, d)]
        return rate(mau(elig, d), len(elig))

    population = list(people.values())
    eligible = [p for p in population if is_eligible(p, D)]

    # ---- segments -----------------------------------------------------------------------
    n = settings.dormant_days

    def segment(p: Person) -> str:
        if not is_eligible(p, D):
            return "not_yet_eligible"
        if not p.active_days:
            return "never_started"
        recent = active_in(p, D - (n - 1) * DAY, D)
        if recent == 0:
            return "dormant"
        prior = active_in(p, D - (2 * n - 1) * DAY, D - n * DAY)
        if recent < settings.at_risk_ratio * prior - EPS:
            return "at_risk"
        return "active"

    segments = {"never_started": 0, "dormant": 0, "at_risk": 0, "active": 0}
    for p in eligible:
        segments[segment(p)] += 1

    # ---- headline -----------------------------------------------------------------------
    dau = sum(1 for p in eligible if D in p.active_days)
    wau = sum(1 for p in eligible if active_in(p, D - 6 * DAY, D) > 0)
    mau_d = mau(eligible, D)
    ever = sum(1 for p in eligible if p.active_days)
    adoption_rate = rate(mau_d, len(eligible))
    daus = []
    for i in range(28):
        d = D - i * DAY
        daus.append(sum(1 for p in population if is_eligible(p, d) and d in p.active_days))
    stickiness = None if mau_d == 0 else (sum(daus) / 28) / mau_d
    histogram = [0] * 28
    for p in eligible:
        k = active_in(p, D - 27 * DAY, D)
        if k:
            histogram[k - 1] += 1

    # ---- retention and lifecycle (over the population) -------------------------------------
    d_week = week_of(D)
    weeks_active: dict[str, set[dt.date]] = {
        p.pid: {week_of(day) for day in p.active_days} for p in population
    }
    cohorts: dict[dt.date, list[str]] = {}
    for p in population:
        if p.active_days:
            cohorts.setdefault(week_of(min(p.active_days)), []).append(p.pid)
    retention = []
    for c in sorted(cohorts):
        members = cohorts[c]
        rates = []
        w = c
        while w <= d_week:
            rates.append(sum(1 for pid in members if w in weeks_active[pid]) / len(members))
            w += 7 * DAY
        retention.append(
            {
                "cohort_week": c.isoformat(),
                "size": len(members),
                "rates": rates,
                "partial_last": D.weekday() != 6,
            }
        )
    lifecycle = []
    if cohorts:
        w = min(cohorts)
        while w <= d_week:
            prev = w - 7 * DAY
            row = {"week": w.isoformat(), "new": 0, "returning": 0, "resurrecting": 0, "dormant": 0}
            for p in population:
                now, before = w in weeks_active[p.pid], prev in weeks_active[p.pid]
                if now and min(weeks_active[p.pid]) == w:
                    row["new"] += 1
                elif now and before:
                    row["returning"] += 1
                elif now:
                    row["resurrecting"] += 1
                elif before:
                    row["dormant"] += 1
            lifecycle.append(row)
            w += 7 * DAY

    # ---- waves --------------------------------------------------------------------------
    waves = []
    for w in plan:
        members = [p for p in population if p.wave == w["wave"]]
        elig = [p for p in members if is_eligible(p, D)]
        start = w["start"]

        def rate_at(end: dt.date, members: list[Person] = members) -> float | None:
            if end > D:
                return None
            hits = sum(1 for p in members if active_in(p, end - 27 * DAY, end) > 0)
            return rate(hits, len(members))

        r4 = rate_at(start + 27 * DAY)
        firsts = [(first_active(p) - start).days for p in members if p.active_days]
        waves.append(
            {
                "wave": w["wave"],
                "name": w["name"],
                "start": start.isoformat(),
                "size": len(members),
                "eligible": len(elig),
                "ever_used": sum(1 for p in elig if p.active_days),
                "active": mau(elig, D),
                "adoption_rate": adoption(members, D),
                "rate_2w": rate_at(start + 13 * DAY),
                "rate_4w": r4,
                "median_days_to_first_use": statistics.median(firsts) if firsts else None,
                "never_started": sum(1 for p in elig if not p.active_days),
                "ready_for_next": None if r4 is None else r4 >= settings.wave_gate_rate - EPS,
            }
        )

    # ---- champions ----------------------------------------------------------------------
    def covered(p: Person) -> bool:
        champ = roster_by_id.get(p.champion_id) if p.champion_id else None
        return bool(champ and champ.get("is_champion") and champ["active"])

    def champion_block(group: list[Person]) -> dict[str, Any]:
        elig = [p for p in group if is_eligible(p, D)]
        champs = sum(1 for p in elig if p.is_champion)
        others = [p for p in elig if not p.is_champion]
        ppc = None if champs == 0 else len(others) / champs
        return {
            "members": len(elig),
            "champions": champs,
            "people_per_champion": ppc,
            "coverage": rate(sum(1 for p in others if covered(p)), len(others)),
        }

    if roster is None:
        champions: dict[str, Any] = {
            "champions": 0,
            "people_per_champion": None,
            "coverage": 0.0,
            "teams": [],
        }
    else:
        overall = champion_block(population)
        teams = []
        for team in {p.team for p in population}:
            block = champion_block([p for p in population if p.team == team])
            ppc = block["people_per_champion"]
            block["over_ratio"] = (block["members"] > 0 and block["champions"] == 0) or (
                ppc is not None and ppc > settings.max_people_per_champion + EPS
            )
            teams.append({"team": team, **block})
        champions = {
            "champions": overall["champions"],
            "members": overall["members"],
            "people_per_champion": overall["people_per_champion"],
            "coverage": overall["coverage"],
            "teams": teams,
        }
        cohorts_out = []
        for c in population:
            if not c.is_champion:
                continue
            assigned = [p for p in population if p.champion_id == c.pid and p.pid != c.pid]
            cohorts_out.append(
                {
                    "champion_id": c.pid,
                    "size": len(assigned),
                    "people": [
                        {
                            "person_id": p.pid,
                            "eligible": is_eligible(p, D),
                            "segment": segment(p),
                            "last_active_day": (
                                max(p.active_days).isoformat() if p.active_days else None
                            ),
                            "active_days_28": active_in(p, D - 27 * DAY, D),
                            "acceptance_rate": rate(
                                sum(1 for _, a in p.feedback if a), len(p.feedback)
                            ),
                        }
                        for p in assigned
                    ],
                }
            )
        champions["cohorts"] = cohorts_out

    # ---- target -------------------------------------------------------------------------
    launch = min(wave_start.values()) if plan else first_event_day
    target_date = settings.target_date or (launch + 182 * DAY if launch else None)
    path_rate = None
    if launch is not None and target_date is not None:
        span = (target_date - launch).days
        frac = 1.0 if span <= 0 else min(max((D - launch).days / span, 0.0), 1.0)
        path_rate = settings.target_rate * frac
    on_track = (
        None if adoption_rate is None or path_rate is None else adoption_rate >= path_rate - EPS
    )
    forecast = None
    if target_date is not None and target_date <= D:
        forecast = adoption_rate
    elif target_date is not None:
        points = []
        for i in range(28):
            d = D - i * DAY
            r = adoption(population, d)
            if r is not None:
                points.append(((d - D).days, r))
        if len(points) >= 2:
            mx = sum(x for x, _ in points) / len(points)
            my = sum(y for _, y in points) / len(points)
            sxx = sum((x - mx) ** 2 for x, _ in points)
            sxy = sum((x - mx) * (y - my) for x, y in points)
            slope = sxy / sxx
            value = my + slope * ((target_date - D).days - mx)
            forecast = min(max(value, 0.0), 1.0)

    # ---- leadership, trust, training, value --------------------------------------------------
    def role_rate(role: str) -> float | None:
        return adoption([p for p in population if p.role == role], D)

    accepted = sum(1 for p in population for _, a in p.feedback if a)
    total_feedback = sum(len(p.feedback) for p in population)

    def lost(p: Person) -> bool:
        last3 = p.feedback[-3:]
        return len(last3) == 3 and not any(a for _, a in last3) and segment(p) == "dormant"

    by_team = []
    if roster is not None:
        for team in {p.team for p in population}:
            fb = [a for p in population if p.team == team for _, a in p.feedback]
            acc = sum(1 for a in fb if a)
            by_team.append(
                {
                    "team": team,
                    "accepted": acc,
                    "rejected": len(fb) - acc,
                    "acceptance_rate": rate(acc, len(fb)),
                }
            )
    weeks: dict[dt.date, list[bool]] = {}
    for p in population:
        for ts, a in p.feedback:
            weeks.setdefault(week_of(local_day(ts, tz)), []).append(a)
    by_week = [
        {
            "week": w.isoformat(),
            "accepted": sum(weeks[w]),
            "rejected": len(weeks[w]) - sum(weeks[w]),
            "acceptance_rate": sum(weeks[w]) / len(weeks[w]),
        }
        for w in sorted(weeks)
    ]
    by_person = [
        {
            "person_id": p.pid,
            "accepted": sum(1 for _, a in p.feedback if a),
            "rejected": sum(1 for _, a in p.feedback if not a),
            "acceptance_rate": sum(1 for _, a in p.feedback if a) / len(p.feedback),
            "lost_trust": lost(p),
        }
        for p in population
        if p.feedback
    ]
    trained = [p for p in eligible if p.training is not None and p.training <= D]
    untrained = [p for p in eligible if not (p.training is not None and p.training <= D)]

    value = None
    if settings.build_cost is not None and adoption_rate is not None:
        value = settings.build_cost * adoption_rate

    unmatched_rows = []
    for user, rows in unmatched.items():
        days = [d for d, _ in rows]
        unmatched_rows.append(
            {
                "person_id": user,
                "first_day": min(days).isoformat(),
                "last_day": max(days).isoformat(),
                "events": len(rows),
                "active_days": len({d for d, e in rows if e.event not in passive}),
            }
        )

    # ---- outreach effect (window: the 14 days after the contact day; open windows pending) ----
    def effect(contacts: list[dict]) -> dict[str, Any]:
        converted = pending = 0
        for c in contacts:
            p = people.get(c["person_id"])
            lo, hi = c["contacted_on"] + DAY, c["contacted_on"] + 14 * DAY
            if p is not None and active_in(p, lo, min(hi, D)) > 0:
                converted += 1
            elif hi > D:
                pending += 1
        return {
            "contacts": len(contacts),
            "converted": converted,
            "pending": pending,
            "conversion_rate": rate(converted, len(contacts) - pending),
        }

    logged = [c for c in outreach or [] if c["contacted_on"] <= D]
    outreach_effect = {"window_days": 14, **effect(logged)}
    for key, name in (("segment", "by_segment"), ("channel", "by_channel")):
        values = {c[key] or None for c in logged}
        outreach_effect[name] = [
            {key: v, **effect([c for c in logged if (c[key] or None) == v])} for v in values
        ]

    return {
        "as_of": D.isoformat(),
        "outreach_effect": outreach_effect,
        "population": {
            "roster": len(population),
            "eligible": len(eligible),
            "ever_used": ever,
            "never_started": len(eligible) - ever,
            "unmatched_users": len(unmatched),
        },
        "active": {"dau": dau, "wau": wau, "mau": mau_d},
        "adoption_rate": adoption_rate,
        "stickiness": stickiness,
        "active_days_histogram": histogram,
        "segments": segments,
        "target": {
            "rate": settings.target_rate,
            "date": target_date.isoformat() if target_date else None,
            "launch": launch.isoformat() if launch else None,
            "path_rate": path_rate,
            "on_track": on_track,
            "forecast_rate": forecast,
        },
        "retention": retention,
        "lifecycle": lifecycle,
        "waves": waves,
        "champions": champions,
        "leadership": {"executive": role_rate("executive"), "manager": role_rate("manager")},
        "trust": {
            "acceptance_rate": rate(accepted, total_feedback),
            "lost_trust": sum(1 for p in eligible if lost(p)),
            "by_team": by_team,
            "by_week": by_week,
            "by_person": by_person,
        },
        "training": {
            "trained": adoption(trained, D),
            "untrained": adoption(untrained, D),
            "counts": {"trained": len(trained), "untrained": len(untrained)},
        },
        "value_delivered": value,
        "unmatched_users": unmatched_rows,
    }
