"""The CSV report: BOM, header, Excel safety, Japanese, golden bytes."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from mamori.checks.findings import Appi
from mamori.reports.csv_report import COLUMNS, CsvRenderer, appi_reportable, neutralise
from mamori.reports.interface import Report

Golden = Callable[[str, bytes], None]

HEADER = ("status,severity,priority,rule_id,title_en,title_ja,primary_cause,causes,"
          "resource_type,resource_id,resource_name,provider,account,region,source,message,"
          "evidence,missing,appi_reportable,appi_reasons,iso27001_2022,cis_v8,nist_csf_2,"
          "appi_guideline,remediation_en,remediation_ja,waiver_owner,waiver_expires,"
          "fingerprint,waiver_ticket,waiver_reason,change,first_seen,baselined,needs")


def render_bytes(report: Report) -> bytes:
    out = io.StringIO(newline="")
    CsvRenderer().render(report, out)
    return out.getvalue().encode("utf-8")


def rows(report: Report) -> list[dict[str, str]]:
    text = render_bytes(report).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_golden(report: Report, golden: Golden) -> None:
    golden("report.csv", render_bytes(report))


def test_bom_header_and_line_ends(report: Report) -> None:
    data = render_bytes(report)
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    assert ",".join(COLUMNS) == HEADER
    assert data.count(b"\r\n") == len(report.result.findings) + 1


def test_one_row_per_finding_in_report_order(report: Report) -> None:
    parsed = rows(report)
    assert len(parsed) == len(report.result.findings)
    assert [r["resource_id"] for r in parsed[:3]] == ["bkt-exports", "db-1", "db-2"]
    assert [int(r["priority"]) for r in parsed] == sorted(int(r["priority"]) for r in parsed)


def test_japanese_survives_the_bytes(report: Report) -> None:
    data = render_bytes(report)
    assert "顧客DB".encode() in data
    assert "インターネットから到達可能なデータベース".encode() in data
    by_id = {r["resource_id"]: r for r in rows(report)}
    assert by_id["u-tanaka"]["resource_name"] == "田中一郎"
    assert by_id["u-tanaka"]["region"] == "東京本社"


def test_cells(report: Report) -> None:
    by_id = {r["resource_id"]: r for r in rows(report)}
    db = by_id["db-1"]
    assert db["causes"] == "external_attack;human_error"
    assert db["primary_cause"] == "external_attack"
    assert db["iso27001_2022"] == "8.20;8.22"
    assert db["appi_reportable"] == "true"
    assert db["appi_reasons"] == "sensitive_personal;records>1000"
    assert db["evidence"] == '{"engine":"postgres","public":true}'
    assert by_id["bkt-xss"]["appi_reportable"] == "unknown"
    assert by_id["db-2"]["appi_reportable"] == ""
    assert by_id["i-0web01"]["missing"] == "last_patched"
    assert by_id["i-0batch"]["evidence"] == '{"age_days":121,"last_patched":"2025-12-01"}'
    assert by_id["u-tanaka"]["evidence"].endswith('"password":"[redacted]"}')
    assert by_id["bkt-archive"]["waiver_owner"] == "山田太郎"
    assert by_id["bkt-archive"]["waiver_expires"] == "2026-06-30T23:59:00+09:00"


def test_formula_injection_is_neutralised(report: Report) -> None:
    by_id = {r["resource_id"]: r for r in rows(report)}
    assert by_id["bkt-evil"]["resource_name"] == "'=HYPERLINK(\"http://evil.invalid\",\"x\")"
    assert by_id["bkt-xss"]["resource_name"] == "<script>alert(1)</script>"
    for row in rows(report):
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize(("cell", "safe"), [
    ("=1+1", "'=1+1"), ("+81-3", "'+81-3"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=x", "'\t=x"), ("\rx", "'\rx"), ("a=b", "a=b"), ("", ""), ("顧客", "顧客"),
])
def test_neutralise(cell: str, safe: str) -> None:
    assert neutralise(cell) == safe


def test_appi_reportable_values() -> None:
    assert appi_reportable(None) == ""
    assert appi_reportable(Appi(True, ())) == "true"
    assert appi_reportable(Appi(False, ())) == "false"
    assert appi_reportable(Appi(None, ())) == "unknown"


def test_write_file_keeps_crlf_and_bom(report: Report, tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    CsvRenderer().write_file(report, target)
    assert target.read_bytes() == render_bytes(report)


def test_history_and_waiver_columns(changed_report: Report) -> None:
    by_id = {r["resource_id"]: r for r in rows(changed_report)}
    assert by_id["bkt-exports"]["change"] == "introduced"
    assert by_id["db-1"]["change"] == "persisting"
    assert by_id["db-1"]["first_seen"] == "2026-02-01T00:00:00+09:00"
    assert by_id["u-tanaka"]["change"] == "" and by_id["u-tanaka"]["first_seen"] == ""
    assert by_id["pc-07"]["baselined"] == "true" and by_id["db-1"]["baselined"] == "false"
    assert by_id["bkt-archive"]["waiver_ticket"] == "SEC-123"
    assert by_id["bkt-archive"]["waiver_reason"] == "public website assets"
