"""The HTML report: one self-contained, bilingual file an auditor can open anywhere.

Everything is inline (CSS, JavaScript, data): no CDN, no web font, no request of any
kind, so the file opens from a file share or an air-gapped laptop. Jinja2 renders the
page with autoescaping on, so a resource named ``<script>`` is shown as text.

The summary parts (run facts, verdict, seven-cause dashboard, charts, APPI panel, what was
not assessed and who could tell, rules, collection errors) are static HTML in both
languages; CSS shows the chosen one and a
button switches. The findings are embedded as compact JSON (:mod:`mamori.reports.html_data`)
and drawn page by page in the browser, so 100,000 findings never become 100,000 DOM rows
up front. The JSON is escaped for a ``<script type="application/json">`` block: ``<``,
``>`` and ``&`` become ``\\u003c`` and so on, so no data can close the block.

No raw control character, bidi control, lone surrogate or noncharacter reaches the page:
every value the template prints passes through ``doc_text`` (the environment's
``finalize``), and the embedded JSON through ``json_doc``; both show them as ``\\uXXXX``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib.resources import files
from typing import Any, ClassVar, TextIO

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
from markupsafe import Markup

from mamori.checks.findings import Finding
from mamori.checks.model import Severity, Status
from mamori.checks.scan import who_ran
from mamori.checks.summary import (
    CauseCoverage,
    coverage,
    needs_of,
    severity_counts,
    status_counts,
)
from mamori.reports._common import doc_text, failures_by_provider, json_doc, short_hash
from mamori.reports._i18n import catalog, not_checked_reason
from mamori.reports.html_data import appi_rows, findings_data, rules_by_cause
from mamori.reports.html_history import history_context
from mamori.reports.interface import Renderer, Report

TEMPLATE = "report.html.j2"
_STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_ASSESSED)
_JSON_ESCAPES = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                 ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))
#: Rows of the APPI panel drawn as HTML; the rest are counted (the findings list has all).
APPI_ROWS = 200


def template_text(name: str) -> str:
    """A file under ``mamori/reports/templates`` (package data)."""
    return files("mamori.reports").joinpath("templates", name).read_text(encoding="utf-8")


class _PackageLoader(BaseLoader):
    """Loads templates through importlib.resources, so it works from a wheel or a zip."""

    def get_source(self, environment: Environment,
                   template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        try:
            return template_text(template), None, lambda: True
        except FileNotFoundError as exc:
            raise TemplateNotFound(template) from exc


def _finalize(value: Any) -> Any:
    """Every printed value: data text made safe for the page (markup is ours, left alone)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return doc_text(value)
    return value


def environment() -> Environment:
    """The Jinja2 environment: autoescape everything, fail on an undefined name."""
    return Environment(loader=_PackageLoader(), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                       finalize=_finalize)


