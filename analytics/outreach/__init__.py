"""Outreach to non-adopters (SPEC 5): the worklist, messages, contact log and outreach effect."""

from analytics.outreach.build import worklist_from_inputs
from analytics.outreach.command import outreach_command
from analytics.outreach.contacts import CHANNELS, log_contact
from analytics.outreach.effect import contact_outcomes, conversion_by, effect_summary
from analytics.outreach.messages import (
    DEFAULT_TEMPLATES,
    PLACEHOLDERS,
    PLAYBOOKS,
    merged_templates,
    template_errors,
)
from analytics.outreach.worklist import (
    WORKLIST_COLUMNS,
    build_worklist,
    empty_worklist,
    filter_worklist,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_TEMPLATES",
    "PLACEHOLDERS",
    "PLAYBOOKS",
    "WORKLIST_COLUMNS",
    "build_worklist",
    "contact_outcomes",
    "conversion_by",
    "effect_summary",
    "empty_worklist",
    "filter_worklist",
    "log_contact",
    "merged_templates",
    "outreach_command",
    "template_errors",
    "worklist_from_inputs",
]
