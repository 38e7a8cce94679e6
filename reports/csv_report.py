"""The CSV report: one row per finding, for auditors filtering in Excel.

Comma-separated, UTF-8 with a byte-order mark (so Japanese Excel opens it without
mojibake), ``\\r\\n`` line ends, a fixed and documented column order (:data:`COLUMNS`).
Lists inside a cell are joined with ``;``. With a history, findings that were failing
in the previous comparable run and have no finding now follow as rows with an empty
``status`` and ``change`` = ``resolved`` (see docs/history.md). A NOT_ASSESSED finding names in
``needs`` each fact no source of the scan could supply and the source that could
(``employment (give an HR inventory ...)``, ``;``-separated). A cell that a spreadsheet
would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return)
gets a leading ``'`` so it is shown as text. Characters no report carries raw (control
characters other than TAB/LF/CR, bidi controls, lone surrogates) are written as the
visible text ``\\uXXXX``, and a cell longer than Excel can hold is cut, saying so.
"""

from __future__ import annotations

import csv
import json
from typing import ClassVar, TextIO

from mamori.checks.findings import Appi, Finding, ResolvedFinding
from mamori.checks.model import Framework
from mamori.checks.summary import needs_text
from mamori.reports._common import doc_text, json_doc, jsonable, ordered_findings
from mamori.reports.interface import Renderer, Report

BOM = "\ufeff"

#: The header row, in order. Never reorder or rename; only append.
COLUMNS: tuple[str, ...] = (
    "status", "severity", "priority", "rule_id", "title_en", "title_ja",
    "primary_cause", "causes", "resource_type", "resource_id", "resource_name",
    "provider", "account", "region", "source", "message", "evidence", "missing",
    "appi_reportable", "appi_reasons", "iso27001_2022", "cis_v8", "nist_csf_2",
    "appi_guideline", "remediation_en", "remediation_ja", "waiver_owner",
    "waiver_expires", "fingerprint", "waiver_ticket", "waiver_reason", "change",
    "first_seen", "baselined", "needs",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Longest cell Excel holds (32,767 characters, less the formula guard): longer is cut.
MAX_CELL = 32_766


def neutralise(cell: str) -> str:
    """The cell safe for a spreadsheet: characters no report carries raw shown as
    ``\\uXXXX``, cut to what Excel can hold (:data:`MAX_CELL`), and ``'`` before a cell
    a spreadsheet would evaluate as a formula."""
    cell = doc_text(cell)
    if len(cell) > MAX_CELL:
        cut = f"… [cut: {len(cell)} characters; see the JSON report]"
        cell = cell[:MAX_CELL - len(cut)] + cut
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def appi_reportable(appi: Appi | None) -> str:
    """``true``/``false``/``unknown``; empty when the resource holds no personal data."""
    if appi is None:
        return ""
    if appi.reportable is None:
        return "unknown"
    return "true" if appi.reportable else "false"


def _frameworks(finding: Finding) -> list[str]:
    fw = finding.rule.frameworks
    return [";".join(fw.get(f.value, ())) for f in Framework]


def row(finding: Finding) -> list[str]:
    """The cells of one finding, in :data:`COLUMNS` order, formula-safe."""
    rule, res, appi, waiver = finding.rule, finding.resource, finding.appi, finding.waiver
    evidence = json_doc(json.dumps(jsonable(finding.evidence), ensure_ascii=False,
                                   separators=(",", ":"), allow_nan=False))
    if len(evidence) > MAX_CELL:  # keep the cell JSON: say it was cut, not half of it
        evidence = json.dumps({"cut": f"{len(evidence)} characters; see the JSON report"})
    cells = [
        finding.status.value, rule.severity.value, str(finding.priority), rule.id,
        rule.title.en, rule.title.ja, rule.primary_cause.value,
        ";".join(c.value for c in rule.causes), res.type, res.id, res.name,
        res.provider, res.account, res.region, res.source, finding.message, evidence,
        ";".join(finding.missing), appi_reportable(appi),
        ";".join(appi.reasons) if appi else "", *_frameworks(finding),
        rule.remediation.en, rule.remediation.ja,
        waiver.owner if waiver else "", waiver.expires.isoformat() if waiver else "",
        finding.fingerprint, waiver.ticket if waiver else "", waiver.reason if waiver else "",
        finding.change or "",
        finding.first_seen.isoformat() if finding.first_seen else "",
        "true" if finding.baselined else "false", needs_text(finding.needs),
    ]
    return [neutralise(c) for c in cells]


GONE_MESSAGE = ("resolved: no finding in this run (resource removed or out of the rule's "
                "scope); last status {status}")


def gone_row(r: ResolvedFinding) -> list[str]:
    """A resolved finding with no finding in this run: ``status`` empty, ``change`` resolved."""
    rule, res = r.rule, r.resource
    frameworks = [";".join(rule.frameworks.get(f.value, ())) if rule else "" for f in Framework]
    cells = [
        "", r.severity.value, str(r.severity.rank + 1), r.rule_id,
        rule.title.en if rule else "", rule.title.ja if rule else "", r.causes[0].value,
        ";".join(c.value for c in r.causes), res.type, res.id, res.name, res.provider,
        res.account, "", "", GONE_MESSAGE.format(status=r.last_status.value), "{}", "", "",
        "", *frameworks, rule.remediation.en if rule else "",
        rule.remediation.ja if rule else "", "", "", r.fingerprint, "", "", "resolved",
        r.first_seen.isoformat() if r.first_seen else "", "false", "",
    ]
    return [neutralise(c) for c in cells]


class CsvRenderer(Renderer):
    """Writes one row per finding, in report order, after a BOM and the header."""

    name: ClassVar[str] = "csv"
    extension: ClassVar[str] = "csv"
    newline: ClassVar[str | None] = ""

    def render(self, report: Report, out: TextIO) -> None:
        """Write BOM, header and rows; ``out`` must be opened with ``newline=""``."""
        out.write(BOM)
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for finding in ordered_findings(report.result.findings):
            writer.writerow(row(finding))
        drift = report.result.drift
        for gone in drift.resolved if drift is not None else ():
            writer.writerow(gone_row(gone))
