"""Column resolution (aliases, case, mapping, fallbacks) and the cleaning of each field."""

from __future__ import annotations

import polars as pl
import pytest

from analytics.ingest.columns import (
    accepted_unparseable,
    accepted_value,
    event_id_value,
    normalise_name,
    plan_columns,
    property_names,
    user_value,
)
from analytics.ingest.sniff import FileRefused


def _apply(expr_of, values: list[str | None]) -> list:
    """An expression builder applied to a one-column String frame."""
    frame = pl.DataFrame({"v": pl.Series(values, dtype=pl.String)})
    return frame.select(expr_of(pl.col("v")).alias("out"))["out"].to_list()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("User ID", "user_id"),
        (" user_id ", "user_id"),
        ("USER_ID", "user_id"),
        ("Event Name", "event_name"),
        ("E-Mail", "e_mail"),
        ("\ufeffuser_id", "user_id"),
        ('"Occurred At"', "occurred_at"),
    ],
)
def test_header_names_match_case_and_space_insensitively(name: str, expected: str) -> None:
    assert normalise_name(name) == expected


def test_aliases_resolve_the_required_fields() -> None:
    plan = plan_columns(["Actor", "Occurred At", "Action", "Region"])
    assert plan.fields == {"user_id": (0,), "timestamp": (1,), "event": (2,)}
    assert plan.unknown == (3,)
    assert plan.missing == ()


def test_missing_required_fields_are_listed() -> None:
    assert plan_columns(["user", "note"]).missing == ("timestamp", "event")


def test_user_id_comes_before_email_whatever_the_column_order() -> None:
    plan = plan_columns(["email", "ts", "event", "user_id"])
    assert plan.fields["user_id"] == (3, 0)


def test_first_timestamp_alias_wins_and_the_other_stays_a_property() -> None:
    plan = plan_columns(["user", "created_at", "timestamp", "event"])
    assert plan.fields["timestamp"] == (2,)
    assert plan.unknown == (1,)


def test_mapping_names_any_column_and_beats_aliases() -> None:
    plan = plan_columns(
        ["Wer", "Wann", "Was", "time"], {"wer": "user_id", "WANN": "timestamp", "was": "event"}
    )
    assert plan.fields == {"user_id": (0,), "timestamp": (1,), "event": (2,)}
    assert plan.unknown == (3,)  # the alias column `time` is now just a property


def test_mapping_to_an_unknown_field_is_refused() -> None:
    with pytest.raises(FileRefused, match="not a field"):
        plan_columns(["a"], {"a": "colour"})


def test_property_names_are_unique_and_never_empty() -> None:
    plan = plan_columns(["user", "ts", "event", "note", "", "note"])
    assert property_names(plan) == ["note", "column_5", "note_2"]


@pytest.mark.parametrize(
    "value", ["", "   ", "null", "NULL", "None", "n/a", "N/A", "na", "undefined", "nil", "-", None]
)
def test_placeholder_users_are_unusable(value: str | None) -> None:
    assert _apply(user_value, [value]) == [None]


def test_user_values_lose_all_white_space_and_emails_are_lower_cased() -> None:
    values = [" Ana@Example.COM ", "ana@\u00a0example.com", "u\u200b1", "00123", "Bob Smith"]
    # NBSP (U+00A0) and the zero-width space (U+200B) go too; non-e-mails keep their case.
    assert _apply(user_value, values) == [
        "ana@example.com",
        "ana@example.com",
        "u1",
        "00123",
        "BobSmith",
    ]


def test_user_values_are_nfc_normalised() -> None:
    decomposed = "Jose\u0301"  # e + combining acute accent
    assert _apply(user_value, [decomposed]) == ["Jos\u00e9"]


@pytest.mark.parametrize(
    "value",
    ["", "0", "null", "None", "n/a", "00000000-0000-0000-0000-000000000000"],
)
def test_placeholder_event_ids_count_as_absent(value: str) -> None:
    assert _apply(event_id_value, [value]) == [None]


def test_real_event_ids_are_kept_as_text() -> None:
    assert _apply(event_id_value, ["00123", "e-1"]) == ["00123", "e-1"]


def test_accepted_words_case_insensitive() -> None:
    values = ["true", "FALSE", "1", "0", "Yes", "no", "y", "N", "t", "f", "maybe", ""]
    expected = [True, False, True, False, True, False, True, False, True, False, None, None]
    assert _apply(accepted_value, values) == expected
    # only "maybe" is a present but unparseable value; empty is simply absent
    assert _apply(accepted_unparseable, values) == [False] * 10 + [True, False]
