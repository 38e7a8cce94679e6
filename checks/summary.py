"""Counts per status, severity and cause, and per-cause coverage of a scan result.

Coverage says plainly when a cause was not checked at all and why (no rule enabled,
or no resource of the types its rules need), so a report never implies a clean bill
of health for something that was never looked at.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from mamori.checks.findings import ScanResult
from mamori.checks.model import Cause, Severity, Status


@dataclass(frozen=True)
class CauseCoverage:
    """What was checked for one cause."""

    cause: Cause
    rules: int
    rules_evaluated: int
    resources: int
    counts: dict[Status, int]
    missing_types: tuple[str, ...]

    @property
    def checked(self) -> bool:
        """True when at least one rule of this cause gave a verdict on a resource."""
        return self.rules_evaluated > 0

    @property
    def pass_rate(self) -> float | None:
        """Share of decided findings that passed (WAIVED counts as not passed)."""
        total = sum(self.counts.values())
        return None if total == 0 else self.counts[Status.PASS] / total

    def reason_not_checked(self) -> str:
        """Why the cause was not checked, in English (renderers translate)."""
        if self.rules == 0:
            return "no rule for this cause is enabled"
        if self.missing_types:
            return "no inventory of type " + ", ".join(self.missing_types)
        return "no resource matched the rules' conditions"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "cause": self.cause.value,
            "label": {"en": self.cause.label_en, "ja": self.cause.label_ja},
            "checked": self.checked,
            "reason_not_checked": None if self.checked else self.reason_not_checked(),
            "rules": self.rules,
            "rules_evaluated": self.rules_evaluated,
            "resources_checked": self.resources,
            "missing_resource_types": list(self.missing_types),
            **{s.value.lower(): self.counts[s] for s in Status},
            "pass_rate": self.pass_rate,
        }


def _zero() -> dict[Status, int]:
    return {s: 0 for s in Status}


def status_counts(result: ScanResult) -> dict[Status, int]:
    """Number of findings per status."""
    counts = _zero()
    counts.update(Counter(f.status for f in result.findings))
    return counts


def severity_counts(result: ScanResult) -> dict[Severity, dict[Status, int]]:
    """Findings per severity, split by status."""
    table = {sev: _zero() for sev in Severity}
    for f in result.findings:
        table[f.rule.severity][f.status] += 1
    return table


def coverage(result: ScanResult) -> list[CauseCoverage]:
    """Per-cause coverage in the fixed order of the seven causes."""
    out = []
    for cause in Cause:
        rules = [r for r in result.rules if cause in r.causes]
        ids = {r.id for r in rules}
        findings = [f for f in result.findings if f.rule.id in ids]
        counts = _zero()
        counts.update(Counter(f.status for f in findings))
        evaluated = {f.rule.id for f in findings}
        resources = {(f.resource.provider, f.resource.account, f.resource.type, f.resource.id)
                     for f in findings}
        missing = sorted({r.resource_type for r in rules
                          if result.rule_stats.get(r.id, _NO_STATS).resources_seen == 0})
        out.append(CauseCoverage(cause, len(rules), len(evaluated), len(resources), counts,
                                 tuple(missing)))
    return out


class _NoStats:
    resources_seen = 0


_NO_STATS = _NoStats()