def script_json(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>``, ``&``."""
    text = json_doc(json.dumps(value, ensure_ascii=False, separators=(",", ":"),
                               allow_nan=False))
    for raw, escaped in _JSON_ESCAPES:  # str.replace: far faster than translate on MBs
        text = text.replace(raw, escaped)
    return Markup(text)


def _bar(counts: dict[Status, int]) -> list[dict[str, Any]]:
    """Segments of a stacked bar: status, count and width in percent."""
    total = sum(counts.values())
    return [{"status": s.value, "count": counts[s],
             "pct": round(100 * counts[s] / total, 2) if total else 0} for s in _STATUSES
            if counts[s]]


def cause_card(cov: CauseCoverage) -> dict[str, Any]:
    """One dashboard card."""
    rate = cov.pass_rate
    return {
        "id": cov.cause.value, "en": cov.cause.label_en, "ja": cov.cause.label_ja,
        "checked": cov.checked, "rules": cov.rules, "resources": cov.resources,
        "counts": {s.value: cov.counts[s] for s in _STATUSES},
        "rate": None if rate is None else f"{rate * 100:.1f}%",
        "bar": _bar(cov.counts),
        "why": {"en": not_checked_reason(cov, "en"), "ja": not_checked_reason(cov, "ja")},
        "partly": ", ".join(cov.missing_types) if cov.checked else "",
        "not_assessed": cov.not_assessed,
        "assessed": {"rules": cov.rules_assessed, "rules_total": cov.rules_evaluated,
                     "resources": cov.resources_assessed},
        "needs": [n.to_dict() for n in cov.needs],
    }


def _chart(counts: dict[str, int]) -> list[dict[str, Any]]:
    top = max(counts.values(), default=0)
    return [{"key": k, "count": v, "pct": round(100 * v / top, 2) if top else 0}
            for k, v in counts.items()]


def charts(report: Report) -> dict[str, list[dict[str, Any]]]:
    """Failures by severity (every severity, zeros too) and by provider."""
    by_sev = severity_counts(report.result)
    return {"severity": _chart({s.value: by_sev[s][Status.FAIL] for s in Severity}),
            "provider": _chart(failures_by_provider(report.result.findings))}


def appi_panel(findings: Sequence[Finding]) -> dict[str, Any]:
    """The APPI rows to draw (at most :data:`APPI_ROWS`) and counts of all of them."""
    rows = appi_rows(findings)
    counts = {key: sum(1 for r in rows if r["reportable"] is value)
              for key, value in (("yes", True), ("unknown", None), ("no", False))}
    return {"appi": rows[:APPI_ROWS], "appi_total": len(rows), "appi_counts": counts}


def run_facts(report: Report, ran_by: str) -> list[tuple[str, str]]:
    """(label key, value) pairs of the run, in display order."""
    run = report.result.run
    return [
        ("as_of", run.as_of.isoformat()),
        ("providers", ", ".join(run.providers) or "—"),
        ("accounts", ", ".join(run.accounts) or "—"),
        ("resources", str(run.resources)),
        ("tool_version", f"mamori {run.tool_version}"),
        ("ruleset_hash", run.ruleset_hash),
        ("started", run.started.isoformat()),
        ("finished", run.finished.isoformat()),
        ("ran_by", ran_by),
    ]


def context(report: Report, ran_by: str) -> dict[str, Any]:
    """Everything the template needs."""
    result, verdict = report.result, report.verdict
    policy = verdict.policy
    return {
        "lang": report.lang, "T": catalog(), "run": result.run,
        "short_hash": short_hash(result.run.ruleset_hash),
        "facts": run_facts(report, ran_by),
        "verdict": {"code": int(verdict.exit_code), "reason": verdict.reason,
                    "fail_on": policy.fail_on.value if policy.fail_on else None,
                    "allow": policy.allow_incomplete, "require": policy.require_assessed,
                    "only": ", ".join(sorted(policy.only_changes or ()))},
        "totals": {s.value: n for s, n in status_counts(result).items()},
        "causes": [cause_card(c) for c in coverage(result)],
        "charts": charts(report),
        **appi_panel(result.findings),
        "needs": [n.to_dict() for n in sorted(needs_of(result.findings),
                                              key=lambda n: (-n.findings, n.fact, n.source))],
        "rule_groups": rules_by_cause(result),
        "errors": [e.to_dict() for e in result.errors],
        **history_context(result),
        "data": script_json(findings_data(report)),
        "css": Markup(template_text("report.css")),
        "js": Markup(template_text("report.js")),
    }


class HtmlRenderer(Renderer):
    """Writes the self-contained HTML report.

    ``ran_by`` ("user@host") defaults to the rendering process's user and host name;
    tests pass a fixed value.
    """

    name: ClassVar[str] = "html"
    extension: ClassVar[str] = "html"

    def __init__(self, ran_by: str | None = None) -> None:
        self.ran_by = ran_by

    def render(self, report: Report, out: TextIO) -> None:
        """Render the template and write it in chunks."""
        template = environment().get_template(TEMPLATE)
        ctx = context(report, self.ran_by or report.result.run.ran_by or who_ran())
        for chunk in template.generate(ctx):
            out.write(chunk)
