"""Drift rules on hand-built results: what counts as failing, scope, and the gate."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from mamori.checks.findings import Finding, ScanResult
from mamori.checks.history.drift import compare, scope_key
from mamori.checks.history.interface import FindingRecord, RunRecord
from mamori.checks.model import CollectionError, Severity, Status
from mamori.ci.gate import ExitCode, GatePolicy, decide
from tests.ci.conftest import finding, result

DAY1 = datetime(2026, 11, 1, tzinfo=UTC)
DAY2 = datetime(2026, 11, 2, tzinfo=UTC)


def before(*findings: Finding, first: datetime = DAY1) -> list[FindingRecord]:
    return [FindingRecord(f.fingerprint, f.rule.id, f.status.value, f.rule.severity.value,
                          f.resource.type, f.resource.id, f.resource.name, f.resource.provider,
                          f.resource.account, tuple(c.value for c in f.rule.causes),
                          None, first) for f in findings]


def previous() -> RunRecord:
    return RunRecord(DAY1, DAY1, DAY1, ("files",), ("onprem:a",), "k", "h", "0", 1, 1, id=7)


def now(*findings: Finding) -> ScanResult:
    r = result(*findings, as_of=DAY2)
    return replace(r, run=replace(r.run, accounts=("onprem:a",)))


def changes(r: ScanResult) -> dict[str, tuple[str | None, datetime | None]]:
    return {f.resource.id: (f.change, f.first_seen) for f in r.findings}


def test_error_and_waived_count_as_failing() -> None:
    old = [finding("R1", "x", account="a"), finding("R1", "y", Status.ERROR, account="a"),
           finding("R1", "z", Status.WAIVED, account="a")]
    cur = now(finding("R1", "x", Status.ERROR, account="a"),
              finding("R1", "y", Status.PASS, account="a"),
              finding("R1", "z", Status.FAIL, account="a"))
    out = compare(cur, previous(), before(*old))
    assert changes(out) == {"x": ("persisting", DAY1), "y": ("resolved", DAY1),
                            "z": ("persisting", DAY1)}


def test_gone_findings_are_resolved_only_when_this_run_could_see_them() -> None:
    old = [finding("R1", "gone", account="a"), finding("R1", "other-account", account="b"),
           finding("R1", "denied", provider="aws", account="a")]
    cur = replace(now(finding("R1", "kept", Status.PASS, account="a")),
                  errors=[CollectionError("aws", "iam:ListUsers", "a", "AccessDenied", "no",
                                          ("user",), account="a")])
    out = compare(cur, previous(), before(*old))
    assert out.drift is not None
    assert [r.resource.id for r in out.drift.resolved] == ["gone"]
    assert out.drift.totals == {"new": 0, "persisting": 0, "resolved": 1, "unconfirmed": 2}


def test_resolved_and_persisting_never_gate_with_fail_on_new() -> None:
    old = [finding("R1", "old", account="a"), finding("R1", "gone", account="a")]
    cur = now(finding("R1", "old", account="a"), finding("R1", "new", account="a"))
    out = compare(cur, previous(), before(*old))
    only_new = GatePolicy(fail_on=Severity.HIGH, only_changes=frozenset({"new"}))
    assert decide(out, only_new).failing == 1
    fixed = compare(now(finding("R1", "old", Status.PASS, account="a")), previous(),
                    before(*old))
    assert decide(fixed, only_new).exit_code is ExitCode.OK
    assert decide(fixed, GatePolicy()).exit_code is ExitCode.OK


def test_first_run_everything_failing_is_new() -> None:
    out = compare(now(finding("R1", "x", account="a"), finding("R1", "p", Status.PASS)),
                  None, [])
    assert out.drift is not None and out.drift.previous_as_of is None
    assert changes(out) == {"x": ("new", DAY2), "p": (None, None)}


def test_scope_key_depends_on_providers_and_rules_only() -> None:
    a = now(finding("R1", "x"))
    assert scope_key(a) == scope_key(replace(a, run=replace(a.run, ruleset_hash="other",
                                                            accounts=("z",))))
    assert scope_key(a) != scope_key(replace(a, run=replace(a.run, providers=("aws",))))
    assert scope_key(a) != scope_key(now(finding("R2", "x")))
