"""The HTML report: self-contained, autoescaped, bilingual, numbers match, golden page."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from lxml import html as lxml_html

from mamori.checks import appi
from mamori.checks.findings import Appi, Finding
from mamori.checks.model import Cause, DataClass, Resource, Status
from mamori.checks.scan import who_ran
from mamori.checks.summary import coverage
from mamori.reports._i18n import appi_text, catalog
from mamori.reports.html import APPI_ROWS, HtmlRenderer, script_json, template_text
from mamori.reports.html_data import FINDING_FIELDS
from mamori.reports.interface import Report

Golden = Callable[[str, bytes], None]
RAN_BY = "auditor@scan-host"
_STYLE = re.compile(r"(<style>\n).*?(</style>)", re.S)
_CODE = re.compile(r"(<script>\n).*?(</script>)", re.S)


def render(report: Report) -> str:
    out = io.StringIO()
    HtmlRenderer(ran_by=RAN_BY).render(report, out)
    return out.getvalue()


def normalized(page: str) -> str:
    """The page with the inline CSS and JavaScript cut out (they have their own tests)."""
    return _CODE.sub(r"\1/* report.js */\n\2", _STYLE.sub(r"\1/* report.css */\n\2", page))


def tree_of(page: str) -> Any:
    """The parsed page (typed Any: lxml's stubs type xpath results as a wide union)."""
    return lxml_html.fromstring(page)


def data_of(page: str) -> dict[str, Any]:
    block = re.search(r'<script type="application/json" id="mamori-data">(.*?)</script>',
                      page, re.S)
    assert block is not None
    parsed: dict[str, Any] = json.loads(block.group(1))
    return parsed


def test_html_en_golden(report: Report, golden: Golden) -> None:
    golden("report_en.html", normalized(render(report)).encode("utf-8"))


def test_html_ja_golden(report_ja: Report, golden: Golden) -> None:
    golden("report_ja.html", normalized(render(report_ja)).encode("utf-8"))


def test_nothing_is_fetched_from_anywhere(report: Report) -> None:
    page = render(report)
    tree = tree_of(page)
    for node in tree.iter():
        for attr in ("src", "href", "action", "data", "poster", "srcset"):
            value = (node.get(attr) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "ftp:")), (node.tag, value)
    assert not tree.xpath("//link | //iframe | //object | //embed | //img | //base")
    assert [s.get("src") for s in tree.xpath("//script")] == [None, None]
    css, js = template_text("report.css"), template_text("report.js")
    assert "url(" not in css and "@import" not in css and "@font-face" not in css
    for banned in ("fetch(", "XMLHttpRequest", "import(", "WebSocket", "http://", "https://"):
        assert banned not in js
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]
    assert re.findall(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page) == []


def test_hostile_names_are_text(report: Report) -> None:
    page = render(report)
    assert page.count("<script") == 2
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # APPI panel, as text
    data = data_of(page)
    names = [row[FINDING_FIELDS.index("name")] for row in data["findings"]]
    assert "<script>alert(1)</script>" in names


