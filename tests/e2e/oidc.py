"""Real sign-in for browser tests: a local OIDC provider, a real `streamlit run`, headless chromium.

The provider is `oidc-provider-mock` (a real OpenID Connect provider that runs offline) on a free
localhost port. Its authorization page asks for a `sub`; a subject it has not seen gets the claims
`{"email": sub}`, so typing an e-mail there signs in as that e-mail. `OidcProvider.set_user` presets
other claims (a name, a different e-mail) for a subject before signing in.

Each app server gets its own `secrets.toml` with an `[auth]` section in a temporary folder, passed
with `--secrets.files`, so the repository's `.streamlit/` is read for config but never written.
See tests/e2e/README.md for the fixtures built on these helpers (conftest.py).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import authlib.deprecate  # noqa: F401  (sets Authlib's "always show" filter before ours below)
import httpx

with warnings.catch_warnings():  # Authlib deprecations inside the provider, not ours to fix
    warnings.simplefilter("ignore", DeprecationWarning)
    import oidc_provider_mock

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"
PROBE = Path(__file__).with_name("login_probe.py")
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
SIGN_IN = "Sign in"
SIGN_OUT = "Sign out"
HOST = "localhost"  # one host for the app, the redirect_uri and the cookies (never 127.0.0.1)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class OidcProvider:
    """A running oidc-provider-mock: its base URL and its discovery document."""

    url: str

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims: object) -> None:
        """Preset the claims the provider issues for `sub` (default: `{"email": sub}`)."""
        response = httpx.put(f"{self.url}/users/{quote(sub, safe='')}", json=claims, timeout=10)
        response.raise_for_status()


@contextmanager
def run_provider() -> Iterator[OidcProvider]:
    """oidc-provider-mock on a free localhost port, in a thread of this process."""
    with oidc_provider_mock.run_server_in_thread() as server:
        yield OidcProvider(url=f"http://{HOST}:{server.server_port}")


def write_secrets(path: Path, *, provider: OidcProvider | None, port: int, extra: str = "") -> Path:
    """A secrets.toml whose `[auth]` points at `provider` (empty file: no sign-in configured),
    followed by `extra` TOML (e.g. the `[adoption]` product managers)."""
    lines = []
    if provider is not None:
        lines = [
            "[auth]",
            f'redirect_uri = "http://{HOST}:{port}/oauth2callback"',
            f'cookie_secret = "{secrets.token_hex(32)}"',
            'client_id = "adoption-analytics-tests"',
            'client_secret = "not-a-secret"',
            f'server_metadata_url = "{provider.metadata_url}"',
        ]
    path.write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return path


@dataclass
class AppServer:
    """`streamlit run <script>` on a fixed localhost port; `restart()` keeps port, db, secrets."""

    script: Path
    db: Path
    folder: Path
    port: int
    env: dict[str, str]
    process: subprocess.Popen | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "streamlit.log"

    def log(self) -> str:
        """Everything the server printed so far (all starts)."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self, timeout: float = 60) -> None:
        command = [
            sys.executable, "-m", "streamlit", "run", str(self.script),
            "--server.headless", "true",
            "--server.port", str(self.port),
            "--server.address", self.env.get("TEST_SERVER_ADDRESS", "127.0.0.1"),
            "--browser.gatherUsageStats", "false",
            "--secrets.files", str(self.folder / "secrets.toml"),
        ]  # fmt: skip
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_healthy(timeout)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                health = f"http://127.0.0.1:{self.port}/_stcore/health"
                with urllib.request.urlopen(health, timeout=2) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"streamlit did not start:\n{self.log()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self) -> None:
        """A fresh server process on the same port, database and secrets (sessions are lost;
        the browser's signed auth cookie stays valid, as after a real restart)."""
        self.stop()
        self.start()


@contextmanager
def serve_app(
    db: Path,
    *,
    folder: Path,
    provider: OidcProvider | None,
    script: Path = APP,
    env: dict[str, str] | None = None,
    extra_secrets: str = "",
) -> Iterator[AppServer]:
    """A started `AppServer` for `script` on `db` (sign-in through `provider` when given)."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    write_secrets(folder / "secrets.toml", provider=provider, port=port, extra=extra_secrets)
    server_env = {k: v for k, v in os.environ.items() if k != "ADOPTION_VIEWER_EMAIL"}
    server_env |= {"ADOPTION_DB": str(db), **(env or {})}
    server = AppServer(script=script, db=db, folder=folder, port=port, env=server_env)
    server.start()
    try:
        yield server
    finally:
        server.stop()


# Browser side -------------------------------------------------------------------------------


def new_page(browser, *, width: int = 1600, height: int = 1000):
    """A tab in a fresh browser context (own cookies: one signed-in person per context).

    Requests leaving the machine are aborted: the provider's pages link a CSS file on a CDN.
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route("https://**/*", lambda route: route.abort())
    return context.new_page()


def settle(page, timeout: float = 60_000) -> None:
    """Return once the Streamlit script has finished drawing (checked twice: the state can read
    "notRunning" just before a rerun starts)."""
    page.wait_for_selector(DONE, timeout=timeout)
    page.wait_for_timeout(300)
    page.wait_for_selector(DONE, timeout=timeout)


def sign_in(page, base_url: str, email: str, *, path: str = "", button: str = SIGN_IN) -> None:
    """Open `base_url + path`, click the app's `button`, authorise as `email` on the provider's
    form, and return once the app has drawn for the signed-in person.

    Streamlit sends everyone back to the app's root (`/`) after the callback, whatever page the
    sign-in started on.
    """
    page.goto(base_url + path)
    settle(page)
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/oauth2/authorize?**")
    page.locator('input[name="sub"]').fill(email)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(lambda url: url.rstrip("/") == base_url.rstrip("/"))
    settle(page)
    if page.get_by_role("button", name=button, exact=True).count():
        raise AssertionError(f"still signed out after authorising {email} (see the server log)")


def sign_out(page, base_url: str, *, button: str = SIGN_OUT) -> None:
    """Click the app's `button` (st.logout), confirm on the provider's end-session page, and
    return once the app has drawn again at its root."""
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_url("**/oauth2/end_session?**")
    page.get_by_role("button", name="End session", exact=True).click()
    page.wait_for_url(lambda url: url.rstrip("/") == base_url.rstrip("/"))
    settle(page)
