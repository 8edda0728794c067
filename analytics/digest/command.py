"""`adoption digest`: compute, print and (with --send) deliver once per week: the I/O edge."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from analytics.digest.alerts import DIGEST_RULE, Alert, alerts
from analytics.digest.compute import build_digest, parse_role
from analytics.digest.deliver import Message, Outcome, send_email, send_webhook
from analytics.digest.inputs import gather
from analytics.digest.render import html_page, markdown, render, title
from analytics.metrics.inputs import load_inputs
from analytics.metrics.population import monday_of
from analytics.privacy.audit import EXPORT_DIGEST, audit_command_line
from analytics.settings import Settings
from analytics.state import store
from analytics.state.models import Delivery


def channels(settings: Settings, role: str) -> list[str]:
    """The configured channels for a role: e-mail when it has recipients, the webhook if set."""
    found = []
    if settings.smtp_host and settings.digest_recipients.get(role):
        found.append("email")
    if settings.webhook_url:
        found.append("webhook")
    return found


def deliver(
    db: Path, digest: dict[str, Any], fired: list[Alert], settings: Settings
) -> list[Outcome]:
    """Send what this role has not received this week, per channel; record every outcome."""
    role, week = digest["role"], monday_of(dt.date.fromisoformat(digest["as_of"]))
    outcomes = []
    for channel in channels(settings, role):
        done = store.already_sent(db, week=week, role=role, channel=channel)
        new = [a for a in fired if (a.rule, a.subject) not in done]
        first = (DIGEST_RULE, role) not in done
        if not first and not new:
            continue
        message = Message(
            title=title(digest) if first else f"Adoption alerts {digest['as_of']}",
            text=markdown(digest, new),
            html=html_page(digest, new),
        )
        if channel == "email":
            outcome = send_email(message, settings.digest_recipients[role], settings)
        else:
            outcome = send_webhook(message, settings)
        store.record_delivery(
            db,
            delivery=Delivery(
                role=role,
                channel=channel,
                target=outcome.target,
                title=message.title,
                status="sent" if outcome.sent else "failed",
                attempts=outcome.attempts,
                error=outcome.error,
            ),
        )
        if outcome.sent:
            keys = [(a.rule, a.subject) for a in new] + [(DIGEST_RULE, role)]
            store.mark_sent(db, keys=keys, week=week, role=role, channel=channel)
        outcomes.append(outcome)
    return outcomes


def digest_command(
    *,
    as_of: dt.date | None,
    since: int,
    role: str,
    output_format: str,
    send: bool,
    db: Path,
) -> int:
    """Print the role's digest; with --send deliver it. Exit 1 when a send failed, 2 bad role."""
    try:
        parse_role(role)
    except ValueError as error:
        print(f"adoption digest: {error}", file=sys.stderr)
        return 2
    data = gather(load_inputs(Path(db)), as_of, since)
    if data is None:
        print("adoption digest: no events yet: ingest some first", file=sys.stderr)
        return 2
    digest = build_digest(data, role)
    fired = alerts(digest, data.settings)
    if digest["people"]:  # named people leave the app: audited like every such export
        filters = {"as_of": digest["as_of"], "role": role, "send": send}
        audit_command_line(db, EXPORT_DIGEST, filters, row_count=len(digest["people"]))
    sys.stdout.write(render(digest, fired, output_format))
    if not send:
        return 0
    outcomes = deliver(Path(db), digest, fired, data.settings)
    for outcome in outcomes:
        state = "sent" if outcome.sent else f"FAILED ({outcome.error})"
        print(f"{outcome.channel} to {outcome.target}: {state}", file=sys.stderr)
    if not channels(data.settings, role):
        print("adoption digest: no channel configured for this role", file=sys.stderr)
    return 0 if all(o.sent for o in outcomes) else 1
