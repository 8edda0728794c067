"""Every command-line export of named people is audited: who, role, what, filters, row count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analytics.cli import main
from analytics.db import state_path_for
from analytics.privacy import EXPORT_METRICS, EXPORT_WORKLIST, command_line_viewer
from analytics.state.store import audit_frame


@pytest.fixture
def loaded(db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "user_id,name,email,team,is_champion,champion_id\n"
        "E1,Ann,ann@x.com,A,true,\nE2,Bo,bo@x.com,A,false,E1\nE3,Cy,cy@x.com,A,false,E1\n"
    )
    events = tmp_path / "events.csv"
    events.write_text("user_id,timestamp,event\nE1,2026-03-02T10:00:00Z,login\n")
    assert main(["ingest", str(events), "--roster", str(roster), "--db", str(db_path)]) == 0
    capsys.readouterr()
    return db_path


@pytest.mark.parametrize("output_format", ["csv", "json"])
def test_outreach_export_is_audited(
    loaded: Path, output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["outreach", "--as-of", "2026-03-05", "--format", output_format, "--db", str(loaded)]
    assert main(args) == 0
    out = capsys.readouterr().out
    rows = len(json.loads(out)) if output_format == "json" else len(out.splitlines()) - 1
    entry = audit_frame(loaded).row(0, named=True)
    assert (entry["who"], entry["role"], entry["what"], entry["row_count"]) == (
        command_line_viewer().identity,
        "product_manager",
        EXPORT_WORKLIST,
        rows,
    )
    assert rows == 2  # Bo and Cy never started
    assert json.loads(entry["filters"]) == {"as_of": "2026-03-05", "format": output_format}
    assert "ann" not in entry["filters"].lower() and entry["at"] is not None


def test_metrics_export_is_audited_with_its_person_rows(
    loaded: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["metrics", "--as-of", "2026-03-05", "--db", str(loaded)]) == 0
    document = json.loads(capsys.readouterr().out)
    entry = audit_frame(loaded).row(0, named=True)
    assert (entry["who"], entry["what"]) == (command_line_viewer().identity, EXPORT_METRICS)
    people = document["champions"]["cohorts"]
    # one cohort (Ann's) naming Bo and Cy: 1 champion row + 2 people rows
    assert [len(c["people"]) for c in people] == [2]
    assert entry["row_count"] == 3
    assert json.loads(entry["filters"]) == {"as_of": "2026-03-05", "format": "json"}


def test_a_missing_database_is_not_audited_and_nothing_is_created(db_path: Path) -> None:
    assert main(["outreach", "--db", str(db_path)]) == 2  # refused: no such database
    assert not db_path.exists() and not state_path_for(db_path).exists()
