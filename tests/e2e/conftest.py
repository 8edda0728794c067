"""Browser fixtures: one OIDC provider and one chromium per session, app servers per test.

How to use them: tests/e2e/README.md. The rule that a browser test may skip locally but never
in CI lives in tests/conftest.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from oidc import CHROMIUM, CHROMIUM_ARGS, AppServer, OidcProvider, new_page, run_provider, serve_app


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    """oidc-provider-mock on a free localhost port, shared by the whole session."""
    with run_provider() as provider:
        yield provider


@pytest.fixture
def oidc_app(
    oidc_provider: OidcProvider, tmp_path_factory: pytest.TempPathFactory
) -> Callable[..., AbstractContextManager[AppServer]]:
    """`with oidc_app(db) as app:` a real `streamlit run app.py` on `db`, sign-in through the
    session's provider. Keywords: `script=` (another app file), `env=` (extra environment),
    `auth=False` (no `[auth]` section: the app's local mode), `extra_secrets=` (more TOML)."""

    @contextmanager
    def start(
        db: Path,
        *,
        script: Path | None = None,
        env: dict[str, str] | None = None,
        auth: bool = True,
        extra_secrets: str = "",
    ) -> Iterator[AppServer]:
        options = {"script": script} if script else {}
        folder = tmp_path_factory.mktemp("oidc_app")
        provider = oidc_provider if auth else None
        with serve_app(
            db, folder=folder, provider=provider, env=env, extra_secrets=extra_secrets, **options
        ) as server:
            yield server

    return start


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, via Playwright (skips, or fails in CI: tests/conftest.py)."""
    if not CHROMIUM.exists():
        pytest.skip("chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def fresh_page(browser) -> Iterator[Callable[..., object]]:
    """`fresh_page()` gives a tab in a new browser context (own cookies); all closed after."""
    pages = []

    def open_page(**viewport):
        pages.append(new_page(browser, **viewport))
        return pages[-1]

    yield open_page
    for page in pages:
        page.context.close()
