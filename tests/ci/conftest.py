"""Shared helpers for the CI kit tests: hand-built findings and the real command."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from mamori.checks.findings import Finding, RuleInfo, RunInfo, ScanResult, Text
from mamori.checks.model import Cause, Resource, Severity, Status, fingerprint

#: Three users failing or passing MFA, shared by the waiver and baseline tests.
USERS = """\
- {type: user, id: web-1, enabled: true, console_access: true, mfa: false, admin: false}
- {type: user, id: old-web-1, enabled: true, console_access: true, mfa: false, admin: false}
- {type: user, id: ok-1, enabled: true, console_access: true, mfa: true, admin: false}
"""
NEW_USER = ("- {type: user, id: new-1, enabled: true, console_access: true, mfa: false, "
            "admin: false}\n")

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)

# Runs the real CLI; registers `inventory` in LAZY_COMMANDS when the lead has not yet
# (setdefault: a no-op once cli.py lists it), so the command goes through cli.main.
_SHIM = ("import sys; from mamori.checks import cli; "
         "cli.LAZY_COMMANDS.setdefault('inventory', 'mamori.ci.commands:inventory_group'); "
         "sys.argv[0] = 'mamori'; cli.main()")


def rule(rule_id: str, severity: Severity = Severity.HIGH) -> RuleInfo:
    return RuleInfo(id=rule_id, title=Text("t", "t"), remediation=Text("r", "r"),
                    severity=severity, causes=(Cause.INSIDER,), frameworks={},
                    resource_type="user", source="x")


def finding(rule_id: str, resource_id: str, status: Status = Status.FAIL,
            severity: Severity = Severity.HIGH, provider: str = "onprem",
            account: str = "") -> Finding:
    res = Resource(type="user", id=resource_id, provider=provider, account=account)
    return Finding(rule=rule(rule_id, severity), resource=res, status=status, message="",
                   evidence={}, fingerprint=fingerprint(rule_id, provider, account, resource_id))


def result(*findings: Finding, as_of: datetime = AS_OF) -> ScanResult:
    run = RunInfo(as_of, as_of, as_of, ("files",), (), "h", "0.1.0", len(findings))
    rules = {f.rule.id: f.rule for f in findings}
    return ScanResult(run=run, rules=list(rules.values()), findings=list(findings), errors=[],
                      rule_stats={})


def mamori(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """``mamori ARGS`` as users run it: ``python -m mamori.checks.cli``."""
    return _run(["-m", "mamori.checks.cli", *map(str, args)], cwd)


def mamori_with_inventory_command(*args: str | Path,
                                  cwd: Path) -> subprocess.CompletedProcess[str]:
    """Like ``mamori`` but with ``inventory`` registered even before cli.py lists it."""
    return _run(["-c", _SHIM, *map(str, args)], cwd)


def _run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *argv], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=120, check=False)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
