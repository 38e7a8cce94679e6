"""The gate's exit codes, from the contract in DESIGN.md."""

from datetime import UTC, datetime

import pytest

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


# --- the gate never passes on nothing ------------------------------------------------------

def empty(*, rules: int = 1, resources: int = 0, seen: int = 0,
          errors: int = 0) -> ScanResult:
    """A result without findings: ``rules`` selected, ``resources`` read, ``seen`` of them
    of a type the rules check (and excluded by their conditions)."""
    from mamori.checks.findings import RuleStats

    infos = [finding(Status.PASS, Severity.HIGH).rule] * rules
    run = RunInfo(NOW, NOW, NOW, ("files: hr",), (), "h", "0", resources)
    errs = [CollectionError("aws", "op", "s", "AccessDenied", "m")] * errors
    stats = {r.id: RuleStats(resources_seen=seen, not_applicable=seen) for r in infos}
    return ScanResult(run=run, rules=infos, findings=[], errors=errs, rule_stats=stats)


@pytest.mark.parametrize(("res", "why"), [
    (empty(rules=0), "no rule was selected"),
    (empty(), "no resource was read (files: hr)"),
    (empty(errors=2), "no resource was read (files: hr); 2 collection error(s)"),
    (empty(resources=5), "5 resource(s) read (files: hr), but none of them is of a type the "
                         "selected rules check (user)"),
    (empty(resources=5, seen=5), "every resource was outside the selected rules' conditions"),
])
@pytest.mark.parametrize("allow", [False, True])
def test_nothing_evaluated_is_exit_3_even_when_incomplete_is_allowed(res: ScanResult, why: str,
                                                                     allow: bool) -> None:
    verdict = decide(res, GatePolicy(allow_incomplete=allow, fail_on=None))
    assert verdict.exit_code is ExitCode.INCOMPLETE
    assert verdict.reason.startswith("nothing was evaluated: ") and why in verdict.reason


def test_an_input_that_yielded_nothing_is_incomplete_unless_allowed() -> None:
    from dataclasses import replace

    from mamori.checks.findings import GateNote
    from mamori.checks.tally import INPUT_EMPTY

    note = GateNote(INPUT_EMPTY, "--inventory hr/", "no resources read")
    r = replace(result(finding(Status.PASS, Severity.HIGH)), gate_notes=(note,))
    verdict = decide(r, GatePolicy())
    assert verdict.exit_code is ExitCode.INCOMPLETE
    assert verdict.reason == "incomplete: no resources read from --inventory hr/"
    assert decide(r, GatePolicy(allow_incomplete=True)).exit_code is ExitCode.OK
    # a FAIL elsewhere still fails the gate
    failing = replace(result(finding(Status.FAIL, Severity.HIGH)), gate_notes=(note,))
    assert decide(failing, GatePolicy()).exit_code is ExitCode.FAILED
    # other notes (an unused waiver) never gate
    unused = replace(note, kind="waiver_unused")
    assert decide(replace(r, gate_notes=(unused,)), GatePolicy()).exit_code is ExitCode.OK
