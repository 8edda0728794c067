"""Timestamps in the many shapes sources write them, parsed vectorised into UTC instants.

Each value is matched against a few regular expressions (one per family below), its parts are
pulled out as columns, and one strict `strptime` over a canonical `Y-M-D H:M:S` string rejects
impossible dates (Feb 30, hour 25). Families, tried on the trimmed value:

- ISO 8601 and friends: `2026-01-05`, `2026-01-05 10:00[:00[.123456]]`, `2026-01-05T10:00:00Z`,
  offsets `+02:00`, `+0200`, `+02`, `Z`, `UTC`, `GMT`; `/` also accepted between year-first parts.
- Numeric day/month: `MM/DD/YYYY` or `DD/MM/YYYY` (also `.` and `-` separators), optional time
  and AM/PM. The order is one decision per file (see `decide_date_order`).
- Month names: `Jan 5 2026`, `Jan 5, 2026`, `January 5th, 2026`, `5 Jan 2026`, `05-Jan-2026`,
  optionally after a weekday (`Sun, 01 Mar 2026 10:00:00 GMT`, `Sunday, March 1, 2026`).
- Compact `YYYYMMDD` (exactly 8 digits).
- Epoch numbers, decided by magnitude of the integer part: below 1e11 seconds, below 1e14
  milliseconds, below 1e17 microseconds, else nanoseconds (an 8-digit number is a compact date).

A value with an offset is exact. A value without one is a wall-clock time in the organisation's
timezone: in a DST gap it moves forward by the gap (02:30 becomes 03:30 on a spring-forward
night), in an overlap the earlier instant is taken. Results are naive UTC `Datetime("us")`;
anything else is null (the caller quarantines it; a bad value never becomes "now").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import polars as pl

from analytics.settings import check_timezone

DAY_FIRST = "day_first"
MONTH_FIRST = "month_first"
DATE_ORDERS = (DAY_FIRST, MONTH_FIRST)
NOTE_FIRST_FIELD = "settled by a value whose first field exceeds 12"
NOTE_SECOND_FIELD = "settled by a value whose second field exceeds 12"
NOTE_SETTING = "source setting"
NOTE_DEFAULT = "default month-first (nothing settled it)"

EARLIEST = datetime(2000, 1, 1)
LATEST_AHEAD = timedelta(days=1)

_TIME = (
    r"(?:(?:\s*,\s*|\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?)?"
    r"\s*(?P<ap>[AP]\.?M\.?)?)?"
)
_OFFSET = r"\s*(?:(?P<z>Z|UTC|GMT)|(?P<sg>[+-])(?P<oh>\d{2}):?(?P<om>\d{2})?)?$"
_DATE_ISO = r"(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2})"
_DATE_NUMERIC = r"(?P<a>\d{1,2})[/.\-](?P<b>\d{1,2})[/.\-](?P<y>\d{4})"
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s+)?"  # "Sun, " is ignored
_DATE_MONTH_FIRST = (
    _WEEKDAY + r"(?P<mon>[A-Z]{3,9})\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})"
)
_DATE_DAY_FIRST = (
    _WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[\s\-]+(?P<mon>[A-Z]{3,9})\.?,?[\s\-]+(?P<y>\d{4})"
)

PATTERNS: dict[str, str] = {
    "iso": rf"(?i)^{_DATE_ISO}{_TIME}{_OFFSET}",
    "numeric": rf"(?i)^{_DATE_NUMERIC}{_TIME}{_OFFSET}",
    "month_first": rf"(?i)^{_DATE_MONTH_FIRST}{_TIME}{_OFFSET}",
    "day_first": rf"(?i)^{_DATE_DAY_FIRST}{_TIME}{_OFFSET}",
    "compact": r"^(?P<y>\d{4})(?P<mo>\d{2})(?P<d>\d{2})$",
}
_EPOCH = r"^(?P<int>\d{1,19})(?:\.(?P<frac>\d+))?$"

_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_FULL = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip
MONTH_NUMBERS: dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(_MONTHS)},
    **{name: i + 1 for i, name in enumerate(_FULL)},
    "sept": 9,
}


@dataclass
class ParsedTimestamps:
    """Parsed instants (naive UTC, null when unusable) and the file's day/month decision."""

    ts: pl.Series
    date_order: str | None
    date_order_note: str | None


