"""The sign-in mechanics of tests/e2e/oidc.py, proven on a tiny probe app (login_probe.py).

A real oidc-provider-mock, a real `streamlit run`, real chromium: two people sign in from two
fresh browser contexts, each sees their own e-mail, one signs out, and a restarted server still
knows the other from the signed cookie.
"""

from __future__ import annotations

import pytest
from oidc import PROBE, sign_in, sign_out

pytestmark = pytest.mark.browser


def shown_email(page) -> str:
    return page.locator("code", has_text="@").first.inner_text()


def test_two_people_sign_in_and_out_through_the_provider(oidc_app, fresh_page, db_path):
    with oidc_app(db_path, script=PROBE) as app:
        ann, bob = fresh_page(), fresh_page()
        sign_in(ann, app.url, "ann@example.com")
        sign_in(bob, app.url, "bob@example.com")
        assert shown_email(ann) == "ann@example.com"
        assert shown_email(bob) == "bob@example.com"

        sign_out(ann, app.url)
        assert ann.get_by_role("button", name="Sign in", exact=True).count() == 1
        bob.reload()
        assert shown_email(bob) == "bob@example.com"

        app.restart()
        bob.goto(app.url)
        bob.wait_for_selector("code")
        assert shown_email(bob) == "bob@example.com"


def test_preset_claims_choose_the_email_for_a_subject(oidc_app, oidc_provider, fresh_page, db_path):
    oidc_provider.set_user("employee-4711", email="carol@example.com", name="Carol")
    with oidc_app(db_path, script=PROBE) as app:
        page = fresh_page()
        sign_in(page, app.url, "employee-4711")
        assert shown_email(page) == "carol@example.com"
