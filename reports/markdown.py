"""The Markdown summary: a compact report for CI job summaries and pull-request comments.

Verdict first, then the run in one line, the seven causes as a table (saying which were
not checked and why), the top failures by priority (rule, title, resource, message, and
the ``change`` column when a plan or a history was compared), what was not assessed (each
fact no source of the scan could supply, the source that could, and how many findings wait
for it), counts, and the collection errors. Long lists are cut at ``top`` rows and
counted, so the text stays well under GitHub's limits (65,536 characters for a comment).

Data never becomes markup: :func:`md_cell` escapes what GitHub Markdown would interpret
(``|`` would split a table cell, ``<`` start HTML, backticks code, ``[`` links, ``@``
mention someone, ``*``/``_``/``~`` emphasis, a bare ``http://`` address a link), joins
lines, shows control and invisible characters escaped (:func:`printable`) and cuts a cell
at :data:`MAX_CELL` characters, so one huge value cannot push the comment past the limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar, TextIO

from mamori.checks.errors import UsageError
from mamori.checks.findings import Finding
from mamori.checks.model import Status
from mamori.checks.summary import (
    CauseCoverage,
    coverage,
    needs_of,
    needs_text,
    status_counts,
)
from mamori.reports._common import (
    has_changes,
    ordered_findings,
    printable,
    resource_label,
    short_hash,
    text_in,
)
from mamori.reports._drift import CHANGES, drift_rows, resolved_rows
from mamori.reports._i18n import not_checked_reason, t
from mamori.reports.interface import Renderer, Report

DEFAULT_TOP = 10
#: Longest cell text (characters, before escaping); the full text is in the other reports.
MAX_CELL = 500
_STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_ASSESSED)
_ICONS = {0: "✅", 1: "❌", 2: "⛔", 3: "⚠️"}
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "@": "&#64;", "|": "\\|"}
_BACKSLASHED = re.compile(r"([\\`*_\[\]~#!])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def md_cell(text: str) -> str:
    """``text`` as literal Markdown on one line: nothing in it is taken as markup."""
    if len(text) > MAX_CELL:
        text = text[:MAX_CELL] + f"… (+{len(text) - MAX_CELL} characters)"
    text = printable(_LINE_BREAKS.sub(" ", text))
    text = _BACKSLASHED.sub(r"\\\1", text)
    text = "".join(_ESCAPES.get(c, c) for c in text)
    # GitHub turns bare addresses into links; an entity keeps the text but not the link.
    return text.replace("://", ":&#47;&#47;").replace("www.", "www&#46;")


def _cause_row(cov: CauseCoverage, lang: str) -> str:
    label = md_cell(cov.cause.label_ja if lang == "ja" else cov.cause.label_en)
    if cov.not_assessed:
        why = md_cell(needs_text(cov.needs))
        return (f"| {label} | {cov.rules} | {cov.resources} | – | – | – | – | "
                f"{cov.counts[Status.NOT_ASSESSED]} | **{t('not_assessed_short', lang)}**: "
                f"{t('needs', lang)} {why} |")
    if not cov.checked:
        why = md_cell(not_checked_reason(cov, lang))
        return (f"| {label} | {cov.rules} | {cov.resources} | – | – | – | – | – | "
                f"**{t('not_checked', lang)}**: {why} |")
    counts = " | ".join(str(cov.counts[s]) for s in _STATUSES)
    rate = "–" if cov.pass_rate is None else f"{cov.pass_rate * 100:.1f}%"
    return f"| {label} | {cov.rules} | {cov.resources} | {counts} | {rate} |"


def causes_table(report: Report) -> list[str]:
    """The seven causes, in their fixed order."""
    lang = report.lang
    head = (f"| {t('cause', lang)} | {t('rules', lang)} | {t('resources_checked', lang)} | "
            f"PASS | FAIL | ERROR | WAIVED | NOT_ASSESSED | {t('pass_rate', lang)} |")
    return [head, "|---|--:|--:|--:|--:|--:|--:|--:|---|",
            *(_cause_row(c, lang) for c in coverage(report.result))]


def _failure_row(finding: Finding, lang: str, changes: bool) -> str:
    cells = [f"P{finding.priority}", md_cell(finding.rule.id),
             md_cell(text_in(finding.rule.title, lang)),
             md_cell(resource_label(finding.resource)), md_cell(finding.message)]
    if changes:
        cells.append(_change_cell(finding, lang))
    return "| " + " | ".join(cells) + " |"


def _change_cell(finding: Finding, lang: str) -> str:
    """The change, with since when it fails for a persisting finding."""
    if not finding.change:
        return ""
    text = t(f"change_{finding.change}", lang)
    if finding.change == "persisting" and finding.first_seen is not None:
        text += f" ({t('failing_since', lang, date=finding.first_seen.date().isoformat())})"
    return md_cell(text)


def top_failures(report: Report, top: int) -> list[str]:
    """The ``top`` most urgent FAIL findings (report order), with how many are left out."""
    lang = report.lang
    failed = [f for f in ordered_findings(report.result.findings) if f.status is Status.FAIL]
    if not failed:
        return []
    changes = has_changes(failed)
    shown = failed[:top]
    count = t("top_shown", lang, shown=len(shown), total=len(failed))
    heading = f"### {t('top_failures', lang)} ({count})"
    cols = [t("priority", lang), t("rule", lang), t("title_col", lang), t("resource", lang),
            t("message", lang)] + ([t("change", lang)] if changes else [])
    lines = [heading, "", "| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += [_failure_row(f, lang, changes) for f in shown]
    if len(failed) > len(shown):
        lines += ["", t("more_in_reports", lang)]
    return lines


def not_assessed_block(report: Report, top: int) -> list[str]:
    """Each fact no source of the scan could supply, who could, for how many findings."""
    lang = report.lang
    needs = sorted(needs_of(report.result.findings), key=lambda n: (-n.findings, n.fact))
    if not needs:
        return []
    count = sum(1 for f in report.result.findings if f.status is Status.NOT_ASSESSED)
    lines = [f"### {t('not_assessed_title', lang)} ({count})", "",
             md_cell(t("not_assessed_intro", lang)), "",
             f"| {t('fact', lang)} | {t('needs', lang)} | {t('findings_n', lang)} |",
             "|---|---|--:|"]
    lines += [f"| {md_cell(n.fact)} | {md_cell(n.source)} | {n.findings} |"
              for n in needs[:top]]
    if len(needs) > top:
        lines += ["", t("more_in_reports", lang)]
    return lines


def drift_block(report: Report, top: int) -> list[str]:
    """New/persisting/resolved per cause and the first resolved findings (with a history)."""
    lang, d = report.lang, report.result.drift
    if d is None:
        return []
    intro = (t("drift_first", lang) if d.previous_as_of is None
             else t("drift_previous", lang, as_of=d.previous_as_of.isoformat()))
    names = [t(f"change_{k}", lang) for k in CHANGES]
    lines = [f"### {t('drift_title', lang)}", "", intro, "",
             f"| {t('cause', lang)} | " + " | ".join(names) + " |", "|---|--:|--:|--:|"]
    for cause, n in drift_rows(report.result):
        label = md_cell(cause.label_ja if lang == "ja" else cause.label_en)
        lines.append(f"| {label} | " + " | ".join(str(n[k]) for k in CHANGES) + " |")
    lines.append(f"| **{t('total', lang)}** | "
                 + " | ".join(f"**{d.totals.get(k, 0)}**" for k in CHANGES) + " |")
    if d.totals.get("unconfirmed"):
        lines += ["", md_cell(t("drift_unconfirmed", lang, count=d.totals["unconfirmed"]))]
    new = [f for f in ordered_findings(report.result.findings)
           if f.change == "new" and f.status in (Status.FAIL, Status.ERROR)]
    if new:
        lines += ["", f"**{t('new_failures', lang)}** ({len(new)})", ""]
        lines += [f"- P{f.priority} {f.status.value} {md_cell(f.rule.id)} · "
                  f"{md_cell(resource_label(f.resource))}: {md_cell(f.message)}" for f in new[:top]]
        if len(new) > top:
            lines.append(f"- … +{len(new) - top}")
    resolved = resolved_rows(report.result)
    if resolved:
        lines += ["", f"**{t('resolved_title', lang)}** ({len(resolved)})", ""]
        for row in resolved[:top]:
            how = t("resolved_gone" if row.gone else "resolved_pass", lang)
            lines.append(f"- {md_cell(row.rule_id)} · {md_cell(row.resource)} — {md_cell(how)}")
        if len(resolved) > top:
            lines.append(f"- … +{len(resolved) - top}")
    return lines


def notices_block(report: Report) -> list[str]:
    """Failed notifications or history writes (never gating)."""
    notes = report.result.notices
    if not notes:
        return []
    return [f"### {t('notices', report.lang)} ({len(notes)})", "",
            *(f"- {md_cell(n.kind)}: {md_cell(n.message)}" for n in notes)]


def gate_notes_block(report: Report) -> list[str]:
    """Expired or unused waivers and stale baseline entries (never gating)."""
    notes = report.result.gate_notes
    if not notes:
        return []
    return [f"### {t('gate_notes', report.lang)} ({len(notes)})", "",
            *(f"- {md_cell(n.kind)} · {md_cell(n.source)}: {md_cell(n.message)}"
              for n in notes)]


def collection_errors(report: Report, top: int) -> list[str]:
    """Collection errors, at most ``top`` listed."""
    errors = report.result.errors
    if not errors:
        return []
    lines = [f"### {t('collection', report.lang)} ({len(errors)})", ""]
    lines += [f"- {md_cell(e.provider)} · {md_cell(e.operation)} · {md_cell(e.scope)} · "
              f"{md_cell(e.code)}: {md_cell(e.message)}" for e in errors[:top]]
    if len(errors) > top:
        lines.append(f"- … +{len(errors) - top}")
    return lines


def head(report: Report) -> list[str]:
    """Title with the verdict, the gate's reason and the run in one line."""
    lang, run, verdict = report.lang, report.result.run, report.verdict
    code = int(verdict.exit_code)
    facts = " · ".join([
        f"{t('as_of', lang)} {run.as_of.isoformat()}",
        f"{t('providers', lang)}: {md_cell(', '.join(run.providers)) or t('none', lang)}",
        f"{t('accounts', lang)}: {md_cell(', '.join(run.accounts)) or t('none', lang)}",
        f"{t('resources', lang)} {run.resources}",
        f"mamori {md_cell(run.tool_version)}",
        f"{t('ruleset', lang)} `{short_hash(run.ruleset_hash)}`",
        *(["--require-assessed"] if verdict.policy.require_assessed else []),
        *_only_changes(verdict.policy.only_changes, lang)])
    title = t("verdict", lang, code=code, reason=md_cell(verdict.reason))
    return [f"## {_ICONS.get(code, '')} mamori — {title}", "", facts]


