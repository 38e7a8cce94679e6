"""The console report: golden output in English and Japanese, caps, safety."""

from __future__ import annotations

import io
from collections.abc import Callable

import pytest

from mamori.checks.errors import UsageError
from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.reports.console import ConsoleRenderer, display_width
from mamori.reports.interface import Report

Golden = Callable[[str, bytes], None]


def render(report: Report, **options: int | None) -> str:
    out = io.StringIO()
    ConsoleRenderer(**options).render(report, out)
    return out.getvalue()


def test_console_en_golden(report: Report, golden: Golden) -> None:
    golden("console_en.txt", render(report).encode("utf-8"))


def test_console_ja_golden(report_ja: Report, golden: Golden) -> None:
    golden("console_ja.txt", render(report_ja).encode("utf-8"))


def test_every_cause_is_listed_and_unchecked_ones_say_why(report: Report) -> None:
    text = render(report)
    causes = ["external_attack", "human_error", "insider", "vulnerability", "physical",
              "telework", "supply_chain"]
    positions = [text.index(f"\n{c} ") for c in causes]
    assert positions == sorted(positions)
    assert "weak physical security — not checked: no inventory of type facility" in text
    assert "supply-chain leaks — not checked: no rule for this cause is enabled" in text
    assert "insider misuse — checked; no inventory of type media_disposal" in text


def test_japanese_labels_and_reasons(report_ja: Report) -> None:
    text = render(report_ja)
    assert "物理的セキュリティの不足 — 未確認: 種別 facility のインベントリがありません" in text
    assert "退職者のアカウントが無効化されている" in text
    assert "結果: 終了コード 1 — 5 failing finding(s) at or above 'high'" in text


def test_failures_critical_first_and_appi_reportable_first_within_severity(
        report: Report) -> None:
    text = render(report)
    assert text.index("CRITICAL (1)") < text.index("HIGH (4)") < text.index("MEDIUM (2)")
    high = text[text.index("HIGH (4)"):text.index("MEDIUM (2)")]
    assert high.index("bkt-exports") < high.index("bkt-evil") < high.index("i-0batch")
    assert "MEDIUM (2) — below the fail-on threshold 'high'" in text
    assert "HIGH (4) —" not in text


def test_errors_show_missing_attributes_and_collection_errors(report: Report) -> None:
    text = render(report)
    assert "Could not be decided — ERROR (1)" in text
    assert "missing: last_patched" in text
    assert "aws · iam:ListUsers · 111111111111 · AccessDenied:" in text
    assert "affected types: user" in text


def test_verdict_is_printed_as_given(report: Report) -> None:
    lines = render(report).splitlines()
    assert lines[-2:] == ["gate: --fail-on high, --allow-incomplete: no",
                          "Result: exit 1 — 5 failing finding(s) at or above 'high'; "
                          "2 finding(s) NOT_ASSESSED, not gated (--require-assessed gates "
                          "them)"]


def test_many_failures_are_capped_per_rule_but_counted(
        make_report: Callable[..., Report],
        extra_finding: Callable[..., Finding],
        extra_resource: Callable[..., Resource]) -> None:
    many = [extra_finding("bucket", extra_resource(f"bkt-{i:05d}", f"b{i}"), Status.FAIL,
                          "public", {"public": True}) for i in range(10_000)]
    text = render(make_report("en", many), max_per_rule=20)
    assert "Failures (10000)" in text
    assert "HIGH (10000)" in text
    assert text.count("[P2] bucket.public") == 20
    assert "… and 9980 more for bucket.public (see the JSON or CSV report)" in text
    assert "bkt-00019" in text and "bkt-00020" not in text
    assert render(make_report("en", many[:30]), max_per_rule=None).count("[P2]") == 30


def test_max_per_rule_must_be_positive() -> None:
    with pytest.raises(UsageError):
        ConsoleRenderer(max_per_rule=0)


def test_control_characters_in_data_cannot_reach_the_terminal(
        make_report: Callable[..., Report],
        extra_finding: Callable[..., Finding],
        extra_resource: Callable[..., Resource]) -> None:
    hostile = extra_finding("bucket", extra_resource("bkt-x", "evil\x1b[2J\rname"),
                            Status.FAIL, "line one\nline two", {})
    text = render(make_report("en", [hostile]))
    assert "\x1b" not in text and "\r" not in text
    assert "evil\\u001b[2J\\u000dname" in text
    assert "→ line one\\u000aline two" in text


def test_scan_without_findings_says_nothing_was_checked(make_report: Callable[..., Report]) -> None:
    report = make_report("en", [])
    text = render(report)
    assert "Failures (0)" in text
    assert "findings: 0 — PASS 0 · FAIL 0 · ERROR 0 · WAIVED 0" in text
    assert text.count("— not checked: ") == 7
    assert "external cyberattack — not checked: no resource matched the rules' conditions" in text
    # The verdict is printed as the gate gave it (its wording is the gate's).
    assert report.verdict.exit_code == 3
    assert text.endswith(f"Result: exit 3 — {report.verdict.reason}\n")


def test_display_width_counts_wide_characters_twice() -> None:
    assert display_width("abc") == 3
    assert display_width("顧客DB") == 6
