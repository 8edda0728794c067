"""The rollout plan file (`--plan`, CSV wave,name,start,planned_size): validate, then store."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from analytics.ingest.longlines import DEFAULT_MAX_LINE_BYTES
from analytics.ingest.report import FileReport
from analytics.ingest.roster import RosterRefused, read_table_csv

REQUIRED = ("wave", "start")


def typed_plan(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed plan, one row per wave; unparseable values become null (checked by plan_errors)."""
    size = pl.col("planned_size").str.strip_chars()
    name = pl.col("name").str.strip_chars()
    frame = raw.with_columns(
        pl.lit(None, pl.String).alias(c) for c in ("name", "planned_size") if c not in raw.columns
    )
    if "line_no" not in frame.columns:  # the plan editor's table: header is line 1
        frame = frame.with_row_index("line_no", offset=2)
    return frame.select(
        "line_no",
        pl.col("wave").str.strip_chars().alias("wave_text"),
        pl.col("wave").str.strip_chars().cast(pl.Int64, strict=False).alias("wave"),
        pl.col("start").str.strip_chars().alias("start_text"),
        pl.col("start").str.strip_chars().str.strptime(pl.Date, "%Y-%m-%d", strict=False),
        pl.when(name.is_null() | (name == ""))
        .then(pl.format("Wave {}", pl.col("wave").str.strip_chars()))
        .otherwise(name)
        .alias("name"),
        size.alias("size_text"),
        size.cast(pl.Int64, strict=False).alias("planned_size"),
    )


def plan_errors(plan: pl.DataFrame) -> list[str]:
    """Every reason the plan cannot be used (empty list: valid)."""

    def lines(frame: pl.DataFrame, template: str, *columns: str) -> list[str]:
        message = pl.format("line {}: " + template, "line_no", *columns)
        return frame.select(message).to_series().to_list()

    errors = []
    if plan.height == 0:
        errors.append("the plan has no waves")
    errors += lines(
        plan.filter(pl.col("wave").is_null()), "wave '{}' is not a whole number", "wave_text"
    )
    errors += lines(
        plan.filter(pl.col("start").is_null()),
        "start '{}' is not a date (YYYY-MM-DD)",
        "start_text",
    )
    bad_size = plan.filter(
        pl.col("size_text").is_not_null()
        & (pl.col("size_text") != "")
        & (pl.col("planned_size").is_null() | (pl.col("planned_size") < 0))
    )
    errors += lines(bad_size, "planned_size '{}' is not a whole number", "size_text")
    repeated = plan.filter(pl.col("wave").is_not_null() & pl.col("wave").is_duplicated())
    if repeated.height:
        numbers = ", ".join(str(n) for n in repeated["wave"].unique().sort().to_list())
        errors.append(f"wave numbers repeated: {numbers}")
    ordered = plan.drop_nulls(["wave", "start"]).sort("wave", maintain_order=True)
    backwards = ordered.filter(pl.col("start") < pl.col("start").shift(1))
    errors += lines(backwards, "wave starts before the previous wave")
    return errors


def load_plan(
    db: Path | str, path: Path, *, max_line_bytes: int = DEFAULT_MAX_LINE_BYTES
) -> FileReport:
    """Validate a plan file and save it as the rollout plan; refused with reasons otherwise."""
    try:
        raw, notes = read_table_csv(path, ("wave",), max_line_bytes=max_line_bytes)
    except (RosterRefused, OSError, UnicodeError) as error:
        return FileReport.refused(str(path), str(error), kind="plan")
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        message = f"{path}: plan needs columns wave,name,start,planned_size; missing {missing}"
        return FileReport.refused(str(path), message, kind="plan")
    plan = typed_plan(raw)
    errors = plan_errors(plan)
    if errors:
        message = f"{path}: plan refused, previous plan kept: {'; '.join(errors)}"
        return FileReport.refused(str(path), message, kind="plan")
    from analytics.state.models import Wave  # SQLModel only when a plan is stored (issue 12)
    from analytics.state.store import save_plan

    waves = [
        Wave(number=r["wave"], name=r["name"], start=r["start"], planned_size=r["planned_size"])
        for r in plan.sort("wave").to_dicts()
    ]
    save_plan(db, waves=waves)
    return FileReport(
        file=str(path), kind="plan", read=plan.height, loaded=plan.height, warnings=notes
    )
