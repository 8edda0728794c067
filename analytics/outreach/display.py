"""Display helpers for the Outreach page: labels, the table's columns and the effect chart.

No Streamlit here: frames in, frames or Altair charts out, so the page holds no logic.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from analytics.charts import BLUE, Chart, projector

PLAYBOOK_LABELS: dict[str, str] = {
    "at_risk": "At risk",
    "lost_trust": "Lost trust",
    "dormant": "Dormant",
    "never_started": "Never started",
}

TABLE_COLUMNS: tuple[str, ...] = (
    "rank",
    "name",
    "team",
    "wave",
    "playbook",
    "owner_name",  # before the long texts, so it is on screen at 1440 px
    "reason",
    "next_step",
    "contacted_recently",
    "last_contacted_on",
)


def worklist_table(worklist: pl.DataFrame) -> pl.DataFrame:
    """The worklist as the page shows it: one row per person, playbook in words."""
    return worklist.select(TABLE_COLUMNS).with_columns(
        pl.col("playbook").replace_strict(PLAYBOOK_LABELS, default=pl.col("playbook"))
    )


def playbook_counts(worklist: pl.DataFrame) -> dict[str, int]:
    """How many people per playbook, in list order (zero for an empty playbook)."""
    counts = dict(worklist.group_by("playbook").len().iter_rows())
    return {label: int(counts.get(key, 0)) for key, label in PLAYBOOK_LABELS.items()}


def with_names(table: pl.DataFrame, column: str, names: dict[str, str]) -> pl.DataFrame:
    """Replace ids in `column` by names where the roster knows them (ids stay otherwise)."""
    return table.with_columns(pl.col(column).replace(names))


def conversion_chart(table: pl.DataFrame, by: str, title: str) -> Chart:
    """Horizontal bars of conversion rate per group, with contacts in the tooltip."""
    shown = table.drop_nulls("conversion_rate").with_columns(pl.col(by).fill_null("(none)"))
    chart = (
        alt.Chart(shown, title=title)
        .mark_bar(color=BLUE)
        .encode(
            x=alt.X(
                "conversion_rate:Q",
                title="Converted within the window",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            y=alt.Y(f"{by}:N", title=None, sort="-x"),
            tooltip=[
                alt.Tooltip(f"{by}:N"),
                alt.Tooltip("contacts:Q", title="Contacts"),
                alt.Tooltip("converted:Q", title="Converted"),
                alt.Tooltip("pending:Q", title="Pending"),
                alt.Tooltip("conversion_rate:Q", title="Rate", format=".0%"),
            ],
        )
    )
    return projector(chart, height=max(140, 70 * max(shown.height, 1)))
