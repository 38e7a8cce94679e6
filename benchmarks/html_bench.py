"""HTML report benchmark: file size, render time, and load time in a browser.

Builds synthetic scan results of 1,000 / 10,000 / 100,000 findings (20 rules over the seven
causes, a quarter PASS, some ERROR, WAIVED and APPI findings, small evidence), renders the
HTML report and prints its size and the render time. When headless Chromium is installed
(``/usr/bin/chromium``), it also opens each file and prints the time to the load event
(parsing the page and the embedded JSON, drawing the first page of findings) and the time
one text search takes. Numbers are printed, never asserted.

    python -m benchmarks.html_bench --findings 1000 10000 100000
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

from mamori.checks.findings import Appi, Finding, RuleInfo, RuleStats, RunInfo, ScanResult, Text
from mamori.checks.model import Cause, DataClass, Resource, Severity, Status, Waiver, fingerprint
from mamori.ci.gate import GatePolicy, decide
from mamori.reports.html import HtmlRenderer
from mamori.reports.interface import Report

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
BROWSER_HELPER = Path(__file__).resolve().parents[1] / "tests/reports/browser/conftest.py"
_CAUSES = list(Cause)
_SEVERITIES = list(Severity)


def _rules(count: int = 20) -> list[RuleInfo]:
    return [RuleInfo(id=f"bench.rule_{i:02d}", title=Text(f"Benchmark rule {i}", f"計測ルール {i}"),
                     remediation=Text(f"Fix rule {i}.", f"ルール {i} を修正する。"),
                     severity=_SEVERITIES[i % 5], causes=(_CAUSES[i % 7], _CAUSES[(i + 3) % 7]),
                     frameworks={"iso27001_2022": ("8.20",), "cis_v8": ("3.3", "12.2")},
                     resource_type="bucket", source=f"builtin:bench_{i}.yaml")
            for i in range(count)]


def _finding(i: int, rule: RuleInfo) -> Finding:
    status = (Status.PASS, Status.FAIL, Status.FAIL, Status.FAIL)[i % 4]
    if i % 50 == 7:
        status = Status.ERROR
    if i % 80 == 9:
        status = Status.WAIVED
    account = f"{100000000000 + i % 12}"
    res = Resource(type="bucket", id=f"bkt-{i:06d}", name=f"bucket-{i}", provider="aws",
                   account=account, region=("ap-northeast-1", "us-east-1")[i % 2],
                   source=f"api:s3:{i}",
                   data_classes=(DataClass.PERSONAL,) if i % 10 == 1 else ())
    appi = (Appi(i % 20 == 1, ("more than 1,000 people",) if i % 20 == 1 else ())
            if res.data_classes and status is Status.FAIL else None)
    waiver = (Waiver("owner", "accepted", "SEC-1", AS_OF + timedelta(days=30))
              if status is Status.WAIVED else None)
    return Finding(rule=rule, resource=res, status=status,
                   message=f"bucket is {'private' if status is Status.PASS else 'public'}",
                   evidence={"public": status is not Status.PASS, "age_days": i % 400},
                   fingerprint=fingerprint(rule.id, "aws", account, res.id),
                   missing=("encryption.enabled",) if status is Status.ERROR else (),
                   appi=appi, waiver=waiver)


def scan_result(findings: int) -> ScanResult:
    """A synthetic result with ``findings`` findings."""
    rules = _rules()
    run = RunInfo(as_of=AS_OF, started=AS_OF, finished=AS_OF, providers=("aws",),
                  accounts=tuple(f"{100000000000 + a}" for a in range(12)),
                  ruleset_hash="sha256:" + "0" * 64, tool_version="bench", resources=findings)
    return ScanResult(run=run, rules=rules,
                      findings=[_finding(i, rules[i % len(rules)]) for i in range(findings)],
                      errors=[], rule_stats={r.id: RuleStats(resources_seen=1) for r in rules})


def render(result: ScanResult) -> tuple[str, float]:
    """The page and the seconds it took to render."""
    report = Report(result, decide(result, GatePolicy()), "en")
    out = io.StringIO()
    start = time.perf_counter()
    HtmlRenderer(ran_by="bench@bench").render(report, out)
    return out.getvalue(), time.perf_counter() - start


def _browser_module() -> ModuleType | None:
    spec = importlib.util.spec_from_file_location("mamori_bench_browser", BROWSER_HELPER)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module if module.chromium_path() else None


def browser_times(browser: Any, page: Path) -> tuple[float, float]:
    """(ms to the load event, ms for one text search over every finding)."""
    browser.open(page)
    load = browser.js("performance.getEntriesByType('navigation')[0].loadEventEnd")
    search = browser.js(
        "(() => { const q = document.querySelector('[name=q]'); const t = performance.now();"
        " q.value = 'bucket-12'; q.dispatchEvent(new Event('input', {bubbles: true}));"
        " return performance.now() - t; })()")
    return float(load), float(search)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium timing")
    args = parser.parse_args()
    helper = None if args.no_browser else _browser_module()
    with tempfile.TemporaryDirectory() as tmp:
        browser = helper.Browser(helper.chromium_path(), Path(tmp) / "profile") if helper else None
        print(f"{'findings':>9} {'size MB':>8} {'B/finding':>9} {'render s':>9}"
              f" {'load ms':>8} {'search ms':>9}")
        try:
            for count in args.findings:
                page, seconds = render(scan_result(count))
                size = len(page.encode("utf-8"))
                load = search = float("nan")
                if browser is not None:
                    path = Path(tmp) / f"report-{count}.html"
                    path.write_text(page, encoding="utf-8")
                    browser.size(1280, 900)
                    load, search = browser_times(browser, path)
                print(f"{count:>9} {size / 1e6:>8.2f} {size / count:>9.0f} {seconds:>9.2f}"
                      f" {load:>8.0f} {search:>9.0f}")
        finally:
            if browser is not None:
                browser.close()
    if helper is None and not args.no_browser:
        print("(no Chromium found: browser timings skipped)")


if __name__ == "__main__":
    main()
