"""`adoption impact --kpi NAME`: the effect of the rollout on a KPI, as JSON or text."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

from analytics.impact.analysis import analyse
from analytics.impact.data import read_kpis
from analytics.metrics.inputs import load_inputs


def as_text(document: dict[str, Any]) -> str:
    """The sentence, then the event study one line per week since start."""
    if "error" in document:
        return f"{document['kpi']}: {document['error']}"
    lines = [document["sentence"], "", "weeks since start: estimate (95% interval)"]
    lines += [
        f"  {row['week']:+d}: {row['estimate']} ({row['ci_low']} to {row['ci_high']})"
        for row in document["event_study"]
    ]
    return "\n".join(lines)


def impact_command(*, kpi: str, as_of: dt.date | None, db: Path, output_format: str) -> int:
    """Print the impact document; exit 2 when the design supports no estimate."""
    result = analyse(kpi, load_inputs(Path(db)), read_kpis(db), as_of)
    document, unmatched = result.document, result.unmatched
    if unmatched:
        print(
            f"adoption impact: {unmatched} person(s) in the KPI file match nobody in the roster "
            "and are left out",
            file=sys.stderr,
        )
    if output_format == "json":
        print(json.dumps(document, indent=2, allow_nan=False))
    else:
        print(as_text(document))
    return 2 if "error" in document else 0
