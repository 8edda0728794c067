"""One local SparkSession for every Spark test (local[2], two shuffle partitions, quiet)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from analytics.rollup.engines import spark_session


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    """Started once per test run; stopped at the end."""
    session = spark_session("local[2]", shuffle_partitions=2)
    yield session
    session.stop()
