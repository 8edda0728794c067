"""Every key of the metrics document is in docs/metrics.md; every setting in docs/settings.md."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from analytics.cli import build_parser
from analytics.cli_docs import command_helps, documented_actions, subcommands
from analytics.docs_gen import committed_block, generated_block
from analytics.metrics.document import build_document
from analytics.metrics.inputs import make_inputs
from analytics.settings import setting_fields

DOCS = Path(__file__).resolve().parent.parent / "docs"


def key_paths(value: Any, prefix: str = "") -> Iterator[str]:
    """Every key path of a JSON value: `a.b`, list items as `a[].b`."""
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            yield path
            yield from key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            yield from key_paths(item, prefix + "[]")


def example_document() -> dict[str, Any]:
    """A small document in which every list has at least one entry."""

    def day(n: int) -> dt.date:
        return dt.date(2024, 1, 1) + dt.timedelta(days=n)

    person_day = pl.DataFrame(
        {
            "person_id": ["c", "a", "a", "x"],
            "day": [day(0), day(1), day(8), day(9)],
            "events": [1, 2, 1, 1],
            "active_events": [1, 2, 1, 1],
            "accepted": [0, 1, 0, 0],
            "rejected": [0, 1, 0, 0],
            "trailing_rejections": [0, 1, 0, 0],
            "matched": [True, True, True, False],
        }
    )
    roster = pl.DataFrame(
        {
            "user_id": ["c", "a", "b"],
            "team": ["T", "T", "U"],
            "role": ["rep", "manager", "executive"],
            "is_champion": [True, False, False],
            "champion_id": [None, "c", "c"],
            "wave": [1, 1, 2],
        }
    )
    plan = pl.DataFrame(
        {"wave": [1, 2], "name": ["One", "Two"], "start": [day(0), day(7)], "planned_size": [2, 1]}
    )
    outreach = pl.DataFrame(
        {"person_id": ["b"], "contacted_on": [day(8)], "channel": ["email"], "segment": ["x"]}
    )
    inputs = make_inputs(
        person_day=person_day,
        roster=roster,
        plan=plan,
        outreach=outreach,
        settings={"build_cost": 1000},
        tool_day=person_day.select(
            "person_id",
            "day",
            "events",
            "active_events",
            tool=pl.lit("chatgpt-enterprise"),
            grain=pl.lit("period"),
        ),
        licences=pl.DataFrame({"person_id": ["a", "b"], "tool": ["chatgpt-enterprise"] * 2}),
    )
    return build_document(inputs)


def test_example_document_fills_every_list() -> None:
    paths = set(key_paths(example_document()))
    for nested in ("outreach_effect.by_channel[].channel", "champions.cohorts[].people[].segment"):
        assert nested in paths


@pytest.mark.parametrize("path", sorted(set(key_paths(example_document()))))
def test_every_metrics_key_is_documented(path: str) -> None:
    documented = set(re.findall(r"`([^`]+)`", (DOCS / "metrics.md").read_text()))
    assert path in documented, f"`{path}` is not defined in docs/metrics.md"


@pytest.mark.parametrize("name", [field.name for field in setting_fields()])
def test_every_setting_is_documented(name: str) -> None:
    documented = set(re.findall(r"`([^`]+)`", (DOCS / "settings.md").read_text()))
    assert name in documented, f"setting `{name}` is not described in docs/settings.md"


def test_every_setting_has_a_description() -> None:
    assert [f.name for f in setting_fields() if not f.description] == []


@pytest.mark.parametrize("block", ["settings", "cli"])
def test_generated_docs_match_the_code(block: str) -> None:
    assert committed_block(block) == generated_block(block), "run: python -m analytics.docs_gen"


def test_every_command_and_option_has_help_without_internal_references() -> None:
    parser = build_parser()
    helps = {f"adoption {name}": text for name, text in command_helps(parser).items()}
    for name, sub in subcommands(parser).items():
        helps |= {f"{name} {a.dest}": a.help or "" for a in documented_actions(sub)}
    assert [where for where, text in helps.items() if not text.strip()] == []
    assert [where for where, text in helps.items() if re.search(r"SPEC|section \d", text)] == []


def test_doc_value_reads_a_path_and_fails_loudly_on_a_typo() -> None:
    from analytics.metrics.document import MissingKey, doc_value

    document = example_document()
    assert doc_value(document, "target.rate") == 0.7
    assert doc_value(document, "value_delivered") == document["value_delivered"]
    with pytest.raises(MissingKey, match="no 'target.path_rat': target holds .*path_rate"):
        doc_value(document, "target.path_rat")
    with pytest.raises(MissingKey, match="no 'adoption_rate.x'"):
        doc_value(document, "adoption_rate.x")
