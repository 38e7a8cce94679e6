"""The JSON report: golden document, schema, determinism, streaming layout."""

from __future__ import annotations

import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.reports.interface import Report
from mamori.reports.json_report import SCHEMA_VERSION, JsonRenderer, load_schema

Golden = Callable[[str, bytes], None]


def render(report: Report) -> str:
    out = io.StringIO()
    JsonRenderer().render(report, out)
    return out.getvalue()


def document(report: Report) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(render(report))
    return doc


def test_json_golden(report: Report, golden: Golden) -> None:
    golden("report.json", render(report).encode("utf-8"))


def test_schema_is_valid_draft_2020_12() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_document_validates_against_the_schema(
        make_report: Callable[..., Report], lang: str) -> None:
    jsonschema.Draft202012Validator(load_schema()).validate(document(make_report(lang)))


def test_empty_scan_validates(make_report: Callable[..., Report]) -> None:
    doc = document(make_report("en", []))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    assert doc["findings"] == []


def test_schema_rejects_an_unknown_field(report: Report) -> None:
    doc = document(report)
    doc["findings"][0]["surprise"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(load_schema()).validate(doc)


def test_output_is_exactly_the_indented_dump_of_itself(report: Report) -> None:
    text = render(report)
    assert text == json.dumps(json.loads(text), indent=2, ensure_ascii=False) + "\n"


def test_top_level_keys_and_run_facts(report: Report) -> None:
    doc = document(report)
    assert list(doc) == ["schema_version", "tool", "run", "summary", "coverage", "rules",
                         "findings", "errors", "gate_notes"]
    assert doc["tool"] == {"name": "mamori", "version": "0.1.0"}
    run = doc["run"]
    assert run["as_of"] == "2026-04-01T09:00:00+09:00"
    assert (run["exit_code"], run["fail_on"], run["allow_incomplete"]) == (1, "high", False)
    assert doc["summary"]["by_status"] == {"pass": 3, "fail": 7, "error": 1, "waived": 1,
                                           "not_assessed": 2}
    assert doc["summary"]["by_severity"]["high"] == {"pass": 1, "fail": 4, "error": 1,
                                                     "waived": 1, "not_assessed": 0}
    assert [c["cause"] for c in doc["coverage"]] == list(doc["summary"]["by_cause"])
    physical = doc["coverage"][4]
    assert (physical["checked"], physical["reason_not_checked"]) == (
        False, "no inventory of type facility")


def test_findings_carry_evidence_appi_and_waiver(report: Report) -> None:
    by_id = {f["resource"]["id"]: f for f in document(report)["findings"]}
    assert by_id["i-0batch"]["evidence"] == {"age_days": 121, "last_patched": "2025-12-01"}
    assert by_id["i-0db"]["evidence"]["last_patched"] == "2026-03-29T02:00:00+09:00"
    assert by_id["u-tanaka"]["evidence"]["password"] == "[redacted]"
    assert by_id["i-0web01"]["missing"] == ["last_patched"]
    assert by_id["db-1"]["appi"]["reportable"] is True
    assert by_id["db-1"]["priority"] == 1
    assert by_id["bkt-xss"]["appi"]["reportable"] is None
    assert by_id["db-2"]["appi"] is None
    assert by_id["bkt-archive"]["waiver"]["expires"] == "2026-06-30T23:59:00+09:00"
    assert by_id["bkt-xss"]["resource"]["name"] == "<script>alert(1)</script>"


def test_same_bytes_whatever_the_finding_order(
        report: Report, make_report: Callable[..., Report]) -> None:
    shuffled = list(report.result.findings)
    random.Random(3).shuffle(shuffled)
    assert render(make_report("en", shuffled)) == render(report)
    assert render(make_report("ja")) == render(report)


def test_findings_are_written_incrementally(
        make_report: Callable[..., Report],
        extra_finding: Callable[..., Finding],
        extra_resource: Callable[..., Resource]) -> None:
    class Recorder(io.StringIO):
        largest = 0

        def write(self, s: str) -> int:
            self.largest = max(self.largest, len(s))
            return super().write(s)

    many = [extra_finding("bucket", extra_resource(f"bkt-{i:05d}", f"b{i}"), Status.FAIL,
                          "public", {"public": True}) for i in range(2_000)]
    out = Recorder()
    JsonRenderer().render(make_report("en", many), out)
    assert len(json.loads(out.getvalue())["findings"]) == 2_000
    assert out.largest < 20_000 < len(out.getvalue())


def test_write_file_is_utf8_and_leaves_no_temp_file(report: Report, tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    JsonRenderer().write_file(report, target)
    assert "顧客DB".encode() in target.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]
