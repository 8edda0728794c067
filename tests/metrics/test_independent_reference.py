"""The whole chain (real CSV files -> `adoption ingest` -> build_document) against the independent
reference of SPEC 4 (tests/metrics/independent_reference.py) on seeded random rollouts."""

from __future__ import annotations

import datetime as dt
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from analytics.cli import main
from analytics.db import connection
from analytics.metrics.document import build_document
from analytics.metrics.inputs import load_inputs
from analytics.state.models import Outreach
from analytics.state.store import log_outreach, set_setting
from tests.metrics.independent_reference import (
    RawEvent,
    RefSettings,
    compute,
    local_day,
    normalise_user,
)

TZ = "America/New_York"
UTC = dt.UTC
PASSIVE = ["email_opened", "suggestion_shown"]
FIRST = ["Ann", "Bob", "Cleo", "Dev", "Eva", "Finn", "Gus", "Hana", "Ivo", "Jade", "Kai", "Lia"]
LAST = ["Lee", "Ng", "Ortiz", "Park", "Quinn", "Roy", "Sato", "Tal", "Ueda", "Voss"]
DAY = dt.timedelta(days=1)


@dataclass
class Rollout:
    """A generated rollout: the files to ingest and the same data for the reference."""

    events: list[RawEvent] = field(default_factory=list)
    files: dict[str, list[str]] = field(default_factory=dict)  # name -> lines (header first)
    good_rows: dict[str, int] = field(default_factory=dict)
    bad_rows: dict[str, int] = field(default_factory=dict)
    dup_rows: dict[str, int] = field(default_factory=dict)
    roster_lines: list[str] | None = None
    roster: list[dict] | None = None
    plan_lines: list[str] | None = None
    plan: list[dict] | None = None
    settings: RefSettings = field(default_factory=RefSettings)
    outreach: list[dict] = field(default_factory=list)
    first_day: dt.date = dt.date(2025, 1, 1)
    last_day: dt.date = dt.date(2025, 1, 1)


def _email_written(rng: random.Random, email: str) -> str:
    """An e-mail as a messy source writes it: random case, spaces around."""
    text = "".join(c.upper() if rng.random() < 0.3 else c for c in email)
    return rng.choice(["", " ", "  ", "\u00a0"]) + text + rng.choice(["", " ", "\u00a0"])


def _accepted_text(rng: random.Random, value: bool | None) -> str:
    if value is None:
        return ""
    return rng.choice(["true", "TRUE", "yes", "1"] if value else ["false", "no", "0", "False"])


def generate(
    seed: int, *, with_roster: bool = True, with_plan: bool = True, custom: bool = False
) -> Rollout:
    """A seeded random rollout: 20-60 people, 60-120 days, teams, champions, leavers, strangers."""
    rng = random.Random(seed)
    out = Rollout()
    zone = ZoneInfo(TZ)
    launch = dt.date(2025, 2, 20) + rng.randint(0, 20) * DAY
    out.first_day = launch - rng.randint(3, 12) * DAY
    out.last_day = out.first_day + rng.randint(60, 120) * DAY
    n_waves = rng.randint(3, 4)
    starts = [launch]
    for _ in range(n_waves - 1):
        starts.append(starts[-1] + rng.randint(10, 35) * DAY)
    plan = [
        {"wave": i + 1, "name": f"Wave {i + 1}", "start": s, "planned_size": None}
        for i, s in enumerate(starts)
    ]
    out.plan_lines = ["wave,name,start,planned_size"] + [
        f"{w['wave']},{w['name']},{w['start'].isoformat()}," for w in plan
    ]
    out.plan = plan if with_plan else None
    if not with_plan:
        out.plan_lines = None

    teams = ["North", "South", "East", "West", "Central"][: rng.randint(3, 5)]
    n_people = rng.randint(20, 60)
    roster: list[dict] = []
    for i in range(n_people):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        role = "executive" if i < 2 else "manager" if i < 6 else "rep"
        roster.append(
            {
                "user_id": f"E{i:03d}",
                "name": f"{first} {last}",
                "email": f"{first}.{last}{i}@corp.com".lower(),
                "team": rng.choice(teams) if rng.random() > 0.06 else None,
                "role": role,
                "is_champion": rng.random() < 0.14,
                "champion_id": None,
                "wave": (
                    rng.randint(1, n_waves)
                    if rng.random() < 0.85
                    else (None if rng.random() < 0.5 else 9)
                ),
                "training_completed_on": (
                    out.first_day + rng.randint(0, 100) * DAY if rng.random() < 0.4 else None
                ),
                "active": rng.random() > 0.08,
            }
        )
    champs = [r for r in roster if r["is_champion"]]
    for r in roster:
        if r["is_champion"] or rng.random() < 0.1:
            continue
        same = [c for c in champs if c["team"] == r["team"]]
        roll = rng.random()
        if same and roll < 0.7:
            chosen = rng.choice(same)
        elif champs and roll < 0.85:
            chosen = rng.choice(champs)
        else:
            chosen = rng.choice(roster)  # often not a champion: not covered
        if chosen is r:
            continue
        # a champion named by e-mail in the HR export is resolved to their id
        r["champion_id"] = chosen["email"].upper() if rng.random() < 0.1 else chosen["user_id"]
    for r in roster:
        r["role"] = (
            {"executive": " Executive", "manager": "Manager"}[r["role"]]
            if r["role"] != "rep"
            else "rep"
        )

    def roster_line(r: dict) -> str:
        return ",".join(
            [
                r["user_id"],
                r["name"],
                r["email"].title() if rng.random() < 0.3 else r["email"],
                r["team"] or "",
                "EMEA",
                "",
                r["role"],
                "true" if r["is_champion"] else rng.choice(["false", ""]),
                r["champion_id"] or "",
                "" if r["wave"] is None else str(r["wave"]),
                r["training_completed_on"].isoformat() if r["training_completed_on"] else "",
                "false" if not r["active"] else rng.choice(["true", "", "yes"]),
            ]
        )

    out.roster_lines = [
        "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
        "training_completed_on,active"
    ] + [roster_line(r) for r in roster]
    out.roster = roster if with_roster else None
    if not with_roster:
        out.roster_lines = None

    # ---- events ------------------------------------------------------------------------
    used: set[tuple[str, int, str]] = set()
    rows: list[tuple[str, RawEvent, dt.datetime]] = []  # (user as written, event, wall time)

    def add(user_written: str, local: dt.datetime, event: str, accepted: bool | None) -> None:
        # fold=0: a wall time in the spring-forward gap moves forward (SPEC 3)
        ts = local.replace(tzinfo=zone).astimezone(UTC)
        key = normalise_user(user_written)
        while (key, int(ts.timestamp()), event) in used:
            local += dt.timedelta(seconds=1)
            ts = local.replace(tzinfo=zone).astimezone(UTC)
        used.add((key, int(ts.timestamp()), event))
        rows.append((user_written, RawEvent(user_written, ts, event, accepted), local))

    def moment(day: dt.date) -> dt.datetime:
        # any hour: late evening New York is the next day in UTC, so day boundaries matter
        hour = rng.choice([0, 1, 2, 8, 9, 10, 13, 15, 17, 19, 20, 21, 22, 23])  # 2: DST gap
        return dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59), rng.randint(0, 59)))

    wave_start = {w["wave"]: w["start"] for w in plan}
    for r in roster:
        start = wave_start.get(r["wave"], starts[-1])
        profile = rng.choices(
            ["never", "steady", "churn", "lost_trust", "sporadic"], [15, 40, 20, 10, 15]
        )[0]
        begin = start + rng.randint(-15 if rng.random() < 0.15 else 0, 20) * DAY
        stop = out.last_day if profile != "churn" else begin + rng.randint(5, 40) * DAY
        if profile == "lost_trust":
            stop = begin + rng.randint(5, 25) * DAY
        p_day = {"steady": 0.6, "churn": 0.5, "lost_trust": 0.5, "sporadic": 0.12}.get(profile)

        def who(r: dict = r) -> str:
            return r["user_id"] if rng.random() < 0.6 else _email_written(rng, r["email"])

        day = max(begin, out.first_day)
        while profile != "never" and day <= min(stop, out.last_day):
            if rng.random() < p_day:
                for _ in range(rng.randint(1, 3)):
                    kind = rng.choice(["login", "call_analyzed", "suggestion_feedback"])
                    accepted = None
                    if kind == "suggestion_feedback":
                        late = profile == "lost_trust" and day > stop - 8 * DAY
                        accepted = rng.random() < (0.05 if late else 0.7)
                    add(who(), moment(day), kind, accepted)
            day += DAY
        if profile == "lost_trust" and day > begin:  # three rejections at the end
            for k in range(3):
                add(
                    who(),
                    moment(min(stop, out.last_day)) + dt.timedelta(minutes=k),
                    "suggestion_feedback",
                    False,
                )
        for _ in range(rng.randint(0, 6)):  # passive events: seen, never active
            day = out.first_day + rng.randint(0, (out.last_day - out.first_day).days) * DAY
            accepted = rng.choice([None, None, True, False])
            add(who(), moment(day), rng.choice(PASSIVE), accepted)
    for stranger in ["contractor7", "Ghost@Partner.com", "E999"]:
        for _ in range(rng.randint(1, 5)):
            day = out.first_day + rng.randint(0, (out.last_day - out.first_day).days) * DAY
            kind = rng.choice(["login", "email_opened", "suggestion_feedback"])
            accepted = rng.choice([True, False]) if kind == "suggestion_feedback" else None
            add(stranger, moment(day), kind, accepted)  # strangers' feedback counts nowhere
    # a wall time that does not exist in New York (clocks jump from 02:00 to 03:00)
    add(roster[-1]["user_id"], dt.datetime(2025, 3, 9, 2, 30), "login", None)
    # the last day always has an event, so the default as-of day is known
    add(roster[0]["user_id"], moment(out.last_day), "login", None)
    out.events = [e for _, e, _ in rows]

    # ---- files ---------------------------------------------------------------------------
    files = {"crm.csv": [], "app.csv": [], "ext.tsv": []}
    for n, (written, e, wall) in enumerate(rows):
        name = rng.choice(list(files))
        if wall.date() == dt.date(2025, 3, 9) and wall.hour == 2:
            name = "app.csv"  # written as the nonexistent wall time
        acc = _accepted_text(rng, e.accepted)
        if name == "crm.csv":
            stamp = e.ts.strftime("%Y-%m-%dT%H:%M:%SZ")
            files[name].append(f"{written},{stamp},{e.event},ev-{seed}-{n},{acc},crm")
        elif name == "app.csv":
            stamp = wall.strftime("%Y-%m-%d %H:%M:%S")  # naive wall time (may be in the DST gap)
            files[name].append(f"{written};{stamp};{e.event};{acc}")
        else:
            if rng.random() < 0.5:
                stamp = e.ts.astimezone(dt.timezone(dt.timedelta(hours=5, minutes=30))).isoformat()
            else:
                stamp = str(int(e.ts.timestamp()))
            files[name].append(f"{written}\t{stamp}\t{e.event}\t{acc}")
    out.good_rows = {name: len(lines) for name, lines in files.items()}
    # duplicates (same event id; the same row again) and rows that must be quarantined
    out.dup_rows = {"crm.csv": 2, "app.csv": 1, "ext.tsv": 0}
    files["crm.csv"] += files["crm.csv"][:2]
    files["app.csv"] += files["app.csv"][-1:]
    files["crm.csv"].append(f"null,2025-03-01T10:00:00Z,login,bad-{seed},,crm")
    files["app.csv"].append("E000;not a date;login;")
    files["ext.tsv"].append("E001\t1999-12-31T10:00:00+00:00\tlogin\t")
    out.bad_rows = {"crm.csv": 1, "app.csv": 1, "ext.tsv": 1}
    headers = {
        "crm.csv": "user_id,timestamp,event,event_id,accepted,source",
        "app.csv": "email;ts;action;accepted",
        "ext.tsv": "actor\toccurred_at\ttype\taccepted",
    }
    out.files = {name: [headers[name], *lines] for name, lines in files.items()}
    out.settings = RefSettings(
        timezone=TZ,
        passive_events=tuple(PASSIVE),
        target_rate=rng.choice([0.6, 0.7, 0.75]),
        build_cost=rng.choice([None, 800_000.0]),
        target_date=rng.choice([None, launch + 120 * DAY]),
    )
    span = (out.last_day - out.first_day).days
    ids = (
        [r["user_id"] for r in roster if r["active"]]
        if with_roster
        else sorted({normalise_user(e.user) for e in out.events})
    )
    out.outreach = [
        {
            "person_id": rng.choice(ids),
            "contacted_on": out.first_day + rng.randint(0, span + 5) * DAY,
            "channel": rng.choice(["email", "call", "chat"]),
            "segment": rng.choice(["never_started", "dormant", "at_risk", ""]),
        }
        for _ in range(rng.randint(5, 15))
    ]
    if custom:  # thresholds other than the defaults
        out.settings.dormant_days = 10
        out.settings.at_risk_ratio = 0.6
        out.settings.max_people_per_champion = 3
        out.settings.wave_gate_rate = 0.8
    return out


def ingest(tmp: Path, rollout: Rollout, capsys: pytest.CaptureFixture[str]) -> Path:
    """Write the rollout's files and ingest them with the real CLI; check every row is counted."""
    db = tmp / "adoption.duckdb"
    set_setting(db, name="passive_events", value=list(rollout.settings.passive_events))
    set_setting(db, name="target_rate", value=rollout.settings.target_rate)
    set_setting(db, name="build_cost", value=rollout.settings.build_cost)
    for name in ("dormant_days", "at_risk_ratio", "max_people_per_champion", "wave_gate_rate"):
        set_setting(db, name=name, value=getattr(rollout.settings, name))
    target = rollout.settings.target_date
    set_setting(db, name="target_date", value=target.isoformat() if target else None)
    for contact in rollout.outreach:
        log_outreach(db, contact=Outreach(**contact))
    paths = []
    for name, lines in rollout.files.items():
        path = tmp / name
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(str(path))
    args = ["ingest", *paths, "--tz", TZ, "--db", str(db), "--format", "json"]
    for flag, lines in (("--roster", rollout.roster_lines), ("--plan", rollout.plan_lines)):
        if lines is not None:
            path = tmp / flag.strip("-")
            path.with_suffix(".csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
            args += [flag, str(path.with_suffix(".csv"))]
    assert main(args) == 0
    reports = json.loads(capsys.readouterr().out)
    for report in reports:
        name = Path(report["file"]).name
        expected_read = rollout.good_rows[name] + rollout.dup_rows[name] + rollout.bad_rows[name]
        assert report["read"] == expected_read, report
        assert report["loaded"] == rollout.good_rows[name], report
        assert report["duplicates"] == rollout.dup_rows[name], report
        assert report["quarantined"] == rollout.bad_rows[name], report
        assert report["suppressed"] == 0
        reasons = {
            "crm.csv": {"missing user": 1},
            "app.csv": {"unparseable timestamp": 1},
            "ext.tsv": {"timestamp out of range": 1},
        }
        assert report["quarantine_reasons"] == reasons[name]
    return db


def person_day_expected(rollout: Rollout) -> dict[tuple[str, str], tuple]:
    """(person, local day) -> (events, active events, accepted, rejected, rejections after the
    day's last acceptance, matched) from the raw events."""
    by_id = {r["user_id"]: r["user_id"] for r in rollout.roster or []}
    by_email = {r["email"]: r["user_id"] for r in rollout.roster or []}
    out: dict[tuple[str, str], list] = {}
    for e in sorted(rollout.events, key=lambda e: e.ts):
        user = normalise_user(e.user)
        person = by_id.get(user) or by_email.get(user.lower())
        row = out.setdefault(
            (person or user, local_day(e.ts, TZ).isoformat()), [0, 0, 0, 0, 0, person is not None]
        )
        row[0] += 1
        row[1] += e.event not in PASSIVE
        row[2] += e.accepted is True
        row[3] += e.accepted is False
        row[4] = 0 if e.accepted is True else row[4] + (e.accepted is False)
    return {k: tuple(v) for k, v in out.items()}


def compare(ref: Any, got: Any, path: str, problems: list[str]) -> None:
    """Every key of the reference against the document (floats to 1e-9); problems collected."""
    if isinstance(ref, dict):
        if not isinstance(got, dict):
            problems.append(f"{path}: expected an object, got {got!r}")
            return
        for key, value in ref.items():
            if key not in got:
                problems.append(f"{path}.{key}: missing")
            else:
                compare(value, got[key], f"{path}.{key}", problems)
    elif isinstance(ref, list):
        if not isinstance(got, list) or len(ref) != len(got):
            problems.append(f"{path}: expected {ref!r}, got {got!r}")
            return
        key = next(
            (
                k
                for k in ("team", "champion_id", "person_id", "segment", "channel")
                if ref and isinstance(ref[0], dict) and k in ref[0]
            ),
            None,
        )
        if key is not None:
            ref = sorted(ref, key=lambda r: str(r[key]))
            got = sorted(got, key=lambda r: str(r.get(key)))
        for i, (a, b) in enumerate(zip(ref, got, strict=True)):
            compare(a, b, f"{path}[{i}]", problems)
    elif isinstance(ref, bool) or ref is None:
        if got is not ref:
            problems.append(f"{path}: expected {ref!r}, got {got!r}")
    elif isinstance(ref, float):
        if not isinstance(got, int | float) or isinstance(got, bool) or abs(ref - got) > 1e-9:
            problems.append(f"{path}: expected {ref!r}, got {got!r}")
    elif ref != got or type(got) is bool:
        problems.append(f"{path}: expected {ref!r}, got {got!r}")


def as_of_days(rollout: Rollout) -> list[dt.date | None]:
    """Before wave 2, wave 2's start, a Wednesday, a Sunday, the last day (default) and later."""
    starts = sorted(w["start"] for w in (rollout.plan or [])) or [rollout.first_day + 20 * DAY]
    mid = rollout.first_day + (rollout.last_day - rollout.first_day) // 2
    wednesday = mid + ((2 - mid.weekday()) % 7) * DAY
    sunday = mid + ((6 - mid.weekday()) % 7) * DAY + 7 * DAY
    days = [rollout.first_day + 2 * DAY, wednesday, sunday, None, rollout.last_day + 4 * DAY]
    days.append(rollout.first_day + 200 * DAY)  # after the target date: path and forecast end
    days.append(rollout.first_day - 5 * DAY)  # before any event
    if len(starts) > 1:
        days += [starts[1] - DAY, starts[1]]
    return days


SCENARIOS = [
    (1, True, True, False),
    (2, True, True, False),
    (3, True, True, True),
    (4, False, True, False),
    (5, True, False, False),
    (6, False, False, False),
]


@pytest.mark.parametrize(("seed", "with_roster", "with_plan", "custom"), SCENARIOS)
def test_document_matches_the_independent_reference(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    seed: int,
    with_roster: bool,
    with_plan: bool,
    custom: bool,
) -> None:
    rollout = generate(seed, with_roster=with_roster, with_plan=with_plan, custom=custom)
    db = ingest(tmp_path, rollout, capsys)
    with connection(db, read_only=True) as con:
        stored = con.execute(
            "SELECT person_id, day, events, active_events, accepted, rejected,"
            " trailing_rejections, matched FROM person_day"
        ).fetchall()
    got_days = {(row[0], row[1].isoformat()): tuple(row[2:]) for row in stored}
    assert got_days == person_day_expected(rollout)
    inputs = load_inputs(db)
    problems: list[str] = []
    for as_of in as_of_days(rollout):
        ref = compute(
            rollout.events, rollout.roster, rollout.plan, rollout.settings, as_of, rollout.outreach
        )
        doc = build_document(inputs, as_of)
        compare(ref, doc, f"[{ref['as_of']}]", problems)
    # the command the checks run: `adoption metrics --format json` (default as-of: last day)
    assert main(["metrics", "--db", str(db), "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    ref = compute(
        rollout.events, rollout.roster, rollout.plan, rollout.settings, None, rollout.outreach
    )
    compare(ref, printed, "[cli]", problems)
    assert not problems, "\n".join(problems[:60])
