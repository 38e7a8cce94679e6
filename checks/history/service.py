"""The history around one scan: compare before the gate, record after it.

    store = open_store(target)                    # HistoryError: exit 2, before the scan
    result = with_history(store, result)          # drift + trend (reads only)
    verdict = decide(result, policy)
    record_run(store, result, verdict.exit_code)  # one transaction
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from mamori.checks.findings import ScanResult, TrendPoint
from mamori.checks.history.drift import compare, scope_key
from mamori.checks.history.interface import CauseCounts, FindingRecord, HistoryStore, RunRecord
from mamori.checks.model import Cause, Severity, Status
from mamori.checks.summary import coverage

#: Runs the HTML trend chart shows (this one included).
TREND_RUNS = 14
#: Severities whose new FAILs count as the incident-count proxy.
INCIDENT_SEVERITIES = (Severity.CRITICAL.value, Severity.HIGH.value)
_CAUSE_IDS = frozenset(c.value for c in Cause)


def with_history(store: HistoryStore, result: ScanResult,
                 trend_runs: int = TREND_RUNS) -> ScanResult:
    """Drift against the previous comparable run, and the pass-rate trend."""
    key = scope_key(result)
    previous = store.previous_run(key, result.run.as_of)
    before = store.findings(previous.id) if previous is not None and previous.id else []
    result = compare(result, previous, before)
    return replace(result, trend=trend(store, result, key, trend_runs))


def trend(store: HistoryStore, result: ScanResult, key: str, runs: int) -> list[TrendPoint]:
    """Pass rate per cause of the last ``runs - 1`` comparable runs and this one."""
    past = [r for r in store.runs(scope_key=key, limit=runs - 1)
            if r.as_of <= result.run.as_of and r.id is not None][::-1]
    counts = store.cause_counts([r.id for r in past if r.id is not None])
    points = []
    for run in past:
        assert run.id is not None
        rates = {Cause(c.cause): c.pass_rate for c in counts.get(run.id, [])
                 if c.cause in _CAUSE_IDS}
        points.append(TrendPoint(run.as_of, {c: rates.get(c) for c in Cause}, run.id))
    now = {cov.cause: cov.pass_rate for cov in coverage(result)}
    return [*points, TrendPoint(result.run.as_of, now, None)]


def finding_records(result: ScanResult) -> list[FindingRecord]:
    """What is stored per finding: verdict, rule, resource envelope; never evidence."""
    return [FindingRecord(
        fingerprint=f.fingerprint, rule_id=f.rule.id, status=f.status.value,
        severity=f.rule.severity.value, resource_type=f.resource.type,
        resource_id=f.resource.id, resource_name=f.resource.name,
        provider=f.resource.provider, account=f.resource.account,
        causes=tuple(c.value for c in f.rule.causes), change=f.change,
        first_seen=f.first_seen) for f in result.findings]


def run_counts(result: ScanResult) -> dict[str, int]:
    """Per status, per change, and new critical/high FAILs (the incident-count proxy)."""
    counts: Counter[str] = Counter(f.status.value for f in result.findings)
    counts.update(f.change for f in result.findings if f.change)
    if result.drift is not None:
        counts["resolved"] += len(result.drift.resolved)
    counts["incidents"] = sum(1 for f in result.findings if f.change == "new"
                              and f.status is Status.FAIL
                              and f.rule.severity.value in INCIDENT_SEVERITIES)
    return {k: counts[k] for k in sorted(counts)}


def record_run(store: HistoryStore, result: ScanResult, exit_code: int) -> int:
    """Store the run, its findings and its per-cause counts; return the run id."""
    run = result.run
    record = RunRecord(as_of=run.as_of, started=run.started, finished=run.finished,
                       providers=run.providers, accounts=run.accounts,
                       scope_key=scope_key(result), ruleset_hash=run.ruleset_hash,
                       tool_version=run.tool_version, exit_code=int(exit_code),
                       resources=run.resources, counts=run_counts(result))
    causes = [CauseCounts(cov.cause.value, cov.counts[Status.PASS], cov.counts[Status.FAIL],
                          cov.counts[Status.ERROR], cov.counts[Status.WAIVED], cov.checked,
                          cov.counts[Status.NOT_ASSESSED])
              for cov in coverage(result)]
    return store.record(record, finding_records(result), causes)