def test_script_json_cannot_close_its_block() -> None:
    text = str(script_json({"a": "</script><!--&\u2028"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!--&\u2028"}
    for name in ("report.js", "report.css"):
        assert "</script" not in template_text(name).lower()
        assert "</style" not in template_text(name).lower()


def test_language_default_and_both_languages_present(report: Report,
                                                     report_ja: Report) -> None:
    en, ja = render(report), render(report_ja)
    assert '<html lang="en" data-lang="en">' in en
    assert '<html lang="ja" data-lang="ja">' in ja
    for page in (en, ja):
        for cause in Cause:
            assert cause.label_en in page and cause.label_ja in page
        assert "Leavers' accounts are disabled" in page.replace("&#39;", "'")
        assert "退職者のアカウントが無効化されている" in page
        assert "not checked" in page and "未確認" in page
    data = data_of(ja)
    assert data["lang"] == "ja"
    assert data["T"] == catalog()
    rule = next(r for r in data["rules"] if r[0] == "host.patched")
    assert rule[3:5] == ["Fix host.patched.", "host.patched を修正してください。"]


def test_every_fixed_label_is_translated() -> None:
    for key, text in catalog().items():
        assert text["en"] and text["ja"], key


def _card_numbers(card: Any) -> dict[str, str]:
    cells = [c.text_content().strip() for c in card.xpath(".//table[@class='mini']//th|"
                                                          ".//table[@class='mini']//td")]
    return dict(zip(cells[0::2], cells[1::2], strict=True))


def test_dashboard_numbers_match_the_coverage(report: Report) -> None:
    tree = tree_of(render(report))
    cards = tree.xpath("//section[@id='dashboard']//article")
    assert [c.get("data-cause") for c in cards] == [c.value for c in Cause]
    for card, cov in zip(cards, coverage(report.result), strict=True):
        if not cov.checked:
            assert "unchecked" in card.get("class")
            assert "not checked" in card.text_content()
            continue
        numbers = _card_numbers(card)
        for status in Status:
            assert numbers[status.value] == str(cov.counts[status])
    physical = cards[4].text_content()
    assert "no inventory of type facility" in physical
    assert "partly checked: no inventory of type media_disposal" in cards[2].text_content()


def test_charts_appi_panel_and_collection_errors(report: Report) -> None:
    tree = tree_of(render(report))
    bars = tree.xpath("//div[@id='chart-severity']//div[@class='hbar']")
    sev = [(b.xpath(".//span[@class='t-en']/text()")[0],
            b.xpath(".//span[@class='hcount']/text()")[0]) for b in bars]
    assert sev == [("critical", "1"), ("high", "4"), ("medium", "2"), ("low", "0"),
                   ("info", "0")]
    prov = tree.xpath("//div[@id='chart-provider']//span[@class='hcount']/text()")
    assert prov == ["5", "2"]
    rows = tree.xpath("//section[@id='appi']//tbody/tr")
    assert len(rows) == 3
    db1 = rows[1].text_content()
    assert "bkt-exports" in rows[0].text_content()
    assert "database/顧客DB/db-1" in db1 and "12,000" in db1 and "sensitive_personal" in db1
    assert [r.xpath(".//span[contains(@class,'pill')]/@class")[0] for r in rows] == [
        "pill yes", "pill yes", "pill unknown"]
    errors = tree.xpath("//section[@id='errors']//tbody/tr")
    assert len(errors) == 1 and "AccessDenied" in errors[0].text_content()


def test_verdict_and_run_facts(report: Report) -> None:
    tree = tree_of(render(report))
    verdict = tree.xpath("//section[@id='verdict']")[0]
    assert "exit-1" in verdict.get("class")
    assert "5 failing finding(s) at or above 'high'" in verdict.text_content()
    facts = tree.xpath("//dl[@class='facts']")[0].text_content()
    for fact in ("2026-04-01T09:00:00+09:00", "aws, gcp, onprem", "mamori 0.1.0", "3f2a9c1b4d5e",
                 RAN_BY):
        assert fact in facts


def test_embedded_findings_round_trip(changed_report: Report) -> None:
    data = data_of(render(changed_report))
    rows = data["findings"]
    assert len(rows) == len(changed_report.result.findings)
    at = {name: i for i, name in enumerate(FINDING_FIELDS)}
    by_id = {r[at["id"]]: r for r in rows}
    db1 = by_id["db-1"]
    assert data["strings"][db1[at["change"]]] == "persisting"
    assert db1[at["first_seen"]] == "2026-02-01T00:00:00+09:00"
    assert data["evidence"][db1[at["evidence"]]] == {"engine": "postgres", "public": True}
    assert data["appi"][db1[at["appi"]]][0] is True
    archive = by_id["bkt-archive"]
    assert data["waivers"][archive[at["waiver"]]][:3] == ["山田太郎", "public website assets",
                                                         "SEC-123"]
    assert by_id["pc-07"][at["baselined"]] == 1
    assert [data["statuses"][r[at["status"]]] for r in rows].count("PASS") == 3


@pytest.mark.slow
def test_large_reports_stay_compact(make_report: Callable[..., Report],
                                    extra_finding: Callable[..., Finding],
                                    extra_resource: Callable[..., Resource]) -> None:
    many = [extra_finding("bucket", extra_resource(f"bkt-{i:05d}", f"bucket-{i}"),
                          Status.FAIL if i % 3 else Status.PASS, "bucket is public",
                          {"public": True}) for i in range(20_000)]
    page = render(make_report("en", many))
    assert len(page.encode("utf-8")) / 20_000 < 200  # bytes per finding
    assert page.count("<tr") < 200  # findings are drawn by the browser, page by page


def test_who_ran_names_user_and_host() -> None:
    user, _, host = who_ran().partition("@")
    assert user and host


@pytest.mark.parametrize(("text", "en", "ja"), [
    (appi.REASON_SENSITIVE, "sensitive personal data (規則7条1号)", "要配慮個人情報 (規則7条1号)"),
    (appi.NOTE_UNKNOWN_PEOPLE, "number of people unknown", "本人の数が不明"),
    (appi.DEADLINES, catalog()["appi_deadline_short"]["en"],
     catalog()["appi_deadline_short"]["ja"]),
    ("records>1000", "records>1000", "records>1000"),
])
def test_engine_appi_wording_is_split_by_language(text: str, en: str, ja: str) -> None:
    assert (appi_text(text, "en"), appi_text(text, "ja")) == (en, ja)


def test_appi_panel_is_capped_but_counted(make_report: Callable[..., Report],
                                          extra_finding: Callable[..., Finding],
                                          extra_resource: Callable[..., Resource]) -> None:
    many = [extra_finding("bucket", extra_resource(f"bkt-{i:04d}", f"b{i}", records=5000,
                                                   data_classes=(DataClass.PERSONAL,)),
                          Status.FAIL, "public", {}, appi=Appi(True, (appi.REASON_PEOPLE,)))
            for i in range(APPI_ROWS + 5)]
    tree = tree_of(render(make_report("en", many)))
    assert len(tree.xpath("//section[@id='appi']//tbody/tr")) == APPI_ROWS
    panel = tree.xpath("//section[@id='appi']")[0].text_content()
    assert "… and 5 more, the least urgent" in panel
    yes = tree.xpath("//p[@class='appi-counts']/span[contains(@class, 'yes')]")[0]
    assert yes.text_content().split()[-1] == str(APPI_ROWS + 5)
