"""Timestamps as exports write them beyond the SPEC list: a weekday in front of the date."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from analytics.ingest.timestamps import parse_timestamps


def test_a_leading_weekday_is_ignored() -> None:
    values = [
        "Sun, 01 Mar 2026 10:00:00 GMT",  # RFC 2822 / HTTP date: 10:00 UTC
        "Sunday, March 1, 2026",  # midnight, local (UTC here)
        "Mon Mar 2 2026 09:30",
        "Sun, 01 Mar 2026 10:00:00 +0200",  # 10:00 at +02:00 = 08:00 UTC
    ]
    parsed = parse_timestamps(pl.Series(values))
    assert parsed.ts.to_list() == [
        datetime(2026, 3, 1, 10, 0),
        datetime(2026, 3, 1, 0, 0),
        datetime(2026, 3, 2, 9, 30),
        datetime(2026, 3, 1, 8, 0),
    ]


def test_a_weekday_alone_is_not_a_month() -> None:
    # "Sun 5 2026" has no month: unparseable, never a guess
    assert parse_timestamps(pl.Series(["Sun 5 2026"])).ts.to_list() == [None]
