"""Evaluates compiled rules against a stream of resources.

Rules are indexed by resource type, so each resource meets only the rules for its type.
Memory is bounded by the findings: resources are not kept once evaluated.

Every finding is made by :func:`_finding`, which masks its evidence and the resource's
secret tags (:mod:`mamori.checks.secrets`); the FAIL message is built from the masked
evidence. So no renderer, history or notification can show a secret, whatever it
prints. A rule that reads a value a snapshot withheld is ERROR (it cannot be decided).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from mamori.checks.appi import classify
from mamori.checks.compiler import Evaluation
from mamori.checks.finding_log import slim
from mamori.checks.findings import Finding, RuleStats
from mamori.checks.model import CollectionError, Resource, Status, fingerprint
from mamori.checks.observability import Elsewhere, Lookup, no_declarations
from mamori.checks.ruleset import CompiledRule
from mamori.checks.secrets import (
    WithheldResource,
    mask_evidence,
    safe_resource,
    withheld_reads,
)


class Engine:
    """Holds the compiled rules of one scan and evaluates resources one at a time."""

    def __init__(self, rules: Sequence[CompiledRule],
                 observability: Lookup = no_declarations) -> None:
        self.rules = list(rules)
        self.observability = observability
        self._by_type: dict[str, list[CompiledRule]] = defaultdict(list)
        for rule in self.rules:
            self._by_type[rule.info.resource_type].append(rule)
        self._seen: dict[str, int] = defaultdict(int)
        self._not_applicable: dict[str, int] = defaultdict(int)
        self.evaluations = 0

    def evaluate(self, resource: Resource) -> Iterator[Finding]:
        """The findings of every applicable rule on ``resource``."""
        rules = self._by_type.get(resource.type, ())
        # One envelope per resource, shared by its findings, without its attributes: the
        # findings do not hold the inventory in memory.
        shown = slim(safe_resource(resource)) if rules else resource
        for rule in rules:
            self._seen[rule.info.id] += 1
            self.evaluations += 1
            finding = evaluate_rule(rule, resource, self.observability, shown)
            if finding is None:
                self._not_applicable[rule.info.id] += 1
            else:
                yield finding

    def collection_failed(self, error: CollectionError) -> Iterator[Finding]:
        """ERROR findings for the rules whose resources could not even be listed."""
        for rtype in error.resource_types:
            placeholder = Resource(type=rtype, id=f"<{error.operation}>",
                                   name=f"{rtype} in {error.scope}", provider=error.provider,
                                   account=error.account, region=error.region,
                                   source=error.operation)
            for rule in self._by_type.get(rtype, ()):
                self._seen[rule.info.id] += 1
                message = (f"could not collect {rtype} resources in {error.scope}: "
                           f"{error.operation} failed with {error.code}")
                yield _finding(rule, placeholder, Status.ERROR, message, {}, ())

    def stats(self) -> dict[str, RuleStats]:
        """Per rule: resources of its type seen and how many it did not apply to."""
        return {r.info.id: RuleStats(self._seen[r.info.id], self._not_applicable[r.info.id])
                for r in self.rules}


def evaluate_rule(rule: CompiledRule, resource: Resource,
                  observability: Lookup = no_declarations,
                  shown: Resource | None = None) -> Finding | None:
    """One rule on one resource: a finding, or None when ``when`` is false.

    Undecided findings are ERROR, or NOT_ASSESSED when every attribute that left them
    undecided is one the resource's provider declares it can never observe.
    """
    if isinstance(resource, WithheldResource):  # read back from a snapshot
        withheld = withheld_reads(resource, _reads(rule))
        if withheld:  # never decided on a value that was not kept: not even exists: false
            return _finding(rule, resource, Status.ERROR,
                            "cannot decide: " + ", ".join(withheld) + " not kept in the "
                            "snapshot (secret values and raw payloads are never saved)",
                            {}, tuple(withheld), envelope=shown)
    ev = Evaluation()
    if rule.when is not None:
        applies = rule.when.node(resource, ev, "")
        if applies is False:
            return None
        if applies is None:
            return _undecided(rule, resource, ev, "cannot tell whether the rule applies",
                              observability, shown)
    verdict = rule.check.node(resource, ev, "")
    if verdict is None:
        return _undecided(rule, resource, ev, "cannot decide", observability, shown)
    if verdict:
        return _finding(rule, resource, Status.PASS, rule.passed, ev.evidence, (),
                        envelope=shown)
    return _finding(rule, resource, Status.FAIL, None, ev.evidence, (), envelope=shown)


def _reads(rule: CompiledRule) -> tuple[str, ...]:
    return rule.check.reads + (rule.when.reads if rule.when else ())


def _undecided(rule: CompiledRule, resource: Resource, ev: Evaluation, what: str,
               observability: Lookup, shown: Resource | None) -> Finding:
    missing = tuple(dict.fromkeys(ev.missing))
    needs = _elsewhere(resource, missing, observability)
    if needs and not ev.problems and len(needs) == len(missing):
        message = ("not assessed: no source of this scan can tell "
                   + "; ".join(e.describe(a) for a, e in needs.items()))
        return _finding(rule, resource, Status.NOT_ASSESSED, message, ev.evidence, missing,
                        needs={a: e.source for a, e in needs.items()}, envelope=shown)
    reasons = []
    if missing:
        reasons.append("attribute(s) absent: " + ", ".join(missing))
    reasons.extend(dict.fromkeys(ev.problems))
    return _finding(rule, resource, Status.ERROR, f"{what}: " + "; ".join(reasons),
                    ev.evidence, missing, envelope=shown)


def _elsewhere(resource: Resource, missing: tuple[str, ...],
               observability: Lookup) -> dict[str, Elsewhere]:
    """The absent attributes the resource's provider declares it can never observe."""
    declared = observability(resource.provider) if missing else None
    if declared is None:
        return {}
    found = {attr: declared.unobservable(resource.type, attr) for attr in missing}
    return {attr: e for attr, e in found.items() if e is not None}


def _finding(rule: CompiledRule, resource: Resource, status: Status, message: str | None,
             evidence: dict[str, Any], missing: tuple[str, ...],
             needs: Mapping[str, str] | None = None,
             envelope: Resource | None = None) -> Finding:
    """The one place findings are made: evidence and tags masked here, for every output.

    ``message`` None (a FAIL) is built from the masked evidence: what was observed.
    """
    shown = mask_evidence(resource.type, evidence) if evidence else {}
    if message is None:
        observed = ", ".join(f"{k}={_show(v)}" for k, v in shown.items()) or "nothing"
        message = f"observed {observed}; required {rule.check.text}"
    appi = None if status is Status.PASS else classify(rule.info, resource, _reads(rule))
    return Finding(
        rule=rule.info, resource=envelope or slim(safe_resource(resource)), status=status,
        message=message,
        evidence=shown, missing=missing, appi=appi, needs=dict(needs or {}),
        fingerprint=fingerprint(rule.info.id, resource.provider, resource.account, resource.id),
    )


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)
