"""SARIF 2.1.0: findings for code-scanning tools (GitHub, GitLab, Azure DevOps, IDEs).

One run, tool ``mamori``. ``tool.driver.rules`` lists every rule of the run: id, a
PascalCase ``name``, ``shortDescription``/``fullDescription`` from the title, ``help``
(text and Markdown) from the remediation, ``defaultConfiguration.level`` and properties
``security-severity`` (critical 9.5, high 8.0, medium 5.5, low 3.0, info 0.0), ``tags``
(the rule's causes, then ``security``) and ``frameworks``.

Results are written for FAIL (``kind: fail``, level error for critical/high, warning for
medium, note for low/info), for ERROR (``kind: review`` with level ``none``, as SARIF
requires for a non-``fail`` kind: the tool could not decide, a person must look), for
NOT_ASSESSED (``kind: open`` with level ``none``: SARIF 2.1.0 §3.27.9 defines ``open`` as
"the rule was evaluated, and the tool concluded that there was insufficient information to
decide whether a problem exists", which is what a fact no source of the scan can supply
is; ``properties.needs`` names each fact and the source that could supply it) and for
WAIVED (a FAIL with an ``accepted`` external suppression naming owner, ticket and expiry).
PASS findings, including those a plan *fixes*, are not results. Each result has the
resource as logical location (the plan address as ``fullyQualifiedName``, kind
``resource``), a physical location when the provider recorded one under
``raw.location`` (``.tf`` file and line, or the plan file), ``partialFingerprints``
``mamori/v1`` = the finding fingerprint, ``baselineState`` (``new`` for introduced,
``unchanged`` for unchanged) and ``properties.change``. The gate's verdict is the
invocation's ``exitCode``; collection errors are tool notifications.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, TextIO
from urllib.parse import quote

from mamori.checks.findings import Finding, RuleInfo
from mamori.checks.model import Resource, Severity, Status
from mamori.checks.secrets import mask_tags
from mamori.reports._common import (
    json_doc,
    jsonable,
    ordered_findings,
    resource_label,
    text_in,
)
from mamori.reports.interface import Renderer, Report

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "mamori/v1"
SECURITY_SEVERITY: dict[Severity, str] = {
    Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0", Severity.INFO: "0.0"}
LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
    Severity.LOW: "note", Severity.INFO: "note"}
BASELINE_STATE = {"introduced": "new", "new": "new", "unchanged": "unchanged",
                  "persisting": "unchanged"}
_REPORTED = (Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_ASSESSED)
#: ``kind`` of the results that are not a FAIL (their ``level`` is ``none``, §3.27.10).
KIND = {Status.ERROR: "review", Status.NOT_ASSESSED: "open"}


class SarifRenderer(Renderer):
    """Writes one SARIF 2.1.0 log (JSON, UTF-8)."""

    name: ClassVar[str] = "sarif"
    extension: ClassVar[str] = "sarif"

    def render(self, report: Report, out: TextIO) -> None:
        """Write the SARIF log to ``out``."""
        out.write(json_doc(json.dumps(sarif_log(report), indent=2, ensure_ascii=False,
                                      allow_nan=False)) + "\n")


def sarif_log(report: Report) -> dict[str, Any]:
    """The whole log as plain JSON data."""
    rules = sorted(report.result.rules, key=lambda r: r.id)
    index = {rule.id: i for i, rule in enumerate(rules)}
    results = [sarif_result(f, index, report.lang)
               for f in ordered_findings(report.result.findings) if f.status in _REPORTED]
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": "mamori", "version": report.result.run.tool_version,
            "semanticVersion": report.result.run.tool_version,
            "rules": [sarif_rule(rule, report.lang) for rule in rules]}},
        "invocations": [_invocation(report)],
        "results": results,
        "properties": {"as_of": report.result.run.as_of.isoformat(),
                       "ruleset_hash": report.result.run.ruleset_hash,
                       "providers": list(report.result.run.providers)},
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def pascal_name(text: str) -> str:
    """``Buckets are encrypted at rest`` → ``BucketsAreEncryptedAtRest``."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def sarif_rule(rule: RuleInfo, lang: str) -> dict[str, Any]:
    """A ``reportingDescriptor`` for one rule."""
    title = text_in(rule.title, lang)
    remediation = text_in(rule.remediation, lang)
    frameworks = {k: list(v) for k, v in sorted(rule.frameworks.items()) if v}
    lines = [f"**{title}**", "", remediation, "",
             f"Severity: {rule.severity.value}. Causes: "
             + ", ".join(c.label_en if lang == "en" else c.label_ja for c in rule.causes) + "."]
    if frameworks:
        lines += ["", "| framework | controls |", "|---|---|"]
        lines += [f"| {k} | {', '.join(v)} |" for k, v in frameworks.items()]
    return {
        "id": rule.id,
        "name": pascal_name(rule.title.en),
        "shortDescription": {"text": title},
        "fullDescription": {"text": title},
        "help": {"text": remediation, "markdown": "\n".join(lines)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {"security-severity": SECURITY_SEVERITY[rule.severity],
                       "severity": rule.severity.value,
                       "tags": [c.value for c in rule.causes] + ["security"],
                       "frameworks": frameworks, "resource_type": rule.resource_type},
    }


def sarif_result(finding: Finding, index: Mapping[str, int], lang: str) -> dict[str, Any]:
    """A ``result`` for one FAIL, ERROR, WAIVED or NOT_ASSESSED finding."""
    res = finding.resource
    kind = KIND.get(finding.status, "fail")
    review = finding.status is Status.ERROR
    prefix = "could not decide: " if review and not finding.message.startswith("cannot") else ""
    result: dict[str, Any] = {
        "ruleId": finding.rule.id,
        "kind": kind,
        "level": "none" if kind != "fail" else LEVEL[finding.rule.severity],
        "message": {"text": f"{text_in(finding.rule.title, lang)} — {resource_label(res)}: "
                            f"{prefix}{finding.message}"},
        "locations": [_location(finding)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"status": finding.status.value, "severity": finding.rule.severity.value,
                       "change": finding.change, "resource": _envelope(res),
                       "evidence": jsonable(dict(finding.evidence)),
                       "missing": list(finding.missing), "needs": dict(finding.needs)},
    }
    if finding.rule.id in index:
        result["ruleIndex"] = index[finding.rule.id]
    if finding.change in BASELINE_STATE:
        result["baselineState"] = BASELINE_STATE[finding.change]
    if finding.status is Status.WAIVED and finding.waiver is not None:
        w = finding.waiver
        result["suppressions"] = [{
            "kind": "external", "status": "accepted",
            "justification": f"{w.reason} (owner {w.owner}, ticket {w.ticket}, "
                             f"expires {w.expires.isoformat()})"}]
    return result


def _envelope(res: Resource) -> dict[str, Any]:
    """The resource's envelope; secret tag values masked here too (the engine already
    masks them in every finding it makes: this renderer is the one that prints tags)."""
    return {**res.envelope(), "tags": mask_tags(res.tags)}


def _location(finding: Finding) -> dict[str, Any]:
    res = finding.resource
    location: dict[str, Any] = {"logicalLocations": [{
        "fullyQualifiedName": res.source or res.id, "name": res.name or res.id,
        "kind": "resource"}]}
    raw = res.attributes.get("raw")
    place = raw.get("location") if isinstance(raw, Mapping) else None
    if isinstance(place, Mapping) and isinstance(place.get("file"), str):
        location["physicalLocation"] = _physical(place["file"], place.get("line"))
    return location


def _physical(file: str, line: Any) -> dict[str, Any]:
    if file.startswith("/"):
        artifact = {"uri": "file://" + quote(file)}
    else:
        artifact = {"uri": quote(file), "uriBaseId": "%SRCROOT%"}
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if isinstance(line, int) and line > 0:
        physical["region"] = {"startLine": line}
    return physical


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _invocation(report: Report) -> dict[str, Any]:
    run, verdict = report.result.run, report.verdict
    notes = [{"level": "error", "message": {
        "text": f"{e.provider} {e.operation} ({e.scope}): {e.code} {e.message}"}}
        for e in report.result.errors]
    invocation: dict[str, Any] = {
        "executionSuccessful": True, "exitCode": int(verdict.exit_code),
        "exitCodeDescription": verdict.reason,
        "startTimeUtc": _utc(run.started), "endTimeUtc": _utc(run.finished)}
    if notes:
        invocation["toolExecutionNotifications"] = notes
    return invocation
