"""The JSON report: a versioned document for scripts and dashboards.

The layout is fixed by ``report.schema.json`` (JSON Schema draft 2020-12, shipped in this
package and documented in ``docs/reports.md``). Keys come out in a fixed order and
findings in report order, so two runs on the same input give the same bytes. Findings are
written one at a time, never as one giant string; the output is exactly what
``json.dumps(document, indent=2, ensure_ascii=False)`` would give, except that
characters no report carries raw (lone surrogates, bidi controls...) are written as the
visible text ``\\uXXXX`` (:func:`~mamori.reports._common.json_doc`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from importlib.resources import files
from typing import Any, ClassVar, TextIO

from mamori.checks.findings import (
    Drift,
    Finding,
    ResolvedFinding,
    RuleInfo,
    ScanResult,
    TrendPoint,
)
from mamori.checks.model import Cause, Resource, Severity, Status
from mamori.checks.summary import coverage, severity_counts, status_counts
from mamori.ci.gate import GateVerdict
from mamori.reports._common import json_doc, jsonable, ordered_findings
from mamori.reports.interface import Renderer, Report

#: Version of the document layout. Minor versions only add fields.
SCHEMA_VERSION = "1.2"
SCHEMA_FILE = "report.schema.json"
TOOL_NAME = "mamori"


def load_schema() -> dict[str, Any]:
    """The published JSON Schema of the report (draft 2020-12)."""
    text = files("mamori.reports").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _counts(counts: dict[Status, int]) -> dict[str, int]:
    return {s.value.lower(): counts[s] for s in Status}


def run_section(result: ScanResult, verdict: GateVerdict) -> dict[str, Any]:
    """The ``run`` object: what was scanned, when, and the gate's verdict."""
    run, policy = result.run, verdict.policy
    return {
        "as_of": run.as_of.isoformat(),
        "started": run.started.isoformat(),
        "finished": run.finished.isoformat(),
        "providers": list(run.providers),
        "accounts": list(run.accounts),
        "ruleset_hash": run.ruleset_hash,
        "resources": run.resources,
        "ran_by": run.ran_by,
        "exit_code": int(verdict.exit_code),
        "exit_reason": verdict.reason,
        "fail_on": policy.fail_on.value if policy.fail_on is not None else None,
        "allow_incomplete": policy.allow_incomplete,
        "require_assessed": policy.require_assessed,
        "only_changes": sorted(policy.only_changes) if policy.only_changes else None,
    }


def summary_section(result: ScanResult) -> dict[str, Any]:
    """The ``summary`` object: counts per status, per severity and per cause."""
    by_severity = severity_counts(result)
    return {
        "by_status": _counts(status_counts(result)),
        "by_severity": {sev.value: _counts(by_severity[sev]) for sev in Severity},
        "by_cause": {cov.cause.value: _counts(cov.counts) for cov in coverage(result)},
    }


def rule_entry(rule: RuleInfo) -> dict[str, Any]:
    """One entry of ``rules[]``."""
    return {
        "id": rule.id,
        "title": rule.title.to_dict(),
        "severity": rule.severity.value,
        "causes": [c.value for c in rule.causes],
        "frameworks": jsonable(rule.frameworks),
        "resource_type": rule.resource_type,
        "source": rule.source,
        "params": jsonable(rule.params),
    }


def resource_entry(resource: Resource) -> dict[str, Any]:
    """The ``resource`` object of a finding (the envelope without tags)."""
    return {
        "type": resource.type,
        "id": resource.id,
        "name": resource.name,
        "provider": resource.provider,
        "account": resource.account,
        "region": resource.region,
        "source": resource.source,
        "data_classes": (None if resource.data_classes is None
                         else [d.value for d in resource.data_classes]),
        "records": resource.records,
    }


def finding_entry(finding: Finding) -> dict[str, Any]:
    """One entry of ``findings[]``."""
    rule = finding.rule
    return {
        "rule_id": rule.id,
        "title": rule.title.to_dict(),
        "status": finding.status.value,
        "severity": rule.severity.value,
        "priority": finding.priority,
        "causes": [c.value for c in rule.causes],
        "frameworks": jsonable(rule.frameworks),
        "resource": resource_entry(finding.resource),
        "evidence": jsonable(finding.evidence),
        "missing": list(finding.missing),
        "message": finding.message,
        "remediation": rule.remediation.to_dict(),
        "fingerprint": finding.fingerprint,
        "appi": None if finding.appi is None else finding.appi.to_dict(),
        "waiver": None if finding.waiver is None else finding.waiver.to_dict(),
        "change": finding.change,
        "first_seen": None if finding.first_seen is None else finding.first_seen.isoformat(),
        "baselined": finding.baselined,
        "needs": dict(finding.needs),
    }


