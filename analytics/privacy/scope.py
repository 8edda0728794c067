"""Which people a viewer may see individually: everyone, their own cohort, or nobody."""

from __future__ import annotations

import polars as pl

from analytics.privacy.roles import CHAMPION, PRODUCT_MANAGER, Viewer


def cohort_ids(roster: pl.DataFrame, viewer: Viewer) -> pl.DataFrame:
    """One row per person assigned to the viewer as champion (column person_id), not themselves."""
    if viewer.role != CHAMPION or viewer.person_id is None or roster.is_empty():
        return pl.DataFrame(schema={"person_id": pl.String})
    return (
        roster.filter(
            pl.col("champion_id") == viewer.person_id,
            pl.col("user_id") != viewer.person_id,
        )
        .select(pl.col("user_id").alias("person_id"))
        .unique()
    )


def scope_people(
    frame: pl.DataFrame,
    viewer: Viewer,
    *,
    roster: pl.DataFrame | None = None,
    person_col: str = "person_id",
) -> pl.DataFrame:
    """Keep only the rows of people the viewer may see (same grain and columns as `frame`).

    Product manager: every row. Champion: the people whose assigned champion is the viewer
    (taken from the roster when given, else from the frame's own champion_id column). Leadership
    and no-access viewers: no rows at all (an empty frame with the same columns).
    """
    if viewer.role == PRODUCT_MANAGER:
        return frame
    if viewer.role != CHAMPION or viewer.person_id is None:
        return frame.clear()
    if roster is None:
        roster = frame.select(
            pl.col(person_col).alias("user_id"), pl.col("champion_id").cast(pl.String)
        )
    allowed = cohort_ids(roster, viewer).rename({"person_id": person_col})
    return frame.join(allowed, on=person_col, how="semi")
