"""What the renderers share about a history: drift per cause, resolved findings, trend.

A run scanned with ``--history`` carries ``ScanResult.drift`` (new, persisting and
resolved per cause against the previous comparable run, plus the failures that are gone)
and ``ScanResult.trend`` (pass rate per cause over the last runs). These helpers turn
them into rows every report lists the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mamori.checks.findings import ScanResult, Text
from mamori.checks.model import Cause, Severity, Status
from mamori.reports._common import ordered_findings, resource_label, resource_location

CHANGES = ("new", "persisting", "resolved")


def drift_rows(result: ScanResult) -> list[tuple[Cause, dict[str, int]]]:
    """(cause, {new, persisting, resolved}) for every cause, in the fixed order."""
    if result.drift is None:
        return []
    return [(c, {k: result.drift.counts[c][k] for k in CHANGES}) for c in Cause]


@dataclass(frozen=True)
class ResolvedRow:
    """One resolved finding as reports list it."""

    rule_id: str
    title: Text | None
    severity: Severity
    resource: str
    location: str
    fingerprint: str
    first_seen: datetime | None
    gone: bool


def resolved_rows(result: ScanResult) -> list[ResolvedRow]:
    """Findings passing now that failed before, then those no longer found."""
    rows = [ResolvedRow(f.rule.id, f.rule.title, f.rule.severity, resource_label(f.resource),
                        resource_location(f.resource), f.fingerprint, f.first_seen, False)
            for f in ordered_findings(result.findings) if f.change == "resolved"]
    gone = [] if result.drift is None else sorted(
        result.drift.resolved, key=lambda r: (r.severity.rank, r.rule_id, r.resource.id))
    rows += [ResolvedRow(r.rule_id, r.rule.title if r.rule else None, r.severity,
                         resource_label(r.resource), resource_location(r.resource),
                         r.fingerprint, r.first_seen, True) for r in gone]
    return rows


def new_failures(result: ScanResult) -> int:
    """FAIL findings that are new since the previous comparable run."""
    return sum(1 for f in result.findings if f.change == "new" and f.status is Status.FAIL)


def percent(rate: float | None) -> str:
    """``57.1%``, or ``–`` for a cause that was not checked."""
    return "–" if rate is None else f"{rate * 100:.1f}%"