# Common exact shapes parsed directly by strptime before the general regex path (speed only:
# the regex path gives the same result for them). "aware" formats carry their own offset.
FAST_FORMATS: tuple[tuple[str, bool], ...] = (
    ("%Y-%m-%dT%H:%M:%S%.f%#z", True),
    ("%Y-%m-%d %H:%M:%S%.f", False),
    ("%Y-%m-%dT%H:%M:%S%.f", False),
    ("%Y-%m-%d %H:%M:%S%.f%#z", True),
)


# Fixed-width numeric dates (`MM/DD/YYYY`, `DD.MM.YYYY`, `-` too) with an optional ` HH:MM` or
# ` HH:MM:SS`: a subset of the "numeric" family parsed without the regex captures (speed only).
# Hours, minutes and seconds are limited to valid values so that strptime has no leap second or
# hour 24 to judge; anything else, and any value this path cannot parse, takes the regex path.
_NUMERIC_SHAPE = (
    r"^[0-9]{2}[/.\-][0-9]{2}[/.\-][0-9]{4}(?: (?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?$"
)
# Epoch numbers written as plain ASCII digits (not 8 of them: that is a compact date).
_DIGITS = r"^[0-9]{1,19}$"


def parse_timestamps(
    values: pl.Series,
    *,
    timezone: str = "UTC",
    date_order_setting: str | None = None,
    fast_paths: bool = True,
) -> ParsedTimestamps:
    """Parse a String series of timestamps; one output per input, same order.

    `fast_paths=False` sends every value through the general regex path (the reference the
    fast paths must agree with; tests only).
    """
    check_timezone(timezone)
    if date_order_setting is not None and date_order_setting not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {DATE_ORDERS}, not {date_order_setting!r}")
    pending = pl.DataFrame({"v": values.cast(pl.String).str.strip_chars()}).with_row_index("i")
    everything = pending.select("i")
    pending = pending.filter(pl.col("v") != "")
    found: list[pl.DataFrame] = []
    attempts = [(_fast_epoch(), None), *((_fast(fmt), aware) for fmt, aware in FAST_FORMATS)]
    for parsed, aware in attempts if fast_paths else []:
        tried = pending.with_columns(parsed.alias("ts"))
        hits = tried.filter(pl.col("ts").is_not_null())  # zones converted for these rows only
        found.append(hits.select("i", _fast_to_utc(aware, timezone).alias("ts")))
        pending = tried.filter(pl.col("ts").is_null()).drop("ts")
    shaped = pl.col("v").str.contains(_NUMERIC_SHAPE) if fast_paths else pl.lit(False)
    pending = pending.with_columns(shaped.alias("shaped"))
    numeric = pending.filter(pl.col("shaped")).drop("shaped")
    pending = pending.filter(~pl.col("shaped")).drop("shaped")
    slow, date_order, note = _parse_general(pending, numeric, timezone, date_order_setting)
    ts = everything.join(pl.concat([*found, slow]), on="i", how="left").sort("i")["ts"]
    return ParsedTimestamps(ts.alias(values.name), date_order, note)


def _fast(fmt: str) -> pl.Expr:
    """One common exact format (aware when it has an offset, else local wall-clock); null if not."""
    return pl.col("v").str.strptime(pl.Datetime("us"), fmt, strict=False)


def _fast_to_utc(aware: bool | None, timezone: str) -> pl.Expr:
    """A fast path's `ts` as naive UTC: aware converted, wall-clock localised, None as it is."""
    if aware is None:
        return pl.col("ts")
    if aware:
        return pl.col("ts").dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return local_to_utc(pl.col("ts"), timezone)


