"""The metrics document (SPEC 8): every number of SPEC 4 as one JSON-ready dict, and the CLI."""

from __future__ import annotations

import datetime as dt
import json
import math
import sys
from collections.abc import Mapping
from math import isfinite
from pathlib import Path
from typing import Any

from analytics.asof import check_as_of
from analytics.metrics.active import active_counts, active_days_histogram, adoption_rate, stickiness
from analytics.metrics.champions import champions_summary, cohorts_list
from analytics.metrics.curves import curves_list, glide_path
from analytics.metrics.groups import adoption_by_team
from analytics.metrics.inputs import MetricInputs, last_event_day, load_document_inputs
from analytics.metrics.leadership import leadership_rates
from analytics.metrics.lifecycle import lifecycle_weeks
from analytics.metrics.outreach_effect import outreach_summary
from analytics.metrics.population import Basis, population_summary, prepare
from analytics.metrics.retention import retention_cohorts
from analytics.metrics.segments import segment_counts
from analytics.metrics.targets import target_summary
from analytics.metrics.tools import tool_keys
from analytics.metrics.training import training_counts, training_rates
from analytics.metrics.trust import acceptance_overall, lost_trust_count, trust_summary
from analytics.metrics.waves import waves_list


def value_delivered(basis: Basis) -> float | None:
    """build cost x adoption rate at D (null without a build cost or an adoption rate)."""
    cost = basis.settings.build_cost
    rate = adoption_rate(basis)
    return None if cost is None or rate is None else cost * rate


PLAIN = frozenset({str, int, bool, type(None)})  # JSON values as they are, never converted
PERSON_KEYS = frozenset({"person_id", "user_id", "champion_id"})  # an object naming a person


def jsonable(value: Any, rows: list[int] | None = None) -> Any:
    """Dates as YYYY-MM-DD, NaN and infinities as null, containers recursively; with `rows`,
    rows[0] also counts the objects naming a person (`named_rows`, in the same walk)."""
    kind = type(value)  # exact types first: the per-person lists hold ~230,000 values at 10M
    if kind in PLAIN:
        return value
    if kind is dict:  # plain leaves and finite floats inline: one call per value was half the time
        if rows is not None and not PERSON_KEYS.isdisjoint(value):
            rows[0] += 1
        return {
            str(key): item
            if type(item) in PLAIN or (type(item) is float and isfinite(item))
            else jsonable(item, rows)
            for key, item in value.items()
        }
    if kind is list:
        return [
            item
            if type(item) in PLAIN or (type(item) is float and isfinite(item))
            else jsonable(item, rows)
            for item in value
        ]
    if isinstance(value, dict):
        if rows is not None and not PERSON_KEYS.isdisjoint(value):
            rows[0] += 1
        return {str(key): jsonable(item, rows) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item, rows) for item in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    return value


def headline_document(basis: Basis) -> dict[str, Any]:
    """The document's organisation-level headline keys only (those `released_headlines` keeps;
    trust: its two numbers): what a page and a comparison with an earlier day read, without the
    weekly and per-person lists."""
    return {
        "as_of": basis.as_of,
        "population": population_summary(basis),
        "active": active_counts(basis),
        "adoption_rate": adoption_rate(basis),
        "stickiness": stickiness(basis),
        "active_days_histogram": active_days_histogram(basis),
        "segments": segment_counts(basis),
        "target": target_summary(basis),
        "leadership": leadership_rates(basis),
        "trust": {
            "acceptance_rate": acceptance_overall(basis),
            "lost_trust": lost_trust_count(basis),
        },
        "training": {**training_rates(basis), "counts": training_counts(basis)},
        "value_delivered": value_delivered(basis),
        "build_cost": basis.settings.build_cost,
        "modes": {"roster": basis.has_roster, "plan": basis.has_plan},
    }


def document_from_basis(basis: Basis, inputs: MetricInputs | None = None) -> dict[str, Any]:
    """The SPEC 8 document (plus the documented extra keys) from a prepared basis; the tool
    keys of SPEC 10 read the inputs' tool_day and licences (empty when not given)."""
    head = headline_document(basis)
    champions = champions_summary(basis)
    champions["cohorts"] = cohorts_list(basis)
    return {
        **{key: head[key] for key in ("as_of", "population", "active", "adoption_rate")},
        **{key: head[key] for key in ("stickiness", "active_days_histogram", "segments")},
        "target": head["target"],
        "retention": retention_cohorts(basis),
        "lifecycle": lifecycle_weeks(basis),
        "waves": waves_list(basis),
        "champions": champions,
        "teams": adoption_by_team(basis),
        "leadership": head["leadership"],
        "trust": trust_summary(basis),  # the headline's two numbers and the lists by team and week
        **{key: head[key] for key in ("training", "value_delivered")},
        "build_cost": head["build_cost"],
        "rollout_curves": curves_list(basis),
        "glide_path": glide_path(basis),
        "outreach_effect": outreach_summary(basis),
        "unmatched_users": basis.unmatched.to_dicts(),
        "modes": head["modes"],
        **tool_keys(basis, inputs),
    }


class MissingKey(KeyError):
    """A path that is not in the metrics document (a typo, or a key that was renamed)."""


def doc_value(document: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path such as 'target.path_rate' (None only for a null value);
    MissingKey naming the path and the keys there when any part is absent."""
    value: Any = document
    walked: list[str] = []
    for key in path.split("."):
        if not isinstance(value, Mapping) or key not in value:
            known = ", ".join(sorted(value)) if isinstance(value, Mapping) else type(value).__name__
            where = ".".join(walked) or "the document"
            raise MissingKey(f"metrics document has no {path!r}: {where} holds {known}")
        value = value[key]
        walked.append(key)
    return value


def build_document(
    inputs: MetricInputs, as_of: dt.date | None = None, rows: list[int] | None = None
) -> dict[str, Any]:
    """Every metric as of D as a JSON-ready dict (dates as text, no NaN); with `rows`, rows[0]
    counts its objects naming a person (`named_rows`) on the way."""
    return jsonable(document_from_basis(prepare(inputs, as_of), inputs), rows)


def metrics_command(as_of: dt.date | None, db: Path) -> int:
    """`adoption metrics`: print the document as JSON (the CLI parsed --as-of); audited."""
    # deferred: the audit helpers reach the app state; the metrics library path never needs them
    from analytics.privacy.audit import EXPORT_METRICS, audit_command_line

    inputs = load_document_inputs(Path(db), as_of)  # tool_day: only the rows read at D
    if note := check_as_of(as_of, last_event_day(inputs)):
        print(note, file=sys.stderr)
    rows = [0]  # named_rows(document), counted while the document is made JSON-ready
    document = build_document(inputs, as_of, rows)
    filters = {"as_of": document["as_of"], "format": "json"}
    audit_command_line(db, EXPORT_METRICS, filters, row_count=rows[0])
    # compact: the document carries per-person lists (4 MB at 20,000 people); indenting it took
    # 0.25 s of a 1 s budget and 70% more bytes (`| jq .` pretty-prints it)
    print(json.dumps(document, separators=(",", ": "), allow_nan=False))
    return 0


def named_rows(value: Any) -> int:
    """How many rows naming a person the document holds (objects with a person key)."""
    if isinstance(value, dict):
        own = 1 if PERSON_KEYS & value.keys() else 0
        return own + sum(named_rows(item) for item in value.values() if type(item) in NESTED)
    if isinstance(value, list):
        return sum(named_rows(item) for item in value if type(item) in NESTED)
    return 0


NESTED = frozenset({dict, list})  # the only values of a JSON-ready document that hold rows
