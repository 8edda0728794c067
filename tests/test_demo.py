"""The running example: deterministic, messy in the promised ways, and a plausible organisation."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import json
import time
from pathlib import Path

import polars as pl
import pytest

from analytics.demo import sample_files, write_sample_files
from analytics.demo import sources as src

REPO_SAMPLES = Path(__file__).resolve().parents[1] / "sample_events"


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """The generated files, built once for the module."""
    return sample_files()


@pytest.fixture(scope="module")
def roster(files: dict[str, bytes]) -> pl.DataFrame:
    """The roster as written, read back as text (so leading zeros are visible)."""
    return pl.read_csv(io.BytesIO(files[src.ROSTER_FILE]), infer_schema=False)


def _web_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


# --- determinism -----------------------------------------------------------------------------


def test_two_runs_write_identical_bytes(tmp_path: Path) -> None:
    first = write_sample_files(tmp_path / "a")
    second = write_sample_files(tmp_path / "b")
    assert [p.name for p in first] == [p.name for p in second]
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_write_returns_event_files_then_roster_and_plan(tmp_path: Path) -> None:
    names = [p.name for p in write_sample_files(tmp_path)]
    assert names == [
        *src.EVENT_FILES,
        src.ROSTER_FILE,
        src.PLAN_FILE,
        src.KPIS_FILE,
        src.SURVEY_FILE,
    ]


def test_generation_is_quick() -> None:
    started = time.perf_counter()
    sample_files()
    assert time.perf_counter() - started < 2.0


def test_shipped_sample_events_match_the_generator(files: dict[str, bytes]) -> None:
    if not (REPO_SAMPLES / src.ROSTER_FILE).exists():
        pytest.skip("sample_events/ not present")
    # gzip and Parquet are compared by content: another zlib or zstd build may compress the
    # same content to other bytes (byte-identity is checked within one machine above)
    for name, content in files.items():
        shipped = (REPO_SAMPLES / name).read_bytes()
        if name.endswith(".gz"):
            shipped, content = gzip.decompress(shipped), gzip.decompress(content)
        if name.endswith(".parquet"):
            expected = pl.read_parquet(io.BytesIO(content))
            assert pl.read_parquet(io.BytesIO(shipped)).equals(expected), f"regenerate {name}"
            continue
        assert shipped == content, f"regenerate {name}"


# --- the promised messiness ------------------------------------------------------------------


def test_crm_export_has_bom_preamble_semicolons_and_crlf(files: dict[str, bytes]) -> None:
    data = files[src.CRM_FILE]
    assert data.startswith(b"\xef\xbb\xbfCRM plugin export generated 2026-10-30\r\n")
    assert data.count(b"\n") == data.count(b"\r\n")  # no bare LF anywhere
    header = data.split(b"\r\n")[1].decode()
    assert header == "Email;Event Time;Action;Deal Stage;Source"
    body = data.decode("utf-8-sig").split("\r\n")[2:-1]
    emails = [line.split(";")[0] for line in body]
    assert any(e != e.strip() for e in emails)  # stray spaces
    assert any(e != e.lower() for e in emails)  # mixed case
    stamps = [line.split(";")[1] for line in body if line.count(";") == 4]
    assert all(dt.datetime.strptime(s, "%m/%d/%Y %H:%M") for s in stamps if s != "not a date")


def test_crm_planted_rows(files: dict[str, bytes]) -> None:
    body = files[src.CRM_FILE].decode("utf-8-sig").split("\r\n")[2:-1]
    assert sum(line.startswith(";") for line in body) == 1  # empty user
    assert sum(line.startswith("null;") for line in body) == 1
    assert sum(";not a date;" in line for line in body) == 1
    assert sum(line.count(";") != 4 for line in body) == 1  # the short row
    assert len(body) - len(set(body)) == 1  # one exact duplicate


def test_coach_api_is_gzip_json_lines_with_ids_and_epoch_ms(files: dict[str, bytes]) -> None:
    data = files[src.COACH_FILE]
    assert data[:2] == b"\x1f\x8b"
    records = [json.loads(line) for line in gzip.decompress(data).decode().splitlines()]
    assert all(r["event_id"] and r["source"] == "coach_api" for r in records)
    stamps = [r["ts"] for r in records]
    assert sum(s == 0 for s in stamps) == 1  # the planted 1970 row
    assert all(s > 1_700_000_000_000 for s in stamps if s != 0)  # milliseconds, not seconds
    feedback = [r for r in records if r["event"] == "suggestion_feedback"]
    assert feedback and all(isinstance(r["accepted"], bool) for r in feedback)
    assert sum(r["employee_id"] is None for r in records) == 1
    lines = gzip.decompress(data).decode().splitlines()
    ids = [r["event_id"] for r in records]
    # two ids repeat: one exact API retry and one conflicting duplicate (the other answer)
    assert len(ids) - len(set(ids)) == 2
    assert len(lines) - len(set(lines)) == 1


def test_web_exports_overlap_in_august_with_identical_rows(files: dict[str, bytes]) -> None:
    first = _web_rows(files[src.WEB_FILES[0]])
    second = _web_rows(files[src.WEB_FILES[1]])
    assert first[0] == second[0]
    header = first[0]
    by_id = {row[0]: row for row in first[1:]}
    overlap = [row for row in second[1:] if row[0] in by_id]
    assert len(overlap) > 100
    assert all(by_id[row[0]] == row for row in overlap)
    stamps = {row[header.index("timestamp")][:7] for row in overlap}
    assert stamps == {"2026-08"}


def test_web_exports_mix_offsets_z_and_email_only_rows(files: dict[str, bytes]) -> None:
    rows = _web_rows(files[src.WEB_FILES[1]])
    header, body = rows[0], rows[1:]
    stamps = [row[header.index("timestamp")] for row in body]
    assert any(s.endswith("+02:00") for s in stamps)
    assert any(s.endswith("+01:00") for s in stamps)  # Berlin after the October clock change
    assert any(s.endswith("Z") for s in stamps)
    email_only = [r for r in body if not r[1] and r[2]]
    assert email_only and any(r[2].endswith("@example.com") for r in email_only)
    assert sum(r[header.index("accepted")] == "maybe" for r in body) == 1
    assert sum(r == header for r in body) == 1  # the pasted-in header line


def test_parquet_has_the_call_analyzer_columns(files: dict[str, bytes]) -> None:
    frame = pl.read_parquet(io.BytesIO(files[src.CALLS_FILE]))
    assert frame.columns[:3] == ["employee_id", "created_at", "type"]
    assert frame.filter(pl.col("employee_id") == "").height == 1
    assert frame.height - frame.unique().height == 1


def test_planted_quarantine_total_is_hand_counted() -> None:
    # CRM 4 (empty, null, not a date, short) + coach 2 (null user, 1970)
    # + web 1 2 (empty user, N/A) + web 2 2 (1970, repeated header) + parquet 1 (empty) = 11
    assert sum(p["quarantined"] for p in src.PLANTED.values()) == 11


def test_unmatched_users_appear_in_the_sources(files: dict[str, bytes], roster) -> None:
    text = files[src.WEB_FILES[1]].decode() + files[src.CRM_FILE].decode("utf-8-sig").lower()
    for user in ("contractor1@partner.com", "contractor2@partner.com", "contractor3@partner.com"):
        assert user in text
        assert user not in roster["email"].to_list()


# --- the organisation ------------------------------------------------------------------------


def test_roster_columns_ids_and_emails(roster: pl.DataFrame) -> None:
    assert roster.columns == [
        "user_id", "name", "email", "team", "region", "manager_id", "role", "is_champion",
        "champion_id", "wave", "training_completed_on", "active",
        "github_login",  # SPEC 10: the champions' GitHub logins (GitHub Copilot sample export)
    ]  # fmt: skip
    assert roster["user_id"].str.contains(r"^E0\d{4}$").all()  # leading zeros kept
    assert roster["user_id"].n_unique() == roster.height
    assert roster["email"].n_unique() == roster.height
    assert roster["email"].str.contains(r"^[a-z.]+@example\.com$").all()
    assert {"José Martínez", "Zoë Müller"} <= set(roster["name"].to_list())


def test_roster_people_and_champions(roster: pl.DataFrame) -> None:
    here = roster.filter(pl.col("active").fill_null("").str.to_lowercase() != "false")
    reps = here.filter(pl.col("role") == "rep")
    assert reps.height == 200
    assert here.filter(pl.col("role") == "manager").height == 15
    assert here.filter(pl.col("role") == "executive").height == 5
    assert roster.height - here.height == 4  # leavers
    champions = here.filter(pl.col("is_champion") == "true")
    assert champions.height == 20  # one per 10 reps
    assert set(champions["wave"].to_list()) == {"1"}
    sales_teams = reps["team"].unique()
    assert sales_teams.len() == 15
    assert sales_teams.len() - champions["team"].n_unique() == 2  # two teams without one


def test_one_team_is_over_the_ratio(roster: pl.DataFrame) -> None:
    here = roster.filter(pl.col("active") != "false")
    per_team = here.group_by("team").agg(
        (pl.col("is_champion") == "true").sum().alias("champions"),
        (pl.col("is_champion") == "false").sum().alias("others"),
    )
    over = per_team.filter(
        (pl.col("champions") > 0) & (pl.col("others") > 10 * pl.col("champions"))
    )
    # NA Mid-Market: 16 reps, 1 champion -> 15 reps + 1 manager = 16 people for 1 champion
    assert over["team"].to_list() == ["NA Mid-Market"]
    assert over["others"].to_list() == [16]


def test_roster_has_messy_but_valid_values(roster: pl.DataFrame) -> None:
    active = roster["active"].to_list()
    assert active.count(None) == 2
    assert "TRUE" in active and "yes" in active
    assert roster.filter(pl.col("wave") == "5").height == 2  # not in the plan: last wave
    trained = roster["training_completed_on"].is_not_null().mean()
    assert 0.55 <= trained <= 0.7


def test_plan_is_the_default_plan(files: dict[str, bytes]) -> None:
    assert files[src.PLAN_FILE].decode() == (
        "wave,name,start,planned_size\n"
        "1,Champions,2026-06-01,20\n"
        "2,Early adopters,2026-06-29,40\n"  # L + 28 days
        "3,Majority,2026-07-27,80\n"  # L + 56 days
        "4,Everyone else,2026-08-24,\n"  # L + 84 days
    )


def test_event_log_spans_the_pilot_to_the_last_day() -> None:
    from analytics.demo.generate import scenario_events
    from analytics.demo.roster import build_roster

    events = scenario_events(build_roster())
    assert 40_000 <= events.height <= 80_000
    assert events["ts"].min().date() < dt.date(2026, 6, 1)  # pre-launch pilot
    assert events["ts"].max().date() == dt.date(2026, 10, 29)
    weekdays = events["ts"].dt.weekday()  # 1 = Monday .. 7 = Sunday
    assert (weekdays >= 6).mean() < 0.05


# --- end to end through the ingest API (once analytics.ingest.command exists) -----------------


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list]:
    """The demo ingested once into a fresh database: (db, written files, first reports)."""
    pytest.importorskip("analytics.ingest.command")
    from analytics.demo import load_demo

    folder = tmp_path_factory.mktemp("demo")
    db = folder / "adoption.duckdb"
    paths = [folder / "sample_events" / name for name in sample_files()]
    try:
        return db, paths, load_demo(db, folder / "sample_events")
    except ModuleNotFoundError as missing:  # the ingest helper's modules are still landing
        pytest.skip(f"ingest not complete: {missing}")


def _event_reports(reports: list) -> dict[str, object]:
    return {Path(r.file).name: r for r in reports if getattr(r, "kind", "events") == "events"}


def test_demo_ingest_quarantines_exactly_the_planted_rows(loaded) -> None:
    _, _, reports = loaded
    by_file = _event_reports(reports)
    assert sorted(by_file) == sorted(src.EVENT_FILES)
    assert all(r.status != "refused" for r in reports)
    assert all(r.balanced() for r in by_file.values())
    for name, planted in src.PLANTED.items():
        assert by_file[name].quarantined == planted["quarantined"], name
        assert by_file[name].conflicts == planted["conflicts"], name
    assert sum(r.quarantined for r in by_file.values()) == 11  # hand count, see PLANTED


def test_demo_ingest_counts_the_planted_and_overlapping_duplicates(loaded, files) -> None:
    _, _, reports = loaded
    by_file = _event_reports(reports)
    first_ids = {row[0] for row in _web_rows(files[src.WEB_FILES[0]])[1:]}
    overlap = sum(row[0] in first_ids for row in _web_rows(files[src.WEB_FILES[1]])[1:])
    for name in (src.CRM_FILE, src.COACH_FILE, src.WEB_FILES[0], src.CALLS_FILE):
        assert by_file[name].duplicates == src.PLANTED[name]["duplicates"], name
    # the second web export: every August row again, plus one planted exact duplicate
    assert by_file[src.WEB_FILES[1]].duplicates == overlap + 1
    assert any("maybe" in w or "accepted" in w for w in by_file[src.WEB_FILES[1]].warnings)


def test_second_ingest_of_the_same_files_loads_nothing(loaded) -> None:
    from analytics.demo.command import ingest_samples

    db, paths, _ = loaded
    again = _event_reports(ingest_samples(db, paths))
    for name, report in again.items():
        assert report.loaded == 0, name
        # every row is stored or in quarantine already: all duplicates, none quarantined twice
        assert (report.duplicates, report.quarantined) == (report.read, 0), name
        assert report.already_quarantined == src.PLANTED[name]["quarantined"], name


def test_demo_story_in_the_metrics(loaded) -> None:
    metrics = pytest.importorskip("analytics.metrics.document")
    from analytics.metrics.inputs import load_inputs

    db, _, _ = loaded
    document = metrics.build_document(load_inputs(db))
    assert document["as_of"] in ("2026-10-29", dt.date(2026, 10, 29))
    assert document["population"]["roster"] == 220  # 224 rows - 4 leavers
    assert document["population"]["unmatched_users"] == 4
    # up from 12%, short of 70%; about 56% without the people outreach brought back (63%)
    assert 0.12 < 0.55 <= document["adoption_rate"] <= 0.67 < 0.7
    waves = {w["wave"]: w for w in document["waves"]}
    assert waves[4]["rate_4w"] < 0.6 and waves[4]["ready_for_next"] is False
    assert waves[1]["rate_4w"] == 1.0
    assert document["champions"]["champions"] == 20
    # SPEC 2.3: the running example's build cost is 800,000; value = cost x adoption rate
    assert document["value_delivered"] == pytest.approx(800_000 * document["adoption_rate"])


def test_demo_outreach_closes_the_loop(loaded) -> None:
    from analytics.demo.generate import outreach_contacts
    from analytics.metrics.document import build_document
    from analytics.metrics.inputs import load_inputs
    from analytics.metrics.outreach_effect import outcomes
    from analytics.metrics.population import prepare

    db, _, _ = loaded
    inputs = load_inputs(db)
    effect = build_document(inputs)["outreach_effect"]
    assert effect["contacts"] == 32
    assert effect["conversion_rate"] is not None and effect["conversion_rate"] > 0.4
    by_channel = {row["channel"]: row for row in effect["by_channel"]}
    assert set(by_channel) == {"in person", "phone", "chat", "email"}
    assert by_channel["in person"]["conversion_rate"] >= by_channel["email"]["conversion_rate"]
    # The effect is in the events: a contact converts exactly when the scenario made the person
    # come back (on the day it chose, up to D = 2026-10-29), and nobody else does.
    measured = outcomes(prepare(inputs)).join(
        outreach_contacts(), on=["person_id", "contacted_on"], how="full", coalesce=True
    )
    assert measured.height == 32
    came_back = pl.col("back_on") <= dt.date(2026, 10, 29)
    assert measured.select((pl.col("converted") == came_back.fill_null(False)).all()).item()
    assert measured.filter(came_back)["first_active_after"].equals(
        measured.filter(came_back)["back_on"], check_names=False
    )


def test_demo_contacts_were_due_at_the_time(loaded) -> None:
    from analytics.demo.generate import outreach_contacts
    from analytics.metrics.inputs import load_inputs
    from analytics.metrics.population import prepare

    db, _, _ = loaded
    inputs = load_inputs(db)
    contacts = outreach_contacts()
    # The logged segment is the person's segment in the metrics as of the day before contact.
    seen = pl.concat(
        prepare(inputs, day - dt.timedelta(days=1))
        .people.select("person_id", "segment")
        .with_columns(contacted_on=pl.lit(day))
        for day in contacts["contacted_on"].unique().sort()
    )
    logged = contacts.join(seen, on=["person_id", "contacted_on"], suffix="_then")
    assert logged.height == contacts.height
    assert (logged["segment"] == logged["segment_then"]).all()


def test_demo_contacts_are_plausible() -> None:
    from analytics.demo.generate import outreach_contacts
    from analytics.demo.roster import build_roster

    contacts = outreach_contacts()
    assert contacts.equals(outreach_contacts())  # deterministic
    assert 25 <= contacts.height <= 40
    assert contacts["person_id"].is_unique().all()
    days = contacts["contacted_on"]
    assert days.min() >= dt.date(2026, 9, 14) and days.max() <= dt.date(2026, 10, 20)
    assert (days.dt.weekday() <= 5).all()  # Monday..Friday
    assert set(contacts["segment"]) <= {"never_started", "dormant", "at_risk"}
    assert set(contacts["channel"]) == {"in person", "phone", "chat", "email"}
    roster = build_roster()
    people = contacts.join(roster, left_on="person_id", right_on="user_id")
    assert people.height == contacts.height and people["active"].all()
    assert not people["is_champion"].any()
    # made by the person's champion, else their manager
    owner = people["champion_id"].fill_null(people["manager_id"])
    assert (people["owner"] == owner).all()
    owners = roster.filter(pl.col("user_id").is_in(contacts["owner"].implode()))
    assert (owners["is_champion"] | owners["role"].is_in(["manager", "executive"])).all()
    came_back = contacts.filter("comes_back")
    after = (came_back["back_on"] - came_back["contacted_on"]).dt.total_days()
    assert after.min() >= 1 and after.max() <= 14


def test_demo_outreach_is_seeded_only_when_none_is_logged(db_path: Path) -> None:
    from analytics.demo.command import seed_outreach
    from analytics.outreach.contacts import log_contact
    from analytics.state.store import outreach_frame

    log_contact(db_path, person_id="E00101", contacted_on=dt.date(2026, 10, 1), channel="chat")
    assert seed_outreach(db_path) == 0  # the user's own log is left alone
    assert outreach_frame(db_path).height == 1


def test_demo_outreach_seeded_once(tmp_path: Path) -> None:
    from analytics.demo.command import seed_outreach
    from analytics.state.store import outreach_frame

    db = tmp_path / "seeded.duckdb"
    assert seed_outreach(db) == 32
    assert seed_outreach(db) == 0
    log = outreach_frame(db)
    assert log.height == 32 and set(log["logged_by"]) == {"demo"}


def test_demo_command_prints_the_database_and_ensure_loads_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("analytics.ingest.command")
    from analytics.demo import demo_command, ensure_demo_loaded

    monkeypatch.chdir(tmp_path)
    try:
        assert demo_command(db=Path("data/demo.duckdb")) == 0
    except ModuleNotFoundError as missing:
        pytest.skip(f"ingest not complete: {missing}")
    out = capsys.readouterr().out
    assert str((tmp_path / "data" / "demo.duckdb").resolve()) in out
    assert "quarantined 12" in out.splitlines()[-3]  # totals: 4 + 2 + 2 + 2 + 1, KPIs 1
    assert (tmp_path / "sample_events" / src.CRM_FILE).exists()
    assert ensure_demo_loaded(Path("data/demo.duckdb")) is False  # not empty: nothing loaded
    assert ensure_demo_loaded(Path("data/fresh.duckdb")) is True


def test_build_cost_is_set_only_when_unset(db_path: Path) -> None:
    from analytics.demo.command import BUILD_COST, set_build_cost
    from analytics.state.store import get_settings, set_setting

    set_build_cost(db_path)
    assert get_settings(db_path).build_cost == BUILD_COST == 800_000  # SPEC 2.3
    set_setting(db_path, name="build_cost", value=1_250_000)  # the user's own figure
    set_build_cost(db_path)
    assert get_settings(db_path).build_cost == 1_250_000
