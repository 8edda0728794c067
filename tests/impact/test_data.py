"""KPI and survey people resolved on read through the shared identities() macro."""

from __future__ import annotations

from pathlib import Path

from analytics.impact.data import read_kpis, read_survey
from analytics.ingest.command import ingest_paths

FILES = {  # two roster people, then a KPI file and a survey naming them in different ways
    "roster.csv": "user_id,name,email,team,region,manager_id,role,is_champion,champion_id,wave,"
    "training_completed_on,active\nE1,Ann,ann@x.com,East,EU,,rep,true,,1,,\n"
    "E2,Bo,bo@x.com,East,EU,,rep,false,E1,1,,\n",
    "kpis.csv": "person,week,calls\nE1,2026-06-01,3\nANN@X.COM,2026-06-08,4\n"
    "zed@x.com,2026-06-01,5\n",
    "survey.csv": "person,team,date,awareness,desire,knowledge,ability,reinforcement\n"
    "Bo@X.com,,2026-09-01,4,4,2,3,3\n,East,2026-09-01,5,4,1,2,\n",
}


def test_kpi_and_survey_people_match_by_id_else_by_email_in_any_case(tmp_path: Path) -> None:
    """E1 by id, ANN@X.COM and Bo@X.com by e-mail, zed@x.com nobody, a blank is anonymous."""
    db = tmp_path / "a.duckdb"
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    kpis, survey = [tmp_path / "kpis.csv"], [tmp_path / "survey.csv"]
    ingest_paths(db, [], roster=tmp_path / "roster.csv", kpis=kpis, survey=survey)
    read = read_kpis(db).sort("week", "person")
    assert read.select("person", "person_id").rows() == [
        ("E1", "E1"),
        ("zed@x.com", None),
        ("ann@x.com", "E1"),  # ingest writes e-mails lower-cased
    ]
    assert read_survey(db).sort("team", nulls_last=True)["person_id"].to_list() == [None, "E2"]


def test_a_missing_database_reads_as_empty_tables_with_person_id(tmp_path: Path) -> None:
    """No file yet: empty frames that still carry the resolved column."""
    assert "person_id" in read_kpis(tmp_path / "none.duckdb").columns
    assert read_survey(tmp_path / "none.duckdb").is_empty()
