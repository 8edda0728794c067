"""The digest as Markdown, HTML or JSON text (user data escaped in HTML): pure."""

from __future__ import annotations

import html
import json
from typing import Any

from analytics.digest.alerts import Alert, pct
from analytics.metrics.targets import whole_people

STYLE = (
    "body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#222;"
    "max-width:46em;margin:1.5em auto;padding:0 1em;line-height:1.45}"
    "h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.1em;margin:1.4em 0 .3em;"
    "border-bottom:1px solid #ddd;padding-bottom:.2em}ul{padding-left:1.2em;margin:.3em 0}"
    "p{color:#555;margin-top:0}"
)
STATUS_WORDS = {"on_track": "on track", "at_risk": "at risk", "behind": "behind"}


def role_title(role: str) -> str:
    """The digest's audience in words."""
    if role.startswith("champion:"):
        return f"champion {role.partition(':')[2]}"
    return role.replace("_", " ")


def status_text(digest: dict[str, Any]) -> str:
    """The status in words, saying which of path and forecast holds."""
    status, rate, path = digest["status"], digest["adoption_rate"], digest["path_rate"]
    if status is None or rate is None or path is None:
        return "status not shown"
    above = "at or above the path today" if rate >= path - 1e-9 else "below the path today"
    reaches = (
        "the forecast reaches the target"
        if status == "on_track" or (status == "at_risk" and rate < path - 1e-9)
        else "the forecast falls short of the target"
    )
    return f"{STATUS_WORDS[status]} ({above}; {reaches})"


def people_title(role: str) -> str:
    """The heading of the digest's named people: a champion's cohort or champions to help."""
    if role.startswith("champion:"):
        return "Your cohort: who to contact this week"
    return "Champions who need help"


def alert_lines(fired: list[Alert]) -> list[str]:
    """Alerts in words, the champion alerts folded into one line (they are listed by name)."""
    champions = [a for a in fired if a.rule == "champion_no_contact"]
    lines = [a.text for a in fired if a.rule != "champion_no_contact"]
    if champions:
        lines.append(
            f"{len(champions)} champion(s) with non-adopters and no contact logged recently "
            "(listed below)"
        )
    return lines


def below_gate_lines(rows: list[dict[str, Any]]) -> list[str]:
    """Teams below their wave's gate in words (also the meeting pack's), or that none is."""
    return [
        f"{t['team']}, wave {t['wave']}: {pct(t['adoption_rate'])} of its {t['eligible']} "
        f"people active (gate {pct(t['gate'])})"
        for t in rows
    ] or ["No team's wave group past its 4-week gate is below it."]


def digest_lines(digest: dict[str, Any], fired: list[Alert]) -> list[tuple[str, list[str]]]:
    """(section title, lines) pairs: the digest's content once, for every text format."""
    status = status_text(digest)
    per_week = digest["needed_per_week"]
    headline = [
        f"Adoption {pct(digest['adoption_rate'])}; target path today "
        f"{pct(digest['path_rate'])}; forecast at the target date {pct(digest['forecast_rate'])} "
        f"against a target of {pct(digest['target_rate'])}.",
        f"Status: {status}.",
    ]
    if per_week == 0:
        headline.append("Enough people are active for the target today: keep them active.")
    elif per_week is not None:
        needed = whole_people(per_week)
        headline.append(f"About {needed} more active people needed per week to reach the target.")
    sections = [("Adoption against the target", headline)]
    sections.append(("New alerts this week", alert_lines(fired) or ["No new alerts."]))
    sections.append(
        (
            "Teams that fell",
            [
                f"{t['team']}: down {-t['change_pts']:.1f} pts to {pct(t['adoption_rate'])}"
                for t in digest["teams_fell"]
            ]
            or ["No team fell by the alert threshold."],
        )
    )
    sections.append(("Teams below their wave's gate", below_gate_lines(digest["teams_below_gate"])))
    sections.append(
        (
            "Waves not ready",
            [
                f"Wave {w['wave']} ({w['name']}): 2 weeks {pct(w['rate_2w'])}, "
                f"4 weeks {pct(w['rate_4w'])}, gate {pct(w['gate'])}"
                for w in digest["waves_not_ready"]
            ]
            or ["Every started wave is at or above the gate."],
        )
    )
    sections.append(
        (
            "Three actions that would move the rate most",
            [f"{a['text']} (owner: {a['owner']})" for a in digest["actions"]]
            or ["Nothing to do this week."],
        )
    )
    if digest["people"]:
        sections.append(
            (
                people_title(digest["role"]),
                [f"{p['name']} ({p['team'] or 'no team'}): {p['why']}" for p in digest["people"]],
            )
        )
    return sections


def title(digest: dict[str, Any]) -> str:
    """The message's subject line."""
    return f"Adoption digest {digest['as_of']} for {role_title(digest['role'])}"


def markdown(digest: dict[str, Any], fired: list[Alert]) -> str:
    """The digest as Markdown (also the chat message's text)."""
    lines = [f"# {title(digest)}", "", f"Changes since {digest['since']}."]
    for heading, items in digest_lines(digest, fired):
        lines += ["", f"## {heading}", ""] + [f"- {item}" for item in items]
    return "\n".join(lines) + "\n"


def html_page(digest: dict[str, Any], fired: list[Alert]) -> str:
    """The digest as a small HTML document, every text escaped."""
    esc = html.escape
    parts = [f"<h1>{esc(title(digest))}</h1>", f"<p>Changes since {esc(digest['since'])}.</p>"]
    for heading, items in digest_lines(digest, fired):
        rows = "".join(f"<li>{esc(item)}</li>" for item in items)
        parts.append(f"<h2>{esc(heading)}</h2><ul>{rows}</ul>")
    body = "\n".join(parts)
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{esc(title(digest))}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def render(digest: dict[str, Any], fired: list[Alert], output_format: str) -> str:
    """The digest in one of md, html, json (json: exactly the SPEC 14 keys)."""
    if output_format == "json":
        return json.dumps(digest, indent=2, allow_nan=False) + "\n"
    if output_format == "html":
        return html_page(digest, fired)
    return markdown(digest, fired)
