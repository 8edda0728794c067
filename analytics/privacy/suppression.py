"""Leadership sees groups, never people: small groups are suppressed so nobody can be singled out.

Two rules (SPEC 6): a group smaller than the minimum group size shows "fewer than N people" and
no numbers; when a parent (or the whole table) has exactly one suppressed group, the
next-smallest sibling is suppressed too, so the hidden count cannot be worked out by subtracting
the shown groups from the shown total. Leadership filters only choose which released rows to
show and never aggregate over a selection, so no filter can narrow a number below the minimum.
"""

from __future__ import annotations

import polars as pl

ROW = "_row"


def suppressed_label(min_size: int) -> str:
    """The text shown instead of numbers for a suppressed group."""
    return f"fewer than {min_size} people"


def _suppress_level(
    table: pl.DataFrame, *, group: str, count: str, by: list[str], forced: pl.Expr, min_size: int
) -> pl.Series:
    """Suppressed flag per row: primary (small or forced) plus one complementary per sibling set.

    Siblings are the rows sharing the `by` columns (all rows when `by` is empty). When exactly
    one sibling is suppressed and others are shown, the smallest shown one (ties: by group name)
    is suppressed too.
    """
    primary = (pl.col(count).fill_null(0) < min_size) | forced
    over = by or None
    ranked = (
        table.with_row_index(ROW)
        .with_columns(primary.alias("_primary"))
        .sort([*by, count, group], nulls_last=True)
        .with_columns(
            pl.col("_primary").sum().over(over).alias("_n_primary")
            if over
            else pl.col("_primary").sum().alias("_n_primary"),
            (~pl.col("_primary")).cast(pl.Int64).cum_sum().over(over).alias("_shown_rank")
            if over
            else (~pl.col("_primary")).cast(pl.Int64).cum_sum().alias("_shown_rank"),
        )
        .with_columns(
            (
                pl.col("_primary")
                | ((pl.col("_n_primary") == 1) & ~pl.col("_primary") & (pl.col("_shown_rank") == 1))
            ).alias("_suppressed")
        )
        .sort(ROW)
    )
    return ranked["_suppressed"]


def suppress_parents(
    table: pl.DataFrame, *, count: str, parent: str, min_size: int = 5
) -> pl.DataFrame:
    """Parent totals (one row per parent: parent, count, suppressed) with the same rules."""
    totals = table.group_by(parent).agg(pl.col(count).fill_null(0).sum()).sort(parent)
    flags = _suppress_level(
        totals, group=parent, count=count, by=[], forced=pl.lit(False), min_size=min_size
    )
    return totals.with_columns(flags.alias("suppressed"))


def suppress_small_groups(
    table: pl.DataFrame,
    *,
    group: str,
    count: str,
    parent: str | None = None,
    min_size: int = 5,
) -> pl.DataFrame:
    """Hide the numbers of small groups in a leadership table (one row per group).

    Adds `suppressed` (bool) and `note` ("fewer than N people" when suppressed), and nulls the
    count and every other numeric column of a suppressed row. With `parent` (e.g. region), a
    suppressed parent total suppresses all its groups, and complementary suppression works
    within each parent; without it, within the whole table (whose total is assumed shown).
    """
    if table.is_empty():
        return table.with_columns(
            pl.lit(False).alias("suppressed"), pl.lit(None, pl.String).alias("note")
        )
    forced = pl.lit(False)
    by: list[str] = []
    if parent is not None:
        parents = suppress_parents(table, count=count, parent=parent, min_size=min_size)
        hidden = parents.filter("suppressed")[parent]
        forced = pl.col(parent).is_in(hidden.implode())
        by = [parent]
    flags = _suppress_level(
        table, group=group, count=count, by=by, forced=forced, min_size=min_size
    )
    keys = {group, parent}
    numbers = [n for n, d in table.schema.items() if n not in keys and d.is_numeric()]
    return table.with_columns(flags.alias("suppressed")).with_columns(
        *(pl.when(pl.col("suppressed")).then(None).otherwise(pl.col(n)).alias(n) for n in numbers),
        pl.when(pl.col("suppressed"))
        .then(pl.lit(suppressed_label(min_size)))
        .otherwise(None)
        .alias("note"),
    )
