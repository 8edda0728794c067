"""The Altair builders: marks, encodings, layers, labelled targets and projector-sized type."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from analytics import charts

DAY = dt.date(2026, 3, 2)


def days(n: int) -> list[dt.date]:
    return [DAY + dt.timedelta(days=i) for i in range(n)]


def marks(spec: dict) -> list[str]:
    """Mark types of every layer (a mark may be a string or a dict)."""
    layers = spec.get("layer", [spec])
    found = []
    for layer in layers:
        if "layer" in layer:
            found += marks(layer)
        else:
            mark = layer["mark"]
            found.append(mark if isinstance(mark, str) else mark["type"])
    return found


def texts(spec: dict) -> list[str]:
    """Every literal text in the inline datasets (target labels live there)."""
    return [
        str(row.get("label"))
        for rows in spec.get("datasets", {}).values()
        for row in rows
        if "label" in row
    ]


def test_adoption_vs_target_has_line_labels_and_a_labelled_target_rule():
    lines = pl.concat(
        [
            charts.line_frame(days(3), [0.1, 0.2, 0.3], "Adoption rate"),
            charts.line_frame([DAY, DAY + dt.timedelta(days=100)], [0.0, 0.7], "Target path"),
            charts.line_frame([days(3)[-1], DAY + dt.timedelta(days=100)], [0.3, 0.5], "Forecast"),
        ]
    )
    spec = charts.adoption_vs_target(lines, target_rate=0.7).to_dict()
    # line + end labels + (rule, text) of the target
    assert marks(spec) == ["line", "text", "rule", "text"]
    line = spec["layer"][0]
    assert line["encoding"]["y"]["axis"]["format"] == "%"
    assert line["encoding"]["y"]["scale"]["domain"] == [0, 1]
    assert line["encoding"]["color"]["scale"]["domain"] == charts.ADOPTION_SERIES
    assert "strokeDash" in line["encoding"]
    assert {t["title"] for t in line["encoding"]["tooltip"]} == {"Series", "Day", "Rate"}
    assert "Target 70%" in texts(spec)
    assert spec["config"]["axis"]["labelFontSize"] >= 14


def test_adoption_vs_target_without_a_target_has_no_rule():
    lines = charts.line_frame(days(2), [0.1, 0.2], "Adoption rate")
    assert marks(charts.adoption_vs_target(lines, target_rate=None).to_dict()) == ["line", "text"]


def test_lifecycle_bars_stack_states_and_draw_dormant_below_zero():
    weeks = pl.DataFrame(
        {"week": [DAY], "new": [3], "returning": [2], "resurrecting": [1], "dormant": [4]}
    )
    chart = charts.lifecycle_bars(weeks)
    spec = chart.to_dict()
    assert marks(spec) == ["bar", "rule"]
    bars = spec["layer"][0]
    assert bars["encoding"]["color"]["scale"]["domain"] == charts.LIFECYCLE_LABELS
    # the data drawn: dormant 4 is plotted as -4, the others as they are
    data = next(iter(spec["datasets"].values()))
    signed = {row["state"]: row["signed"] for row in data}
    assert signed == {
        "new": 3,
        "returning": 2,
        "resurrecting": 1,
        "lapsed": -4,
    }  # the lifecycle word on screen


def test_retention_heatmap_marks_the_partial_week():
    cells = pl.DataFrame(
        {
            "cohort": ["2026-03-02 (n=4)", "2026-03-02 (n=4)", "2026-03-09 (n=2)"],
            "week": [0, 1, 0],
            "rate": [1.0, 0.5, 1.0],
            "partial": [False, True, True],
        }
    )
    spec = charts.retention_heatmap(cells).to_dict()
    assert marks(spec) == ["rect", "text"]
    data = next(iter(spec["datasets"].values()))
    # 0.5 in the running week -> "50*"; a finished week has no star
    assert [row["label"] for row in data] == ["100", "50*", "100*"]
    assert spec["layer"][0]["encoding"]["color"]["scale"]["domain"] == [0, 1]


def test_team_bars_flag_teams_and_label_the_ratio_target():
    teams = pl.DataFrame(
        {"team": ["North", "South"], "people_per_champion": [12.0, 8.0], "over": [True, False]}
    )
    spec = charts.team_bars(
        teams,
        value="people_per_champion",
        title="People per champion",
        target=10,
        target_label="Target: at most 10",
        percent=False,
        flag="over",
    ).to_dict()
    # the target (rule and label) first, under the bars, so it never crosses a number
    assert marks(spec) == ["rule", "text", "bar", "text"]
    colour = spec["layer"][1]["encoding"]["color"]
    assert colour["condition"]["value"] == charts.VERMILLION
    assert colour["value"] == charts.BLUE
    assert "Target: at most 10" in texts(spec)


def test_rollout_curves_mark_the_gate_and_four_weeks():
    curves = pl.DataFrame(
        {"wave": ["1 · Champions"] * 2, "days_since_start": [0, 1], "rate": [0.5, 0.6]}
    )
    spec = charts.rollout_curves(curves, gate_rate=0.6).to_dict()
    assert marks(spec) == ["line", "rule", "text", "rule"]
    assert "Wave gate 60% at 4 weeks" in texts(spec)


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.active_days_histogram(pl.DataFrame({"days": [1, 2], "people": [3, 4]})),
        lambda: charts.first_use_bars(
            pl.DataFrame({"wave": ["1 · A", "1 · A"], "days": [-1, 0], "people": [2, 5]})
        ),
        lambda: charts.active_users(
            pl.DataFrame({"day": days(2), "dau": [1, 2], "wau": [3, 4], "mau": [5, 6]})
        ),
        lambda: charts.series_lines(
            pl.DataFrame({"offset": [0, 1], "rate": [1.0, 0.4], "cohort": ["a", "a"]}),
            x="offset",
            y="rate",
            series="cohort",
            y_title="Back",
            percent=True,
        ),
    ],
)
def test_every_builder_has_tooltips_large_type_and_the_palette(chart):
    spec = chart().to_dict()
    assert spec["config"]["axis"]["titleFontSize"] >= 15
    assert spec["config"]["range"]["category"] == charts.PALETTE
    layers = spec.get("layer", [spec])
    assert any("tooltip" in layer.get("encoding", {}) for layer in layers)


def test_empty_frames_still_make_a_chart():
    empty = pl.DataFrame(schema={"days": pl.Int64, "people": pl.Int64})
    assert charts.active_days_histogram(empty).to_dict()["mark"]["type"] == "bar"


def test_adoption_legend_lists_only_the_lines_drawn():
    # a champion's cohort has no target path and no forecast: the legend must not name them
    lines = charts.line_frame(days(2), [0.1, 0.2], "Adoption rate")
    line = charts.adoption_vs_target(lines, target_rate=0.7).to_dict()["layer"][0]
    assert line["encoding"]["color"]["scale"]["domain"] == ["Adoption rate"]
    assert line["encoding"]["strokeDash"]["scale"]["range"] == [[1, 0]]
