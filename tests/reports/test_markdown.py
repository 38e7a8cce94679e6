"""The Markdown summary: golden output, escaping, change column, caps."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from mamori.checks.errors import UsageError
from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.reports.interface import Report
from mamori.reports.markdown import MarkdownRenderer, md_cell

Golden = Callable[[str, bytes], None]


def render(report: Report, top: int = 10) -> str:
    out = io.StringIO()
    MarkdownRenderer(top=top).render(report, out)
    return out.getvalue()


def test_markdown_en_golden(report: Report, golden: Golden) -> None:
    golden("summary_en.md", render(report).encode("utf-8"))


def test_markdown_ja_golden(report_ja: Report, golden: Golden) -> None:
    golden("summary_ja.md", render(report_ja).encode("utf-8"))


def test_markdown_changes_golden(changed_report: Report, golden: Golden) -> None:
    golden("summary_changes.md", render(changed_report).encode("utf-8"))


def test_verdict_first_and_every_cause(report: Report) -> None:
    text = render(report)
    assert text.startswith("## ❌ mamori — Result: exit 1 — 5 failing finding(s) at or above")
    for label in ("external cyberattack", "weak physical security", "supply-chain leaks"):
        assert f"| {label} |" in text
    assert "**not checked**: no rule for this cause is enabled" in text
    assert ("**Counts:** PASS 3 · FAIL 7 · ERROR 1 · WAIVED 1 · NOT_ASSESSED 2 · "
            "collection errors 1") in text


def test_top_failures_in_priority_order_and_capped(report: Report) -> None:
    text = render(report, top=2)
    assert "### Top failures (2 of 7)" in text
    rows = [line for line in text.splitlines() if line.startswith("| P")]
    assert [r.split(" | ")[3] for r in rows] == ["bucket/exports-2026/bkt-exports",
                                                  "database/顧客DB/db-1"]
    assert "Full details: the HTML, JSON or CSV report." in text


def test_change_column_only_when_present(report: Report, changed_report: Report) -> None:
    assert "| change |" not in render(report)
    text = render(changed_report)
    assert "| priority | rule | title | resource | message | change |" in text
    assert "| bucket is public via iam:allUsers | introduced |" in text


def test_hostile_names_are_inert(make_report: Callable[..., Report],
                                 extra_finding: Callable[..., Finding],
                                 extra_resource: Callable[..., Resource]) -> None:
    name = "a|b`c`<img src=x>[x](http://evil.invalid) @team *y*\nz"
    hostile = extra_finding("bucket", extra_resource("bkt-x", name), Status.FAIL, "m|n", {})
    row = next(line for line in render(make_report("en", [hostile])).splitlines()
               if line.startswith("| P"))
    assert row.count(" | ") == 4  # five cells: nothing split the table
    assert "<img" not in row and "`" not in row.replace("\\`", "")
    assert "&lt;img src=x&gt;" in row and "&#64;team" in row and "\\[x\\]" in row
    assert "http://" not in row and "\n" not in row


@pytest.mark.parametrize(("raw", "cell"), [
    ("plain", "plain"), ("a|b", "a\\|b"), ("<b>", "&lt;b&gt;"), ("`x`", "\\`x\\`"),
    ("@here", "&#64;here"), ("a\r\nb", "a b"), ("x_y*z", "x\\_y\\*z"), ("顧客", "顧客"),
    ("https://x.test", "https:&#47;&#47;x.test"), ("\x1b[2J", "\\\\u001b\\[2J"),
])
def test_md_cell(raw: str, cell: str) -> None:
    assert md_cell(raw) == cell


def test_top_must_be_positive() -> None:
    with pytest.raises(UsageError):
        MarkdownRenderer(top=0)


def test_clean_scan(make_report: Callable[..., Report]) -> None:
    text = render(make_report("en", []))
    assert "Top failures" not in text
    assert text.startswith("## ⚠️ mamori — Result: exit 3")
