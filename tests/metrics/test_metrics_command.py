"""load_inputs and `adoption metrics` end to end on real (tiny) databases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import connection, state_path_for
from analytics.metrics.inputs import load_inputs


def run_metrics(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict]:
    code = main(["metrics", *args])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_absent_database_is_an_error_not_a_document_of_nulls(db_path: Path, capsys) -> None:
    assert main(["metrics", "--db", str(db_path)]) == 2
    assert "no database at" in capsys.readouterr().err
    assert not db_path.exists() and not state_path_for(db_path).exists()  # reading creates none


def test_empty_database_prints_zeros_and_nulls(db_path: Path, capsys) -> None:
    with connection(db_path):
        pass  # creates the file and the schema, no rows
    code, doc = run_metrics(capsys, "--db", str(db_path), "--as-of", "2024-03-01")
    assert code == 0
    assert doc["as_of"] == "2024-03-01"
    assert doc["segments"] == {"never_started": 0, "dormant": 0, "at_risk": 0, "active": 0}
    assert doc["champions"]["coverage"] == 0.0


def test_bad_as_of_is_refused(db_path: Path, capsys) -> None:
    assert main(["metrics", "--db", str(db_path), "--as-of", "03/01/2024"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


def test_reads_person_day_roster_plan_and_settings(db_path: Path, capsys) -> None:
    from analytics.state.models import Wave
    from analytics.state.store import save_plan, set_setting

    with connection(db_path) as con:
        con.execute(
            "INSERT INTO person_day VALUES"
            " ('a', DATE '2024-01-02', 3, 2, 1, 1, 1, true),"
            " ('b', DATE '2024-01-03', 1, 0, 0, 0, 0, true),"
            " ('x', DATE '2024-01-04', 1, 1, 0, 0, 0, false)"
        )
        con.execute(
            "INSERT INTO roster (user_id, team, wave, is_champion) VALUES"
            " ('a', 'T', 1, true), ('b', 'T', 2, false)"
        )
    save_plan(db_path, waves=[Wave(number=1, name="One", start=dt.date(2024, 1, 1))])
    set_setting(db_path, name="build_cost", value=1000)
    inputs = load_inputs(db_path)
    assert inputs.person_day.height == 3 and inputs.roster.height == 2
    assert inputs.plan["wave"].to_list() == [1]
    code, doc = run_metrics(capsys, "--db", str(db_path))
    assert code == 0
    # D = 2024-01-04 (x, unmatched); b's wave 2 is not in the plan -> wave 1 (2024-01-01):
    # eligible a, b; MAU a -> 1/2; value 1000 x 0.5
    assert doc["as_of"] == "2024-01-04"
    assert doc["population"]["eligible"] == 2 and doc["population"]["unmatched_users"] == 1
    assert doc["adoption_rate"] == 0.5 and doc["value_delivered"] == 500.0
    assert doc["trust"]["acceptance_rate"] == 0.5


def test_fast_state_reader_agrees_with_the_store(db_path: Path) -> None:
    from analytics.metrics.inputs import read_state_fast
    from analytics.state.models import Outreach, Wave
    from analytics.state.store import (
        get_settings,
        log_outreach,
        outreach_frame,
        plan_frame,
        save_plan,
        set_setting,
    )

    save_plan(
        db_path,
        waves=[
            Wave(number=2, name="Two", start=dt.date(2024, 2, 1), planned_size=40),
            Wave(number=1, name="One", start=dt.date(2024, 1, 1)),
        ],
    )
    set_setting(db_path, name="target_date", value="2024-06-30")
    set_setting(db_path, name="passive_events", value=["email_opened"])
    log_outreach(
        db_path,
        contact=Outreach(person_id="p", contacted_on=dt.date(2024, 1, 5), channel="email"),
    )
    plan, settings, outreach = read_state_fast(db_path)
    assert plan.to_dicts() == plan_frame(db_path).to_dicts()
    assert settings == get_settings(db_path)
    store_outreach = outreach_frame(db_path).select(outreach.columns)
    assert outreach.to_dicts() == store_outreach.to_dicts()


def test_the_script_prints_the_whole_document_before_its_quick_exit(db_path: Path) -> None:
    """`run` (the `adoption` script) ends `adoption metrics` with os._exit: the output must still
    be complete, the exit code kept, and a reader that went away must not cause a traceback."""
    import subprocess
    import sys

    with connection(db_path) as con:
        con.execute("INSERT INTO person_day VALUES ('a', DATE '2024-01-02', 1, 1, 0, 0, 0, true)")
    script = "import sys; from analytics.cli import run; sys.exit(run())"
    command = [sys.executable, "-c", script, "metrics", "--db", str(db_path)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0 and done.stderr == ""
    document = json.loads(done.stdout)  # the whole document: it parses to its last key
    assert document["as_of"] == "2024-01-02" and document["active"]["dau"] == 1
    refused = [*command, "--as-of", "2024-13-01"]
    assert subprocess.run(refused, capture_output=True, check=False).returncode == 2
    reader_gone = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader_gone.stdout is not None and reader_gone.stderr is not None
    reader_gone.stdout.close()  # like `| head` that stopped reading
    assert reader_gone.wait(timeout=60) == 0
    assert b"Traceback" not in reader_gone.stderr.read()
    reader_gone.stderr.close()
