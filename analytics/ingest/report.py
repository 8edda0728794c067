"""The per-file ingest report: what was read and where every row went (SPEC 3 and 7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JSON_KEYS = (
    "file",
    "status",
    "error",
    "read",
    "loaded",
    "duplicates",
    "quarantined",
    "suppressed",
    "quarantine_reasons",
    "conflicts",
    "date_order",
    "warnings",
)


@dataclass
class FileReport:
    """One file's outcome; read = loaded + duplicates + quarantined + suppressed always holds."""

    file: str
    status: str = "loaded"  # "loaded" | "refused"
    error: str | None = None
    read: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    suppressed: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    date_order: str | None = None
    warnings: list[str] = field(default_factory=list)
    kind: str = "events"  # "events" | "roster" | "plan" | "kpis" | "survey"; not in the JSON
    preset: str | None = None  # a vendor preset (SPEC 10): the JSON adds preset and revisions
    revisions: int = 0  # loaded rows that replaced a stored row of the same key (vendor files)
    already_quarantined: int = 0  # of `duplicates`: rows already in quarantine; not in the JSON
    fixed: int = 0  # earlier quarantined rows this file loaded (ingest/quarantine.py); not in JSON

    @classmethod
    def refused(cls, file: str, error: str, *, kind: str = "events") -> FileReport:
        """A file that could not be read at all: nothing of it was loaded."""
        return cls(file=file, status="refused", error=error, kind=kind)

    def balanced(self) -> bool:
        """The nothing-is-lost identity of SPEC 3."""
        return self.read == self.loaded + self.duplicates + self.quarantined + self.suppressed

    def to_json(self) -> dict[str, Any]:
        """Exactly the keys of the `--format json` contract, in contract order (a vendor file's
        report adds `preset` and `revisions`, counted within `loaded`)."""
        listed = {key: getattr(self, key) for key in JSON_KEYS}
        if self.preset is None:
            return listed
        return {**listed, "preset": self.preset, "revisions": self.revisions}

    def to_text(self) -> str:
        """A few readable lines for the terminal."""
        if self.status == "refused":
            return f"{self.file}: refused: {self.error}"
        if self.kind in ("roster", "plan"):
            lines = [f"{self.file}: {self.kind} loaded ({self.loaded} rows)"]
            lines += [f"  warning: {w}" for w in self.warnings]
            return "\n".join(lines)
        lines = [
            f"{self.file}: loaded",
            f"  read {self.read}, loaded {self.loaded}, duplicates {self.duplicates}"
            f" (conflicts {self.conflicts}), quarantined {self.quarantined},"
            f" suppressed {self.suppressed}",
        ]
        if self.preset is not None:
            revised = f"{self.revisions} of the loaded rows are revisions"
            lines.append(f"  preset {self.preset}: {revised}")
        if self.quarantine_reasons:
            reasons = ", ".join(f"{r} {n}" for r, n in sorted(self.quarantine_reasons.items()))
            lines.append(f"  quarantined by reason: {reasons}")
        if self.date_order:
            lines.append(f"  date order: {self.date_order}")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)
