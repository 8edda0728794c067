"""Benchmark suite smoke checks: the generator is deterministic, the pandas reference is right on a
hand-worked case and agrees with `adoption metrics` on a tiny scenario. No timing assertions."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from benchmarks import reference_pandas
from benchmarks.generate import generate, scenario_for
from benchmarks.run import ingest_totals, write_results

TINY = "2000:40"


def digests(folder: Path) -> dict[str, str]:
    """sha256 of every file in a folder except the manifest (it records the seconds taken)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.name != "manifest.json"
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory):
    """The 2,000-event scenario, generated once for the module."""
    return generate(scenario_for(TINY), tmp_path_factory.mktemp("bench") / "tiny")


def test_generator_is_deterministic(tiny, tmp_path: Path) -> None:
    again = generate(scenario_for(TINY), tmp_path / "again")
    assert digests(again.root) == digests(tiny.root)
    assert again.manifest["clean_events"] == 2000


def test_generator_writes_three_formats_with_bad_rows(tiny) -> None:
    names = [p.name for p in tiny.events]
    assert names == [
        "crm_plugin_events_1.csv",
        "coach_app_events_1.jsonl.gz",
        "call_analyzer_export_1.csv",
        "call_analyzer_overlap.csv",
    ]
    crm = tiny.events[0].read_text().splitlines()
    assert crm[0] == "email;event_time;action;client_version;source"
    assert crm.count(crm[0]) == 2  # the header repeated mid-file (a bad row)
    assert any(line.startswith("null;") for line in crm)
    coach = gzip.decompress(tiny.events[1].read_bytes()).decode().splitlines()
    assert json.loads(coach[0])["ts"] > 1_700_000_000_000  # epoch milliseconds
    assert any(line.endswith('"ts": ') for line in coach)  # a truncated JSON line
    roster = tiny.roster.read_text().splitlines()
    assert roster[0].split(",")[-1] == "active" and len(roster) == 41  # header + 40 people


def test_scenario_sizes() -> None:
    assert scenario_for("1m").events == 1_000_000 and scenario_for("1m").people == 2_000
    assert scenario_for("10m").people == 20_000
    assert scenario_for("5000").people == 10  # at least 10 people
    with pytest.raises(ValueError):
        scenario_for("lots")


def hand_case(folder: Path) -> Path:
    """Four roster people (one left), a stranger, two waves; values worked out in the test."""
    folder.mkdir()
    roster = pd.DataFrame(
        {
            "user_id": ["A", "B", "C", "E"],
            "email": ["a@x.org", "b@x.org", "c@x.org", "e@x.org"],
            "wave": [1, 2, 2, 1],
            "active": [True, True, None, False],  # empty active means active
        }
    )
    at = pd.Timestamp
    events = pd.DataFrame(
        {
            "user_id": ["A", "A", "A", "A", "b@x.org", "E", "stranger"],
            "ts": [
                at("2026-03-02 09:00"),
                at("2026-03-10 09:00"),
                at("2026-03-31 09:00"),
                at("2026-03-31 10:00"),
                at("2026-03-20 09:00"),
                at("2026-03-31 09:00"),
                at("2026-03-15 09:00"),
            ],
            "event": ["login"] * 7,
        }
    )
    plan = pd.DataFrame({"wave": [1, 2], "start": [dt.date(2026, 3, 2), dt.date(2026, 3, 30)]})
    events.to_parquet(folder / "events.parquet")
    roster.to_parquet(folder / "roster.parquet")
    plan.to_parquet(folder / "plan.parquet")
    settings = {"timezone": "UTC", "passive_events": [], "dormant_days": 14, "at_risk_ratio": 0.5}
    (folder / "settings.json").write_text(json.dumps(settings))
    return folder