def _parse_general(
    pending: pl.DataFrame, fixed: pl.DataFrame, timezone: str, date_order_setting: str | None
) -> tuple[pl.DataFrame, str | None, str | None]:
    """Everything the fast formats did not take: (i, ts) and the file's date order.

    `pending` (i, v) takes the regex path; `fixed` (i, v) holds fixed-width numeric dates
    (_NUMERIC_SHAPE), parsed by one exact strptime format per layout once the date order,
    decided over both, is known; those it cannot parse take the regex path too, so either way
    the result is the regex path's.
    """
    matched = _match(pending)
    firsts = pl.concat(
        [
            matched["numeric"].struct.unnest().select("a", "b"),
            fixed.select(
                pl.col("v").str.slice(0, 2).alias("a"), pl.col("v").str.slice(3, 2).alias("b")
            ),
        ]
    )
    numeric = firsts.select(pl.struct("a", "b").alias("numeric"))["numeric"]
    date_order, note = decide_date_order(numeric, date_order_setting)
    order = date_order or MONTH_FIRST
    fixed = fixed.with_columns(_fixed_numeric(fixed, order).alias("ts"))
    unparsed = _match(fixed.filter(pl.col("ts").is_null()).select("i", "v"))
    slow = pl.concat([matched, unparsed]).select("i", _instant(order, timezone).alias("ts"))
    hits = fixed.filter(pl.col("ts").is_not_null())
    fast = hits.select("i", local_to_utc(pl.col("ts"), timezone).alias("ts"))
    return pl.concat([slow, fast]), date_order, note


def _match(pending: pl.DataFrame) -> pl.DataFrame:
    """Each value's captures per family (one struct column per pattern, plus `epoch`)."""
    return pending.select(
        "i",
        *(pl.col("v").str.extract_groups(p).alias(name) for name, p in PATTERNS.items()),
        pl.col("v").str.extract_groups(_EPOCH).alias("epoch"),
    )


def _fixed_numeric(fixed: pl.DataFrame, date_order: str) -> pl.Expr:
    """Naive wall-clock times of _NUMERIC_SHAPE values (`02/25/2026 08:35`), null when invalid:
    one exact strptime format per layout (separators and length) present in `fixed`."""
    v = pl.col("v")
    shape = [v.str.slice(2, 1), v.str.slice(5, 1), v.str.len_bytes()]
    layouts = fixed.select(*(e.alias(f"k{n}") for n, e in enumerate(shape))).unique().rows()
    month_day = ("%m", "%d") if date_order == MONTH_FIRST else ("%d", "%m")
    clock = {10: "", 16: " %H:%M", 19: " %H:%M:%S"}
    parsed = [
        pl.when((shape[0] == first) & (shape[1] == second) & (shape[2] == length)).then(
            v.str.strptime(
                pl.Datetime("us"),
                f"{month_day[0]}{first}{month_day[1]}{second}%Y{clock[length]}",
                strict=False,
            )
        )
        for first, second, length in layouts
    ]
    return pl.coalesce([*parsed, pl.lit(None, pl.Datetime("us"))])


def decide_date_order(numeric: pl.Series, setting: str | None) -> tuple[str | None, str | None]:
    """Day-first vs month-first for a file, from its numeric dates (struct with fields a, b)."""
    parts = numeric.struct.unnest().select(
        pl.col("a").cast(pl.Int32, strict=False), pl.col("b").cast(pl.Int32, strict=False)
    )
    plausible = parts.filter((pl.col("a") <= 31) & (pl.col("b") <= 31))
    return date_order_from(
        plausible=plausible.height > 0,
        first_settles=bool(((plausible["a"] > 12) & (plausible["b"] <= 12)).any()),
        second_settles=bool(((plausible["b"] > 12) & (plausible["a"] <= 12)).any()),
        setting=setting,
    )


