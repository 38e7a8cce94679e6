"""The gate: turns a scan result into the documented exit code.

    0  nothing at or above the threshold failed and nothing errored
    1  at least one unwaived FAIL at or above --fail-on
    2  usage, configuration, rule, waiver or input error (raised before a result exists)
    3  no such FAIL, but some findings are ERROR, a provider could not collect, or an
       input given on the command line yielded no resource (fail closed;
       --allow-incomplete turns these into 0); or, with --require-assessed
       (gate.require_assessed), some findings are NOT_ASSESSED (--allow-incomplete does
       not lift this: assessment was required); or nothing was evaluated at all (no
       finding: no resource read, or no selected rule applies to what was read; or every
       finding is NOT_ASSESSED: no source of the scan could decide anything), which
       --allow-incomplete never turns into 0

NOT_ASSESSED (no source given to the scan can supply a fact a rule needs, by the
providers' declarations) never makes exit 1, and by itself not exit 3 either: the
verdict's reason counts it, and ``--require-assessed`` gates on it.

Renderers show the verdict; they never decide it. ``mamori scan`` and ``mamori plan``
both decide through :func:`decide`, so a plan with no resources is exit 3 as well.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from mamori.checks.findings import Finding, ScanResult
from mamori.checks.model import Severity, Status
from mamori.checks.summary import needs_of, needs_text
from mamori.checks.tally import INPUT_EMPTY


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
    #: ``--require-assessed``: NOT_ASSESSED findings make the run incomplete (exit 3).
    require_assessed: bool = False


def policy_from(fail_on: str | None, allow_incomplete: bool | None, *,
                config_fail_on: str | None = None, config_allow: bool | None = None,
                only_changes: frozenset[str] | None = None,
                require_assessed: bool | None = None,
                config_require_assessed: bool | None = None) -> GatePolicy:
    """The policy from command-line values, falling back to the config, then the defaults
    (fail on ``low``; incomplete is exit 3; NOT_ASSESSED is reported, not gated).
    ``"none"`` means no FAIL gives exit 1."""
    threshold = fail_on or config_fail_on or Severity.LOW.value
    allow = allow_incomplete if allow_incomplete is not None else config_allow
    require = require_assessed if require_assessed is not None else config_require_assessed
    return GatePolicy(fail_on=None if threshold == "none" else Severity(threshold),
                      allow_incomplete=bool(allow), only_changes=only_changes,
                      require_assessed=bool(require))


def _gated(finding: Finding, policy: GatePolicy) -> bool:
    """Whether a finding takes part in the gate: baselined ones and filtered changes don't.

    A NOT_ASSESSED finding with no ``change`` (a history gives it none: it is neither a
    new failure nor a resolved one) takes part whatever ``only_changes`` says, so
    ``--fail-on-new --require-assessed`` still requires every verdict to be assessed.
    """
    if finding.baselined:
        return False
    if policy.only_changes is None or finding.change in policy.only_changes:
        return True
    return finding.status is Status.NOT_ASSESSED and finding.change is None


@dataclass(frozen=True)
class GateVerdict:
    """The exit code and the reason, in words, that reports print."""

    exit_code: ExitCode
    reason: str
    failing: int
    errors: int
    collection_errors: int
    policy: GatePolicy
    #: Gated NOT_ASSESSED findings (exit 3 only with ``policy.require_assessed``).
    not_assessed: int = 0


def nothing_evaluated(result: ScanResult) -> str | None:
    """Why the result holds no assessed finding at all, or None when it holds some.

    No finding, or only NOT_ASSESSED ones, means no rule decided anything: a gate that
    passed on it would pass on nothing. The reason names what was missing.
    """
    if result.findings and all(f.status is Status.NOT_ASSESSED for f in result.findings):
        return (f"every finding ({len(result.findings)}) is NOT_ASSESSED: no source of this "
                f"scan can supply what the rules need: {needs_text(needs_of(result.findings))}")
    if result.findings:
        return None
    if not result.rules:
        return "no rule was selected"
    sources = ", ".join(result.run.providers) or "no input"
    if result.run.resources == 0:
        text = f"no resource was read ({sources})"
        if result.errors:
            text += f"; {len(result.errors)} collection error(s)"
        return text
    types = ", ".join(sorted({r.resource_type for r in result.rules}))
    seen = any(s.resources_seen for s in result.rule_stats.values())
    why = ("every resource was outside the selected rules' conditions (when)" if seen
           else f"none of them is of a type the selected rules check ({types})")
    return f"{result.run.resources} resource(s) read ({sources}), but {why}"


def decide(result: ScanResult, policy: GatePolicy) -> GateVerdict:
    """Apply the policy to the result."""
    empty = nothing_evaluated(result)
    if empty is not None:  # --allow-incomplete does not apply: nothing was checked
        return GateVerdict(ExitCode.INCOMPLETE, f"nothing was evaluated: {empty}", 0, 0,
                           len(result.errors), policy)
    gated = [f for f in result.findings if _gated(f, policy)]
    failing = 0
    if policy.fail_on is not None:
        threshold = policy.fail_on
        failing = sum(1 for f in gated
                      if f.status is Status.FAIL and f.rule.severity.at_least(threshold))
    errors = sum(1 for f in gated if f.status is Status.ERROR)
    unassessed = [f for f in gated if f.status is Status.NOT_ASSESSED]
    collection = len(result.errors)
    missing = _incomplete(result, errors)
    required = _required(unassessed) if policy.require_assessed else ""
    if failing:
        assert policy.fail_on is not None
        code = ExitCode.FAILED
        reason = f"{failing} failing finding(s) at or above '{policy.fail_on.value}'"
    elif required:  # asked for explicitly: --allow-incomplete does not lift it
        code = ExitCode.INCOMPLETE
        reason = "incomplete: " + " and ".join(p for p in (missing, required) if p)
    elif missing and policy.allow_incomplete:
        code, reason = ExitCode.OK, f"incomplete but allowed: {missing}"
    elif missing:
        code, reason = ExitCode.INCOMPLETE, f"incomplete: {missing}"
    else:
        code = ExitCode.OK
        threshold_text = policy.fail_on.value if policy.fail_on else "none"
        reason = f"no failing finding at or above '{threshold_text}' and nothing errored"
    if unassessed and not required:
        reason += (f"; {len(unassessed)} finding(s) NOT_ASSESSED, not gated "
                   "(--require-assessed gates them)")
    return GateVerdict(code, reason, failing, errors, collection, policy, len(unassessed))


def _required(unassessed: list[Finding]) -> str:
    """The NOT_ASSESSED part of an incomplete verdict under --require-assessed."""
    if not unassessed:
        return ""
    return (f"{len(unassessed)} finding(s) NOT_ASSESSED and --require-assessed is set "
            f"(needs {needs_text(needs_of(unassessed))})")


def _incomplete(result: ScanResult, errors: int) -> str:
    """What was not verified, in words ('' when everything was)."""
    parts = []
    if errors:
        parts.append(f"{errors} finding(s) could not be decided (ERROR)")
    if result.errors:
        parts.append(f"{len(result.errors)} collection error(s)")
    empty = [n.source for n in result.gate_notes if n.kind == INPUT_EMPTY]
    if empty:
        parts.append(f"no resources read from {', '.join(empty)}")
    return " and ".join(parts)