def drift_section(drift: Drift) -> dict[str, Any]:
    """The ``drift`` object: this run against the previous comparable run (schema 1.1)."""
    previous = None
    if drift.previous_as_of is not None:
        previous = {"run_id": drift.previous_run, "as_of": drift.previous_as_of.isoformat()}
    return {
        "previous": previous,
        "scope_key": drift.scope_key,
        "totals": dict(drift.totals),
        "by_cause": {c.value: dict(drift.counts[c]) for c in Cause},
        "resolved_gone": [_gone_entry(r) for r in drift.resolved],
    }


def _gone_entry(r: ResolvedFinding) -> dict[str, Any]:
    res = r.resource
    return {"fingerprint": r.fingerprint, "rule_id": r.rule_id,
            "title": r.rule.title.to_dict() if r.rule is not None else None,
            "severity": r.severity.value, "causes": [c.value for c in r.causes],
            "resource": {"type": res.type, "id": res.id, "name": res.name,
                         "provider": res.provider, "account": res.account},
            "last_status": r.last_status.value,
            "first_seen": r.first_seen.isoformat() if r.first_seen else None,
            "last_seen": r.last_seen.isoformat()}


def trend_section(points: Sequence[TrendPoint]) -> list[dict[str, Any]]:
    """The ``trend`` array: pass rate per cause of the last runs, oldest first."""
    return [{"as_of": p.as_of.isoformat(), "run_id": p.run_id,
             "pass_rate": {c.value: p.pass_rates.get(c) for c in Cause}} for p in points]


def head_sections(report: Report) -> dict[str, Any]:
    """Every top-level member that comes before ``findings``."""
    result = report.result
    history: dict[str, Any] = {}
    if result.drift is not None:
        history["drift"] = drift_section(result.drift)
    if result.trend:
        history["trend"] = trend_section(result.trend)
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": result.run.tool_version},
        "run": run_section(result, report.verdict),
        "summary": summary_section(result),
        "coverage": [cov.to_dict() for cov in coverage(result)],
        "rules": [rule_entry(r) for r in sorted(result.rules, key=lambda r: r.id)],
        **history,
    }


def _dump(value: Any, level: int) -> str:
    """``value`` as indented JSON, nested ``level`` levels deep (unsafe text visible)."""
    text = json_doc(json.dumps(value, indent=2, ensure_ascii=False, allow_nan=False))
    return text.replace("\n", "\n" + "  " * level)


def _write_array(out: TextIO, key: str, items: Iterator[Any], last: bool) -> None:
    """Write ``"key": [ ... ]`` one item at a time."""
    out.write(f"  {json.dumps(key)}: [")
    empty = True
    for item in items:
        out.write(("\n" if empty else ",\n") + "    " + _dump(item, 2))
        empty = False
    out.write("]" if empty else "\n  ]")
    out.write("\n" if last else ",\n")


class JsonRenderer(Renderer):
    """Writes the versioned JSON document (schema ``report.schema.json``)."""

    name: ClassVar[str] = "json"
    extension: ClassVar[str] = "json"

    def render(self, report: Report, out: TextIO) -> None:
        """Write the document, streaming ``findings`` and ``errors``."""
        out.write("{\n")
        for key, value in head_sections(report).items():
            out.write(f"  {json.dumps(key)}: {_dump(value, 1)},\n")
        findings = ordered_findings(report.result.findings)
        _write_array(out, "findings", (finding_entry(f) for f in findings), last=False)
        errors = (e.to_dict() for e in report.result.errors)
        _write_array(out, "errors", errors, last=False)
        notes = (n.to_dict() for n in report.result.gate_notes)
        notices = report.result.notices
        _write_array(out, "gate_notes", notes, last=not notices)
        if notices:
            _write_array(out, "notices", (n.to_dict() for n in notices), last=True)
        out.write("}\n")
