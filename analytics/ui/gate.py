"""The doors in front of every view: sign-in, refusal to serve the network unsigned, no access.

SPEC 9: with `[auth]` configured a visitor who is not signed in sees a sign-in button and
nothing else. Without `[auth]` the app is a single local product manager, so it serves this
computer only: bound to a non-loopback address it refuses to show anything unless the operator
opted in explicitly (env ADOPTION_SERVE_UNSIGNED=1, documented in docs/privacy.md).
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from analytics.ui import widgets

OPT_IN_ENV = "ADOPTION_SERVE_UNSIGNED"
LOOPBACK = ("localhost", "::1", "[::1]")


def is_loopback(address: str | None) -> bool:
    """Whether a server address only serves this computer (unset: Streamlit's default here,
    which `.streamlit/config.toml` and `make run` pin to localhost)."""
    if not address:
        return True
    return address in LOOPBACK or address.startswith("127.")


def serves_network_unsigned(address: str | None, environ: Any = None) -> bool:
    """True when the app would serve every visitor as product manager to the network."""
    environ = os.environ if environ is None else environ
    if widgets.auth_configured() or environ.get(OPT_IN_ENV) == "1":
        return False
    return not is_loopback(address)


def sign_in() -> None:
    """The only page a visitor who is not signed in can reach: a sign-in button."""
    st.title("Adoption analytics")
    st.write("Sign in with your work account to see the rollout.")
    st.button("Sign in", type="primary", on_click=st.login, key="sign_in", icon=":material/login:")


def not_shared() -> None:
    """Shown instead of every view when the server is on the network without sign-in."""
    st.title("Adoption analytics")
    st.error(
        "This server listens on the network but sign-in is not configured, so it shows nothing. "
        "Configure `[auth]` in `.streamlit/secrets.toml` (docs/privacy.md), or serve it on "
        "localhost only (`make run`)."
    )


def no_access() -> None:
    """Shown to a signed-in person the rollout does not know."""
    st.title("Adoption analytics")
    st.error(
        "You are signed in but not part of this rollout's roster, so there is nothing to show. "
        "Ask the rollout's product manager for access."
    )
    if widgets.signed_in():
        st.button("Sign out", on_click=st.logout, key="sign_out_no_access")


def refusal() -> Any | None:
    """The single page to route to before any data is read, or None to go on."""
    if serves_network_unsigned(st.get_option("server.address")):
        return st.Page(not_shared, title="Not shared", icon=":material/lock:", default=True)
    if widgets.auth_configured() and not widgets.signed_in():
        return st.Page(sign_in, title="Sign in", icon=":material/login:", default=True)
    return None


def no_access_page() -> Any:
    """The single page of a signed-in person without a role."""
    return st.Page(no_access, title="No access", icon=":material/lock:", default=True)
