"""The Settings page's inputs generated from the typed settings model (analytics/settings.py).

One input per field, chosen by its type and unit: a percentage for rates, a whole number for
counts, a decimal for amounts, a date, a line of text, or JSON for mappings; bounds and help come
from the model, so a new setting appears on the page without touching the page.
"""

from __future__ import annotations

import datetime as dt
import json
import types
from typing import Any, Union, get_args, get_origin

import streamlit as st

from analytics.settings import SettingField, setting_fields

# Settings with a purpose-built input elsewhere: the plan's neighbours on the Settings page
# (timezone list, passive events seen in the data) and the outreach messages (Outreach page).
CUSTOM_INPUTS = frozenset({"timezone", "passive_events", "message_templates"})


# Words of setting names written as people write them ("smtp_tls" reads "SMTP TLS").
ACRONYMS = {"mb": "MB", "smtp": "SMTP", "tls": "TLS", "url": "URL", "duckdb": "DuckDB"}


def label_of(field: SettingField) -> str:
    """A form label from the field name and unit: 'Dormant days (days)' reads 'Dormant days',
    'max_upload_mb' reads 'Max upload MB'."""
    words = " ".join(ACRONYMS.get(w, w) for w in field.name.split("_"))
    words = words[0].upper() + words[1:]
    if field.unit == "rate":
        return f"{words} (%)"
    if field.unit and field.unit.lower() not in words.lower():
        return f"{words} ({field.unit})"
    return words


def _base_type(annotation: Any) -> tuple[Any, bool]:
    """The annotation without `None`, and whether None is allowed (`float | None` -> float)."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def setting_input(field: SettingField, value: Any, *, key: str) -> Any:
    """Draw the input for one setting and return the value it holds (model units: rates 0-1)."""
    kind, optional = _base_type(field.annotation)
    label, help_text = label_of(field), field.description
    if field.unit == "rate":
        shown = st.number_input(
            label,
            min_value=0.0 if field.minimum is None else float(field.minimum) * 100,
            max_value=100.0 if field.maximum is None else float(field.maximum) * 100,
            value=None if value is None else round(float(value) * 100, 2),
            step=5.0,
            help=help_text,
            key=key,
        )
        return None if shown is None else round(float(shown) / 100, 4)
    if kind is int:
        return st.number_input(
            label,
            min_value=None if field.minimum is None else int(field.minimum),
            max_value=None if field.maximum is None else int(field.maximum),
            value=value,
            step=1,
            help=help_text,
            key=key,
        )
    if kind is float:
        low = None if field.minimum is None else float(field.minimum)
        return st.number_input(
            label,
            min_value=low,
            value=None if value is None else float(value),
            placeholder="unset" if optional else None,
            help=help_text,
            key=key,
        )
    if kind is bool:
        return st.checkbox(label, value=bool(value), help=help_text, key=key)
    if kind is dt.date:
        return st.date_input(label, value=value, help=help_text, key=key)
    if kind is str:
        return st.text_input(label, value=value or "", help=help_text, key=key)
    text = st.text_area(label, json.dumps(value, indent=2), help=help_text, key=key)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text  # the model refuses it on save, with a message naming the setting


def generated_fields() -> dict[str, list[SettingField]]:
    """The settings the page draws generically, by their group, in declaration order."""
    groups: dict[str, list[SettingField]] = {}
    for field in setting_fields():
        if field.name not in CUSTOM_INPUTS:
            groups.setdefault(field.group, []).append(field)
    return groups
