"""Pre-change review as a library call: a Terraform plan → findings classified by change.

Both sides of the plan are evaluated with the same compiled rules: the planned state
(``after``) and the state before the change (``before`` / ``prior_state``). Findings are
matched by fingerprint (rule id + provider + account + resource id, the id being the plan
address) and each failing one gets ``change``:

- ``introduced``: FAIL after and not failing before (a resource the plan creates counts:
  it had no finding before); ERROR or NOT_ASSESSED after unless ``unchanged`` says so;
- ``unchanged``: FAIL after and FAIL before; ERROR or NOT_ASSESSED after where the
  finding was FAIL before (it was failing and still cannot be shown fixed), or had the
  same status for the same reason before (the same attributes could not be read, or
  the same facts are out of the plan's reach: this change did not bring the gap);
- ``fixed``: FAIL before and PASS after, the rule no longer applying, or the resource
  deleted. Fixed findings are in the result as PASS with ``change="fixed"`` and the
  evidence of the side that decided them, so reports can list what the change repairs.

What no plan can show (a user's MFA or last sign-in, employment) is declared by the
terraform provider (:mod:`mamori.providers.terraform.observes`): rules that need it are
NOT_ASSESSED, which never gates unless ``--require-assessed``. An ERROR now means a value
the plan should show is unknown until apply or unreadable: introduced unless the same
gap was there before.

PASS findings that were not failing before keep ``change=None``. The gate
(:mod:`mamori.ci.gate`) then counts only ``introduced`` findings by default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from mamori.checks import __version__
from mamori.checks.config import Config
from mamori.checks.engine import Engine
from mamori.checks.findings import Finding, RunInfo, ScanResult
from mamori.checks.model import Cause, Resource, Status
from mamori.checks.ruleset import ruleset_hash
from mamori.checks.scan import (
    compile_rules,
    declared_observability,
    load_rule_specs,
    select_rules,
    who_ran,
)

if TYPE_CHECKING:
    from mamori.providers.interface import Provider

INTRODUCED, UNCHANGED, FIXED = "introduced", "unchanged", "fixed"
CHANGES = (INTRODUCED, UNCHANGED, FIXED)


@dataclass(frozen=True)
class PlanRequest:
    """What a plan review needs. ``causes`` None means all seven."""

    plan: Path
    config: Config = field(default_factory=Config)
    rule_paths: Sequence[Path] = ()
    causes: frozenset[Cause] | None = None
    as_of: datetime | None = None
    tf_root: Path | None = None


def run_plan(request: PlanRequest) -> ScanResult:
    """Evaluate both sides and classify; InventoryError (exit 2) for a bad plan file."""
    from mamori.providers.terraform.provider import LoadedPlan, TerraformPlanProvider

    started = datetime.now(UTC)
    as_of = request.as_of or started
    specs = select_rules(load_rule_specs(request.config, request.rule_paths), request.config,
                         request.causes)
    rules = compile_rules(specs, request.config, as_of)
    plan = LoadedPlan(request.plan)
    after = TerraformPlanProvider(request.plan, "after", request.tf_root, plan=plan)
    before = TerraformPlanProvider(request.plan, "before", request.tf_root, plan=plan)
    declared = declared_observability()
    engine = Engine(rules, declared)
    after_resources: dict[str, Resource] = {}
    after_findings = evaluate_side(engine, after, after_resources)
    previous = {f.fingerprint: f for f in
                evaluate_side(Engine(rules, declared), before,
                              reuse=(after_resources, after_findings))}
    resources = len(after_resources)
    run = RunInfo(as_of=as_of, started=started, finished=datetime.now(UTC),
                  providers=(after.describe(),), accounts=(), ruleset_hash=ruleset_hash(rules),
                  tool_version=__version__, resources=resources, ran_by=who_ran())
    causes = tuple(c for c in Cause if request.causes is None or c in request.causes)
    return ScanResult(run=run, rules=[r.info for r in rules],
                      findings=classify(after_findings, previous), errors=[],
                      rule_stats=engine.stats(), causes_selected=causes)


def evaluate_side(engine: Engine, provider: Provider, keep: dict[str, Resource] | None = None,
                  reuse: tuple[dict[str, Resource], list[Finding]] | None = None
                  ) -> list[Finding]:
    """The findings of every resource the provider yields.

    ``keep`` collects the resources by id. With ``reuse`` (the other side's resources and
    findings), a resource identical on both sides — most of a typical plan — takes the
    other side's findings instead of being evaluated again: same input, same verdicts.
    """
    same: dict[str, list[Finding]] = {}
    if reuse is not None:
        for finding in reuse[1]:
            same.setdefault(finding.resource.id, []).append(finding)
    findings: list[Finding] = []
    for item in provider.collect():
        if not isinstance(item, Resource):
            continue
        if keep is not None:
            keep[item.id] = item
        if reuse is not None and reuse[0].get(item.id) == item:
            findings.extend(same.get(item.id, ()))
        else:
            findings.extend(engine.evaluate(item))
    return findings


def _failing(finding: Finding | None) -> bool:
    return finding is not None and finding.status is Status.FAIL


def _same_gap(now: Finding, before: Finding | None) -> bool:
    """The before side was already failing, or undecided in the same way (same status,
    same missing attributes, same message: the change did not bring the gap)."""
    if before is None:
        return False
    if before.status is Status.FAIL:
        return True
    return (before.status is now.status and before.missing == now.missing
            and before.message == now.message)


def change_of(now: Finding, before: Finding | None) -> str | None:
    """How one after-side finding relates to the before side (None: not a failure)."""
    if now.status is Status.FAIL:
        return UNCHANGED if _failing(before) else INTRODUCED
    if now.status in (Status.ERROR, Status.NOT_ASSESSED):
        return UNCHANGED if _same_gap(now, before) else INTRODUCED
    if now.status is Status.PASS and _failing(before):
        return FIXED
    return None


def classify(after: Sequence[Finding], before: dict[str, Finding]) -> list[Finding]:
    """After-side findings with ``change`` set, plus fixed findings of vanished failures."""
    result = [_with_change(f, change_of(f, before.get(f.fingerprint))) for f in after]
    present = {f.fingerprint for f in after}
    for fp, old in before.items():
        if fp not in present and old.status is Status.FAIL:
            result.append(_vanished(old))
    return result


def _with_change(finding: Finding, change: str | None) -> Finding:
    return finding if change == finding.change else dataclasses.replace(finding, change=change)


def _vanished(old: Finding) -> Finding:
    """A failure of the before side with no after-side finding: fixed by the change."""
    raw = old.resource.attributes.get("raw")
    actions = raw.get("actions", ()) if isinstance(raw, dict) else ()
    why = ("the resource is deleted by this change" if "delete" in actions
           else "the rule no longer applies after this change")
    return dataclasses.replace(old, status=Status.PASS, change=FIXED, appi=None,
                               message=f"fixed: {why} (before: {old.message})")
