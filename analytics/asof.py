"""The as-of day a command is asked for, checked against the data (no silent zeros)."""

from __future__ import annotations

import datetime as dt

WINDOW_DAYS = 28  # the longest window of SPEC 4 (MAU, the 28-day adoption rate)


class AsOfOutOfRange(ValueError):
    """An --as-of day so far after the data that every windowed number would be zero."""


def check_as_of(as_of: dt.date | None, last_event_day: dt.date | None) -> str | None:
    """None when the day is fine; a warning when it is after the data but a 28-day window still
    reaches it; AsOfOutOfRange when no window reaches the data (every rate would read 0%)."""
    if as_of is None or last_event_day is None or as_of <= last_event_day:
        return None
    if (as_of - last_event_day).days >= WINDOW_DAYS:
        raise AsOfOutOfRange(
            f"--as-of {as_of} is {(as_of - last_event_day).days} days after the last day with "
            f"events ({last_event_day}): no 28-day window reaches the data, so every rate would "
            "read 0%. Load newer data, or choose an earlier day."
        )
    return (
        f"note: --as-of {as_of} is after the last day with events ({last_event_day}); "
        "the numbers count those days as days without use."
    )
