"""The terminal progress line of `adoption ingest`: shown on a TTY only, one line, then done."""

from __future__ import annotations

import io

from analytics.ingest.command import terminal_progress


class FakeTerminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def test_no_progress_when_stderr_is_not_a_terminal() -> None:
    assert terminal_progress(io.StringIO()) is None  # JSON and CI output stay clean


def test_progress_rewrites_one_line_and_ends_it_after_the_last_file() -> None:
    stream = FakeTerminal()
    show = terminal_progress(stream)
    assert show is not None
    show(1, 3, "roster.csv: loaded")
    assert stream.getvalue().endswith("ingest: 1/3 files done (roster.csv: loaded)")
    assert "\n" not in stream.getvalue()  # still the same line
    show(3, 3, "events.csv: loaded")
    assert stream.getvalue().count("\r") == 2  # each update returns to the line's start
    assert stream.getvalue().endswith("ingest: 3/3 files done (events.csv: loaded)\n")
