"""NOT_ASSESSED in every report format: its own state, never a pass, naming what is needed.

Expectations come from the status's contract (DESIGN.md): a NOT_ASSESSED finding is never
counted or shown as PASS, is distinct from ERROR, names the fact and the source that
could supply it, and a cause whose findings are all NOT_ASSESSED is reported as "not
assessed: needs ...", never as checked and clean.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from mamori.checks.findings import Finding
from mamori.checks.model import Cause, Resource, Status, Waiver
from mamori.checks.summary import coverage
from mamori.ci.gate import GatePolicy, decide
from mamori.reports.console import ConsoleRenderer
from mamori.reports.interface import Report
from mamori.reports.json_report import load_schema
from mamori.reports.registry import renderer
from tests.reports.conftest import HR_SOURCE, MDM_SOURCE, RULES, build_result

HERE = Path(__file__).parent
JUNIT = etree.XMLSchema(etree.parse(str(HERE / "junit.xsd")))
SARIF = json.loads((HERE / "sarif-2.1.0-subset.schema.json").read_text(encoding="utf-8"))
NEEDS_MDM = f"disk_encrypted ({MDM_SOURCE})"


def render(name: str, report: Report) -> str:
    out = io.StringIO(newline="" if name == "csv" else None)
    renderer(name).render(report, out)
    return out.getvalue()


def telework(report: Report) -> Any:
    return next(c for c in coverage(report.result) if c.cause is Cause.TELEWORK)


def test_a_cause_with_only_not_assessed_findings_is_not_checked(
        unassessed_report: Report) -> None:
    cov = telework(unassessed_report)
    assert (cov.checked, cov.not_assessed, cov.pass_rate) == (False, True, None)
    assert (cov.rules_evaluated, cov.rules_assessed, cov.rules_not_assessed) == (1, 0, 1)
    assert (cov.resources, cov.resources_assessed, cov.resources_not_assessed) == (1, 0, 1)
    assert cov.reason_not_checked() == f"not assessed: needs {NEEDS_MDM}"


def test_pass_rate_leaves_not_assessed_out(report: Report) -> None:
    insider = next(c for c in coverage(report.result) if c.cause is Cause.INSIDER)
    # one PASS and one FAIL assessed; the two NOT_ASSESSED users are out of the rate
    assert insider.counts[Status.NOT_ASSESSED] == 2
    assert insider.pass_rate == 0.5
    assert (insider.rules_assessed, insider.resources_assessed, insider.resources) == (1, 2, 4)
    assert [(n.fact, n.source, n.findings) for n in insider.needs] == [
        ("employment", HR_SOURCE, 2)]


def test_console_has_its_own_capped_section_after_error(
        make_report: Callable[..., Report], extra_finding: Callable[..., Finding],
        unassessed_report: Report) -> None:
    text = render("console", unassessed_report)
    error_at = text.index("Could not be decided — ERROR")
    na_at = text.index("Not assessed — NOT_ASSESSED")
    assert error_at < na_at < text.index("Collection errors")
    assert f"telework risks — not assessed: needs {NEEDS_MDM}" in text
    assert f"needs: {NEEDS_MDM}" in text
    row = next(line for line in text.splitlines() if line.startswith("telework"))
    assert "%" not in row  # no pass rate for a cause nothing was assessed in
    many = [extra_finding("user", Resource(type="user", id=f"u{i}", provider="gcp"),
                          Status.NOT_ASSESSED, "not assessed", {}, needs={"employment": "HR"})
            for i in range(30)]
    capped = io.StringIO()
    ConsoleRenderer(max_per_rule=5).render(make_report("en", many), capped)
    assert "Not assessed — NOT_ASSESSED (no source given can tell; not a pass) (30)" in \
        capped.getvalue()
    assert "… and 25 more for user.leaver_disabled" in capped.getvalue()
    ja = render("console", dataclasses.replace(unassessed_report, lang="ja"))
    assert f"未評価: 必要な情報源 {NEEDS_MDM}" in ja and "未評価 — NOT_ASSESSED" in ja


def test_json_counts_needs_and_coverage_validate(unassessed_report: Report) -> None:
    doc = json.loads(render("json", unassessed_report))
    jsonschema.Draft202012Validator(load_schema()).validate(doc)
    assert doc["schema_version"] == "1.2"
    assert doc["summary"]["by_status"]["not_assessed"] == 3
    assert doc["summary"]["by_cause"]["telework"] == {
        "pass": 0, "fail": 0, "error": 0, "waived": 0, "not_assessed": 1}
    cov = {c["cause"]: c for c in doc["coverage"]}["telework"]
    assert (cov["checked"], cov["pass_rate"], cov["reason_not_checked"]) == (
        False, None, f"not assessed: needs {NEEDS_MDM}")
    assert cov["needs"] == [{"fact": "disk_encrypted", "source": MDM_SOURCE, "findings": 1}]
    finding = next(f for f in doc["findings"] if f["resource"]["id"] == "pc-08")
    assert (finding["status"], finding["needs"]) == (
        "NOT_ASSESSED", {"disk_encrypted": MDM_SOURCE})
    assert all(f["needs"] == {} for f in doc["findings"] if f["status"] != "NOT_ASSESSED")
    assert doc["run"]["require_assessed"] is False


@pytest.mark.parametrize("change", [
    {"needs": {}},  # a NOT_ASSESSED must name what it needs
    {"waiver": {"owner": "o", "reason": "r", "ticket": "t", "expires": "2026-01-01"}},
    {"baselined": True},  # waivers and baselines cover FAILs only
])
def test_the_schema_refuses_a_not_assessed_finding_that_breaks_the_contract(
        unassessed_report: Report, change: dict[str, Any]) -> None:
    doc = json.loads(render("json", unassessed_report))
    finding = next(f for f in doc["findings"] if f["status"] == "NOT_ASSESSED")
    finding.update(change)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(load_schema()).validate(doc)


def test_the_schema_refuses_needs_on_a_decided_finding(report: Report) -> None:
    doc = json.loads(render("json", report))
    next(f for f in doc["findings"] if f["status"] == "PASS")["needs"] = {"mfa": "x"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(load_schema()).validate(doc)


def test_csv_has_the_status_and_the_needs(unassessed_report: Report) -> None:
    rows = list(csv.DictReader(io.StringIO(render("csv", unassessed_report).lstrip("\ufeff"))))
    row = next(r for r in rows if r["resource_id"] == "pc-08")
    assert (row["status"], row["needs"], row["missing"]) == (
        "NOT_ASSESSED", NEEDS_MDM, "disk_encrypted")
    assert all(r["needs"] == "" for r in rows if r["status"] != "NOT_ASSESSED")


def test_html_card_filter_counts_and_labels(unassessed_report: Report) -> None:
    tree: Any = lxml_html.fromstring(render("html", unassessed_report))
    card = tree.xpath("//article[@data-cause='telework']")[0]
    assert "not-assessed" in card.get("class") and "unchecked" not in card.get("class")
    text = card.text_content()
    assert "disk_encrypted" in text and MDM_SOURCE in text and "未評価" in text
    assert not card.xpath(".//p[@class='rate']")  # no pass rate: nothing was assessed
    box = tree.xpath("//input[@name='status'][@value='NOT_ASSESSED']")
    assert box and box[0].get("checked") is not None  # shown by default, like ERROR
    section = tree.xpath("//section[@id='not-assessed']")[0].text_content()
    assert "Not assessed未評価 (3)" in section  # both languages, CSS shows one
    assert MDM_SOURCE in section and HR_SOURCE in section
    assert "NOT_ASSESSED 3" in tree.xpath("//section[@id='verdict']")[0].text_content()
    heads = [th.text_content() for th in tree.xpath("//section[@id='rules']//thead//th")]
    assert "NOT_ASSESSED" in heads


def test_junit_skips_with_the_needs_and_validates(unassessed_report: Report) -> None:
    doc: Any = etree.fromstring(render("junit", unassessed_report).encode("utf-8"))
    assert JUNIT.validate(doc), JUNIT.error_log
    case = doc.xpath("//testcase[contains(@name, 'pc-08')]")[0]
    (skipped,) = case.xpath("skipped")
    assert skipped.get("type") == "NOT_ASSESSED"
    assert skipped.get("message") == f"not assessed: needs {NEEDS_MDM}"
    assert not case.xpath("failure|error")
    suite = doc.xpath("//testsuite[@name='endpoint.disk_encrypted']")[0]
    assert (suite.get("tests"), suite.get("skipped"), suite.get("failures")) == ("1", "1", "0")


def test_sarif_is_open_with_level_none_and_validates(unassessed_report: Report) -> None:
    data = json.loads(render("sarif", unassessed_report))
    jsonschema.Draft7Validator(SARIF).validate(data)
    results = [r for r in data["runs"][0]["results"]
               if r["properties"]["status"] == "NOT_ASSESSED"]
    assert len(results) == 3
    for result in results:
        # §3.27.9 "open": insufficient information to decide; §3.27.10: level none
        assert (result["kind"], result["level"]) == ("open", "none")
        assert result["properties"]["needs"]
    error = next(r for r in data["runs"][0]["results"] if r["properties"]["status"] == "ERROR")
    assert error["kind"] == "review"  # distinct from ERROR


def test_markdown_row_and_needs_block(unassessed_report: Report) -> None:
    text = render("markdown", unassessed_report)
    row = next(line for line in text.splitlines() if line.startswith("| telework risks"))
    assert "**not assessed**: needs disk\\_encrypted" in row and "%" not in row
    assert "### Not assessed (3)" in text
    assert "| disk\\_encrypted | give an MDM export of the endpoints" in text
    ja = render("markdown", dataclasses.replace(unassessed_report, lang="ja"))
    assert "### 未評価 (3)" in ja


@pytest.mark.parametrize("name", ["console", "json", "csv", "html", "junit", "sarif",
                                  "markdown"])
def test_no_format_counts_a_not_assessed_finding_as_passed(name: str,
                                                          make_report: Callable[..., Report],
                                                          extra_finding: Callable[..., Finding]
                                                          ) -> None:
    only = [extra_finding("user", Resource(type="user", id="u1", provider="gcp"),
                          Status.NOT_ASSESSED, "not assessed: employment", {},
                          needs={"employment": HR_SOURCE})]
    report = make_report("en", only)
    text = render(name, report)
    assert "NOT_ASSESSED" in text or "not assessed" in text
    assert decide(report.result, GatePolicy()).exit_code == 3  # nothing was evaluated
    if name == "json":
        assert json.loads(text)["summary"]["by_status"]["pass"] == 0
    if name == "junit":
        doc: Any = etree.fromstring(text.encode("utf-8"))
        case = doc.xpath("//testcase[@classname='user.leaver_disabled']")[0]
        assert case.xpath("skipped")  # a plain testcase would read as passed
    if name == "sarif":
        (result,) = json.loads(text)["runs"][0]["results"]
        assert result["kind"] != "pass"


_CAUSE_SETS = st.lists(st.sampled_from(list(Cause)), min_size=1, max_size=3, unique=True)
_ITEMS = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4), st.sampled_from(list(Status))),
                  max_size=12)


@settings(max_examples=60)
@given(st.lists(_CAUSE_SETS, min_size=4, max_size=4), _ITEMS)
def test_coverage_and_json_hold_for_any_mix_of_statuses(
        causes: list[list[Cause]], items: list[tuple[int, int, Status]]) -> None:
    """Whatever the statuses: the assessed/not-assessed split adds up, a cause is checked
    exactly when something was assessed, the pass rate never counts NOT_ASSESSED, and the
    JSON report validates."""
    rules = [dataclasses.replace(RULES["user"], id=f"R{i}", causes=tuple(c))
             for i, c in enumerate(causes)]
    findings = []
    waiver = Waiver("o", "r", "T-1", datetime(2027, 1, 1, tzinfo=UTC))
    one = {(rule_no, res_no): status for rule_no, res_no, status in items}
    for (rule_no, res_no), status in one.items():  # one finding per (rule, resource)
        res = Resource(type="user", id=f"u{res_no}", provider="gcp")
        findings.append(Finding(
            rule=rules[rule_no], resource=res, status=status, message="m", evidence={},
            fingerprint=f"{rule_no}-{res_no}",
            waiver=waiver if status is Status.WAIVED else None,
            needs={"employment": HR_SOURCE} if status is Status.NOT_ASSESSED else {}))
    result = dataclasses.replace(build_result(findings), rules=rules)
    for cov in coverage(result):
        assert cov.rules_assessed + cov.rules_not_assessed == cov.rules_evaluated
        assert cov.resources_assessed + cov.resources_not_assessed == cov.resources
        mine = [f for f in findings if cov.cause in f.rule.causes]
        assessed = [f for f in mine if f.status is not Status.NOT_ASSESSED]
        assert cov.checked == bool(assessed)
        assert cov.not_assessed == (bool(mine) and not assessed)
        passes = sum(1 for f in assessed if f.status is Status.PASS)
        assert cov.pass_rate == (passes / len(assessed) if assessed else None)
        if cov.not_assessed:
            assert cov.reason_not_checked().startswith("not assessed: needs employment")
    report = Report(result, decide(result, GatePolicy()), "en")
    jsonschema.Draft202012Validator(load_schema()).validate(json.loads(render("json", report)))


@pytest.mark.parametrize("name", ["console", "markdown", "html", "json"])
def test_every_report_says_when_assessment_was_required(name: str,
                                                        unassessed_report: Report) -> None:
    result = unassessed_report.result
    verdict = decide(result, GatePolicy(fail_on=None, require_assessed=True))
    text = render(name, Report(result, verdict, "en"))
    assert verdict.exit_code == 3
    assert "NOT_ASSESSED and --require-assessed is set" in text.replace("\\_", "_")
    if name == "json":
        assert json.loads(text)["run"]["require_assessed"] is True
    else:
        assert text.count("--require-assessed") >= 2  # the gate settings and the reason