def date_order_from(
    *, plausible: bool, first_settles: bool, second_settles: bool, setting: str | None
) -> tuple[str | None, str | None]:
    """The per-file decision from three facts about its numeric dates (fields a, b both <= 31):
    any such date, any with a > 12 >= b, any with b > 12 >= a (also computed in SQL)."""
    if not plausible:
        return None, None
    # Only a value that is a valid date read the other way settles the order: 31/31/2026 is
    # garbage (quarantined), not evidence that the whole file is day-first.
    if first_settles:
        return DAY_FIRST, NOTE_FIRST_FIELD
    if second_settles:
        return MONTH_FIRST, NOTE_SECOND_FIELD
    if setting is not None:
        return setting, NOTE_SETTING
    return MONTH_FIRST, NOTE_DEFAULT


def _part(field: str, families: tuple[str, ...]) -> pl.Expr:
    """One captured part, taken from whichever family matched (families are exclusive)."""
    return pl.coalesce([pl.col(f).struct.field(field) for f in families])


_WITH_TIME = ("iso", "numeric", "month_first", "day_first")


def _instant(date_order: str, timezone: str) -> pl.Expr:
    """The UTC instant of every value from the matched parts (null when nothing fits)."""
    day_first = date_order == DAY_FIRST
    month_name = _part("mon", ("month_first", "day_first")).str.to_lowercase()
    month = pl.coalesce(
        _part("mo", ("iso", "compact")).cast(pl.Int32),
        pl.col("numeric").struct.field("a" if not day_first else "b").cast(pl.Int32),
        month_name.replace_strict(MONTH_NUMBERS, default=None, return_dtype=pl.Int32),
    )
    day = pl.coalesce(
        _part("d", ("iso", "compact", "month_first", "day_first")),
        pl.col("numeric").struct.field("b" if not day_first else "a"),
    )
    year = _part("y", (*_WITH_TIME, "compact"))
    local = _wall_clock(year, month, day) + pl.duration(microseconds=_micros())
    offset = _offset_minutes()
    exact = local - pl.duration(minutes=offset)
    has_offset = _part("z", _WITH_TIME).is_not_null() | _part("sg", _WITH_TIME).is_not_null()
    from_text = pl.when(has_offset).then(exact).otherwise(local_to_utc(local, timezone))
    return pl.coalesce(from_text, _epoch())


