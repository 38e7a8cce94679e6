"""The gate: turns a scan result into the documented exit code.

    0  nothing at or above the threshold failed and nothing errored
    1  at least one unwaived FAIL at or above --fail-on
    2  usage, configuration, rule, waiver or input error (raised before a result exists)
    3  no such FAIL, but some findings are ERROR or a provider could not collect
       (fail closed; --allow-incomplete turns 3 into 0)

Renderers show the verdict; they never decide it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from mamori.checks.findings import Finding, ScanResult
from mamori.checks.model import Severity, Status


class ExitCode(IntEnum):
    """Documented process exit codes."""

    OK = 0
    FAILED = 1
    INPUT_ERROR = 2
    INCOMPLETE = 3


@dataclass(frozen=True)
class GatePolicy:
    """What fails the gate. ``fail_on`` None means no FAIL ever gives exit 1."""

    fail_on: Severity | None = Severity.LOW
    allow_incomplete: bool = False
    #: Only findings whose ``change`` is in this set can fail the gate (e.g. {"introduced"}
    #: for ``mamori plan``, {"new"} for ``--fail-on-new``). None: every finding counts.
    only_changes: frozenset[str] | None = None


def policy_from(fail_on: str | None, allow_incomplete: bool | None, *,
                config_fail_on: str | None = None, config_allow: bool | None = None,
                only_changes: frozenset[str] | None = None) -> GatePolicy:
    """The policy from command-line values, falling back to the config, then the defaults
    (fail on ``low``; incomplete is exit 3). ``"none"`` means no FAIL gives exit 1."""
    threshold = fail_on or config_fail_on or Severity.LOW.value
    allow = allow_incomplete if allow_incomplete is not None else config_allow
    return GatePolicy(fail_on=None if threshold == "none" else Severity(threshold),
                      allow_incomplete=bool(allow), only_changes=only_changes)


def _gated(finding: Finding, policy: GatePolicy) -> bool:
    """Whether a finding takes part in the gate: baselined ones and filtered changes don't."""
    if finding.baselined:
        return False
    return policy.only_changes is None or finding.change in policy.only_changes


@dataclass(frozen=True)
class GateVerdict:
    """The exit code and the reason, in words, that reports print."""

    exit_code: ExitCode
    reason: str
    failing: int
    errors: int
    collection_errors: int
    policy: GatePolicy


def decide(result: ScanResult, policy: GatePolicy) -> GateVerdict:
    """Apply the policy to the result."""
    failing = 0
    gated = [f for f in result.findings if _gated(f, policy)]
    if policy.fail_on is not None:
        threshold = policy.fail_on
        failing = sum(1 for f in gated
                      if f.status is Status.FAIL and f.rule.severity.at_least(threshold))
    errors = sum(1 for f in gated if f.status is Status.ERROR)
    collection = len(result.errors)
    if failing:
        assert policy.fail_on is not None
        code = ExitCode.FAILED
        reason = f"{failing} failing finding(s) at or above '{policy.fail_on.value}'"
    elif errors or collection:
        parts = []
        if errors:
            parts.append(f"{errors} finding(s) could not be decided (ERROR)")
        if collection:
            parts.append(f"{collection} collection error(s)")
        text = " and ".join(parts)
        if policy.allow_incomplete:
            code, reason = ExitCode.OK, f"incomplete but allowed: {text}"
        else:
            code, reason = ExitCode.INCOMPLETE, f"incomplete: {text}"
    else:
        code = ExitCode.OK
        threshold_text = policy.fail_on.value if policy.fail_on else "none"
        reason = f"no failing finding at or above '{threshold_text}' and nothing errored"
    return GateVerdict(code, reason, failing, errors, collection, policy)
