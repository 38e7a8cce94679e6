"""The SARIF 2.1.0 report: golden log, schema, levels and kinds, locations, plan changes."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mamori.checks.model import Severity, Status
from mamori.reports.interface import Report
from mamori.reports.registry import renderer
from mamori.reports.sarif import SECURITY_SEVERITY, SarifRenderer, pascal_name

Golden = Callable[[str, bytes], None]
SCHEMA = json.loads((Path(__file__).parent / "sarif-2.1.0-subset.schema.json")
                    .read_text(encoding="utf-8"))


def render(report: Report) -> str:
    out = io.StringIO()
    SarifRenderer().render(report, out)
    return out.getvalue()


def log(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render(report))
    return data


def validate(data: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(data)


def test_sarif_golden(report: Report, golden: Golden) -> None:
    golden("report.sarif", render(report).encode("utf-8"))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_validates_against_the_sarif_schema(make_report: Callable[..., Report],
                                            lang: str) -> None:
    validate(log(make_report(lang)))


def test_schema_rejects_what_sarif_forbids(report: Report) -> None:
    data = log(report)
    data["runs"][0]["results"][0]["level"] = "critical"
    with pytest.raises(jsonschema.ValidationError):
        validate(data)


def test_registry_builds_the_renderer() -> None:
    assert isinstance(renderer("sarif"), SarifRenderer)
    assert SarifRenderer.extension == "sarif"


def test_rules_carry_help_and_security_severity(report: Report) -> None:
    rules = {r["id"]: r for r in log(report)["runs"][0]["tool"]["driver"]["rules"]}
    db = rules["db.public_access"]
    assert db["properties"]["security-severity"] == "9.5"
    assert db["properties"]["tags"] == ["external_attack", "human_error", "security"]
    assert db["help"]["text"] == "Fix db.public_access."
    assert "| iso27001_2022 | 8.20, 8.22 |" in db["help"]["markdown"]
    assert db["name"] == "DatabaseReachableFromTheInternet"
    assert {float(v) for v in SECURITY_SEVERITY.values()} == {9.5, 8.0, 5.5, 3.0, 0.0}


def test_results_are_fail_error_waived_and_not_assessed_only(report: Report) -> None:
    results = log(report)["runs"][0]["results"]
    statuses = {r["properties"]["status"] for r in results}
    assert statuses == {"FAIL", "ERROR", "WAIVED", "NOT_ASSESSED"}
    failing = [f for f in report.result.findings if f.status is not Status.PASS]
    assert len(results) == len(failing)
    for result in results:
        index = result["ruleIndex"]
        assert log(report)["runs"][0]["tool"]["driver"]["rules"][index]["id"] == result["ruleId"]


def test_levels_and_kinds(report: Report) -> None:
    results = log(report)["runs"][0]["results"]
    by_status = {(r["properties"]["status"], r["properties"]["severity"]): r for r in results}
    assert by_status[("FAIL", "critical")]["level"] == "error"
    assert by_status[("FAIL", "medium")]["level"] == "warning"
    error = by_status[("ERROR", "high")]
    assert (error["kind"], error["level"]) == ("review", "none")
    waived = by_status[("WAIVED", "high")]
    assert waived["suppressions"][0]["kind"] == "external"
    assert "山田太郎" in waived["suppressions"][0]["justification"]


def test_logical_location_and_fingerprint(report: Report) -> None:
    result = log(report)["runs"][0]["results"][0]
    finding = next(f for f in report.result.findings
                   if f.fingerprint == result["partialFingerprints"]["mamori/v1"])
    logical = result["locations"][0]["logicalLocations"][0]
    assert logical["fullyQualifiedName"] == finding.resource.source
    assert logical["kind"] == "resource"


def test_plan_changes_and_physical_location(make_report: Callable[..., Report],
                                            extra_finding: Callable[..., Any],
                                            extra_resource: Callable[..., Any]) -> None:
    address = "module.s.aws_s3_bucket.b[0]"
    res = extra_resource(address, "acme", source=address,
                         attributes={"raw": {"location": {"file": "tf/main file.tf", "line": 7}}})
    new = dataclasses.replace(extra_finding("bucket", res, Status.FAIL, "public", {}),
                              change="introduced")
    old = dataclasses.replace(new, change="unchanged", fingerprint="f" * 32)
    fixed = dataclasses.replace(new, status=Status.PASS, change="fixed", fingerprint="e" * 32)
    data = log(make_report("en", [new, old, fixed]))
    validate(data)
    results = data["runs"][0]["results"]
    assert [r["baselineState"] for r in results] == ["new", "unchanged"]
    assert [r["properties"]["change"] for r in results] == ["introduced", "unchanged"]
    physical = results[0]["locations"][0]["physicalLocation"]
    assert physical == {"artifactLocation": {"uri": "tf/main%20file.tf",
                                             "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": 7}}


def test_collection_errors_are_notifications(report: Report) -> None:
    invocation = log(report)["runs"][0]["invocations"][0]
    assert invocation["exitCode"] == int(report.verdict.exit_code)
    assert invocation["startTimeUtc"].endswith("Z")
    assert "AccessDenied" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_pascal_name() -> None:
    assert pascal_name("Buckets are encrypted at rest") == "BucketsAreEncryptedAtRest"
    assert pascal_name("日本語") == "Rule"
    assert Severity.INFO in SECURITY_SEVERITY
