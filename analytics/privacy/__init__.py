"""Roles, scoping, leadership suppression and the audit log (SPEC 6, Privacy)."""

from analytics.privacy.audit import (
    ERASE,
    EXPORT_CSV,
    EXPORT_WORKLIST,
    VIEW_COHORT,
    VIEW_QUARANTINE,
    VIEW_WORKLIST,
    audit_log,
    audit_view,
    filters_text,
)
from analytics.privacy.roles import (
    CHAMPION,
    LEADERSHIP,
    LOCAL_PRODUCT_MANAGER,
    NO_ACCESS,
    OVERRIDE_ENV,
    PRODUCT_MANAGER,
    PrivacyConfig,
    Viewer,
    command_line_viewer,
    privacy_config,
    resolve_viewer,
)
from analytics.privacy.scope import cohort_ids, scope_people
from analytics.privacy.suppression import (
    leadership_people,
    suppress_parents,
    suppress_small_groups,
    suppressed_label,
)

__all__ = [
    "CHAMPION",
    "ERASE",
    "EXPORT_CSV",
    "EXPORT_WORKLIST",
    "LEADERSHIP",
    "LOCAL_PRODUCT_MANAGER",
    "NO_ACCESS",
    "OVERRIDE_ENV",
    "PRODUCT_MANAGER",
    "VIEW_COHORT",
    "VIEW_QUARANTINE",
    "VIEW_WORKLIST",
    "PrivacyConfig",
    "Viewer",
    "audit_log",
    "audit_view",
    "cohort_ids",
    "command_line_viewer",
    "filters_text",
    "leadership_people",
    "privacy_config",
    "resolve_viewer",
    "scope_people",
    "suppress_parents",
    "suppress_small_groups",
    "suppressed_label",
]