def _wall_clock(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    """Naive date-time from parts via one strict strptime (impossible dates become null)."""
    hour = _part("H", _WITH_TIME).cast(pl.Int32)
    meridiem = _part("ap", _WITH_TIME).str.to_uppercase().str.slice(0, 1)
    hour = (
        pl.when(meridiem.is_null())
        .then(hour)
        .when((hour >= 1) & (hour <= 12))
        .then(hour % 12 + pl.when(meridiem == "P").then(12).otherwise(0))
        .otherwise(None)
    )
    has_date = year.is_not_null()
    clock = [
        pl.when(has_date).then(part.cast(pl.String).fill_null("0"))
        for part in (hour, _part("M", _WITH_TIME), _part("S", _WITH_TIME))
    ]
    # concat_str, not pl.format: polars 2.1's format panics on some sliced string columns.
    dash, colon = pl.lit("-"), pl.lit(":")
    hour, minute, second = clock
    text = pl.concat_str(
        [
            year,
            dash,
            month.cast(pl.String),
            dash,
            day,
            pl.lit(" "),
            hour,
            colon,
            minute,
            colon,
            second,
        ]
    )
    return text.str.strptime(pl.Datetime("us"), "%Y-%m-%d %H:%M:%S", strict=False)


def _micros() -> pl.Expr:
    """Fractional seconds as whole microseconds (extra digits beyond 6 are dropped)."""
    fraction = _part("f", _WITH_TIME)
    return fraction.str.slice(0, 6).str.pad_end(6, "0").cast(pl.Int64).fill_null(0)


def _offset_minutes() -> pl.Expr:
    """The written UTC offset in minutes (Z/UTC/GMT = 0); null when absent or impossible."""
    sign = pl.when(_part("sg", _WITH_TIME) == "-").then(-1).otherwise(1)
    hours = _part("oh", _WITH_TIME).cast(pl.Int32)
    minutes = _part("om", _WITH_TIME).cast(pl.Int32).fill_null(0)
    written = pl.when((hours <= 18) & (minutes <= 59)).then(sign * (hours * 60 + minutes))
    return pl.when(_part("z", _WITH_TIME).is_not_null()).then(0).otherwise(written)


def _epoch() -> pl.Expr:
    """Epoch numbers by magnitude: <1e11 s, <1e14 ms, <1e17 us, else ns (not 8-digit dates)."""
    whole = pl.col("epoch").struct.field("int")
    number = whole.cast(pl.Int64, strict=False)
    fraction = ("0." + pl.col("epoch").struct.field("frac")).cast(pl.Float64).fill_null(0.0)
    is_epoch = number.is_not_null() & pl.col("compact").struct.field("y").is_null()
    return pl.when(is_epoch).then(_epoch_instant(number, fraction))


def _fast_epoch() -> pl.Expr:
    """Plain ASCII digits (not 8: a compact date) as an epoch number, as _epoch reads them."""
    v = pl.col("v")
    digits = v.str.contains(_DIGITS) & (v.str.len_bytes() != 8)
    return pl.when(digits).then(_epoch_instant(v.cast(pl.Int64, strict=False), pl.lit(0.0)))


def _epoch_instant(number: pl.Expr, fraction: pl.Expr) -> pl.Expr:
    """The instant of an epoch number (integer part, fraction in [0, 1)) by its magnitude."""
    per_unit = (
        pl.when(number < 10**11)
        .then(1_000_000)
        .when(number < 10**14)
        .then(1_000)
        .when(number < 10**17)
        .then(1)
        .otherwise(None)
    )
    micros = pl.when(number >= 10**17).then(number // 1_000).otherwise(number * per_unit)
    micros = micros + (fraction * per_unit.fill_null(0)).round(0).cast(pl.Int64)
    return pl.from_epoch(micros, time_unit="us")


def local_to_utc(local: pl.Expr, timezone: str) -> pl.Expr:
    """Wall-clock times in a timezone to naive UTC: gaps move forward, overlaps take the earlier."""
    if timezone == "UTC":
        return local
    utc = _to_utc_or_null(local, timezone)
    # In a gap, use the offset in force just before it (one day earlier), i.e. move forward.
    day_before = local - pl.duration(days=1)
    offset_before = day_before - _to_utc_or_null(day_before, timezone)
    return pl.when(utc.is_null()).then(local - offset_before).otherwise(utc)


def _to_utc_or_null(local: pl.Expr, timezone: str) -> pl.Expr:
    """Naive UTC of a wall-clock time; the earlier instant in an overlap, null in a gap."""
    aware = local.dt.replace_time_zone(timezone, ambiguous="earliest", non_existent="null")
    return aware.dt.convert_time_zone("UTC").dt.replace_time_zone(None)


def in_range(ts: pl.Expr, now: datetime) -> pl.Expr:
    """True when an instant is on/after 2000-01-01 and at most one day after ingest time."""
    now_utc = now.astimezone(UTC).replace(tzinfo=None) if now.tzinfo else now
    return (ts >= EARLIEST) & (ts <= now_utc + LATEST_AHEAD)


def day_in_range(day: pl.Expr, now: datetime) -> pl.Expr:
    """The same range for a calendar day (KPI weeks, survey dates): from 2000-01-01 to one day
    after the ingest day."""
    return (day >= EARLIEST.date()) & (day <= (now + LATEST_AHEAD).date())
