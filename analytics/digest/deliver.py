"""Send a digest message by e-mail (smtplib) or to a chat webhook (httpx), with retries."""

from __future__ import annotations

import smtplib
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

import httpx

from analytics.settings import Settings


@dataclass(frozen=True)
class Message:
    """One message to send: subject, plain text (Markdown) and HTML bodies."""

    title: str
    text: str
    html: str


@dataclass(frozen=True)
class Outcome:
    """How a send ended: sent or failed, after how many attempts, with the last error."""

    channel: str
    target: str
    sent: bool
    attempts: int
    error: str = ""


class RetryableStatus(Exception):
    """The webhook answered with a status worth retrying (429 or 5xx)."""


def with_retries(
    send: Callable[[], None], *, attempts: int, wait: float, channel: str, target: str
) -> Outcome:
    """Call `send` until it succeeds or `attempts` are used, waiting wait, 2 wait, ... between."""
    error = ""
    for attempt in range(1, attempts + 1):
        try:
            send()
            return Outcome(channel, target, True, attempt)
        except (OSError, smtplib.SMTPException, httpx.HTTPError, RetryableStatus) as failure:
            error = f"{type(failure).__name__}: {failure}"
            if attempt < attempts:
                time.sleep(wait * 2 ** (attempt - 1))
    return Outcome(channel, target, False, attempts, error)


def email_message(message: Message, *, sender: str, recipients: list[str]) -> EmailMessage:
    """A multipart e-mail: the Markdown text with the HTML as its alternative."""
    mail = EmailMessage()
    mail["Subject"] = message.title
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def send_email(message: Message, recipients: list[str], settings: Settings) -> Outcome:
    """E-mail the message to the recipients over SMTP (STARTTLS when set), with retries."""

    def send() -> None:
        with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=10) as smtp:
            if settings.smtp_tls:
                smtp.starttls()
            smtp.send_message(
                email_message(message, sender=settings.smtp_sender, recipients=recipients)
            )

    return with_retries(
        send,
        attempts=settings.delivery_attempts,
        wait=settings.delivery_retry_seconds,
        channel="email",
        target=", ".join(recipients),
    )


def send_webhook(message: Message, settings: Settings) -> Outcome:
    """POST `{"text": ...}` (Slack and Teams incoming webhooks accept it), with retries."""

    def send() -> None:
        response = httpx.post(settings.webhook_url or "", json={"text": message.text}, timeout=10.0)
        if response.status_code == 429 or response.status_code >= 500:
            raise RetryableStatus(f"HTTP {response.status_code}")
        response.raise_for_status()

    return with_retries(
        send,
        attempts=settings.delivery_attempts,
        wait=settings.delivery_retry_seconds,
        channel="webhook",
        target=urlsplit(settings.webhook_url or "").netloc,  # the path of a webhook is its secret
    )
