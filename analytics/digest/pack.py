"""The team meeting pack (SPEC 12): released numbers only, as slides, PDF or HTML.

`meeting_pack` is pure (digest inputs in, dict out) and always released as for leadership,
whoever generates it: no person is named and no group under the minimum size is shown.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import polars as pl

from analytics import charts
from analytics.digest.alerts import pct
from analytics.digest.compute import build_digest, released_teams, team_changes
from analytics.digest.inputs import DigestInputs, gather
from analytics.metrics.inputs import load_inputs
from analytics.metrics.targets import whole_people
from analytics.privacy.release import released_groups
from analytics.privacy.suppression import suppressed_label

SECTIONS = (
    "Adoption against the target",
    "Team leaderboard",
    "Teams that fell",
    "Leadership use",
    "Success stories",
)


def leaderboard(data: DigestInputs) -> pl.DataFrame:
    """One row per team, released: adoption now, change in points, note when too small."""
    size = data.settings.min_group_size
    now = released_teams(data.teams_now, size)
    changes = team_changes(now, released_teams(data.teams_then, size)).select("team", "change_pts")
    return (
        now.join(changes, on="team", how="left")
        .select("team", "adoption_rate", "change_pts", "note")
        .sort("adoption_rate", "team", descending=[True, False], nulls_last=True)
    )


def leadership_use(data: DigestInputs) -> list[dict[str, Any]]:
    """Adoption among executives and managers, released (note instead of a small group's rate)."""
    roles = released_groups(
        data.roles, group="role", count="eligible", min_size=data.settings.min_group_size
    )
    return (
        roles.filter(pl.col("role").is_in(["executive", "manager"]))
        .select("role", "adoption_rate", "note")
        .sort("role")
        .to_dicts()
    )


def meeting_pack(data: DigestInputs) -> dict[str, Any]:
    """Every number of the meeting pack, released; the sections of SPEC 12 in order."""
    digest = build_digest(data, "leadership")
    board = leaderboard(data)
    return {
        "as_of": digest["as_of"],
        "since": digest["since"],
        "min_group_size": data.settings.min_group_size,
        "drop_points": data.settings.team_drop_points,
        "headline": {
            key: digest[key]
            for key in (
                "adoption_rate",
                "path_rate",
                "forecast_rate",
                "target_rate",
                "status",
                "needed_per_week",
            )
        },
        "leaderboard": board.to_dicts(),
        "teams_fell": digest["teams_fell"],
        "teams_below_gate": digest["teams_below_gate"],
        "leadership": leadership_use(data),
        "success": board.filter(pl.col("change_pts") > 0)
        .sort("change_pts", "team", descending=[True, False])
        .head(3)
        .select("team", "adoption_rate", "change_pts")
        .to_dicts(),
    }


def change_text(points: float) -> str:
    """A change in points as a meeting reads it: '+2.5 pts', '-6.2 pts' or 'no change'."""
    return "no change" if abs(points) < 0.05 else f"{points:+.1f} pts"


def section_lines(pack: dict[str, Any]) -> list[list[str]]:
    """The text lines of each section, in SECTIONS order (the leaderboard as a list too)."""
    head = pack["headline"]
    status = (head["status"] or "not shown").replace("_", " ")
    headline = [
        f"Adoption {pct(head['adoption_rate'])}",
        f"Target path today {pct(head['path_rate'])} · target {pct(head['target_rate'])}",
        f"Forecast at the target date {pct(head['forecast_rate'])} · {status}",
    ]
    if head["needed_per_week"] is not None:
        headline.append(
            f"About {whole_people(head['needed_per_week'])} more active people needed per week"
        )
    hidden = suppressed_label(pack["min_group_size"])
    board = [
        f"{row['team']}: {row['note'] or pct(row['adoption_rate'])}"
        + ("" if row["change_pts"] is None else f" ({change_text(row['change_pts'])})")
        for row in pack["leaderboard"]
    ]
    fell = [
        f"{t['team']}: down {-t['change_pts']:.1f} pts to {pct(t['adoption_rate'])}"
        for t in pack["teams_fell"]
    ] or [f"No team fell by {pack['drop_points']:g} pts or more."]
    if pack["teams_fell"]:
        fell.append(f"(Teams whose adoption fell by {pack['drop_points']:g} pts or more.)")
    if below := pack["teams_below_gate"]:
        fell.append(f"Below their wave's gate of {pct(below[0]['gate'])} (people active now):")
        fell += [
            f"{t['team']}, wave {t['wave']}: {pct(t['adoption_rate'])} of {t['eligible']}"
            for t in below
        ]
    lead = [
        f"{r['role'].capitalize()}s using it: {r['note'] or pct(r['adoption_rate'])}"
        for r in pack["leadership"]
    ] or [f"No executives or managers, or {hidden}."]
    success = [
        f"{s['team']}: up {s['change_pts']:.1f} pts to {pct(s['adoption_rate'])}"
        for s in pack["success"]
    ] or ["No team gained adoption since the last meeting."]
    return [headline, board, fell, lead, success]


def leaderboard_png(pack: dict[str, Any]) -> bytes:
    """The leaderboard chart (shown teams, target line) as a PNG, via vl-convert."""
    import vl_convert as vlc  # deferred: the renderer is large and only the pack needs it

    target = pack["headline"]["target_rate"]
    shown = pl.DataFrame(pack["leaderboard"], infer_schema_length=None).filter(
        pl.col("adoption_rate").is_not_null()
    )
    shown = shown.with_columns(reached=pl.col("adoption_rate") >= (target or 1.0))
    chart = charts.team_bars(
        shown.select("team", "adoption_rate", "reached"),
        value="adoption_rate",
        title="Adoption rate (28 days)",
        target=target,
        target_label=f"Target {pct(target)}",
        flag="reached",
        flag_colour=charts.GREEN,
        inside_labels=True,
    ).properties(width=1000, height=max(160, 26 * shown.height))  # wide, as the slide is
    return bytes(vlc.vegalite_to_png(chart.to_json(), scale=1.5))


def default_name(as_of: str, output_format: str) -> Path:
    """The pack's file name, after its date."""
    return Path(f"adoption-meeting-{as_of}.{output_format}")


def render_pack(pack: dict[str, Any], output_format: str) -> bytes:
    """The pack as pptx, pdf or html bytes."""
    from analytics.digest import pack_files  # deferred: python-pptx and fpdf2 load slowly

    rated = any(row["adoption_rate"] is not None for row in pack["leaderboard"])
    chart = leaderboard_png(pack) if rated else None
    sections = list(zip(SECTIONS, section_lines(pack), strict=True))
    return pack_files.RENDERERS[output_format](pack, sections, chart)


def report_bytes(data: DigestInputs, output_format: str) -> bytes:
    """The meeting pack of these inputs as file bytes (used by the CLI and the page)."""
    return render_pack(meeting_pack(data), output_format)


def report_command(
    *, as_of: dt.date | None, since: int, output_format: str, out: Path | None, db: Path
) -> int:
    """`adoption report`: write the meeting pack and print where it is."""
    data = gather(load_inputs(Path(db)), as_of, since)
    if data is None:
        print("adoption report: no events yet: ingest some first", file=sys.stderr)
        return 2
    path = out or default_name(data.as_of.isoformat(), output_format)
    path.write_bytes(report_bytes(data, output_format))
    print(path)
    return 0
