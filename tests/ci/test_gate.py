"""The gate's exit codes, from the contract in DESIGN.md."""

from datetime import UTC, datetime

from mamori.checks.findings import Finding, RuleInfo, RunInfo, ScanResult, Text
from mamori.checks.model import Cause, CollectionError, Resource, Severity, Status
from mamori.ci.gate import ExitCode, GatePolicy, decide

NOW = datetime(2026, 11, 29, tzinfo=UTC)


def finding(status: Status, severity: Severity) -> Finding:
    rule = RuleInfo(id=f"T-{severity.value}", title=Text("t", "t"), remediation=Text("r", "r"),
                    severity=severity, causes=(Cause.INSIDER,), frameworks={},
                    resource_type="user", source="x")
    return Finding(rule=rule, resource=Resource(type="user", id="u", provider="onprem"),
                   status=status, message="", evidence={}, fingerprint="f")


def result(*findings: Finding, errors: int = 0) -> ScanResult:
    run = RunInfo(NOW, NOW, NOW, ("files",), (), "h", "0", 1)
    errs = [CollectionError("aws", "op", "s", "AccessDenied", "m")] * errors
    return ScanResult(run=run, rules=[], findings=list(findings), errors=errs, rule_stats={})


def test_clean_is_zero() -> None:
    verdict = decide(result(finding(Status.PASS, Severity.HIGH)), GatePolicy())
    assert verdict.exit_code is ExitCode.OK


def test_fail_at_or_above_threshold_is_one() -> None:
    r = result(finding(Status.FAIL, Severity.HIGH))
    assert decide(r, GatePolicy(fail_on=Severity.HIGH)).exit_code is ExitCode.FAILED
    assert decide(r, GatePolicy(fail_on=Severity.CRITICAL)).exit_code is ExitCode.OK


def test_fail_on_none_never_fails() -> None:
    r = result(finding(Status.FAIL, Severity.CRITICAL))
    assert decide(r, GatePolicy(fail_on=None)).exit_code is ExitCode.OK


def test_waived_does_not_fail() -> None:
    r = result(finding(Status.WAIVED, Severity.CRITICAL))
    assert decide(r, GatePolicy()).exit_code is ExitCode.OK


def test_errors_fail_closed_unless_allowed() -> None:
    r = result(finding(Status.ERROR, Severity.LOW))
    assert decide(r, GatePolicy()).exit_code is ExitCode.INCOMPLETE
    assert decide(r, GatePolicy(allow_incomplete=True)).exit_code is ExitCode.OK
    r = result(errors=1)
    assert decide(r, GatePolicy()).exit_code is ExitCode.INCOMPLETE


def test_fail_beats_incomplete() -> None:
    r = result(finding(Status.ERROR, Severity.LOW), finding(Status.FAIL, Severity.LOW))
    assert decide(r, GatePolicy(allow_incomplete=True)).exit_code is ExitCode.FAILED
    # a FAIL below the threshold plus an ERROR: still incomplete, never a pass
    assert decide(r, GatePolicy(fail_on=Severity.HIGH)).exit_code is ExitCode.INCOMPLETE


def test_baselined_findings_stay_out_of_the_gate() -> None:
    from dataclasses import replace

    accepted = replace(finding(Status.FAIL, Severity.CRITICAL), baselined=True)
    assert decide(result(accepted), GatePolicy()).exit_code is ExitCode.OK


def test_only_changes_filters_the_gate() -> None:
    from dataclasses import replace

    old = replace(finding(Status.FAIL, Severity.HIGH), change="unchanged")
    new = replace(finding(Status.FAIL, Severity.HIGH), change="introduced")
    policy = GatePolicy(only_changes=frozenset({"introduced"}))
    assert decide(result(old), policy).exit_code is ExitCode.OK
    assert decide(result(old, new), policy).exit_code is ExitCode.FAILED
    assert decide(result(old), GatePolicy()).exit_code is ExitCode.FAILED
