"""Who is looking: the viewer's role decided on the server from the signed-in identity (SPEC 6).

The role never comes from a URL parameter or a widget: it is resolved from Streamlit's OIDC
identity (`st.user`), the roster and server-side configuration only.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import polars as pl

PRODUCT_MANAGER: Final = "product_manager"
CHAMPION: Final = "champion"
LEADERSHIP: Final = "leadership"
NO_ACCESS: Final = "none"
Role = Literal["product_manager", "champion", "leadership", "none"]

OVERRIDE_ENV = "ADOPTION_VIEWER_EMAIL"
LOCAL_IDENTITY = "local"


@dataclass(frozen=True)
class Viewer:
    """The person using the app: identity (e-mail or `local`), role and roster person id."""

    identity: str
    role: Role
    person_id: str | None = None

    @property
    def cache_key(self) -> str:
        """Key that keeps cached data of one role and scope away from every other."""
        if self.role == CHAMPION:
            return f"{CHAMPION}:{self.person_id}"
        return self.role

    @property
    def has_access(self) -> bool:
        """False for a signed-in person the rollout does not know (no data at all)."""
        return self.role != NO_ACCESS

    @property
    def sees_individuals(self) -> bool:
        """True for roles allowed to see person-level rows (product manager, champion)."""
        return self.role in (PRODUCT_MANAGER, CHAMPION)


LOCAL_PRODUCT_MANAGER = Viewer(identity=LOCAL_IDENTITY, role=PRODUCT_MANAGER)


def command_line_viewer() -> Viewer:
    """The operator of a CLI command (erase, ingest): a product manager named cli:<os user>."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no login name in a container
        user = "unknown"
    return Viewer(identity=f"cli:{user}", role=PRODUCT_MANAGER)


@dataclass(frozen=True)
class PrivacyConfig:
    """Server-side inputs of role resolution: listed product managers, OIDC on/off, override."""

    product_managers: frozenset[str] = frozenset()
    oidc_configured: bool = False
    override_email: str | None = None


def _normal_email(value: Any) -> str:
    return str(value or "").strip().lower()


def privacy_config(
    secrets: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
) -> PrivacyConfig:
    """Read the config from Streamlit secrets (`[auth]`, `[adoption] product_managers`) and env."""
    secrets = secrets or {}
    environ = os.environ if environ is None else environ
    adoption = secrets.get("adoption") or {}
    managers = frozenset(_normal_email(e) for e in adoption.get("product_managers", []) or [])
    override = _normal_email(environ.get(OVERRIDE_ENV)) or None
    return PrivacyConfig(
        product_managers=managers - {""},
        oidc_configured="auth" in secrets,
        override_email=override,
    )


def _signed_in_email(user_info: Mapping[str, Any], config: PrivacyConfig) -> str | None:
    """The e-mail to resolve: the test/demo override (only without OIDC), else the OIDC one."""
    if config.override_email and not config.oidc_configured:
        return config.override_email
    if user_info.get("is_logged_in", False):
        return _normal_email(user_info.get("email")) or None
    return None


def _roster_row(roster: pl.DataFrame, email: str) -> dict[str, Any] | None:
    """The active roster row with this e-mail (case-insensitive), or None."""
    if roster.is_empty() or "email" not in roster.columns:
        return None
    rows = roster.filter(
        pl.col("email").str.strip_chars().str.to_lowercase() == email,
        pl.col("active").fill_null(True),
    )
    return rows.row(0, named=True) if rows.height else None


def resolve_viewer(
    user_info: Mapping[str, Any], roster: pl.DataFrame, config: PrivacyConfig
) -> Viewer:
    """Decide the viewer's role from the identity, the roster and the server config.

    Order: a listed product manager; an active roster champion; an active executive or manager
    (leadership); anyone else signed in has no access. Without OIDC configured and nobody signed
    in, the single local user is the product manager.
    """
    email = _signed_in_email(user_info, config)
    if email is None:
        if config.oidc_configured:
            return Viewer(identity="anonymous", role=NO_ACCESS)
        return LOCAL_PRODUCT_MANAGER
    row = _roster_row(roster, email)
    person_id = row["user_id"] if row else None
    if email in config.product_managers:
        return Viewer(identity=email, role=PRODUCT_MANAGER, person_id=person_id)
    if row and row.get("is_champion"):
        return Viewer(identity=email, role=CHAMPION, person_id=person_id)
    if row and str(row.get("role") or "").strip().lower() in ("executive", "manager"):
        return Viewer(identity=email, role=LEADERSHIP, person_id=person_id)
    return Viewer(identity=email, role=NO_ACCESS, person_id=person_id)