def _only_changes(only: frozenset[str] | None, lang: str) -> list[str]:
    """``only findings that are new gate`` under --fail-on-new (and for plans)."""
    return [t("only_changes", lang, changes=", ".join(sorted(only)))] if only else []


def counts_line(report: Report) -> str:
    """Findings per status and the number of collection errors."""
    counts = status_counts(report.result)
    parts = [f"{s.value} {counts[s]}" for s in _STATUSES]
    parts.append(f"{t('collection_count', report.lang)} {len(report.result.errors)}")
    return f"**{t('counts', report.lang)}:** " + " · ".join(parts)


class MarkdownRenderer(Renderer):
    """Writes the Markdown summary; ``top`` caps the failures and errors listed."""

    name: ClassVar[str] = "markdown"
    extension: ClassVar[str] = "md"

    def __init__(self, top: int = DEFAULT_TOP) -> None:
        if top < 1:
            raise UsageError(f"top must be at least 1, not {top}")
        self.top = top

    def sections(self, report: Report) -> Iterator[list[str]]:
        """The summary's blocks, in order."""
        yield head(report)
        yield [counts_line(report)]
        yield causes_table(report)
        yield drift_block(report, self.top)
        yield top_failures(report, self.top)
        yield not_assessed_block(report, self.top)
        yield collection_errors(report, self.top)
        yield notices_block(report)
        yield gate_notes_block(report)

    def render(self, report: Report, out: TextIO) -> None:
        """Write the blocks separated by blank lines."""
        blocks = [b for b in self.sections(report) if b]
        out.write("\n\n".join("\n".join(b) for b in blocks) + "\n")
