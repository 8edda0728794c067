"""A deliberately naive reference of SPEC section 4, written from the text with plain loops.

It shares no code with analytics.metrics (only the inputs) so that the engine's vectorised
polars answers can be checked against it on random rollouts.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import Any

from analytics.metrics.inputs import MetricInputs

ONE = dt.timedelta(days=1)


def _d(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


def _rate(num: float, den: float) -> float | None:
    return num / den if den else None


def _monday(day: dt.date) -> dt.date:
    return day - _d(day.weekday())


class Reference:
    """SPEC 4 computed person by person and day by day."""

    def __init__(self, inputs: MetricInputs, as_of: dt.date | None = None) -> None:
        rows = inputs.person_day.to_dicts()
        with_events = [r for r in rows if r["events"] > 0]
        self.D = as_of or max(r["day"] for r in with_events)
        self.rows = [r for r in rows if r["day"] <= self.D]
        self.settings = inputs.settings.model_dump()
        roster = inputs.roster.to_dicts()
        self.has_roster = bool(roster)
        self.roster_ids = {r["user_id"] for r in roster}
        if roster:
            self.pop = {r["user_id"]: r for r in roster if r["active"] is not False}
        else:
            self.pop = {r["person_id"]: {} for r in self.rows if r["events"] > 0}
        self.plan = {w["wave"]: w for w in inputs.plan.to_dicts()}
        self.first_event = min((r["day"] for r in self.rows if r["events"] > 0), default=None)
        self.active_days = {p: set() for p in self.pop}
        self.feedback = {p: [] for p in self.pop}
        for r in sorted(self.rows, key=lambda r: r["day"]):
            if r["person_id"] not in self.pop:
                continue
            if r["active_events"] > 0:
                self.active_days[r["person_id"]].add(r["day"])
            a, rej, t = r["accepted"], r["rejected"], r["trailing_rejections"]
            if a > 0:
                self.feedback[r["person_id"]] += [False] * (rej - t) + [True] * a + [False] * t
            else:
                self.feedback[r["person_id"]] += [False] * rej
        self.start = {p: self.wave_start(p) for p in self.pop}

    # --- population and eligibility
    def wave(self, p: str) -> int | None:
        if not self.plan:
            return None
        w = self.pop[p].get("wave")
        return w if w in self.plan else max(self.plan)

    def wave_start(self, p: str) -> dt.date | None:
        w = self.wave(p)
        return self.plan[w]["start"] if w is not None else self.first_event

    def eligible(self, p: str, d: dt.date) -> bool:
        started = self.start[p] is not None and self.start[p] <= d
        return started or any(a <= d for a in self.active_days[p])

    def active_in(self, p: str, first: dt.date, last: dt.date) -> bool:
        return any(first <= a <= last for a in self.active_days[p])

    def count_active(self, p: str, first: dt.date, last: dt.date) -> int:
        return sum(1 for a in self.active_days[p] if first <= a <= last)

    def eligible_people(self, d: dt.date) -> list[str]:
        return [p for p in self.pop if self.eligible(p, d)]

    def mau(self, d: dt.date, people: list[str] | None = None) -> int:
        people = self.eligible_people(d) if people is None else people
        return sum(1 for p in people if self.eligible(p, d) and self.active_in(p, d - _d(27), d))

    def adoption(self, d: dt.date) -> float | None:
        return _rate(self.mau(d), len(self.eligible_people(d)))

    def segment(self, p: str) -> str:
        D = self.D
        dd = self.settings["dormant_days"]
        if not any(a <= D for a in self.active_days[p]):
            return "never_started"
        recent = self.count_active(p, D - _d(dd - 1), D)
        prior = self.count_active(p, D - _d(2 * dd - 1), D - _d(dd))
        if recent == 0:
            return "dormant"
        if recent < prior * self.settings["at_risk_ratio"]:
            return "at_risk"
        return "active"

    # --- the document
    def document(self) -> dict[str, Any]:
        D = self.D
        E = self.eligible_people(D)
        ever = [p for p in E if self.active_days[p]]
        dau = sum(1 for p in E if D in self.active_days[p])
        wau = sum(1 for p in E if self.active_in(p, D - _d(6), D))
        mau = self.mau(D)
        window = [D - _d(k) for k in range(28)]
        mean_dau = (
            sum(
                1
                for d in window
                for p in self.pop
                if self.eligible(p, d) and d in self.active_days[p]
            )
            / 28
        )
        hist = [0] * 28
        for p in E:
            k = self.count_active(p, D - _d(27), D)
            if k:
                hist[k - 1] += 1
        segs = {"never_started": 0, "dormant": 0, "at_risk": 0, "active": 0}
        for p in E:
            segs[self.segment(p)] += 1
        return {
            "as_of": D.isoformat(),
            "population": {
                "roster": len(self.pop),
                "eligible": len(E),
                "ever_used": len(ever),
                "never_started": len(E) - len(ever),
                "unmatched_users": len(
                    {r["person_id"] for r in self.rows if r["events"] > 0} - self.roster_ids
                )
                if self.has_roster
                else 0,
            },
            "active": {"dau": dau, "wau": wau, "mau": mau},
            "adoption_rate": _rate(mau, len(E)),
            "stickiness": _rate(mean_dau, mau),
            "active_days_histogram": hist,
            "segments": segs,
            "target": self.target(),
            "retention": self.retention(),
            "lifecycle": self.lifecycle(),
            "waves": self.waves(),
            "leadership": {
                "executive": self.group_rate(lambda r: _role(r) == "executive"),
                "manager": self.group_rate(lambda r: _role(r) == "manager"),
            },
            "trust": self.trust(),
            "training": {
                "trained": self.group_rate(lambda r: _trained(r, D)),
                "untrained": self.group_rate(lambda r: not _trained(r, D)),
            },
            "value_delivered": None
            if self.settings.get("build_cost") is None or _rate(mau, len(E)) is None
            else self.settings["build_cost"] * mau / len(E),
            "champions": self.champions(),
        }

    def target(self) -> dict[str, Any]:
        L = min(w["start"] for w in self.plan.values()) if self.plan else self.first_event
        T = self.settings.get("target_date")
        T = dt.date.fromisoformat(T) if isinstance(T, str) else (T or L + _d(182))
        rate = self.settings["target_rate"]
        path = rate * min(1.0, max(0.0, (self.D - L).days / (T - L).days))
        current = self.adoption(self.D)
        if self.D >= T:
            forecast = current
        else:
            pts = [
                ((self.D - _d(k) - self.D).days, self.adoption(self.D - _d(k))) for k in range(28)
            ]
            pts = [(x, y) for x, y in pts if y is not None]
            mx = sum(x for x, _ in pts) / len(pts)
            my = sum(y for _, y in pts) / len(pts)
            slope = sum((x - mx) * (y - my) for x, y in pts) / sum((x - mx) ** 2 for x, _ in pts)
            forecast = min(1.0, max(0.0, my + slope * ((T - self.D).days - mx)))
        return {
            "rate": rate,
            "date": T.isoformat(),
            "path_rate": path,
            "on_track": None if current is None else current >= path - 1e-12,
            "forecast_rate": forecast,
        }

    def retention(self) -> list[dict[str, Any]]:
        weeks = {p: {_monday(a) for a in days} for p, days in self.active_days.items() if days}
        cohorts: dict[dt.date, list[str]] = {}
        for p, ws in weeks.items():
            cohorts.setdefault(min(ws), []).append(p)
        last = _monday(self.D)
        out = []
        for c in sorted(cohorts):
            members = cohorts[c]
            n_weeks = (last - c).days // 7 + 1
            rates = [
                sum(1 for p in members if c + _d(7 * k) in weeks[p]) / len(members)
                for k in range(n_weeks)
            ]
            out.append(
                {
                    "cohort_week": c.isoformat(),
                    "size": len(members),
                    "rates": rates,
                    "partial_last": self.D.weekday() != 6,
                }
            )
        return out

    def lifecycle(self) -> list[dict[str, Any]]:
        weeks = {p: {_monday(a) for a in days} for p, days in self.active_days.items() if days}
        if not weeks:
            return []
        first = min(min(ws) for ws in weeks.values())
        out = []
        w = first
        while w <= _monday(self.D):
            new = ret = res = dorm = 0
            for ws in weeks.values():
                prev = w - _d(7) in ws
                if w in ws:
                    if w == min(ws):
                        new += 1
                    elif prev:
                        ret += 1
                    else:
                        res += 1
                elif prev:
                    dorm += 1
            out.append(
                {
                    "week": w.isoformat(),
                    "new": new,
                    "returning": ret,
                    "resurrecting": res,
                    "dormant": dorm,
                }
            )
            w += _d(7)
        return out

    def waves(self) -> list[dict[str, Any]]:
        out = []
        for number in sorted(self.plan):
            w = self.plan[number]
            s = w["start"]
            members = [p for p in self.pop if self.wave(p) == number]
            elig = [p for p in members if self.eligible(p, self.D)]
            used = [p for p in elig if self.active_days[p]]
            active = sum(1 for p in elig if self.active_in(p, self.D - _d(27), self.D))

            def rate_at(end: dt.date, members=members) -> float | None:
                if end > self.D or not members:
                    return None
                return sum(1 for p in members if self.active_in(p, end - _d(27), end)) / len(
                    members
                )

            firsts = [(min(self.active_days[p]) - s).days for p in members if self.active_days[p]]
            r4 = rate_at(s + _d(27))
            out.append(
                {
                    "wave": number,
                    "name": w["name"],
                    "start": s.isoformat(),
                    "size": len(members),
                    "eligible": len(elig),
                    "ever_used": len(used),
                    "active": active,
                    "adoption_rate": _rate(active, len(elig)),
                    "rate_2w": rate_at(s + _d(13)),
                    "rate_4w": r4,
                    "median_days_to_first_use": statistics.median(firsts) if firsts else None,
                    "never_started": len(elig) - len(used),
                    "ready_for_next": None
                    if r4 is None
                    else r4 >= self.settings["wave_gate_rate"] - 1e-12,
                }
            )
        return out

    def group_rate(self, condition) -> float | None:
        group = [p for p in self.eligible_people(self.D) if condition(self.pop[p])]
        return _rate(self.mau(self.D, group), len(group))

    def trust(self) -> dict[str, Any]:
        acc = sum(r["accepted"] for r in self.rows if r["person_id"] in self.pop)
        rej = sum(r["rejected"] for r in self.rows if r["person_id"] in self.pop)
        lost = sum(
            1
            for p in self.eligible_people(self.D)
            if len(self.feedback[p]) >= 3
            and not any(self.feedback[p][-3:])
            and self.segment(p) == "dormant"
        )
        return {"acceptance_rate": _rate(acc, acc + rej), "lost_trust": lost}

    def champions(self) -> dict[str, Any]:
        if not self.has_roster:
            return {"champions": 0, "people_per_champion": None, "coverage": 0.0, "teams": []}
        valid = {p for p, r in self.pop.items() if r.get("is_champion")}
        E = self.eligible_people(self.D)

        def stats(people: list[str]) -> dict[str, Any]:
            champs = [p for p in people if self.pop[p].get("is_champion")]
            others = [p for p in people if not self.pop[p].get("is_champion")]
            covered = [p for p in others if self.pop[p].get("champion_id") in valid]
            ratio = _rate(len(others), len(champs))
            return {
                "members": len(people),
                "champions": len(champs),
                "people_per_champion": ratio,
                "coverage": _rate(len(covered), len(others)),
                "over_ratio": (len(people) > 0 and not champs)
                or (ratio is not None and ratio > self.settings["max_people_per_champion"]),
            }

        teams = sorted({r.get("team") for r in self.pop.values()}, key=lambda t: (t is None, t))
        overall = stats(E)
        return {
            "champions": overall["champions"],
            "people_per_champion": overall["people_per_champion"],
            "coverage": overall["coverage"],
            "teams": [
                {"team": t, **stats([p for p in E if self.pop[p].get("team") == t])} for t in teams
            ],
        }


def _role(row: dict[str, Any]) -> str:
    return (row.get("role") or "").strip().lower()


def _trained(row: dict[str, Any], day: dt.date) -> bool:
    done = row.get("training_completed_on")
    return done is not None and done <= day


def reference_document(inputs: MetricInputs, as_of: dt.date | None = None) -> dict[str, Any]:
    """The reference answer for the SPEC 8 keys it covers."""
    return Reference(inputs, as_of).document()


def assert_close(actual: Any, expected: Any, path: str = "") -> None:
    """Recursive equality with a 1e-9 tolerance on floats, naming the first differing path."""
    if isinstance(expected, dict):
        for key, value in expected.items():
            assert key in actual, f"{path}.{key} missing"
            assert_close(actual[key], value, f"{path}.{key}")
    elif isinstance(expected, list):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{path}: {actual} != {expected}"
        )
        for i, (a, e) in enumerate(zip(actual, expected, strict=True)):
            assert_close(a, e, f"{path}[{i}]")
    elif isinstance(expected, float) and not isinstance(actual, bool):
        assert actual is not None and math.isclose(actual, expected, abs_tol=1e-9), (
            f"{path}: {actual} != {expected}"
        )
    else:
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
