"""Drift: how a scan's findings relate to the previous comparable run of the history.

Comparable run: the latest recorded run with the same *scope key* — the same providers
(``RunInfo.scope``: provider with absolute inventory/snapshot paths, or the cloud
provider's description of accounts, profiles, subscriptions, regions asked for)
and the same selected rule ids — whose ``as_of`` is at or before this one's. Accounts
are not part of the key: they are observed, not asked for, and a new account would
otherwise restart every streak; instead a finding of an account this run did not see is
not compared (see ``unconfirmed`` below). The rule-set *hash* is not part of the key
either, so editing a rule's text or upgrading mamori keeps the history going.

Failing means FAIL, ERROR or WAIVED (:data:`~mamori.checks.history.interface.FAILING`):
an undecided finding is not "resolved", and a waived one is still there. NOT_ASSESSED (no
source of the run can tell) is its own state: not failing, so it never starts a streak or
counts as new, and not resolved either. A failing finding that is NOT_ASSESSED now was not
re-checked: it gets no ``change``, keeps ``first_seen`` (recorded with it, so the streak
carries through) and counts as ``unconfirmed``. Per finding:

* ``new``: failing now, not failing (or absent) in the previous comparable run — also a
  finding that fails again after it was resolved ("reappearing" is new);
* ``persisting``: failing in both (or failing now, and failing before it was not
  assessed); ``first_seen`` is the ``as_of`` of the first run of the current failing
  streak (carried from run to run, also through NOT_ASSESSED runs);
* ``resolved``: failing before, PASS now (a finding of this run) or gone now (a
  :class:`~mamori.checks.findings.ResolvedFinding` in ``Drift.resolved``, never gated).

A previously failing finding that has no finding now is *unconfirmed* rather than
resolved when this run could not have seen it: its account was not seen, its rule is not
selected, or a collection error covers its provider and resource type.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mamori.checks.findings import Drift, Finding, ResolvedFinding, ScanResult
from mamori.checks.history.interface import FAILING, FindingRecord, RunRecord
from mamori.checks.model import Cause, Resource, Severity, Status

if TYPE_CHECKING:
    from mamori.providers.interface import Provider

CHANGES = ("new", "persisting", "resolved")


def provider_scope(providers: Sequence[Provider]) -> tuple[str, ...]:
    """Providers as asked for, with file paths made absolute (cwd-independent)."""
    out = []
    for p in providers:
        # files keeps its inputs in .paths, snapshot in .path; clouds describe targets.
        paths = getattr(p, "paths", None) or [getattr(p, "path", None)]
        absolute = sorted(str(Path(x).resolve()) for x in paths if x is not None)
        out.append(f"{p.name}: " + ", ".join(absolute) if absolute else p.describe())
    return tuple(out)


def scope_key(result: ScanResult) -> str:
    """The identity of a run's scope: providers and selected rule ids (module docstring)."""
    scope = {"providers": sorted(result.run.scope or result.run.providers),
             "rules": sorted(r.id for r in result.rules)}
    text = json.dumps(scope, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def mark(finding: Finding, before: FindingRecord | None, previous_as_of: datetime | None,
         as_of: datetime) -> Finding:
    """Set ``change`` and ``first_seen`` of one finding of this run."""
    if before is None or not before.in_streak:
        if finding.status.value in FAILING:
            return replace(finding, change="new", first_seen=as_of)
        return finding
    since = before.first_seen or previous_as_of or as_of
    if finding.status is Status.NOT_ASSESSED:  # not re-checked: neither resolved nor new
        return replace(finding, change=None, first_seen=since)
    if finding.status.value in FAILING:
        return replace(finding, change="persisting", first_seen=since)
    return replace(finding, change="resolved", first_seen=before.first_seen)


def compare(result: ScanResult, previous: RunRecord | None,
            before: Sequence[FindingRecord]) -> ScanResult:
    """The result with drift set (``previous`` None: the first run of this scope)."""
    by_fp = {f.fingerprint: f for f in before}
    prev_as_of = previous.as_of if previous is not None else None
    as_of = result.run.as_of
    findings = [mark(f, by_fp.get(f.fingerprint), prev_as_of, as_of) for f in result.findings]
    seen = {f.fingerprint for f in findings}
    gone = [r for r in before if r.in_streak and r.fingerprint not in seen]
    resolved = [_resolved(r, result, prev_as_of or as_of) for r in gone if in_scope(r, result)]
    totals = Counter(f.change for f in findings if f.change in CHANGES)
    totals["resolved"] += len(resolved)
    # earlier failures not re-checked: out of this run's sight, or NOT_ASSESSED now
    totals["unconfirmed"] = len(gone) - len(resolved) + sum(
        1 for f in findings if f.status is Status.NOT_ASSESSED and f.first_seen is not None)
    drift = Drift(previous_as_of=prev_as_of,
                  previous_run=previous.id if previous is not None else None,
                  counts=cause_counts(findings, resolved),
                  totals={k: totals[k] for k in (*CHANGES, "unconfirmed")},
                  resolved=tuple(resolved), scope_key=scope_key(result))
    return replace(result, findings=findings, drift=drift)


def in_scope(record: FindingRecord, result: ScanResult) -> bool:
    """Whether this run would have produced the finding if it were still failing."""
    if record.rule_id not in {r.id for r in result.rules}:
        return False
    if record.account and f"{record.provider}:{record.account}" not in result.run.accounts:
        return False
    return not any(_covers(e.provider, e.account, e.resource_types, record)
                   for e in result.errors)


def _covers(provider: str, account: str, types: Iterable[str], record: FindingRecord) -> bool:
    """A collection error hides this record's resource type (in its account, if named)."""
    types = tuple(types)
    return (provider == record.provider and (not account or account == record.account)
            and (not types or record.resource_type in types))


def _resolved(record: FindingRecord, result: ScanResult, last_seen: datetime) -> ResolvedFinding:
    rules = {r.id: r for r in result.rules}
    resource = Resource(type=record.resource_type, id=record.resource_id,
                        name=record.resource_name, provider=record.provider,
                        account=record.account)
    return ResolvedFinding(
        fingerprint=record.fingerprint, rule_id=record.rule_id,
        severity=Severity(record.severity), causes=tuple(Cause(c) for c in record.causes),
        resource=resource, last_status=Status(record.status), first_seen=record.first_seen,
        last_seen=last_seen, rule=rules.get(record.rule_id))


def cause_counts(findings: Iterable[Finding],
                 resolved: Iterable[ResolvedFinding]) -> dict[Cause, dict[str, int]]:
    """new/persisting/resolved per cause; a finding counts under each of its causes."""
    table = {c: dict.fromkeys(CHANGES, 0) for c in Cause}
    for f in findings:
        if f.change in CHANGES:
            for cause in f.rule.causes:
                table[cause][f.change] += 1
    for r in resolved:
        for cause in r.causes:
            table[cause]["resolved"] += 1
    return table
