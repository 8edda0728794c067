"""The inputs cache: switching the sidebar's tool never evicts a cached read (issue 10)."""

from __future__ import annotations

from typing import Any

import pytest

from analytics.ui import loaders
from analytics.ui.definitions import TOOL_NAMES


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each database read ('read') and each tool split (the tool's name), in order."""
    calls: list[str] = []

    def read(db: Any) -> str:
        calls.append("read")
        return "inputs"

    def split(inputs: Any, tool: str) -> str:
        calls.append(tool)
        return f"{inputs} of {tool}"

    monkeypatch.setattr(loaders, "load_inputs", read)
    monkeypatch.setattr(loaders, "for_tool", split)
    loaders.clear()
    yield calls
    loaders.clear()


def test_switching_between_every_tool_reads_and_splits_once(counted: list[str]) -> None:
    tools = [*TOOL_NAMES, "a custom source"]  # every known tool and one more
    choices = [None, *tools]  # None: all tools
    for _ in range(3):  # the user switches through every choice three times
        for tool in choices:
            shown = loaders.inputs("a.duckdb", 1, loaders.with_tool("s", tool))
            assert shown == ("inputs" if tool is None else f"inputs of {tool}")
    assert counted == ["read", *tools]  # one read, one split per tool: nothing evicted


def test_a_new_version_reads_again(counted: list[str]) -> None:
    loaders.inputs("a.duckdb", 1, loaders.with_tool("s", "events"))
    loaders.inputs("a.duckdb", 2, loaders.with_tool("s", "events"))
    assert counted == ["read", "events", "read", "events"]
