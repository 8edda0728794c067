"""The split by tool (SPEC 10): the metric inputs as if only one tool had been rolled out.

Applied at the input, so every metric and view splits by tool without code of its own:
- activity: person_day rebuilt from that tool's tool_day rows (one row per person per day);
  feedback (accepted, rejected) is kept only for ordinary event files, the one source that
  carries it;
- population: that tool's licence holders when the tool has licence rows (with a roster: the
  active roster people holding it; without: the users seen plus the holders), else unchanged
  (the eligible roster, or the users the tool saw).
"""

from __future__ import annotations

import dataclasses

import polars as pl

from analytics.metrics.inputs import PERSON_DAY_SCHEMA, MetricInputs, conform
from analytics.metrics.population import population_roster

GENERIC_TOOL = "events"  # the tool of ordinary event files (analytics.activity writes it)
FEEDBACK = ("accepted", "rejected", "trailing_rejections")


def tool_names(inputs: MetricInputs) -> list[str]:
    """Every tool present in the data (activity or licence rows), by name."""
    tools = pl.concat([inputs.tool_day.select("tool"), inputs.licences.select("tool")])
    return sorted(tools["tool"].drop_nulls().unique().to_list())


def tool_person_day(inputs: MetricInputs, tool: str) -> pl.DataFrame:
    """One row per person per day with an event of this tool: its events and active events,
    the day's feedback when the tool is ordinary event files (zero otherwise), and matched."""
    used = inputs.tool_day.filter(pl.col("tool") == tool).select(
        "person_id", "day", "events", "active_events"
    )
    keep = tool == GENERIC_TOOL
    rest = inputs.person_day.select("person_id", "day", *FEEDBACK, "matched")
    joined = used.join(rest, on=["person_id", "day"], how="left")
    return conform(
        joined.with_columns(
            pl.col(c).fill_null(0) if keep else pl.lit(0, pl.Int64).alias(c) for c in FEEDBACK
        ).with_columns(pl.col("matched").fill_null(False)),
        PERSON_DAY_SCHEMA,
    )


def for_tool(inputs: MetricInputs, tool: str) -> MetricInputs:
    """The inputs restricted to one tool: its activity, and its licence holders as the
    population when it has licence rows (roster people without one become inactive)."""
    holders = inputs.licences.filter(pl.col("tool") == tool)
    roster = inputs.roster
    if holders.height and roster.height:
        holding = pl.col("user_id").is_in(holders["person_id"].implode())
        roster = roster.with_columns((pl.col("active").fill_null(True) & holding).alias("active"))
    return dataclasses.replace(
        inputs,
        person_day=tool_person_day(inputs, tool),
        roster=roster,
        tool_day=inputs.tool_day.filter(pl.col("tool") == tool),
        licences=holders,
    )


def population_sizes(inputs: MetricInputs) -> tuple[dict[str, int], int]:
    """People in each tool's population and in the whole population (for the release rule of
    the tool choice: a split must not narrow to a small group, directly or by subtraction)."""
    sizes = {tool: _population_size(for_tool(inputs, tool)) for tool in tool_names(inputs)}
    return sizes, _population_size(inputs)


def _population_size(inputs: MetricInputs) -> int:
    """People in the population of these inputs (roster people or users seen, SPEC 4)."""
    return population_roster(inputs, inputs.person_day).height
