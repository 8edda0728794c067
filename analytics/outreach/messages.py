"""Next steps and message templates per playbook, and filling them in for many people at once.

Templates are settings-like data: the defaults live here, a product manager's edits are stored
in the `message_templates` setting as {playbook: {"next_step": text, "message": text}} and win
over the defaults field by field. Placeholders are written `{first_name}`; filling is one polars
expression per playbook (no loop over people), and a value is inserted once, never re-parsed, so
a name containing `{owner_first_name}` stays as written.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

import polars as pl

PLAYBOOKS: tuple[str, ...] = ("at_risk", "lost_trust", "dormant", "never_started")

# Placeholder -> the worklist column it reads (text, or a number shown as digits).
PLACEHOLDERS: dict[str, str] = {
    "first_name": "first_name",
    "name": "name",
    "owner_first_name": "owner_first_name",
    "owner_name": "owner_name",
    "team": "team",
    "wave": "wave",
    "days_since_invite": "days_since_invite",
    "days_inactive": "days_inactive",
    "recent_active_days": "recent_days",
    "prior_active_days": "prior_days",
    "rejected_in_a_row": "rejection_run",
}

DEFAULT_TEMPLATES: dict[str, dict[str, str]] = {
    "never_started": {
        "next_step": "Book them into the hands-on workshop or office hours",
        "message": (
            "Hi {first_name}, it's {owner_first_name}. You've had access to the coaching tool "
            "for {days_since_invite} days, and the easiest way in is to try it on one of your "
            "own calls with someone next to you. Can I book you a seat at this week's hands-on "
            "workshop, or would office hours suit you better? It takes 30 minutes."
        ),
    },
    "dormant": {
        "next_step": "1-on-1 to hear what got in the way",
        "message": (
            "Hi {first_name}, {owner_first_name} here. I'm checking in with everyone who tried "
            "the coaching tool and then stopped: your honest view is what shapes what we fix "
            "next. Do you have 15 minutes this week to tell me what got in the way?"
        ),
    },
    "at_risk": {
        "next_step": "Share a peer success story and two workflow tips",
        "message": (
            "Hi {first_name}, {owner_first_name} here. Two habits the reps who get the most "
            "out of the coaching tool share: they analyse a call right after it ends, while "
            "it's fresh, and they skim the suggestions before the next call with the same "
            "customer. Want 10 minutes with one of them to see their setup?"
        ),
    },
    "lost_trust": {
        "next_step": "Show how to flag a bad suggestion and what the tool is not for",
        "message": (
            "Hi {first_name}, {owner_first_name} here. If the last suggestions you got were off, "
            "that's useful to know: press 'reject' and add a line on why, and the team uses it "
            "to improve them. Worth saying too: the tool is for coaching ideas, not for scoring "
            "you, and it isn't meant for pricing or contract terms. Could we look at one of "
            "those calls together?"
        ),
    },
}


def template_fields(text: str) -> list[str]:
    """The placeholder names a template uses (ValueError for unbalanced braces)."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def template_errors(text: str) -> list[str]:
    """Problems with a template a product manager typed (empty list: it is fine)."""
    try:
        fields = template_fields(text)
    except ValueError as error:
        return [f"braces do not match: {error}"]
    unknown = sorted({f for f in fields if f not in PLACEHOLDERS})
    known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    return [f"unknown placeholder {{{f}}}; use one of {known}" for f in unknown]


def merged_templates(overrides: Mapping[str, Any] | None) -> dict[str, dict[str, str]]:
    """The defaults with the stored overrides applied field by field (unknown keys ignored)."""
    merged = {key: dict(value) for key, value in DEFAULT_TEMPLATES.items()}
    for playbook, fields in (overrides or {}).items():
        if playbook in merged and isinstance(fields, Mapping):
            for field in ("next_step", "message"):
                text = fields.get(field)
                if isinstance(text, str) and text.strip():
                    merged[playbook][field] = text
    return merged


def _placeholder_value(field: str) -> pl.Expr:
    """The text a placeholder becomes for each row (empty when the value is missing)."""
    column = PLACEHOLDERS[field]
    return pl.col(column).cast(pl.String).fill_null("")


def fill_template(text: str) -> pl.Expr:
    """One expression that fills `text` for every row; a broken template is shown as written."""
    try:
        pieces = list(string.Formatter().parse(text))
    except ValueError:
        return pl.lit(text)
    parts: list[pl.Expr] = []
    for literal, field, spec, conversion in pieces:
        if literal:
            parts.append(pl.lit(literal))
        if field is None:
            continue
        if field in PLACEHOLDERS:
            parts.append(_placeholder_value(field))
        else:  # unknown placeholder: keep it visible rather than silently dropping it
            suffix = (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            parts.append(pl.lit("{" + field + suffix + "}"))
    return pl.concat_str(parts) if parts else pl.lit("")


def by_playbook(templates: Mapping[str, Mapping[str, str]], field: str) -> pl.Expr:
    """The filled `field` (next_step or message) of each row's playbook."""
    expression: Any = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))  # a when/then chain
    for playbook in PLAYBOOKS:
        text = templates[playbook][field]
        expression = expression.when(pl.col("playbook") == playbook).then(fill_template(text))
    return expression.otherwise(pl.lit(None, pl.String))
