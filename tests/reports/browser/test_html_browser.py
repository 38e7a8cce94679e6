"""The HTML report in headless Chromium: dashboard, language switch, filters, no XSS.

Screenshots go to ``test-artifacts/`` (``$MAMORI_TEST_ARTIFACTS``) for people to look at.
The report fixtures are built in ``tests/reports/conftest.py``.
"""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.findings import Finding
from mamori.checks.model import DataClass, Resource, Status
from mamori.reports.html import HtmlRenderer
from mamori.reports.interface import Report

Browser = Any  # the fixture's class lives in this folder's conftest.py
ARTIFACTS = Path(os.environ.get("MAMORI_TEST_ARTIFACTS",
                                Path(__file__).resolve().parents[3] / "test-artifacts"))
ROWS = "document.querySelectorAll('#list tr.row').length"
# Each would set a marker if it ever ran as code.
HOSTILE = ("<script>window.__pwned = 1; document.title = 'pwned'</script>",
           "<img src=x onerror=\"window.__pwned = 2\">",
           "\"><svg onload=\"window.__pwned = 3\">",
           "</script><script>window.__pwned = 4</script>")


def write(report: Report, path: Path) -> Path:
    out = io.StringIO()
    HtmlRenderer(ran_by="auditor@scan-host").render(report, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def set_filter(browser: Browser, name: str, value: str) -> None:
    browser.js(f"(() => {{ const el = document.querySelector('[name={name}]'); "
               f"el.value = {value!r}; el.dispatchEvent(new Event('input', {{bubbles: true}}));"
               f" }})()")


def visible_text(browser: Browser, selector: str) -> str:
    text: str = browser.js(f"document.querySelector({selector!r}).innerText")
    return text


@pytest.fixture
def page(browser: Browser, report: Report, tmp_path: Path) -> Browser:
    browser.size(1280, 900)
    browser.open(write(report, tmp_path / "report.html"))
    return browser


def test_dashboard_renders(page: Browser) -> None:
    assert page.js("document.querySelectorAll('#dashboard article').length") == 7
    card = visible_text(page, "#dashboard article[data-cause=physical]")
    assert "weak physical security" in card and "not checked" in card
    assert "物理的" not in card  # the other language is hidden, not just present
    assert page.js("document.documentElement.classList.contains('js-ready')") is True
    assert "5 failing finding(s)" in visible_text(page, "#verdict")
    page.screenshot("report_en_1280.png")


def test_language_switch_changes_labels(page: Browser) -> None:
    assert visible_text(page, "#dashboard h2") == "Seven causes of leaks"
    page.js("document.getElementById('lang-switch').click()")
    assert page.js("document.documentElement.lang") == "ja"
    assert visible_text(page, "#dashboard h2") == "情報漏洩の7つの要因"
    assert "物理的セキュリティの不足" in visible_text(page, "#dashboard")
    assert "未確認" in visible_text(page, "#dashboard article[data-cause=physical]")
    assert "退職者のアカウントが無効化されている" in visible_text(page, "#list")
    assert "件中" in visible_text(page, "#count")
    placeholder = page.js("document.querySelector('[name=q]').placeholder")
    assert placeholder == "ルール・リソース・メッセージ…"
    page.screenshot("report_ja_1280.png")
    page.js("document.getElementById('lang-switch').click()")
    assert visible_text(page, "#dashboard h2") == "Seven causes of leaks"


def test_filters_change_the_visible_rows(page: Browser) -> None:
    assert page.js(ROWS) == 11  # everything but the 3 passes (the 2 NOT_ASSESSED shown)
    page.js("document.querySelector('input[name=status][value=NOT_ASSESSED]').click()")
    assert page.js(ROWS) == 9
    page.js("document.querySelector('input[name=status][value=NOT_ASSESSED]').click()")
    page.js("document.querySelector('input[name=status][value=PASS]').click()")
    assert page.js(ROWS) == 14
    set_filter(page, "severity", "critical")
    assert page.js(ROWS) == 2
    set_filter(page, "severity", "")
    set_filter(page, "provider", "onprem")
    assert page.js(ROWS) == 3
    set_filter(page, "provider", "")
    set_filter(page, "q", "顧客")
    assert page.js(ROWS) == 1
    set_filter(page, "q", "")
    set_filter(page, "cause", "3")  # vulnerability
    assert page.js(ROWS) == 3
    assert visible_text(page, "#list h3") == "system vulnerabilities"
    page.js("document.querySelector('input[name=status][value=FAIL]').click()")
    assert page.js(ROWS) == 2
    assert "2 of 14 findings match" in visible_text(page, "#count")


def test_a_row_opens_its_evidence(page: Browser) -> None:
    page.js("document.querySelector('#list tr.row').click()")
    detail = visible_text(page, "#list tr.detail")
    assert "database/顧客DB/db-1" in detail
    assert '"engine": "postgres"' in detail
    assert "Fix db.public_access." in detail
    assert "ISO 27001:2022 8.20, 8.22" in detail
    assert "sensitive_personal" in detail  # the APPI reasons
    page.js("document.querySelector('#list tr.detail').scrollIntoView({block: 'center'})")
    page.screenshot("report_en_detail.png", full_page=False)


def test_not_assessed_is_its_own_state_on_screen(browser: Browser, unassessed_report: Report,
                                                 tmp_path: Path) -> None:
    browser.size(1280, 900)
    browser.open(write(unassessed_report, tmp_path / "unassessed.html"))
    card = visible_text(browser, "#dashboard article[data-cause=telework]")
    assert "not assessed" in card and "disk_encrypted" in card and "MDM export" in card
    assert "pass rate" not in card  # never shown as checked-and-clean
    only = "document.querySelectorAll('input[name=status]:checked').forEach(i => i.click());" \
           "document.querySelector('input[name=status][value=NOT_ASSESSED]').click()"
    browser.js(only)
    assert browser.js(ROWS) == 3
    browser.js("document.querySelector('#list tr.row').click()")
    detail = visible_text(browser, "#list tr.detail")
    assert "needs" in detail and "(give an" in detail
    browser.js("document.getElementById('lang-switch').click()")
    assert "未評価" in visible_text(browser, "#dashboard article[data-cause=telework]")
    browser.screenshot("report_en_not_assessed.png")


def test_passes_are_collapsed_until_opened(page: Browser) -> None:
    selector = "#rules details.passes"
    assert page.js(f"document.querySelector('{selector}').open") is False
    page.js(f"document.querySelector('{selector}').open = true")
    page.js("new Promise(r => setTimeout(r, 50))")
    assert "database/analytics/db-2" in visible_text(page, f"{selector} .pass-list")


def test_injected_markup_never_runs(browser: Browser, make_report: Callable[..., Report],
                                   extra_finding: Callable[..., Finding],
                                   extra_resource: Callable[..., Resource],
                                   tmp_path: Path) -> None:
    hostile = [extra_finding("bucket", extra_resource(f"bkt-h{i}", name,
                                                      data_classes=(DataClass.PERSONAL,)),
                             Status.FAIL if i % 2 else Status.PASS, name, {"value": name})
               for i, name in enumerate(HOSTILE)]
    browser.size(1280, 900)
    browser.open(write(make_report("en", hostile), tmp_path / "hostile.html"))
    browser.js("document.querySelector('input[name=status][value=PASS]').click()")
    browser.js("document.querySelectorAll('#list tr.row').forEach(r => r.click())")
    browser.js("document.querySelectorAll('details.passes').forEach(d => d.open = true)")
    browser.js("document.getElementById('lang-switch').click()")
    browser.js("new Promise(r => setTimeout(r, 200))")
    assert browser.js("typeof window.__pwned") == "undefined"
    assert "pwned" not in browser.js("document.title")
    shown = visible_text(browser, "#list")
    assert HOSTILE[0] in shown and HOSTILE[1] in shown
    assert browser.js("document.querySelectorAll('script').length") == 2
    assert browser.js("document.querySelectorAll('#list img, #list svg').length") == 0


def test_large_report_pages_and_narrow_screen(browser: Browser,
                                              make_report: Callable[..., Report],
                                              extra_finding: Callable[..., Finding],
                                              extra_resource: Callable[..., Resource],
                                              tmp_path: Path) -> None:
    many = [extra_finding("bucket", extra_resource(f"bkt-{i:05d}", f"bucket-{i}"),
                          Status.FAIL if i % 4 else Status.PASS, "bucket is public",
                          {"public": True}) for i in range(5_000)]
    browser.size(420, 900)
    browser.open(write(make_report("en", many), tmp_path / "large.html"))
    assert browser.js(ROWS) == 100
    assert "page 1 of 38" in visible_text(browser, "#pager")
    first = visible_text(browser, "#list tbody tr.row td:nth-child(3)")
    browser.js("document.querySelector('#pager button:last-child').click()")
    assert "page 2 of 38" in visible_text(browser, "#pager")
    assert visible_text(browser, "#list tbody tr.row td:nth-child(3)") != first
    assert "(continued)" in visible_text(browser, "#list .rule-head")
    browser.screenshot("report_en_420_large.png", full_page=False)


def test_print_to_pdf_gives_an_annex(page: Browser) -> None:
    page.js("document.getElementById('lang-switch').click()")
    # The print layout lists every filtered finding with its details, and no controls.
    page.js("window.dispatchEvent(new Event('beforeprint'))")
    assert page.js("document.querySelectorAll('#list tr.detail').length") == 11
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.js("getComputedStyle(document.getElementById('filters')).display") == "none"
    page.screenshot("report_ja_print_media.png")
    page.send("Emulation.setEmulatedMedia", {"media": ""})
    page.js("window.dispatchEvent(new Event('afterprint'))")
    assert page.js("document.querySelectorAll('#list tr.detail').length") == 0
    data = page.send("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})
    pdf = base64.b64decode(data["data"])
    assert pdf.startswith(b"%PDF")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "report_ja_print.pdf").write_bytes(pdf)
