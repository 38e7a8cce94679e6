"""Counts per status, severity and cause, and per-cause coverage of a scan result.

Coverage says plainly when a cause was not checked at all and why (no rule enabled,
no resource of the types its rules need, or every finding NOT_ASSESSED because no
source of the scan can supply what its rules need), so a report never implies a clean
bill of health for something that was never looked at.

*Assessed* means a rule produced a finding other than NOT_ASSESSED on a resource: PASS,
FAIL, WAIVED, or ERROR (a source that should have told failed: the check was attempted,
so the cause stays "checked" and the ERROR is shown). *Not assessed* means every finding
of the rule (or of the resource, for this cause) is NOT_ASSESSED. The pass rate is PASS
over the assessed findings: NOT_ASSESSED is left out of the denominator, as a cause with
no inventory is, and reported next to it (docs/history.md).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from mamori.checks.findings import Finding, ScanResult
from mamori.checks.model import Cause, Severity, Status

#: Statuses that count as assessed (everything but NOT_ASSESSED).
ASSESSED = frozenset(s for s in Status if s is not Status.NOT_ASSESSED)


@dataclass(frozen=True, slots=True)
class Need:
    """A fact no source of the scan could supply, the source that could, and how many
    NOT_ASSESSED findings wait for it."""

    fact: str
    source: str
    findings: int

    def describe(self) -> str:
        """``employment (give an HR inventory joined by e-mail)``."""
        return f"{self.fact} ({self.source})"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"fact": self.fact, "source": self.source, "findings": self.findings}


def needs_of(findings: Iterable[Finding]) -> tuple[Need, ...]:
    """What the NOT_ASSESSED findings among ``findings`` need, sorted by fact and source."""
    counter: Counter[tuple[str, str]] = Counter(
        (fact, source) for f in findings if f.status is Status.NOT_ASSESSED
        for fact, source in f.needs.items())
    return tuple(Need(fact, source, n) for (fact, source), n in sorted(counter.items()))


def needs_text(needs: Mapping[str, str] | Iterable[Need]) -> str:
    """``employment (give an HR inventory ...); mfa (scan the live account ...)``."""
    if isinstance(needs, Mapping):
        return "; ".join(f"{fact} ({source})" for fact, source in needs.items())
    return "; ".join(n.describe() for n in needs)


@dataclass(frozen=True)
class CauseCoverage:
    """What was checked for one cause.

    ``rules_evaluated`` and ``resources`` count every rule and resource with a finding;
    ``rules_assessed`` and ``resources_assessed`` those with at least one finding that is
    not NOT_ASSESSED (the rest are not assessed: ``needs`` says who could tell).
    """

    cause: Cause
    rules: int
    rules_evaluated: int
    resources: int
    counts: dict[Status, int]
    missing_types: tuple[str, ...]
    rules_assessed: int = 0
    resources_assessed: int = 0
    needs: tuple[Need, ...] = ()

    @property
    def checked(self) -> bool:
        """True when at least one rule of this cause was assessed on a resource."""
        return self.rules_assessed > 0

    @property
    def not_assessed(self) -> bool:
        """True when rules of this cause ran but every finding is NOT_ASSESSED."""
        return self.rules_evaluated > 0 and self.rules_assessed == 0

    @property
    def rules_not_assessed(self) -> int:
        """Rules that ran and whose every finding is NOT_ASSESSED."""
        return self.rules_evaluated - self.rules_assessed

    @property
    def resources_not_assessed(self) -> int:
        """Resources whose every finding of this cause is NOT_ASSESSED."""
        return self.resources - self.resources_assessed

    @property
    def pass_rate(self) -> float | None:
        """PASS over the assessed findings (ERROR and WAIVED count as not passed,
        NOT_ASSESSED is left out); None when nothing was assessed."""
        total = sum(n for s, n in self.counts.items() if s in ASSESSED)
        return None if total == 0 else self.counts[Status.PASS] / total

    def reason_not_checked(self) -> str:
        """Why the cause was not checked, in English (renderers translate)."""
        if self.rules == 0:
            return "no rule for this cause is enabled"
        if self.not_assessed:
            return "not assessed: needs " + needs_text(self.needs)
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
            "rules_assessed": self.rules_assessed,
            "rules_not_assessed": self.rules_not_assessed,
            "resources_assessed": self.resources_assessed,
            "resources_not_assessed": self.resources_not_assessed,
            "needs": [n.to_dict() for n in self.needs],
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


def _key(f: Finding) -> tuple[str, str, str, str]:
    return (f.resource.provider, f.resource.account, f.resource.type, f.resource.id)


def coverage(result: ScanResult) -> list[CauseCoverage]:
    """Per-cause coverage in the fixed order of the seven causes."""
    out = []
    for cause in Cause:
        rules = [r for r in result.rules if cause in r.causes]
        ids = {r.id for r in rules}
        findings = [f for f in result.findings if f.rule.id in ids]
        counts = _zero()
        counts.update(Counter(f.status for f in findings))
        assessed = [f for f in findings if f.status in ASSESSED]
        missing = sorted({r.resource_type for r in rules
                          if result.rule_stats.get(r.id, _NO_STATS).resources_seen == 0})
        out.append(CauseCoverage(
            cause, len(rules), len({f.rule.id for f in findings}),
            len({_key(f) for f in findings}), counts, tuple(missing),
            rules_assessed=len({f.rule.id for f in assessed}),
            resources_assessed=len({_key(f) for f in assessed}),
            needs=needs_of(findings)))
    return out


class _NoStats:
    resources_seen = 0


_NO_STATS = _NoStats()