def test_reference_on_a_hand_worked_case(tmp_path: Path) -> None:
    result = reference_pandas.compute(hand_case(tmp_path / "hand"))
    # D = 2026-03-31 (latest event). Population A, B, C (E left). Eligible: A (wave 1 from 03-02),
    # B (wave 2 starts 03-30, and early use on 03-20), C (wave 2 from 03-30) -> 3.
    # "stranger" matches no roster row -> 1 unmatched user.
    assert result["as_of"] == "2026-03-31"
    assert result["population"] == {
        "roster": 3,
        "eligible": 3,
        "ever_used": 2,
        "never_started": 1,
        "unmatched_users": 1,
    }
    # DAU: A on 03-31; WAU [03-25, 03-31]: A; MAU [03-04, 03-31]: A (03-10, 03-31), B (03-20).
    assert result["active"] == {"dau": 1, "wau": 1, "mau": 2}
    assert result["adoption_rate"] == pytest.approx(2 / 3)
    # active person-days in [03-04, 03-31]: A 03-10, A 03-31, B 03-20 -> mean DAU 3/28, / MAU 2
    assert result["stickiness"] == pytest.approx(3 / 56)
    assert result["active_days_histogram"][:3] == [1, 1, 0]  # B 1 day, A 2 days
    # recent [03-18, 03-31] / prior [03-04, 03-17]: A 1 vs 1 (not < 0.5) -> active; B 1 vs 0.
    assert result["segments"] == {"never_started": 1, "dormant": 0, "at_risk": 0, "active": 2}
    # weeks: A 03-02, 03-09, 03-30; B 03-16. D's week is 03-30.
    assert result["retention"] == [
        {"cohort_week": "2026-03-02", "size": 1, "rates": [1.0, 1.0, 0.0, 0.0, 1.0]},
        {"cohort_week": "2026-03-16", "size": 1, "rates": [1.0, 0.0, 0.0]},
    ]
    lifecycle = {row.pop("week"): tuple(row.values()) for row in result["lifecycle"]}
    assert lifecycle == {  # (new, returning, resurrecting, dormant)
        "2026-03-02": (1, 0, 0, 0),
        "2026-03-09": (0, 1, 0, 0),
        "2026-03-16": (1, 0, 0, 1),  # B new; A was active the week before, not this one
        "2026-03-23": (0, 0, 0, 1),  # B gone quiet
        "2026-03-30": (0, 0, 1, 0),  # A back
    }


def test_mismatches_are_reported(tmp_path: Path) -> None:
    reference = reference_pandas.compute(hand_case(tmp_path / "hand"))
    ours = json.loads(json.dumps(reference))
    assert reference_pandas.mismatches(ours, reference) == []
    ours["active"]["mau"] = 3
    ours["retention"][0]["rates"][2] = 0.5
    ours["lifecycle"].pop()
    problems = reference_pandas.mismatches(ours, reference)
    assert "active.mau: ours 3 != reference 2" in problems
    assert any(p.startswith("retention[2026-03-02].rates") for p in problems)
    assert "lifecycle: 2026-03-30 only in reference" in problems


def test_pandas_reference_agrees_with_adoption_metrics(tiny, tmp_path: Path, capsys) -> None:
    pytest.importorskip("analytics.ingest.read", reason="the ingest read layer is not there yet")
    from analytics.ingest.command import ingest_paths
    from analytics.metrics.document import metrics_command

    db = tmp_path / "tiny.duckdb"
    reports = ingest_paths(db, tiny.events, roster=tiny.roster, plan=tiny.plan)
    assert all(r.status != "refused" for r in reports)
    capsys.readouterr()
    assert metrics_command(as_of=None, db=db) == 0
    ours = json.loads(capsys.readouterr().out)
    reference = reference_pandas.compute(reference_pandas.export_inputs(db, tmp_path / "ref"))
    assert reference_pandas.mismatches(ours, reference) == []


