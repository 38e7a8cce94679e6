"""Every renderer survives any text, and its output stays valid for its readers.

Resource names, ids, evidence, messages, collection errors, waiver reasons and gate notes
come from files and cloud APIs. Whatever they hold (control characters, lone surrogates,
bidi overrides, NUL, U+FFFE, very long text), every format must render without raising,
encode as UTF-8 (as a report file is written), and parse: JSON and SARIF load, JUnit
is well-formed XML 1.0 valid against the schema, CSV has one row per finding with every
column, HTML is one document whose embedded data loads, the console and Markdown carry
no raw control character (a value cannot repaint a terminal or forge a line).
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from mamori.checks.findings import (
    Finding,
    GateNote,
    RuleInfo,
    RuleStats,
    RunInfo,
    ScanResult,
    Text,
)
from mamori.checks.model import (
    Cause,
    CollectionError,
    Resource,
    Severity,
    Status,
    Waiver,
)
from mamori.ci.gate import GatePolicy, decide
from mamori.ci.notify import payload, post, summary
from mamori.reports.csv_report import COLUMNS
from mamori.reports.interface import Report
from mamori.reports.registry import FORMATS, renderer

AS_OF = datetime(2026, 4, 1, tzinfo=UTC)
JUNIT = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "junit.xsd")))
RULE = RuleInfo(id="T-TEXT-1", title=Text("Text survives", "テキスト"),
                remediation=Text("Fix.", "直す。"), severity=Severity.HIGH,
                causes=(Cause.EXTERNAL_ATTACK,), frameworks={"cis_v8": ("3.3",)},
                resource_type="bucket", source="builtin:t.yaml")

NASTY = [
    "\x00", "\ud800", "\udfff", "a\udbffb", "\ufffe", "\uffff", "\u202e", "\u2066evil\u2069",
    "\x1b[2J\x1b]0;owned\x07", "\r\nok: all checks passed", "\x85\x9b", "\x7f", "]]>",
    "</script><script>alert(1)</script>", "<!--", "=cmd|' /C calc'!A0", "@SUM(1)",
    "\u2028\u2029", "&#0;", "\ufeff", "| --- |", "`x`*y*_z_", "\\u001b", "\t", "\x0b\x0c",
    "😀\u200d👩", "a" * 100_000,
]
# Every Unicode category, surrogates included.
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)


def _result(text: str) -> ScanResult:
    res = Resource(type="bucket", id=f"id-{text}", name=text, provider="aws",
                   account=f"acct{text}", region=text, source=f"api:{text}",
                   tags={"owner": text})
    findings = [
        Finding(rule=RULE, resource=res, status=status, message=f"observed {text}",
                evidence={"public": True, text: [text, {"k": text}], "x": text},
                fingerprint=f"fp-{status.value}",
                missing=(text,) if status is Status.ERROR else (),
                waiver=Waiver(text, text, text, AS_OF) if status is Status.WAIVED else None,
                change="new" if status is Status.FAIL else None)
        for status in (Status.FAIL, Status.ERROR, Status.WAIVED, Status.PASS)]
    error = CollectionError(provider="aws", operation=f"s3:{text}", scope=text, code=text,
                            message=text, resource_types=("bucket",))
    run = RunInfo(as_of=AS_OF, started=AS_OF, finished=AS_OF, providers=("aws",),
                  accounts=(text,), ruleset_hash="sha256:00", tool_version="0.1.0",
                  resources=1, ran_by=text)
    return ScanResult(run=run, rules=[RULE], findings=findings, errors=[error],
                      rule_stats={RULE.id: RuleStats(1)},
                      gate_notes=[GateNote("waiver_expired", text, text, {"reason": text})],
                      notices=[GateNote("notify_failed", text, text)])


def _render(result: ScanResult, name: str) -> str:
    report = Report(result, decide(result, GatePolicy(fail_on=Severity.HIGH)), "en")
    out = io.StringIO()
    renderer(name).render(report, out)
    text = out.getvalue()
    text.encode("utf-8")  # what writing the report file does: no lone surrogate survives
    return text


_RAW_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e"
                          "\u2066-\u2069\ufffe\uffff]")
_TERMINAL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069"
                       "\u2028\u2029]")


def _check_json(text: str, name: str) -> None:
    json.loads(text)


def _check_junit(text: str, name: str) -> None:
    assert not _RAW_CONTROL.search(text)
    tree = etree.fromstring(text.encode("utf-8"))  # XML 1.0: refuses forbidden characters
    JUNIT.assertValid(tree)


def _check_csv(text: str, name: str) -> None:
    assert not _RAW_CONTROL.search(text.lstrip("\ufeff"))
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 5 and all(len(r) == len(COLUMNS) for r in rows)
    for row in rows[1:]:
        json.loads(row[COLUMNS.index("evidence")])
        assert not row[COLUMNS.index("resource_name")].startswith(("=", "+", "-", "@"))


def _check_html(text: str, name: str) -> None:
    assert not _RAW_CONTROL.search(text)
    page: Any = lxml_html.document_fromstring(text)  # Any: lxml types xpath() widely
    blocks = page.xpath('//script[@type="application/json"]')
    assert len(blocks) == 1 and len(page.xpath("//script")) == 2  # nothing broke out
    data = json.loads(blocks[0].text)
    assert len(data["findings"]) == 4


def _check_lines(text: str, name: str) -> None:
    assert not _TERMINAL.search(text)  # only LF breaks lines; nothing repaints a terminal


def _check_markdown(text: str, name: str) -> None:
    _check_lines(text, name)
    rows = [line for line in text.splitlines() if line.startswith("| P")]
    assert len(rows) == 1  # the one FAIL is one table row, whatever its text
    assert len(re.findall(r"(?<!\\)\|", rows[0])) == 7  # six cells: nothing split one
    assert len(text) < 65_536  # a PR comment's limit


CHECKS = {"json": _check_json, "sarif": _check_json, "junit": _check_junit,
          "csv": _check_csv, "html": _check_html, "console": _check_lines,
          "markdown": _check_markdown}


def test_every_format_has_a_check() -> None:
    assert set(CHECKS) == set(FORMATS)


@pytest.mark.parametrize("text", NASTY, ids=lambda t: ascii(t[:20]))
@pytest.mark.parametrize("name", FORMATS)
def test_nasty_text(name: str, text: str) -> None:
    CHECKS[name](_render(_result(text), name), name)


@settings(max_examples=60)
@given(text=ANY_TEXT)
def test_any_text_in_every_format(text: str) -> None:
    result = _result(text)
    for name in FORMATS:
        CHECKS[name](_render(result, name), name)


def test_escapes_are_visible_not_dropped() -> None:
    result = _result("A\u202eB\ud800C\x1bD")
    assert "A\\u202eB\\ud800C" in _render(result, "csv")
    assert "A\\u202eB\\ud800C\\u001bD" in _render(result, "console")
    sarif = json.loads(_render(result, "sarif"))
    names = [r["properties"]["resource"]["name"] for r in sarif["runs"][0]["results"]]
    assert names[0] == "A\\u202eB\\ud800C\x1bD"  # JSON escapes the control itself


@settings(max_examples=40)
@given(text=ANY_TEXT)
@pytest.mark.parametrize("style", ["json", "slack", "teams"])
def test_notifications_survive_any_text(style: str, text: str) -> None:
    result = _result(text)
    sent: list[bytes] = []

    class _Answer:
        def __enter__(self) -> _Answer:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def read(self) -> bytes:
            return b""

    def opener(request: Any, timeout: float) -> _Answer:
        sent.append(request.data)
        return _Answer()

    verdict = decide(result, GatePolicy(fail_on=Severity.HIGH))
    post("http://127.0.0.1:9/hook", payload(summary(result, verdict, None), style),
         opener=opener)
    body = json.loads(sent[0])
    assert not any(unicodedata.category(c) == "Cs" for c in sent[0].decode("utf-8"))
    if style != "json" and _TERMINAL.search(text):  # chat messages show data escaped
        assert not any(text in s for s in _strings(body))


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []
