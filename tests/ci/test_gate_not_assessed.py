"""The gate and NOT_ASSESSED (DESIGN.md, exit codes): never exit 1, by itself never exit 3,
exit 3 with --require-assessed, and a run that assessed nothing is never exit 0."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.config import load_config
from mamori.checks.errors import ConfigError
from mamori.checks.findings import Finding, RuleInfo, RuleStats, RunInfo, ScanResult, Text
from mamori.checks.model import Cause, Resource, Severity, Status
from mamori.ci.gate import ExitCode, GatePolicy, decide, policy_from

NOW = datetime(2026, 11, 29, tzinfo=UTC)
NEEDS = {"employment": "give an HR inventory joined by e-mail"}


def finding(status: Status, severity: Severity = Severity.HIGH, n: int = 0,
            change: str | None = None, baselined: bool = False) -> Finding:
    rule = RuleInfo(id=f"T-{severity.value}", title=Text("t", "t"), remediation=Text("r", "r"),
                    severity=severity, causes=(Cause.INSIDER,), frameworks={},
                    resource_type="user", source="x")
    return Finding(rule=rule, resource=Resource(type="user", id=f"u{n}", provider="gcp"),
                   status=status, message="m", evidence={}, fingerprint=f"f{n}",
                   needs=NEEDS if status is Status.NOT_ASSESSED else {}, change=change,
                   baselined=baselined)


def result(*findings: Finding) -> ScanResult:
    run = RunInfo(NOW, NOW, NOW, ("gcp",), (), "h", "0", max(1, len(findings)))
    rules = list({f.rule.id: f.rule for f in findings}.values()) or [finding(Status.PASS).rule]
    stats = {r.id: RuleStats(resources_seen=len(findings)) for r in rules}
    return ScanResult(run=run, rules=rules, findings=list(findings), errors=[],
                      rule_stats=stats)


P, F, E, N = Status.PASS, Status.FAIL, Status.ERROR, Status.NOT_ASSESSED
REQUIRE = GatePolicy(require_assessed=True)
BOTH = GatePolicy(require_assessed=True, allow_incomplete=True)
ALLOW = GatePolicy(allow_incomplete=True)


@pytest.mark.parametrize(("statuses", "policy", "code"), [
    ((P, N), GatePolicy(), 0),        # reported, not gated
    ((P, N), ALLOW, 0),
    ((P, N), REQUIRE, 3),
    ((P, N), BOTH, 3),                # --allow-incomplete does not lift a requirement
    ((N,), GatePolicy(), 3),          # nothing assessed: nothing was evaluated
    ((N, N), ALLOW, 3),
    ((N,), REQUIRE, 3),
    ((F, N), GatePolicy(), 1),        # a FAIL still fails
    ((F, N), BOTH, 1),
    ((E, N), GatePolicy(), 3),
    ((E, N), ALLOW, 0),               # the ERROR is allowed, the NOT_ASSESSED not gated
    ((E, N), BOTH, 3),
    ((P, N), GatePolicy(fail_on=None, require_assessed=True), 3),
])
def test_gate_table(statuses: tuple[Status, ...], policy: GatePolicy, code: int) -> None:
    r = result(*(finding(s, n=i) for i, s in enumerate(statuses)))
    assert decide(r, policy).exit_code == code


def test_reasons_say_what_was_not_assessed_and_what_could_tell() -> None:
    r = result(finding(P), finding(N, n=1))
    ok = decide(r, GatePolicy())
    assert ok.reason.endswith("; 1 finding(s) NOT_ASSESSED, not gated "
                              "(--require-assessed gates them)")
    assert ok.not_assessed == 1
    required = decide(r, REQUIRE).reason
    assert required == ("incomplete: 1 finding(s) NOT_ASSESSED and --require-assessed is set "
                        "(needs employment (give an HR inventory joined by e-mail))")
    empty = decide(result(finding(N)), ALLOW).reason
    assert empty.startswith("nothing was evaluated: every finding (1) is NOT_ASSESSED")
    assert "employment (give an HR inventory joined by e-mail)" in empty


def test_plan_changes_filter_not_assessed_like_any_finding() -> None:
    plan = GatePolicy(require_assessed=True, only_changes=frozenset({"introduced"}))
    old = finding(N, n=1, change="unchanged")
    assert decide(result(finding(P), old), plan).exit_code == 0
    new = finding(N, n=2, change="introduced")
    assert decide(result(finding(P), old, new), plan).exit_code == 3


def test_fail_on_new_still_requires_every_verdict_assessed() -> None:
    # A history gives NOT_ASSESSED no change (neither new nor resolved): it still gates
    # under --require-assessed, or --fail-on-new would switch the requirement off.
    nightly = GatePolicy(require_assessed=True, only_changes=frozenset({"new"}))
    assert decide(result(finding(P), finding(N, n=1)), nightly).exit_code == 3
    assert decide(result(finding(P), finding(N, n=1)),
                  replace(nightly, require_assessed=False)).exit_code == 0


def test_policy_from_flag_then_config() -> None:
    assert policy_from(None, None).require_assessed is False
    assert policy_from(None, None, config_require_assessed=True).require_assessed is True
    assert policy_from(None, None, require_assessed=True,
                       config_require_assessed=False).require_assessed is True


def test_config_key_gate_require_assessed(tmp_path: Path) -> None:
    path = tmp_path / "mamori.yaml"
    path.write_text("version: 1\ngate:\n  require_assessed: true\n", encoding="utf-8")
    assert load_config(path).require_assessed is True
    path.write_text("version: 1\ngate:\n  require_assessed: 'yes'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "require_assessed" in str(caught.value) and caught.value.location is not None


_STATUS = st.sampled_from(list(Status))
_SEVERITY = st.sampled_from(list(Severity))
_FINDINGS = st.lists(st.tuples(_STATUS, _SEVERITY, st.booleans()), max_size=8)
_POLICY = st.builds(GatePolicy, fail_on=st.none() | _SEVERITY, allow_incomplete=st.booleans(),
                    require_assessed=st.booleans())


def build(items: list[tuple[Status, Severity, bool]]) -> ScanResult:
    # only a FAIL can be baselined (ci/baseline.py)
    return result(*(finding(s, sev, i, baselined=b and s is F)
                    for i, (s, sev, b) in enumerate(items)))


@given(_FINDINGS, _POLICY)
def test_not_assessed_never_passes_and_never_fails(items: list[tuple[Status, Severity, bool]],
                                                   policy: GatePolicy) -> None:
    r = build(items)
    code = decide(r, policy).exit_code
    assessed = [f for f in r.findings if f.status is not N]
    if not assessed:  # no finding, or only NOT_ASSESSED: nothing was evaluated
        assert code is ExitCode.INCOMPLETE
        return
    without = replace(r, findings=assessed)
    if not policy.require_assessed:  # NOT_ASSESSED alone never moves the exit code
        assert code == decide(without, policy).exit_code
    elif len(assessed) < len(r.findings) and code is not ExitCode.FAILED:
        assert code is ExitCode.INCOMPLETE
    if code is ExitCode.OK:
        assert not (policy.require_assessed and len(assessed) < len(r.findings))
        assert policy.allow_incomplete or not any(f.status is E for f in r.findings)
    if code is ExitCode.FAILED:  # only an unbaselined FAIL at or above the threshold
        assert policy.fail_on is not None and any(
            f.status is F and not f.baselined and f.rule.severity.at_least(policy.fail_on)
            for f in r.findings)