def test_results_file_keeps_the_analysis(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS.md"
    path.write_text("# Results\n\n## Where the time goes\n\nhand-written\n")
    write_results({"size:1m": "table one"}, path)
    write_results({"size:1m": "table two", "size:10m": "big"}, path)
    text = path.read_text()
    assert "table one" not in text and "table two" in text and "big" in text
    assert text.endswith("## Where the time goes\n\nhand-written\n")


def test_ingest_totals_sum_the_reports() -> None:
    reports = [
        {"status": "loaded", "read": 10, "loaded": 7, "duplicates": 2, "quarantined": 1},
        {"status": "refused", "read": 0, "loaded": 0},
    ]
    totals = ingest_totals(json.dumps(reports))
    assert totals["read"] == 10 and totals["loaded"] == 7 and totals["refused"] == 1
    assert ingest_totals("not json") == {"error": "no JSON report"}


def test_reingest_row_runs_on_a_copy_of_the_built_database(tiny, tmp_path: Path) -> None:
    from analytics.ingest.command import ingest_paths
    from benchmarks.run import bench_reingest, reingest_rows

    built = tmp_path / "built.duckdb"
    ingest_paths(built, tiny.events)
    before = built.read_bytes()
    measure = bench_reingest(tiny, built, tmp_path, runs=1)
    [run] = measure.runs
    assert run.returncode == 0
    [report] = json.loads(run.stdout)
    assert report["loaded"] == 0 and report["read"] == report["duplicates"] + report["quarantined"]
    assert built.read_bytes() == before  # the built database itself is never written
    assert reingest_rows(measure)[0].startswith("| re-ingest 20k |")


def test_floor_levels_on_a_hand_worked_case(tmp_path: Path) -> None:
    """The floor benchmark: 3 CRM rows, the last a repeat of the first (same e-mail, minute,
    action, source), and one coach row whose event id repeats in a second coach file. Typed and
    keys keep all 5 rows; dedupe keeps 3 (the repeat and the second copy of ev-1 dropped) and
    person_day has 2 (person, day) pairs: a@x.com on 25 Feb and u1 on 26 Feb."""
    from benchmarks import floor_duckdb

    crm = tmp_path / "crm_plugin_events_1.csv"
    crm.write_text(
        "email;event_time;action;client_version;source\n"
        "a@x.com;02/25/2026 08:28;login;4.2;crm_plugin\n"
        "a@x.com;02/25/2026 09:00;login;4.2;crm_plugin\n"
        "a@x.com;02/25/2026 08:28;login;4.2;crm_plugin\n"
    )
    line = '{"event_id":"ev-1","user_id":"u1","ts":1772064000000,"event":"e","source":"coach"}\n'
    coach = [tmp_path / f"coach_app_events_{n}.jsonl" for n in (1, 2)]
    for path in coach:
        path.write_text(line)
    files = [str(p) for p in (crm, *coach)]
    expected = {"typed": 5, "keys": 5, "dedupe": 3}
    for level, rows in expected.items():
        db = tmp_path / f"{level}.duckdb"
        assert floor_duckdb.main(["--level", level, "--db", str(db), *files]) == 0
        con = duckdb.connect(str(db), read_only=True)
        assert con.execute("SELECT count(*) FROM events").fetchone() == (rows,)
        if level == "dedupe":
            days = con.execute("SELECT user_id, day FROM person_day ORDER BY 1").fetchall()
            assert days == [("a@x.com", dt.date(2026, 2, 25)), ("u1", dt.date(2026, 2, 26))]
        con.close()


def test_ingest_bench_runs_the_floor_beside_the_bare_read(tiny, tmp_path: Path) -> None:
    """`make bench`'s ingest step runs ours, the bare read and the floor once each, and the
    table gets the goal row (ours vs bare) and the floor row (ours vs the floor)."""
    from benchmarks.run import bench_ingest, ingest_rows

    ingest, built = bench_ingest(tiny, tmp_path, runs=1)
    assert built.exists()
    assert [r.returncode for r in ingest["floor"].runs] == [0]
    assert ingest["floor"].runs[0].stdout.startswith("floor dedupe:")
    rows = ingest_rows(ingest)
    assert [r.split("|")[1].strip() for r in rows] == ["ingest", "ingest floor"]
