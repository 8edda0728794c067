"""`adoption rollup`: events -> person_day, quarantine counts and report on DuckDB or Spark.

Writes `OUT/person_day/` (Parquet partitioned by month: person, day, events, active_events,
sources), `OUT/quarantine_counts.parquet` (input, reason, count) and `OUT/report.json` (one
object per input: read = loaded + duplicates + quarantined + suppressed). docs/scale.md.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from analytics.db import connection, execute, table_names
from analytics.ingest.columns import DEFAULT_SOURCE, plan_columns
from analytics.ingest.identity import (
    normalise_email_expr,
    normalise_user_expr,
    registered_keys,
    tombstoned_sql,
)
from analytics.ingest.keyring import erasure_keys
from analytics.ingest.timestamps import DATE_ORDERS, MONTH_FIRST
from analytics.rollup import query
from analytics.rollup.engines import DuckDBEngine, Engine, SparkEngine, roster_frame, spark_session
from analytics.rollup.inputs import InputSpec, RollupInputError, input_spec
from analytics.settings import Settings, check_timezone

COUNT_KEYS = ("read", "loaded", "duplicates", "quarantined", "suppressed")


@dataclass(frozen=True)
class RollupRequest:
    """Everything one rollup run needs (the command line, resolved)."""

    events: tuple[str, ...]
    out: Path
    source: str | None = None
    mapping: dict[str, str] | None = None
    roster: Path | None = None
    timezone: str = "UTC"
    date_order: str = MONTH_FIRST
    passive_events: tuple[str, ...] = ()
    db: Path | None = None  # erasure tombstones (and their key) come from this app database


def read_roster(path: Path | None) -> pl.DataFrame:
    """The roster's identity columns, normalised as the roster loader does."""
    if path is None:
        return roster_frame()
    raw = pl.read_csv(path, infer_schema=False)
    present = [c for c in ("user_id", "email", "github_login") if c in raw.columns]
    frame = raw.select(present).with_columns(
        pl.lit(None, pl.String).alias(c) for c in ("email", "github_login") if c not in present
    )
    return frame.select(
        normalise_user_expr(pl.col("user_id")).alias("user_id"),
        normalise_email_expr(pl.col("email")).alias("email"),
        pl.col("github_login"),
    ).filter(pl.col("user_id").is_not_null())


def _plan(engine: Engine, number: int, spec: InputSpec, request: RollupRequest) -> query.InputPlan:
    """Read one input into the engine and resolve its columns to fields."""
    columns = engine.read(number, spec)
    if spec.fmt == "json":  # the objects' keys, sorted: the same columns on either engine
        keys = engine.collect(query.json_keys_sql(number))
        columns = tuple(sorted(str(k) for k in keys["key"])) if keys.height else ()
    names = spec.header if spec.fmt == "csv" else columns
    plan = plan_columns(names, request.mapping)
    if plan.missing:
        raise RollupInputError(f"{spec.location}: no column for {', '.join(plan.missing)}")
    skip = (spec.header, *spec.preamble) if spec.fmt == "csv" else ()
    return query.InputPlan(number, columns, plan, skip, json_lines=spec.fmt == "json")


def erased_users(engine: Engine, db: Path | None) -> pl.DataFrame:
    """The input's users that are erasure tombstones of the app database (none without one)."""
    empty = pl.DataFrame(schema={"user_id": pl.String})
    if db is None or not Path(db).exists():
        return empty
    with connection(db, read_only=True) as con:
        if "tombstones" not in table_names(con):
            return empty
        keys = erasure_keys(con, create=False)
        if not keys or not execute(con, "SELECT count(*) FROM tombstones").fetchall()[0][0]:
            return empty
        users = engine.collect(query.users_sql()).select(pl.col("user_id").cast(pl.String))
        con.register("rollup_users", users)
        with registered_keys(con, keys):
            sql = f"SELECT user_id FROM rollup_users WHERE {tombstoned_sql('user_id')}"
            return con.sql(sql).pl()


def run_rollup(
    engine: Engine, request: RollupRequest, *, now: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Run the rollup on an engine, write OUT, and return the per-input report."""
    now = now or dt.datetime.now(dt.UTC)
    options = query.RollupOptions(
        source=request.source,
        timezone=request.timezone,
        date_order=request.date_order,
        passive_events=request.passive_events,
        now_utc=now.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
    )
    specs = [input_spec(location, request.mapping, engine.head) for location in request.events]
    engine.table("roster", read_roster(request.roster))
    plans = [_plan(engine, n, spec, request) for n, spec in enumerate(specs)]
    engine.view("checked", query.checked_sql(plans, options))
    engine.table("erased_users", erased_users(engine, request.db))
    engine.view("decided", query.decided_sql(), keep=True)
    request.out.mkdir(parents=True, exist_ok=True)
    engine.write_partitioned(query.person_day_sql(options), request.out / "person_day", "month")
    counts = _quarantine_counts(engine.collect(query.QUARANTINE_COUNTS_SQL), specs)
    counts.write_parquet(request.out / "quarantine_counts.parquet")
    report = _report(engine.collect(query.REPORT_SQL), counts, specs)
    (request.out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    return report


def _quarantine_counts(rows: pl.DataFrame, specs: Sequence[InputSpec]) -> pl.DataFrame:
    """input, reason, count; sorted (the same bytes from either engine)."""
    names = pl.DataFrame({"input_no": range(len(specs)), "input": [s.location for s in specs]})
    schema = {"input_no": pl.Int64, "reason": pl.String, "count": pl.Int64}
    frame = rows.cast(schema) if rows.height else pl.DataFrame(schema=schema)  # type: ignore[arg-type]
    joined = frame.join(names.cast({"input_no": pl.Int64}), on="input_no")
    return joined.select("input", "reason", "count").sort("input", "reason")


def _report(
    rows: pl.DataFrame, counts: pl.DataFrame, specs: Sequence[InputSpec]
) -> list[dict[str, Any]]:
    """One object per input (zeros for an empty one), checked to balance."""
    by_input = {int(r["input_no"]): r for r in rows.to_dicts()}
    report = []
    for number, spec in enumerate(specs):
        found = by_input.get(number, {})
        entry: dict[str, Any] = {"input": spec.location}
        entry.update({key: int(found.get(key) or 0) for key in COUNT_KEYS})
        reasons = counts.filter(pl.col("input") == spec.location)
        entry["quarantine_reasons"] = dict(zip(reasons["reason"], reasons["count"], strict=True))
        if entry["read"] != sum(entry[k] for k in COUNT_KEYS[1:]):
            raise AssertionError(f"{spec.location}: rows read do not balance: {entry}")
        report.append(entry)
    return report


def _request_from(args: dict[str, Any], settings: Settings) -> RollupRequest:
    """Options over settings: timezone, date order and mapping of the source."""
    source_name = args["source"] or DEFAULT_SOURCE
    timezone = check_timezone(args["tz"]) if args["tz"] else settings.timezone
    mapping = json.loads(Path(args["mapping"]).read_text()) if args["mapping"] else None
    order = args["date_order"] or settings.date_order.get(source_name) or MONTH_FIRST
    if order not in DATE_ORDERS:
        raise RollupInputError(f"date order must be one of {DATE_ORDERS}")
    return RollupRequest(
        events=tuple(args["events"]),
        out=Path(args["out"]),
        source=args["source"],
        mapping=mapping or settings.source_mappings.get(source_name),
        roster=args["roster"],
        timezone=timezone,
        date_order=order,
        passive_events=tuple(settings.passive_events),
        db=args["db"],
    )


def rollup_command(**args: Any) -> int:
    """`adoption rollup`: exit 0 and print the report; 2 when an input or option is refused."""
    settings = Settings()
    if args["db"] is not None and Path(args["db"]).exists():
        from analytics.state.store import get_settings  # deferred: SQLModel costs a second

        settings = get_settings(args["db"])
    try:
        request = _request_from(args, settings)
        engine: Engine = (
            SparkEngine(spark_session(args["master"]))
            if args["engine"] == "spark"
            else DuckDBEngine(settings.duckdb_memory_limit)
        )
        try:
            report = run_rollup(engine, request)
        finally:
            engine.close()
    except (RollupInputError, ValueError, OSError) as error:
        print(f"adoption rollup: {error}", file=sys.stderr)
        return 2
    except duckdb.OutOfMemoryException:
        print(
            f"adoption rollup: DuckDB ran out of memory within duckdb_memory_limit = "
            f"{settings.duckdb_memory_limit}: raise the setting, or run --engine spark",
            file=sys.stderr,
        )
        return 2
    print(json.dumps(report, indent=2))
    return 0
