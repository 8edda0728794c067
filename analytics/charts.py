"""Altair chart builders: a polars frame in, a chart out; readable on a projector.

Pure functions with no Streamlit and no metric logic: every number drawn arrives in the frame.
Large type, labelled target lines, tooltips and the Okabe-Ito colour-blind-safe palette.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import polars as pl

# Okabe & Ito (2008): distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, YELLOW, GREY = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
    "#6E6E6E",
)
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY, YELLOW, GREY]
TARGET = "#444444"
LIGHT = "#9A9A9A"  # a reference line that must not compete with the target path
FONT_SIZE = 15
ROOM_FONT_SIZE = 20  # the Team meeting's charts, projected at 1920x1080 to a room
HEIGHT = 340

PERCENT = alt.Axis(format="%", grid=True)
COUNT = alt.Axis(format="d", tickMinStep=1, grid=True)  # people: whole numbers only


Chart = (
    alt.Chart
    | alt.LayerChart
    | alt.HConcatChart
    | alt.VConcatChart
    | alt.ConcatChart
    | alt.FacetChart
    | alt.RepeatChart
)  # every top-level chart Streamlit's st.altair_chart draws


def projector(chart: Chart, *, height: int = HEIGHT, font_size: int = FONT_SIZE) -> Chart:
    """Large type and the shared palette, so a chart reads from the back of a meeting room."""
    return (
        chart.properties(height=height)
        .configure_axis(labelFontSize=font_size, titleFontSize=font_size + 1, labelLimit=260)
        .configure_legend(
            labelFontSize=font_size, titleFontSize=font_size, orient="bottom", labelLimit=300
        )
        .configure_title(fontSize=font_size + 4, anchor="start")
        .configure_range(category=PALETTE)
        .configure_view(strokeWidth=0)
    )


def _target_rule(
    rate: float,
    label: str,
    *,
    orient: str = "y",
    colour: str = TARGET,
    label_at: str = "start",
    font_size: int = FONT_SIZE,
) -> alt.LayerChart:
    """A dashed horizontal (or vertical) line at a target value, labelled on the chart itself.

    `label_at` places a horizontal rule's label at the left ("start") or right ("end") edge.
    """
    frame = pl.DataFrame({"value": [rate], "label": [label]})
    base = alt.Chart(frame)
    channel = alt.Y("value:Q") if orient == "y" else alt.X("value:Q")
    rule = base.mark_rule(color=colour, strokeDash=[6, 4], strokeWidth=2).encode(
        channel, tooltip=[alt.Tooltip("label:N", title="Target")]
    )
    if orient == "y":
        at_end = label_at == "end"
        text = base.mark_text(
            align="right" if at_end else "left",
            baseline="bottom",
            dx=-4 if at_end else 4,
            dy=-4,
            fontSize=font_size,
            color=colour,
        ).encode(y="value:Q", x=alt.value("width") if at_end else alt.value(0), text="label:N")
    else:
        text = base.mark_text(
            align="center", baseline="bottom", dy=-4, fontSize=font_size, color=TARGET
        ).encode(x="value:Q", y=alt.value(0), text="label:N")
    return alt.LayerChart(layer=[rule, text])


ADOPTION_SERIES = ["Adoption rate", "Target path", "Forecast"]


def adoption_vs_target(
    lines: pl.DataFrame, *, target_rate: float | None, wave_starts: pl.DataFrame | None = None
) -> Chart:
    """Adoption rate over time with the target path and the dashed forecast to the target date.

    `lines`: one row per series per day: day (date), rate (0..1), series (one of ADOPTION_SERIES).
    `wave_starts`: one row per wave after the first: day, label. A wave's start adds people who
    have not started yet, so the rate drops there: a thin rule and its label say why.
    """
    seen = set(lines["series"].unique().to_list()) if lines.height else set(ADOPTION_SERIES)
    shown = [i for i, name in enumerate(ADOPTION_SERIES) if name in seen]  # legend: drawn only
    domain = [ADOPTION_SERIES[i] for i in shown]
    scale = alt.Scale(domain=domain, range=[[BLUE, TARGET, ORANGE][i] for i in shown])
    colour = alt.Color(
        "series:N",
        title=None,
        scale=scale,
        legend=alt.Legend(symbolType="stroke", symbolStrokeWidth=3, symbolSize=400),
    )
    dash = alt.StrokeDash(
        "series:N",
        title=None,
        scale=alt.Scale(domain=domain, range=[[[1, 0], [6, 4], [2, 3]][i] for i in shown]),
    )
    base = alt.Chart(lines).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=0)),
        y=alt.Y("rate:Q", title="Share of eligible people", axis=PERCENT).scale(domain=[0, 1]),
        color=colour,
    )
    line = base.mark_line(strokeWidth=3).encode(
        strokeDash=dash,
        tooltip=[
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("day:T", title="Day", format="%Y-%m-%d"),
            alt.Tooltip("rate:Q", title="Rate", format=".0%"),
        ],
    )
    ends = lines.sort("day").group_by("series", maintain_order=True).last()
    labels = (
        alt.Chart(ends)
        .mark_text(align="left", dx=6, fontSize=FONT_SIZE, fontWeight="bold")
        .encode(
            x="day:T",
            y="rate:Q",
            color=colour,
            text=alt.Text("rate:Q", format=".0%"),
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [line, labels]
    if wave_starts is not None and wave_starts.height:
        starts = alt.Chart(wave_starts).encode(x="day:T")
        layers.append(starts.mark_rule(color=LIGHT, strokeDash=[2, 2]))
        layers.append(
            starts.mark_text(
                align="left", baseline="top", dx=3, y=2, color=GREY, fontSize=13
            ).encode(text="label:N")
        )
    if target_rate is not None:
        layers.append(
            _target_rule(target_rate, f"Target {target_rate:.0%}", colour=LIGHT, label_at="end")
        )
    return projector(alt.layer(*layers))


def active_users(series: pl.DataFrame) -> Chart:
    """DAU, WAU and MAU over time. `series`: one row per day: day, dau, wau, mau."""
    long = series.unpivot(
        index="day", on=["dau", "wau", "mau"], variable_name="measure", value_name="people"
    ).with_columns(pl.col("measure").str.to_uppercase())
    chart = (
        alt.Chart(long)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("day:T", title=None, axis=alt.Axis(format="%b %d", labelAngle=0)),
            y=alt.Y("people:Q", title="People", axis=COUNT),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=["DAU", "WAU", "MAU"], range=[SKY, GREEN, BLUE]),
            ),
            tooltip=[
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("day:T", title="Day", format="%Y-%m-%d"),
                alt.Tooltip("people:Q", title="People"),
            ],
        )
    )
    return projector(chart, height=260)


def rollout_curves(curves: pl.DataFrame, *, gate_rate: float | None) -> Chart:
    """Each wave's adoption rate by days since its start, overlaid, with the wave gate marked.

    `curves`: one row per wave per day since start: wave (label), days_since_start, rate.
    """
    lines = (
        alt.Chart(curves)
        .mark_line(strokeWidth=3)
        .encode(
            x=alt.X("days_since_start:Q", title="Days since the wave started"),
            y=alt.Y("rate:Q", title="Adoption rate", axis=PERCENT).scale(domain=[0, 1]),
            color=alt.Color("wave:N", title="Wave"),
            tooltip=[
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("days_since_start:Q", title="Days since start"),
                alt.Tooltip("rate:Q", title="Adoption rate", format=".1%"),
            ],
        )
    )
    layers: list[alt.Chart | alt.LayerChart] = [lines]
    if gate_rate is not None:
        layers.append(
            _target_rule(gate_rate, f"Wave gate {gate_rate:.0%} at 4 weeks", label_at="end")
        )
        layers.append(
            alt.Chart(pl.DataFrame({"day": [27]}))
            .mark_rule(color=TARGET, strokeDash=[2, 3])
            .encode(x="day:Q")
        )
    return projector(alt.layer(*layers))


def first_use_bars(first_use: pl.DataFrame) -> Chart:
    """How many days after their wave's start people first used the tool (negative: early).

    `first_use`: one row per wave per day count: wave (label), days, people.
    """
    chart = (
        alt.Chart(first_use)
        .mark_bar()
        .encode(
            x=alt.X(  # a number line in 7-day bins (not one category per day seen)
                "days:Q",
                bin=alt.Bin(step=7),
                title="Days from the wave's start to first use (7-day bins)",
                axis=alt.Axis(labelAngle=0),
            ),
            y=alt.Y("sum(people):Q", title="People", stack=True, axis=COUNT),
            color=alt.Color("wave:N", title="Wave", legend=alt.Legend(columns=2)),
            tooltip=[
                alt.Tooltip("wave:N", title="Wave"),
                alt.Tooltip("days:Q", title="Days to first use"),
                alt.Tooltip("sum(people):Q", title="People"),
            ],
        )
    )
    return projector(chart, height=260)


def retention_heatmap(cells: pl.DataFrame) -> Chart:
    """Weekly cohort triangle: share of each cohort active k weeks later; partial week outlined.

    `cells`: one row per cohort per week offset: cohort (label with size), week (k), rate,
    partial (bool, D's week still running).
    """
    cells = cells.with_columns(
        pl.when(pl.col("partial"))
        .then(pl.format("{}*", (pl.col("rate") * 100).round(0).cast(pl.Int64)))
        .otherwise(pl.format("{}", (pl.col("rate") * 100).round(0).cast(pl.Int64)))
        .alias("label")
    )
    base = alt.Chart(cells).encode(
        x=alt.X("week:O", title="Weeks since first use", axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", title="Cohort (week of first use)", sort=None),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(
            "rate:Q",
            title="Retained",
            scale=alt.Scale(scheme="blues", domain=[0, 1]),
            legend=alt.Legend(format="%", orient="right"),
        ),
        opacity=alt.condition("datum.partial", alt.value(0.55), alt.value(1.0)),
        tooltip=[
            alt.Tooltip("cohort:O", title="Cohort"),
            alt.Tooltip("week:O", title="Week"),
            alt.Tooltip("rate:Q", title="Retained", format=".1%"),
            alt.Tooltip("partial:N", title="Partial week"),
        ],
    )
    text = base.mark_text(fontSize=FONT_SIZE - 2).encode(
        text="label:N",
        color=alt.condition("datum.rate > 0.55", alt.value("white"), alt.value("black")),
    )
    rows = max(cells.get_column("cohort").n_unique(), 1)
    return projector(alt.layer(rect, text), height=max(220, 30 * rows))


LIFECYCLE_STATES = ["new", "returning", "resurrecting", "dormant"]
# On screen, the lifecycle's "dormant" (active last week, not this week) reads "lapsed": the word
# dormant belongs to the segment (no active day in the dormant window), one meaning per word.
LIFECYCLE_LABELS = ["new", "returning", "resurrecting", "lapsed"]


def lifecycle_bars(weeks: pl.DataFrame) -> Chart:
    """Weekly lifecycle: new, returning, resurrecting stacked up; lapsed drawn below zero.

    `weeks`: one row per week: week (Monday), new, returning, resurrecting, dormant (positive).
    """
    long = (
        weeks.unpivot(index="week", on=LIFECYCLE_STATES, variable_name="state", value_name="people")
        .with_columns(
            pl.when(pl.col("state") == "dormant")
            .then(-pl.col("people"))
            .otherwise(pl.col("people"))
            .alias("signed")
        )
        .with_columns(pl.col("state").replace(LIFECYCLE_STATES, LIFECYCLE_LABELS))
    )
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonthdate(week):O",
                title="Week (Monday)",
                axis=alt.Axis(format="%b %d", labelAngle=0),
            ),
            y=alt.Y("signed:Q", title="People (lapsed below zero)", stack=True, axis=COUNT),
            color=alt.Color(
                "state:N",
                title=None,
                scale=alt.Scale(domain=LIFECYCLE_LABELS, range=[GREEN, BLUE, SKY, VERMILLION]),
            ),
            order=alt.Order("state_order:Q"),
            tooltip=[
                alt.Tooltip("week:T", title="Week", format="%Y-%m-%d"),
                alt.Tooltip("state:N", title="State"),
                alt.Tooltip("people:Q", title="People"),
            ],
        )
        .transform_calculate(
            state_order="indexof(['new','returning','resurrecting','lapsed'], datum.state)"
        )
    )
    zero = alt.Chart(pl.DataFrame({"y": [0]})).mark_rule(color="black").encode(y="y:Q")
    return projector(alt.layer(bars, zero))


def active_days_histogram(
    counts: pl.DataFrame, *, x_title: str = "Active days in the last 28"
) -> Chart:
    """How many people were active on exactly k of the last 28 days. `counts`: days, people."""
    chart = (
        alt.Chart(counts)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X("days:O", title=x_title, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("people:Q", title="People", axis=COUNT),
            tooltip=[
                alt.Tooltip("days:O", title="Active days"),
                alt.Tooltip("people:Q", title="People"),
            ],
        )
    )
    return projector(chart, height=280)


def team_bars(
    teams: pl.DataFrame,
    *,
    value: str,
    title: str,
    target: float | None = None,
    target_label: str = "",
    percent: bool = True,
    flag: str | None = None,
    flag_colour: str = VERMILLION,
    inside_labels: bool = False,
    font_size: int = FONT_SIZE,
) -> Chart:
    """One horizontal bar per team (sorted), a labelled target rule, flagged teams highlighted.

    `teams`: one row per team: team, the `value` column and optionally a boolean `flag` column.
    `inside_labels`: values in white inside the bar's end, so that the target rule never
    crosses them: with at most one decimal on the meeting pack's slide, whole at room size.
    `font_size`: ROOM_FONT_SIZE for the Team meeting (bars grow with the type).
    """
    axis = PERCENT if percent else alt.Axis(grid=True)
    fmt = ".0%" if percent else ".1f"
    colour = (
        alt.condition(f"datum['{flag}']", alt.value(flag_colour), alt.value(BLUE))
        if flag
        else alt.value(BLUE)
    )
    base = alt.Chart(teams).encode(
        y=alt.Y("team:N", title=None, sort=alt.EncodingSortField(value, order="descending")),
        x=alt.X(f"{value}:Q", title=title, axis=axis),
    )
    bars = base.mark_bar().encode(
        color=colour,
        tooltip=[alt.Tooltip("team:N", title="Team"), alt.Tooltip(f"{value}:Q", format=fmt)],
    )
    shown = ".1~%" if inside_labels and percent and font_size == FONT_SIZE else fmt  # the pack
    mark = (
        base.mark_text(align="right", dx=-6, color="white", fontWeight="bold", fontSize=font_size)
        if inside_labels
        else base.mark_text(align="left", dx=4, fontSize=font_size)
    )
    text = mark.encode(text=alt.Text(f"{value}:Q", format=shown))
    layers: list[alt.Chart | alt.LayerChart] = [bars, text]
    if target is not None:  # drawn first, under the bars: it never crosses a team's number
        layers.insert(0, _target_rule(target, target_label, orient="x", font_size=font_size))
    rows = max(teams.height, 1)
    row_height = round(42 * font_size / FONT_SIZE)
    return projector(alt.layer(*layers), height=max(160, row_height * rows), font_size=font_size)


def series_lines(
    frame: pl.DataFrame, *, x: str, y: str, series: str | None, y_title: str, percent: bool
) -> Chart:
    """A generic line chart for explore queries: one line per `series` value (or one line)."""
    dtype = frame.schema.get(x)
    is_integer = dtype is not None and dtype.is_integer()
    x_type = "T" if dtype in (pl.Date, pl.Datetime) else "O" if is_integer else "Q"
    encoding: dict[str, object] = {
        "x": alt.X(
            f"{x}:{x_type}", title=x.replace("_", " ").capitalize(), axis=alt.Axis(labelAngle=0)
        ),
        "y": alt.Y(f"{y}:Q", title=y_title, axis=PERCENT if percent else alt.Axis()),
        "tooltip": [alt.Tooltip(c) for c in frame.columns][:6],
    }
    if series:
        encoding["color"] = alt.Color(f"{series}:N", title=series.replace("_", " "))
    chart = alt.Chart(frame).mark_line(point=True, strokeWidth=3).encode(**encoding)
    return projector(chart, height=320)


def line_frame(days: list[dt.date], rates: list[float | None], series: str) -> pl.DataFrame:
    """A tiny helper frame in the shape `adoption_vs_target` expects (one row per day)."""
    return pl.DataFrame(
        {"day": days, "rate": rates, "series": [series] * len(days)},
        schema={"day": pl.Date, "rate": pl.Float64, "series": pl.String},
    )


def training_bars(teams: pl.DataFrame) -> Chart:
    """Adoption of trained vs untrained people per team, side by side.

    `teams`: one row per team: team, trained_rate, untrained_rate (null rates are not drawn).
    """
    long = (
        teams.select("team", Trained="trained_rate", Untrained="untrained_rate")
        .unpivot(index="team", variable_name="group", value_name="rate")
        .drop_nulls("rate")
    )
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("team:N", title=None, sort="ascending"),
            yOffset=alt.YOffset("group:N"),
            x=alt.X("rate:Q", title="Adoption rate (28 days)", axis=PERCENT),
            color=alt.Color(
                "group:N",
                title=None,
                scale=alt.Scale(domain=["Trained", "Untrained"], range=[BLUE, GREY]),
            ),
            tooltip=[
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("group:N", title="People"),
                alt.Tooltip("rate:Q", title="Adoption", format=".0%"),
            ],
        )
    )
    return projector(chart, height=max(260, 34 * teams.height))


def event_study(points: pl.DataFrame, *, kpi: str) -> Chart:
    """Effect on a KPI by weeks since the wave started: estimates with 95% interval bars, a
    zero line, and a dotted line where the wave starts (before it: the parallel-trends check)."""
    data = points.with_columns(
        period=pl.when(pl.col("week") < 0)
        .then(pl.lit("before the start"))
        .otherwise(pl.lit("after the start"))
    )
    x = alt.X("week:Q", title="Weeks since the wave started", axis=alt.Axis(format="d"))
    colour = alt.Color(
        "period:N",
        title=None,
        scale=alt.Scale(domain=["before the start", "after the start"], range=[GREY, BLUE]),
    )
    tooltip = [
        alt.Tooltip("week:Q", title="Weeks since start"),
        alt.Tooltip("estimate:Q", title=f"Effect on {kpi}", format=",.2f"),
        alt.Tooltip("ci_low:Q", title="95% interval from", format=",.2f"),
        alt.Tooltip("ci_high:Q", title="95% interval to", format=",.2f"),
    ]
    base = alt.Chart(data).encode(x=x)
    bars = base.mark_rule(strokeWidth=2).encode(
        y=alt.Y("ci_low:Q", title="Effect per person-week"),  # short: a long title is cut
        y2="ci_high:Q",
        color=colour,
    )
    dots = base.mark_circle(size=70, opacity=1).encode(
        y="estimate:Q", color=colour, tooltip=tooltip
    )
    zero = alt.Chart(pl.DataFrame({"y": [0.0]})).mark_rule(color=TARGET).encode(y="y:Q")
    start = (
        alt.Chart(pl.DataFrame({"x": [-0.5]}))
        .mark_rule(color=LIGHT, strokeDash=[4, 4])
        .encode(x="x:Q")
    )
    return projector(alt.layer(zero, start, bars, dots))
