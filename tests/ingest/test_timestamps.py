"""Timestamp parsing: every accepted format to a hand-computed UTC instant, DST, date order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.ingest.timestamps import (
    NOTE_DEFAULT,
    NOTE_FIRST_FIELD,
    NOTE_SECOND_FIELD,
    NOTE_SETTING,
    in_range,
    parse_timestamps,
)


def _parse(values: list[str | None], **kwargs) -> list[datetime | None]:
    """Parsed instants (naive UTC) of a list of strings."""
    return parse_timestamps(pl.Series(values, dtype=pl.String), **kwargs).ts.to_list()


# 1767607200 = 2026-01-05 10:00:00 UTC: 2026-01-01 is day 56*365 + 14 leap days = 20454 after
# 1970-01-01, so 20454*86400 = 1767225600, plus 4 days (345600) and 10 hours (36000).
JAN5_10H = datetime(2026, 1, 5, 10, 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05T10:00:00Z", JAN5_10H),
        ("2026-01-05T10:00:00z", JAN5_10H),
        ("2026-01-05 10:00:00Z", JAN5_10H),
        ("2026-01-05T12:00:00+02:00", JAN5_10H),  # 12:00 at +2 h is 10:00 UTC
        ("2026-01-05T12:00:00+0200", JAN5_10H),
        ("2026-01-05 05:00:00-05:00", JAN5_10H),  # 05:00 at -5 h is 10:00 UTC
        ("2026-01-05T12:00+02", JAN5_10H),
        ("2026-01-05T10:00:00.123456Z", JAN5_10H + timedelta(microseconds=123456)),
        ("2026-01-05T10:00:00.5Z", JAN5_10H + timedelta(microseconds=500000)),
        ("2026-01-05 10:00:00 UTC", JAN5_10H),
        ("2026-01-05 10:00:00", JAN5_10H),  # naive, organisation timezone UTC
        ("2026-01-05 10:00", JAN5_10H),
        ("2026-01-05T10:00", JAN5_10H),
        ("2026-01-05", datetime(2026, 1, 5)),
        ("2026/01/05 10:00", JAN5_10H),
        ("  2026-01-05 10:00  ", JAN5_10H),
        ("Jan 5 2026", datetime(2026, 1, 5)),
        ("Jan 5, 2026", datetime(2026, 1, 5)),
        ("January 5th, 2026 10:00", JAN5_10H),
        ("5 Jan 2026", datetime(2026, 1, 5)),
        ("05-Jan-2026 10:00", JAN5_10H),
        ("20260105", datetime(2026, 1, 5)),
        ("1767607200", JAN5_10H),  # epoch seconds (see above)
        ("1767607200000", JAN5_10H),  # epoch milliseconds
        ("1767607200.25", JAN5_10H + timedelta(microseconds=250000)),
        ("1767607200500", JAN5_10H + timedelta(microseconds=500000)),  # ms with a half second
    ],
)
def test_each_format_to_utc(text: str, expected: datetime) -> None:
    assert _parse([text]) == [expected]


@pytest.mark.parametrize(
    "text",
    ["garbage", "2026-02-30", "2026-13-01", "2026-01-05 25:00", "", "   ", "yesterday",
     "2026-01-05T10:00:00+99:00", "Foo 5 2026", "13 PM 01/05/2026", None],
)  # fmt: skip
def test_unparseable_values_are_null_never_now(text: str | None) -> None:
    assert _parse([text]) == [None]


def test_numeric_dates_month_first_by_default_with_time_and_meridiem() -> None:
    parsed = parse_timestamps(pl.Series(["01/05/2026", "01/05/2026 3:04 PM", "1/5/2026 12:00 AM"]))
    assert parsed.ts.to_list() == [
        datetime(2026, 1, 5),
        datetime(2026, 1, 5, 15, 4),  # 3 PM is 15:00
        datetime(2026, 1, 5, 0, 0),  # 12 AM is midnight
    ]
    assert (parsed.date_order, parsed.date_order_note) == ("month_first", NOTE_DEFAULT)


def test_a_first_field_over_12_settles_day_first_for_the_whole_file() -> None:
    parsed = parse_timestamps(pl.Series(["13/01/2026 10:30", "01/02/2026", "05.01.2026 10:00"]))
    assert parsed.ts.to_list() == [
        datetime(2026, 1, 13, 10, 30),
        datetime(2026, 2, 1),  # day 1, month 2
        datetime(2026, 1, 5, 10, 0),  # dots follow the same decision
    ]
    assert (parsed.date_order, parsed.date_order_note) == ("day_first", NOTE_FIRST_FIELD)


def test_a_second_field_over_12_settles_month_first() -> None:
    parsed = parse_timestamps(
        pl.Series(["01/13/2026", "02/01/2026"]), date_order_setting="day_first"
    )
    assert parsed.ts.to_list() == [datetime(2026, 1, 13), datetime(2026, 2, 1)]
    assert (parsed.date_order, parsed.date_order_note) == ("month_first", NOTE_SECOND_FIELD)


def test_the_source_setting_decides_when_nothing_settles_it() -> None:
    parsed = parse_timestamps(pl.Series(["01/02/2026"]), date_order_setting="day_first")
    assert parsed.ts.to_list() == [datetime(2026, 2, 1)]
    assert (parsed.date_order, parsed.date_order_note) == ("day_first", NOTE_SETTING)


def test_no_numeric_dates_means_no_date_order() -> None:
    parsed = parse_timestamps(pl.Series(["2026-01-05", "Jan 5 2026"]))
    assert (parsed.date_order, parsed.date_order_note) == (None, None)


def test_a_value_contradicting_the_file_order_is_unparseable() -> None:
    # 13/01 settles day-first, so 01/13 would be month 13: unparseable, not silently swapped.
    assert _parse(["13/01/2026", "01/13/2026"]) == [datetime(2026, 1, 13), None]


def test_bad_date_order_setting_is_an_error() -> None:
    with pytest.raises(ValueError, match="date order"):
        parse_timestamps(pl.Series(["01/02/2026"]), date_order_setting="year_first")


def test_unknown_timezone_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown timezone"):
        parse_timestamps(pl.Series(["2026-01-05"]), timezone="Mars/Olympus")


def test_naive_times_are_local_to_the_organisation_timezone() -> None:
    values = ["2026-01-05 10:00", "2026-07-01 12:00:00", "2026-01-05T10:00:00Z", "01/05/2026"]
    assert _parse(values, timezone="America/New_York") == [
        datetime(2026, 1, 5, 15, 0),  # EST is UTC-5: 10:00 + 5 h
        datetime(2026, 7, 1, 16, 0),  # EDT is UTC-4: 12:00 + 4 h
        JAN5_10H,  # an explicit Z ignores the organisation timezone
        datetime(2026, 1, 5, 5, 0),  # midnight EST
    ]
    assert _parse(["2026-07-01 12:00"], timezone="Europe/Berlin") == [
        datetime(2026, 7, 1, 10, 0)  # CEST is UTC+2
    ]


def test_a_time_in_the_spring_forward_gap_moves_forward() -> None:
    # New York skips 02:00-03:00 on 2026-03-08: 02:30 becomes 03:30 EDT = 07:30 UTC.
    assert (
        _parse(["2026-03-08 02:30", "2026-03-08 02:30:00"], timezone="America/New_York")
        == [datetime(2026, 3, 8, 7, 30)] * 2
    )


def test_a_time_in_the_fall_back_overlap_takes_the_earlier_instant() -> None:
    # 01:30 happens twice on 2026-11-01 in New York; the first is EDT (UTC-4) = 05:30 UTC.
    assert _parse(["2026-11-01 01:30"], timezone="America/New_York") == [
        datetime(2026, 11, 1, 5, 30)
    ]


def test_range_bounds_are_2000_and_one_day_after_ingest() -> None:
    now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    values = [
        datetime(1999, 12, 31, 23, 59, 59),
        datetime(2000, 1, 1),
        datetime(2026, 6, 2, 12, 0),  # exactly one day after now: still in range
        datetime(2026, 6, 2, 12, 0, 0, 1),
    ]
    frame = pl.DataFrame({"ts": values})
    assert frame.select(in_range(pl.col("ts"), now))["ts"].to_list() == [False, True, True, False]


def test_epoch_magnitudes_and_large_numbers() -> None:
    # 946684800 = 2000-01-01 in seconds (10957 days * 86400); in ms and us the same instant.
    values = ["946684800", "946684800000", "946684800000000", "12345"]
    assert _parse(values) == [datetime(2000, 1, 1)] * 3 + [datetime(1970, 1, 1, 3, 25, 45)]


instants = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31))


@settings(max_examples=60, deadline=None)
@given(instants, st.integers(min_value=-12 * 4, max_value=14 * 4))
def test_iso_with_any_offset_round_trips(instant: datetime, quarter_hours: int) -> None:
    offset = timedelta(minutes=15 * quarter_hours)
    local = instant + offset
    sign = "-" if quarter_hours < 0 else "+"
    minutes = abs(quarter_hours) * 15
    text = f"{local:%Y-%m-%dT%H:%M:%S.%f}{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    assert _parse([text]) == [instant]


@settings(max_examples=60, deadline=None)
@given(instants)
def test_epoch_seconds_and_milliseconds_round_trip(instant: datetime) -> None:
    whole = instant.replace(microsecond=0)
    seconds = int(whole.replace(tzinfo=UTC).timestamp())
    assert _parse([str(seconds), str(seconds * 1000)]) == [whole, whole]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.dates(min_value=datetime(2000, 1, 1).date()), min_size=1, max_size=8))
def test_day_first_files_round_trip_when_a_day_exceeds_12(days: list) -> None:
    days = [*days, datetime(2026, 1, 13).date()]  # guarantees the file is settled day-first
    parsed = parse_timestamps(pl.Series([f"{d:%d/%m/%Y}" for d in days]))
    assert parsed.date_order == "day_first"
    assert parsed.ts.to_list() == [datetime(d.year, d.month, d.day) for d in days]


@settings(max_examples=40, deadline=None)
@given(st.text(max_size=30))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert len(_parse([text])) == 1


def test_a_garbage_date_does_not_settle_the_file_order() -> None:
    # 31/31 is no date either way, so it settles nothing: 03/04 stays month-first (the default),
    # i.e. 4 March, and the garbage value is unparseable.
    parsed = parse_timestamps(pl.Series(["31/31/2026", "03/04/2026"]))
    assert parsed.ts.to_list() == [None, datetime(2026, 3, 4)]
    assert parsed.date_order == "month_first"


# --- the fast paths agree with the general regex path ---------------------------------------

_two = st.integers(min_value=0, max_value=39).map(lambda n: f"{n:02d}")  # 00..39: some invalid
_fixed_numeric = st.builds(
    lambda a, s1, b, s2, y, clock: f"{a}{s1}{b}{s2}{y}{clock}",
    _two,
    st.sampled_from("/.-"),
    _two,
    st.sampled_from("/.-"),
    st.integers(min_value=1990, max_value=2099).map(str),
    st.one_of(
        st.just(""),
        st.builds(
            lambda h, m, sec: f" {h:02d}:{m:02d}{sec}",
            st.integers(0, 29),
            st.integers(0, 69),
            st.one_of(st.just(""), st.integers(0, 69).map(lambda n: f":{n:02d}")),
        ),
    ),
)
_digits = st.integers(min_value=0, max_value=10**20).map(str)  # epochs, 8-digit dates, overflow
_near_misses = st.sampled_from(
    [
        "1/5/2026 9:05",  # unpadded: regex path
        "01/05/2026 09:05 PM",
        "01/05/2026T09:05",
        "01/05/2026 24:00",
        "02/29/2024 23:59:59",
        "29.02.2025",
        "0000000000",
        "+1767607200",
        "1767607200.5",
        "\u0661\u0667\u0666\u0667\u0666\u0660\u0667\u0662\u0660\u0660",  # Arabic-Indic digits
        "2026-01-05T10:00:00Z",
        "2026-01-05 10:00",
        "Jan 5 2026",
        "20260105",
        "",
        "n/a",
    ]
)
_values = st.lists(st.one_of(_fixed_numeric, _digits, _near_misses, st.none()), max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    _values,
    st.sampled_from(["UTC", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe"]),
    st.sampled_from([None, "day_first", "month_first"]),
)
def test_fast_paths_agree_with_the_general_path(
    values: list[str | None], timezone: str, setting: str | None
) -> None:
    series = pl.Series(values, dtype=pl.String)
    options = {"timezone": timezone, "date_order_setting": setting}
    fast = parse_timestamps(series, **options)
    general = parse_timestamps(series, fast_paths=False, **options)
    assert fast.ts.to_list() == general.ts.to_list()
    assert (fast.date_order, fast.date_order_note) == (general.date_order, general.date_order_note)


def test_fixed_width_numeric_dates_follow_the_file_order_and_zone() -> None:
    # 25 > 12 settles month-first; 02/25/2026 08:35 in New York (EST, UTC-5) is 13:35 UTC;
    # 03/08/2026 02:30 is in the spring-forward gap (02:00 -> 03:00) and moves to 03:30 EDT,
    # 07:30 UTC; 02/30 and 01/32 are no dates: unparseable.
    values = ["02/25/2026 08:35", "03/08/2026 02:30", "02/30/2026 10:00", "01/32/2026", "1.2.2026"]
    parsed = parse_timestamps(pl.Series(values), timezone="America/New_York")
    assert parsed.date_order == "month_first"
    assert parsed.ts.to_list() == [
        datetime(2026, 2, 25, 13, 35),
        datetime(2026, 3, 8, 7, 30),
        None,
        None,
        datetime(2026, 1, 2, 5, 0),  # unpadded (regex path), month-first: 2 January
    ]
