"""The JUnit XML report: schema-valid, one suite per rule, outcomes, safety, golden bytes."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.reports.interface import Report
from mamori.reports.junit import COLLECTION_SUITE, JunitRenderer, xml_attr, xml_text

Golden = Callable[[str, bytes], None]
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "junit.xsd")))


def render(report: Report) -> str:
    out = io.StringIO()
    JunitRenderer().render(report, out)
    return out.getvalue()


def parse(report: Report) -> Any:
    return etree.fromstring(render(report).encode("utf-8"))


def test_junit_golden(report: Report, golden: Golden) -> None:
    golden("report.junit.xml", render(report).encode("utf-8"))


def test_valid_against_the_junit_schema(report: Report, report_ja: Report) -> None:
    for r in (report, report_ja):
        doc = parse(r)
        assert SCHEMA.validate(doc), SCHEMA.error_log


def test_one_suite_per_rule_plus_collection_errors(report: Report) -> None:
    doc = parse(report)
    names = [s.get("name") for s in doc.findall("testsuite")]
    evaluated = sorted({f.rule.id for f in report.result.findings})
    assert names == [*evaluated, COLLECTION_SUITE]
    assert doc.get("tests") == str(len(report.result.findings) + 1)
    assert doc.get("failures") == "7"
    assert doc.get("errors") == "2"
    bucket = doc.find("testsuite[@name='bucket.public']")
    assert bucket is not None
    assert (bucket.get("tests"), bucket.get("failures"), bucket.get("skipped")) == ("4", "3", "1")
    props = {p.get("name"): p.get("value") for p in bucket.iter("property")}
    assert props["title_ja"] == "バケットが公開されている"
    assert props["framework.iso27001_2022"] == "5.15"


def test_outcomes_per_status(report: Report) -> None:
    doc = parse(report)
    cases = {c.get("name").split(" @ ")[0]: c for c in doc.iter("testcase")}
    db1 = cases["database/顧客DB/db-1"]
    failure = db1.find("failure")
    assert failure is not None
    assert failure.get("message") == "database is publicly accessible"
    assert failure.get("type") == "critical"
    assert 'evidence: {"engine": "postgres", "public": true}' in (failure.text or "")
    assert "APPI: report due" in (failure.text or "")
    assert db1.get("classname") == "db.public_access"
    assert len(cases["database/analytics/db-2"]) == 0
    error = cases["host/web-01/i-0web01"].find("error")
    assert error is not None and "missing: last_patched" in (error.text or "")
    skipped = cases["bucket/archive/bkt-archive"].find("skipped")
    assert skipped is not None
    assert skipped.get("message", "").startswith("waived by 山田太郎 until 2026-06-30")
    collection = doc.find(f"testsuite[@name='{COLLECTION_SUITE}']/testcase/error")
    assert collection is not None and collection.get("type") == "AccessDenied"


def test_hostile_text_stays_data(make_report: Callable[..., Report],
                                 extra_finding: Callable[..., Finding],
                                 extra_resource: Callable[..., Resource]) -> None:
    hostile = extra_finding("bucket", extra_resource("bkt-x", 'a"]]></failure>\x1b\x00<x/>&'),
                            Status.FAIL, "line\nbreak\x07", {"k": "<v>"})
    text = render(make_report("en", [hostile]))
    doc: Any = etree.fromstring(text.encode("utf-8"))
    assert SCHEMA.validate(doc), SCHEMA.error_log
    case = next(doc.iter("testcase"))
    assert case.get("name", "").startswith('bucket/a"]]></failure>\\u001b\\u0000<x/>&/bkt-x')
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "line\nbreak\\u0007"


@pytest.mark.parametrize(("raw", "attr"), [
    ("a<b>&\"c'", "\"a&lt;b&gt;&amp;&quot;c'\""), ("x\ny", '"x&#10;y"'), ("\x01", '"\\u0001"'),
])
def test_xml_attr(raw: str, attr: str) -> None:
    assert xml_attr(raw) == attr


def test_xml_text() -> None:
    assert xml_text("<a>&\x0b") == "&lt;a&gt;&amp;\\u000b"


def test_scan_without_findings_is_still_valid(make_report: Callable[..., Report]) -> None:
    doc = parse(make_report("en", []))
    assert SCHEMA.validate(doc)
    assert [s.get("name") for s in doc.findall("testsuite")] == [COLLECTION_SUITE]
