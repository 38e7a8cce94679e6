"""Every renderer shows the history: drift per cause, resolved findings, trend, notices."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import datetime

import jsonschema

from mamori.checks.findings import Drift, GateNote, ResolvedFinding, ScanResult, TrendPoint
from mamori.checks.model import Cause, Resource, Severity, Status
from mamori.ci.gate import GatePolicy, decide
from mamori.reports.console import ConsoleRenderer
from mamori.reports.csv_report import CsvRenderer
from mamori.reports.html import HtmlRenderer
from mamori.reports.interface import Report
from mamori.reports.json_report import JsonRenderer, load_schema
from mamori.reports.markdown import MarkdownRenderer
from tests.reports.conftest import JST, RULES, build_changed_report

PREVIOUS = datetime(2026, 3, 31, 9, 0, tzinfo=JST)
GONE = ResolvedFinding(
    fingerprint="f" * 32, rule_id="host.patched", severity=Severity.HIGH,
    causes=(Cause.VULNERABILITY,),
    resource=Resource(type="host", id="i-0old", name="old-<b>", provider="aws",
                      account="111111111111"),
    last_status=Status.FAIL, first_seen=datetime(2026, 3, 1, tzinfo=JST), last_seen=PREVIOUS,
    rule=RULES["host"])


def drifted(lang: str = "en") -> Report:
    base = build_changed_report(lang).result
    counts = {c: {"new": 0, "persisting": 0, "resolved": 0} for c in Cause}
    counts[Cause.VULNERABILITY] = {"new": 1, "persisting": 0, "resolved": 1}
    drift = Drift(previous_as_of=PREVIOUS, previous_run=41, counts=counts,
                  totals={"new": 1, "persisting": 1, "resolved": 1, "unconfirmed": 2},
                  resolved=(GONE,), scope_key="abc")
    trend = [TrendPoint(PREVIOUS, {c: 0.5 for c in Cause}, 41),
             TrendPoint(base.run.as_of, {c: (None if c is Cause.PHYSICAL else 0.75)
                                         for c in Cause})]
    notices = [GateNote("notify_failed", "https://hooks.example/…", "notification failed")]
    result: ScanResult = dataclasses.replace(base, drift=drift, trend=trend, notices=notices)
    return Report(result, decide(result, GatePolicy(fail_on=Severity.HIGH)), lang)


def render(renderer: object, report: Report) -> str:
    out = io.StringIO()
    renderer.render(report, out)  # type: ignore[attr-defined]
    return out.getvalue()


def test_console() -> None:
    text = render(ConsoleRenderer(), drifted())
    assert "Changes since the previous run" in text
    assert "compared with the previous comparable run, as of 2026-03-31T09:00:00+09:00" in text
    assert "2 earlier failure(s) could not be re-checked" in text
    assert "New failures since the previous run (1)" in text
    assert "host.patched  host/old-<b>/i-0old  (aws/111111111111) — no longer found" in text
    assert "failing since 2026-02-01" in text  # persisting db-1
    assert "notify_failed" in text
    ja = render(ConsoleRenderer(), drifted("ja"))
    assert "前回の実行からの変化" in ja and "今回は検出されず" in ja


def test_json_validates_and_lists_gone_findings() -> None:
    doc = json.loads(render(JsonRenderer(), drifted()))
    jsonschema.validate(doc, load_schema())
    assert doc["schema_version"] == "1.2"
    assert doc["drift"]["previous"] == {"run_id": 41, "as_of": "2026-03-31T09:00:00+09:00"}
    assert doc["drift"]["by_cause"]["vulnerability"] == {"new": 1, "persisting": 0,
                                                        "resolved": 1}
    (gone,) = doc["drift"]["resolved_gone"]
    assert gone["resource"]["id"] == "i-0old" and gone["last_status"] == "FAIL"
    assert doc["trend"][1]["pass_rate"]["physical"] is None
    assert doc["notices"][0]["kind"] == "notify_failed"
    assert list(doc)[-1] == "notices"


def test_csv_appends_gone_rows() -> None:
    rows = list(csv.DictReader(io.StringIO(render(CsvRenderer(), drifted()).lstrip("\ufeff"))))
    last = rows[-1]
    assert (last["status"], last["change"], last["resource_id"]) == ("", "resolved", "i-0old")
    assert last["first_seen"].startswith("2026-03-01")


def test_markdown() -> None:
    text = render(MarkdownRenderer(), drifted())
    assert "### Changes since the previous run" in text
    assert "| system vulnerabilities | 1 | 0 | 1 |" in text
    assert "| **total** | **1** | **1** | **1** |" in text
    assert "old-&lt;b&gt;" in text and "### Notices (1)" in text


def test_html_drift_table_trend_chart_and_escaping() -> None:
    html = render(HtmlRenderer(ran_by="test@host"), drifted())
    assert '<section id="history">' in html
    assert html.count("<polyline") == 6  # physical has one checked point: no line
    assert "old-&lt;b&gt;" in html and "old-<b>" not in html
    assert "notification failed" in html
    plain = render(HtmlRenderer(ran_by="test@host"), build_changed_report("en"))
    assert 'id="history"' not in plain
