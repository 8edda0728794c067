"""The two engines that run the rollup query: DuckDB (one machine) and Spark (local or cluster).

Each engine only reads inputs into views of text columns, registers small tables and runs the
statements of `query.py` (Spark's transpiled); the definition of the rollup lives there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import duckdb
import polars as pl

from analytics.db import define_rules
from analytics.rollup import query
from analytics.rollup.inputs import InputSpec, RollupInputError
from analytics.rollup.rules import literal

ROSTER_SCHEMA = {"user_id": pl.String, "email": pl.String, "github_login": pl.String}
JSON_LINE_MAX_BYTES = 16_777_216  # DuckDB's read_json object cap, kept for JSON Lines
JAVA_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"  # used when JAVA_HOME is unset and it exists


class Engine(Protocol):
    """What the rollup command needs from an engine."""

    def head(self, location: str, count: int) -> list[str | None]:
        """The first lines of the first file a location names (the CSV sniff reads them)."""

    def read(self, number: int, spec: InputSpec) -> tuple[str, ...]:
        """Register input `number` as view input_<number>; its column names."""

    def table(self, name: str, frame: pl.DataFrame) -> None:
        """Register a small table (roster, erased users)."""

    def view(self, name: str, sql: str, *, keep: bool = False) -> None:
        """Define a view from a statement (kept: computed once and reused)."""

    def collect(self, sql: str) -> pl.DataFrame:
        """A small result on the driver."""

    def write_partitioned(self, sql: str, folder: Path, by: str) -> None:
        """Write a result as Parquet partitioned by a column (folder replaced)."""

    def close(self) -> None:
        """Release the engine."""


class DuckDBEngine:
    """The rollup on DuckDB, in memory."""

    def __init__(self, memory_limit: str | None = None) -> None:
        self.con = duckdb.connect(config={"autoinstall_known_extensions": False})
        if memory_limit:
            self.con.execute("SET memory_limit = ?", [memory_limit])
        self.con.execute("SET enable_progress_bar = false")
        self.con.execute(query.DUCKDB_PRIMITIVES_SQL)

    def head(self, location: str, count: int) -> list[str | None]:
        """glob() names the first file (any file system DuckDB reads); its lines as one column."""
        try:
            files = self.con.execute("SELECT file FROM glob(?) ORDER BY file LIMIT 1", [location])
            first = files.fetchall()
            if not first:
                raise RollupInputError(f"{location}: no such file")
            rows = self.con.execute(
                f"SELECT line FROM {_lines_sql(first[0][0])} LIMIT {int(count)}"
            ).fetchall()
        except duckdb.Error as error:
            raise RollupInputError(f"{location}: {str(error).splitlines()[0]}") from error
        return [row[0] for row in rows]

    def read(self, number: int, spec: InputSpec) -> tuple[str, ...]:
        """Parquet, JSON Lines (text lines, parsed by the query) or headerless CSV."""
        where = literal(spec.location)
        if spec.fmt == "parquet":
            source = f"read_parquet({where})"
        elif spec.fmt == "json":
            source = _lines_sql(spec.location)
        else:
            names = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(spec.header)))
            source = (
                f"read_csv({where}, delim = {literal(spec.delimiter)}, header = false, "
                "quote = '\"', escape = '\"', columns = {" + names + "}, null_padding = true, "
                "strict_mode = false, auto_detect = false)"
            )
        self.con.execute(f"CREATE OR REPLACE TEMP VIEW input_{number} AS SELECT * FROM {source}")
        rows = self.con.execute(f"DESCRIBE input_{number}").fetchall()
        return tuple(row[0] for row in rows)

    def table(self, name: str, frame: pl.DataFrame) -> None:
        """A temp table copied from a polars frame."""
        self.con.register("_frame", frame)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _frame")
        self.con.unregister("_frame")
        if name == "roster":
            define_rules(self.con)  # local_day and identities, as the app defines them

    def view(self, name: str, sql: str, *, keep: bool = False) -> None:
        """A temp view, or a temp table when kept."""
        kind = "TABLE" if keep else "VIEW"
        self.con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {sql}")

    def collect(self, sql: str) -> pl.DataFrame:
        """The result as a polars frame."""
        return self.con.sql(sql).pl()

    def write_partitioned(self, sql: str, folder: Path, by: str) -> None:
        """COPY ... PARTITION_BY."""
        shutil.rmtree(folder, ignore_errors=True)
        self.con.execute(
            f"COPY ({sql}) TO '{_path_literal(folder)}' (FORMAT parquet, PARTITION_BY ({by}))"
        )

    def close(self) -> None:
        """Close the in-memory database."""
        self.con.close()


def _lines_sql(location: str) -> str:
    """read_csv of a location as text lines, one column `line` (gzip by name).

    One column: NUL never splits a line that is valid JSON or a CSV header worth finding.
    """
    return (
        f"read_csv({literal(location)}, columns = {{'line': 'VARCHAR'}}, header = false, "
        "delim = chr(0), quote = '', escape = '', auto_detect = false, "
        f"strict_mode = false, max_line_size = {JSON_LINE_MAX_BYTES})"
    )


def _path_literal(path: Path | str) -> str:
    """A path inside a SQL string literal (COPY takes no parameter for its target)."""
    return str(path).replace("'", "''")


def spark_session(master: str | None, shuffle_partitions: int | None = None) -> Any:
    """A SparkSession in UTC with quiet logs (local[*] unless a master is given)."""
    if "JAVA_HOME" not in os.environ and Path(JAVA_HOME).is_dir():
        os.environ["JAVA_HOME"] = JAVA_HOME
    from pyspark.sql import SparkSession  # deferred: pyspark costs seconds, DuckDB runs need none

    builder = (
        SparkSession.builder.appName("adoption-rollup")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "true")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.adaptive.enabled", "true")
    )
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # spark-submit or a cluster started us
    if master:
        builder = builder.master(master)
    elif not submitted and not os.environ.get("SPARK_HOME"):
        builder = builder.master("local[*]")
    if shuffle_partitions is None and not submitted and (master or "local").startswith("local"):
        shuffle_partitions = 4  # a few per core; a cluster keeps its own setting (docs/scale.md)
    if shuffle_partitions:
        builder = builder.config("spark.sql.shuffle.partitions", str(shuffle_partitions))
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session


class SparkEngine:
    """The rollup on Spark: the same statements, transpiled."""

    def __init__(self, session: Any) -> None:
        self.spark = session
        self.kept: list[Any] = []

    def head(self, location: str, count: int) -> list[str | None]:
        """The listing's first file (sorted, as DuckDB's glob), read as text lines."""
        from py4j.protocol import Py4JJavaError  # deferred with pyspark itself
        from pyspark.errors import PySparkException

        try:
            files = sorted(self.spark.read.text(location).inputFiles())
            if not files:
                raise RollupInputError(f"{location}: no such file")
            rows = self.spark.read.text(files[0]).limit(count).collect()
        except PySparkException as error:  # e.g. [PATH_NOT_FOUND]
            raise RollupInputError(f"{location}: {str(error).splitlines()[0]}") from error
        except Py4JJavaError as error:  # e.g. no FileSystem class for the URI's scheme
            raise RollupInputError(f"{location}: {error.java_exception.toString()}") from error
        return [row.value for row in rows]

    def read(self, number: int, spec: InputSpec) -> tuple[str, ...]:
        """Parquet, JSON Lines (text lines, parsed by the query) or headerless CSV."""
        reader = self.spark.read
        if spec.fmt == "parquet":
            frame = reader.parquet(spec.location)
        elif spec.fmt == "json":
            frame = reader.text(spec.location).withColumnRenamed("value", "line")
        else:
            schema = ", ".join(f"c{i} STRING" for i in range(len(spec.header)))
            frame = reader.csv(
                spec.location,
                schema=schema,
                sep=spec.delimiter,
                header=False,
                quote='"',
                escape='"',
                mode="PERMISSIVE",
            )
        frame.createOrReplaceTempView(f"input_{number}")
        return tuple(frame.columns)

    def table(self, name: str, frame: pl.DataFrame) -> None:
        """A temp view of a small frame (all text columns)."""
        schema = ", ".join(f"`{c}` STRING" for c in frame.columns)
        rows = frame.cast(pl.String).rows()
        self.spark.createDataFrame(rows, schema=schema).createOrReplaceTempView(name)

    def view(self, name: str, sql: str, *, keep: bool = False) -> None:
        """A temp view; kept ones are persisted (computed once)."""
        frame = self.spark.sql(query.to_spark(sql))
        if keep:
            frame = frame.persist()
            self.kept.append(frame)
        frame.createOrReplaceTempView(name)

    def collect(self, sql: str) -> pl.DataFrame:
        """The rows on the driver as a polars frame."""
        frame = self.spark.sql(query.to_spark(sql))
        rows = [row.asDict() for row in frame.collect()]
        return pl.DataFrame(rows) if rows else pl.DataFrame(schema=frame.columns)

    def write_partitioned(self, sql: str, folder: Path | str, by: str) -> None:
        """DataFrameWriter.partitionBy, overwriting."""
        frame = self.spark.sql(query.to_spark(sql))
        frame.write.mode("overwrite").partitionBy(by).parquet(str(folder))

    def close(self) -> None:
        """Release the cached results (the session stays for its owner)."""
        for frame in self.kept:
            frame.unpersist()


def roster_frame(rows: Sequence[dict[str, str | None]] = ()) -> pl.DataFrame:
    """An empty or given roster in the shape the identities rule reads."""
    return pl.DataFrame(list(rows), schema=ROSTER_SCHEMA)
