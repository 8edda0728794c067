"""Digest delivery to a real local SMTP server (aiosmtpd) and a real local HTTP webhook."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from digest_fixtures import AS_OF, IDS, NAMES

from analytics.cli import main
from analytics.digest.deliver import Message, send_email
from analytics.settings import Settings
from analytics.state import store

PM, LEAD = "pm@example.com", "lead@example.com"


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.failures = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        """Store the message and answer 250, or answer 451 while failures are left."""
        if self.failures > 0:
            self.failures -= 1
            return "451 try again later"
        mail = message_from_bytes(envelope.content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.messages.append(mail)
        return "250 OK"


class Hook(BaseHTTPRequestHandler):
    """A webhook that records JSON posts; answers 500 while `failures` is above zero."""

    posts: list[dict[str, Any]] = []
    failures = 0

    def do_POST(self) -> None:  # noqa: N802
        """Record the body, or fail once more."""
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Hook.failures > 0:
            Hook.failures -= 1
            self.send_response(500)
        else:
            Hook.posts.append(json.loads(body))
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        """Quiet."""


def free_port() -> int:
    """A localhost port nobody listens on (yet)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A running local SMTP server and its port."""
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def hook() -> Iterator[str]:
    """A running local webhook; its URL."""
    Hook.posts, Hook.failures = [], 0
    server = HTTPServer(("127.0.0.1", 0), Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/secret-token"
    server.shutdown()
    server.server_close()


def configure(db: Path, *, smtp_port: int, webhook: str = "") -> None:
    """Delivery settings for the tests: local servers, quick retries."""
    values = {
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp_port,
        "digest_recipients": {"product_manager": [PM], "leadership": [LEAD]},
        "webhook_url": webhook,
        "delivery_attempts": 4,
        "delivery_retry_seconds": 0.2,
    }
    for name, value in values.items():
        store.set_setting(db, name=name, value=value)


def send(db: Path, role: str) -> int:
    """`adoption digest --send` for a role at the test day."""
    return main(["digest", "--as-of", AS_OF.isoformat(), "--role", role, "--send", "--db", str(db)])


def body(message: EmailMessage) -> str:
    """Every text part of an e-mail, joined."""
    return "\n".join(
        str(part.get_content()) for part in message.walk() if part.get_content_maintype() == "text"
    )  # type: ignore[attr-defined]


def test_each_role_receives_its_digest_once_per_week(
    tiny_db: Path, inbox: tuple[Inbox, int], hook: str
) -> None:
    """PM and leadership get one e-mail and one post each; a rerun sends nothing."""
    handler, port = inbox
    configure(tiny_db, smtp_port=port, webhook=hook)
    assert send(tiny_db, "product_manager") == 0
    assert send(tiny_db, "leadership") == 0
    assert [m["To"] for m in handler.messages] == [PM, LEAD]
    assert handler.messages[0]["Subject"] == "Adoption digest 2026-01-22 for product manager"
    pm_text, lead_text = body(handler.messages[0]), body(handler.messages[1])
    assert "Team A: adoption fell 16.7 pts to 83.3%" in pm_text  # the team_drop alert
    assert "Person 01" in pm_text
    assert not any(name in lead_text for name in NAMES + IDS)
    assert len(Hook.posts) == 2 and "Adoption 83.3%" in Hook.posts[1]["text"]
    assert not any(name in Hook.posts[1]["text"] for name in NAMES + IDS)

    assert send(tiny_db, "product_manager") == 0 and send(tiny_db, "leadership") == 0
    assert len(handler.messages) == 2 and len(Hook.posts) == 2  # nothing twice
    log = store.deliveries_frame(tiny_db)
    assert log["status"].to_list() == ["sent"] * 4
    assert "secret-token" not in "".join(log["target"].to_list())  # the hook's path is secret


def test_a_refused_connection_is_retried() -> None:
    """The SMTP server starts after the first attempt was refused: sent on the second."""
    handler, port = Inbox(), free_port()
    settings = Settings(
        smtp_host="127.0.0.1", smtp_port=port, delivery_attempts=3, delivery_retry_seconds=1.5
    )
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    timer = threading.Timer(0.3, controller.start)
    timer.start()
    try:
        outcome = send_email(Message("t", "text", "<p>html</p>"), [PM], settings)
    finally:
        timer.join()
        controller.stop()
    assert outcome.sent and outcome.attempts == 2
    assert "ConnectionRefusedError" not in outcome.error and len(handler.messages) == 1


def test_a_server_failing_once_is_retried_through_the_command(
    tiny_db: Path, inbox: tuple[Inbox, int]
) -> None:
    """The SMTP server answers 451 to the first message: the digest arrives on attempt 2."""
    handler, port = inbox
    configure(tiny_db, smtp_port=port)
    handler.failures = 1
    assert send(tiny_db, "product_manager") == 0
    assert len(handler.messages) == 1
    row = store.deliveries_frame(tiny_db).row(0, named=True)
    assert row["status"] == "sent" and row["attempts"] == 2


def test_a_failing_webhook_is_retried_and_a_dead_one_recorded(tiny_db: Path, hook: str) -> None:
    """A 500 once: sent on attempt 2. Nobody listening: failed, recorded, tried again next run."""
    configure(tiny_db, smtp_port=free_port(), webhook=hook)
    store.set_setting(tiny_db, name="smtp_host", value="")  # webhook only
    Hook.failures = 1
    assert send(tiny_db, "leadership") == 0
    assert len(Hook.posts) == 1
    assert store.deliveries_frame(tiny_db).row(0, named=True)["attempts"] == 2

    store.set_setting(tiny_db, name="webhook_url", value=f"http://127.0.0.1:{free_port()}/x")
    store.set_setting(tiny_db, name="delivery_attempts", value=2)
    assert send(tiny_db, "product_manager") == 1
    failed = store.deliveries_frame(tiny_db).row(0, named=True)
    assert failed["status"] == "failed" and failed["attempts"] == 2 and failed["error"]
    assert send(tiny_db, "product_manager") == 1  # not marked sent: tried again
    assert store.deliveries_frame(tiny_db)["status"].to_list()[:2] == ["failed", "failed"]
