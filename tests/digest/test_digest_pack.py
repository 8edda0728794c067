"""The meeting pack: slides opened with python-pptx, PDF and HTML read back, numbers checked."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest
from digest_fixtures import AS_OF, IDS, NAMES
from pptx import Presentation

from analytics.cli import main
from analytics.digest.pack import SECTIONS, section_lines
from analytics.digest.pack_files import fitted_size
from analytics.state import store


def slide_texts(path: Path) -> list[str]:
    """All text of each slide (shapes and notes), one string per slide."""
    texts = []
    for slide in Presentation(str(path)).slides:
        shapes = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        notes = slide.notes_slide.notes_text_frame.text if slide.has_notes_slide else ""
        texts.append("\n".join([*shapes, notes]))
    return texts


def metrics_rate(db: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The adoption rate of `adoption metrics` as the pack prints it (one decimal at most)."""
    assert main(["metrics", "--as-of", AS_OF.isoformat(), "--db", str(db)]) == 0
    rate = json.loads(capsys.readouterr().out)["adoption_rate"]
    return f"{rate * 100:.1f}%"


def report(db: Path, fmt: str, out: Path) -> Path:
    """Run `adoption report` into a file."""
    argv = ["report", "--as-of", AS_OF.isoformat(), "--format", fmt, "--out", str(out)]
    assert main([*argv, "--db", str(db)]) == 0
    return out


def test_slides_carry_the_metrics_numbers(
    tiny_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """One slide per section; 83.3% as `adoption metrics` says; teams 5/6; roles of 1 hidden."""
    rate = metrics_rate(tiny_db, capsys)
    assert rate == "83.3%"  # 10 of 12 eligible people active, by hand
    slides = slide_texts(report(tiny_db, "pptx", tmp_path / "pack.pptx"))
    assert len(slides) == len(SECTIONS)
    assert all(s.startswith(title) for s, title in zip(slides, SECTIONS, strict=True))
    assert f"Adoption {rate}" in slides[0]
    assert "Team A: 83.3%" in slides[1] and "Team B: 83.3%" in slides[1]
    assert "Executives using it: fewer than 5 people" in slides[3]  # one executive, one manager
    assert "Managers using it: fewer than 5 people" in slides[3]
    assert not any(name in text for text in slides for name in NAMES + IDS)


def test_a_pack_with_every_team_under_the_minimum_shows_no_team_number(
    tiny_db: Path, tmp_path: Path
) -> None:
    """Minimum 7: both teams of 6 read "fewer than 7 people"; the organisation (12) is shown."""
    store.set_setting(tiny_db, name="min_group_size", value=7)
    slides = slide_texts(report(tiny_db, "pptx", tmp_path / "pack.pptx"))
    assert "Adoption 83.3%" in slides[0]
    assert "Team A: fewer than 7 people" in slides[1]
    assert "Team B: fewer than 7 people" in slides[1]
    assert "%" not in slides[1]  # no rate, and no chart of nothing


def test_pdf_and_html_carry_the_same_numbers(
    tiny_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The PDF (text extracted with pypdf) and the HTML say what the slides say."""
    rate = metrics_rate(tiny_db, capsys)
    pdf = pypdf.PdfReader(io.BytesIO(report(tiny_db, "pdf", tmp_path / "p.pdf").read_bytes()))
    pages = [page.extract_text() for page in pdf.pages]
    assert len(pages) == len(SECTIONS)
    assert f"Adoption {rate}" in pages[0] and "Team A: 83.3%" in pages[1]
    page = report(tiny_db, "html", tmp_path / "p.html").read_text()
    assert f"Adoption {rate}" in page and "Team B: 83.3%" in page
    assert not any(name in "".join(pages) + page for name in NAMES + IDS)


def test_the_default_file_is_named_after_the_day(
    tiny_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --out the pack is adoption-meeting-<as-of>.<format> in the current folder."""
    monkeypatch.chdir(tmp_path)
    argv = ["report", "--as-of", AS_OF.isoformat(), "--format", "html", "--db", str(tiny_db)]
    assert main(argv) == 0
    assert (tmp_path / "adoption-meeting-2026-01-22.html").exists()


def test_the_fell_slide_lists_teams_below_their_wave_gate() -> None:
    """Released below-gate rows follow the teams that fell, one line each, rates at one decimal."""
    pack = {
        "headline": dict.fromkeys(
            ("adoption_rate", "path_rate", "forecast_rate", "target_rate", "status")
        )
        | {"needed_per_week": None},
        "min_group_size": 5,
        "drop_points": 5,
        "leaderboard": [],
        "teams_fell": [],
        "teams_below_gate": [
            {"team": "North", "wave": 3, "eligible": 11, "adoption_rate": 5 / 11, "gate": 0.6}
        ],
        "leadership": [],
        "success": [],
    }
    fell = section_lines(pack)[2]
    assert fell == [
        "No team fell by 5 pts or more.",
        "Below their wave's gate of 60% (people active now):",
        "North, wave 3: 45.5% of 11",  # 5/11 = 45.45...%
    ]


def test_slide_text_shrinks_until_it_fits() -> None:
    """3 short lines keep 28 pt; 12 lines of 60 characters in a 11.5 x 4.5 in box need 20 pt:
    at 20 pt a line holds 11.5*72/(0.55*20) = 75 characters, 12 lines take 12*24 + 12*10 = 408
    pt > 324; at 18 pt 12*21.6 + 12*9 = 367 > 324; at 16 pt 12*19.2 + 12*8 = 326 > 324; 14 pt.
    8 such lines: at 24 pt (62 a line) 8*28.8 + 8*12 = 326 > 324; at 22 pt 8*26.4 + 8*11 = 299."""
    assert fitted_size(["a" * 20] * 3, largest=28, width_in=11.5, height_in=4.5) == 28
    assert fitted_size(["a" * 60] * 12, largest=28, width_in=11.5, height_in=4.5) == 14
    assert fitted_size(["a" * 60] * 8, largest=28, width_in=11.5, height_in=4.5) == 22
