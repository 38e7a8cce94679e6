"""The console report: what a person reads in a terminal or a CI log.

Sections, in order: header (tool version, as_of, providers, accounts, resources, rule-set
hash), the per-cause summary (the seven causes in their fixed order, saying plainly which
were not checked and why, and which were not assessed and what would tell), failures by
severity (most urgent first: APPI-reportable before the rest, with a note on groups below
the fail-on threshold), waived findings with owner and expiry, findings that could not be
decided (ERROR) with the missing attributes, findings no source of the scan could assess
(NOT_ASSESSED) with the source that could, collection errors, and the gate's verdict. At
most ``max_per_rule`` findings of one rule are listed per section; the rest are counted
("… and K more"), never silently dropped.

Every data-derived line passes through :func:`~mamori.reports._common.printable`, so a
resource name cannot inject terminal escape sequences. Wide (Japanese) text never goes
through tabulate, so alignment does not depend on whether ``wcwidth`` is installed.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import ClassVar, TextIO

from tabulate import tabulate

from mamori.checks.errors import UsageError
from mamori.checks.findings import Finding
from mamori.checks.model import Severity, Status
from mamori.checks.summary import CauseCoverage, coverage, needs_text, status_counts
from mamori.reports._common import (
    ordered_findings,
    printable,
    resource_label,
    resource_location,
    text_in,
)
from mamori.reports._drift import CHANGES, drift_rows, resolved_rows
from mamori.reports._i18n import appi_tag, not_checked_reason, t, waiver_note
from mamori.reports.interface import Renderer, Report

DEFAULT_MAX_PER_RULE = 20
_STATUSES = (Status.PASS, Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_ASSESSED)
_HEADERS = ("cause", "rules", "resources", *(s.value for s in _STATUSES), "pass rate")
_ALIGN = ("left", "right", "right", *("right" for _ in _STATUSES), "right")
_INDENT = " " * 7


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (East Asian wide characters count two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def header(report: Report) -> list[str]:
    """Tool, time and scope of the run."""
    run, lang = report.result.run, report.lang
    short_hash = run.ruleset_hash.split(":")[-1][:12]
    none = t("none", lang)
    return [
        f"mamori {run.tool_version} — {t('title', lang)}",
        f"{t('as_of', lang)}: {run.as_of.isoformat()}",
        f"{t('run', lang)}: {run.started.isoformat()} → {run.finished.isoformat()}",
        f"{t('providers', lang)}: {', '.join(run.providers) or none}",
        f"{t('accounts', lang)}: {', '.join(run.accounts) or none}",
        f"{t('resources', lang)}: {run.resources}",
        f"{t('ruleset', lang)}: {short_hash}",
    ]


def _cause_note(cov: CauseCoverage, lang: str) -> str:
    """The last column: the cause's label, plus why it was not (fully) checked."""
    label = cov.cause.label_ja if lang == "ja" else cov.cause.label_en
    if cov.not_assessed:  # the reason says "not assessed: needs ..."
        return f"{label} — {not_checked_reason(cov, lang)}"
    if not cov.checked:
        return f"{label} — {t('not_checked', lang)}: {not_checked_reason(cov, lang)}"
    notes = [label]
    if cov.missing_types:
        notes.append(t("partly", lang, types=", ".join(cov.missing_types)))
    if cov.counts[Status.NOT_ASSESSED]:
        notes.append(t("partly_not_assessed", lang, count=cov.counts[Status.NOT_ASSESSED],
                       needs=needs_text(cov.needs)))
    return " — ".join(notes)


def _cause_row(cov: CauseCoverage) -> list[str]:
    if not cov.checked:
        na = str(cov.counts[Status.NOT_ASSESSED]) if cov.not_assessed else "-"
        return [cov.cause.value, str(cov.rules), str(cov.resources), *["-"] * 4, na, "-"]
    rate = cov.pass_rate
    shown = "-" if rate is None else f"{rate * 100:.1f}%"
    return [cov.cause.value, str(cov.rules), str(cov.resources),
            *(str(cov.counts[s]) for s in _STATUSES), shown]


def summary(report: Report) -> list[str]:
    """The per-cause table (tabulate) with the label column appended, then totals."""
    lang, covs = report.lang, coverage(report.result)
    table = tabulate([_cause_row(c) for c in covs], headers=_HEADERS, tablefmt="simple",
                     colalign=_ALIGN, disable_numparse=True).splitlines()
    notes = [_cause_note(c, lang) for c in covs]
    label = t("label", lang)
    dashes = "-" * max(display_width(n) for n in [label, *notes])
    lines = [f"{table[0]}  {label}", f"{table[1]}  {dashes}"]
    lines += [f"{row}  {note}" for row, note in zip(table[2:], notes, strict=True)]
    counts = status_counts(report.result)
    total = " · ".join(f"{s.value} {counts[s]}" for s in _STATUSES)
    return [t("summary", lang), "", *lines, "",
            f"{t('totals', lang)}: {sum(counts.values())} — {total}"]


def _finding_lines(finding: Finding, lang: str) -> list[str]:
    """Rule, resource, missing attributes, message and APPI note of one finding."""
    res = finding.resource
    lines = [f"  [P{finding.priority}] {finding.rule.id}  {text_in(finding.rule.title, lang)}",
             f"{_INDENT}{resource_label(res)}  ({resource_location(res)})"]
    if finding.missing:
        lines.append(f"{_INDENT}{t('missing', lang)}: {', '.join(finding.missing)}")
    if finding.needs:
        lines.append(f"{_INDENT}{t('needs', lang)}: {needs_text(finding.needs)}")
    lines.append(f"{_INDENT}→ {finding.message}")
    if finding.waiver is not None:
        lines.append(f"{_INDENT}~ {waiver_note(finding.waiver, lang)}")
    if finding.baselined:
        lines.append(f"{_INDENT}= {t('baselined', lang)}")
    if finding.change is not None:
        since = ""
        if finding.first_seen is not None and finding.change in ("persisting", "resolved"):
            since = " · " + t("failing_since", lang, date=finding.first_seen.date().isoformat())
        lines.append(f"{_INDENT}Δ {t('change', lang)}: {finding.change}{since}")
    tag = appi_tag(finding.appi, lang)
    if tag:
        lines.append(f"{_INDENT}! {tag}")
    return lines


def capped(findings: Iterable[Finding], cap: int | None, lang: str) -> Iterator[str]:
    """Lines for ``findings``, at most ``cap`` per rule, then "… and K more" per rule."""
    shown: Counter[str] = Counter()
    hidden: Counter[str] = Counter()
    for finding in findings:
        rule_id = finding.rule.id
        if cap is not None and shown[rule_id] >= cap:
            hidden[rule_id] += 1
            continue
        shown[rule_id] += 1
        yield from _finding_lines(finding, lang)
    for rule_id, count in hidden.items():
        yield "  " + t("more", lang, count=count, rule=rule_id)


def _below(sev: Severity, report: Report) -> str:
    """A note on a severity heading when failures of it do not fail the gate."""
    fail_on = report.verdict.policy.fail_on
    if fail_on is not None and sev.at_least(fail_on):
        return ""
    shown = fail_on.value if fail_on is not None else t("none", report.lang)
    return " — " + t("below", report.lang, fail_on=shown)


def failures(findings: list[Finding], cap: int | None, report: Report) -> Iterator[str]:
    """FAIL findings grouped by severity, critical first, each group in priority order."""
    lang = report.lang
    failed = [f for f in findings if f.status is Status.FAIL]
    yield f"{t('failures', lang)} ({len(failed)})"
    for sev in Severity:
        group = [f for f in failed if f.rule.severity is sev]
        if group:
            yield ""
            yield f"{sev.value.upper()} ({len(group)}){_below(sev, report)}"
            yield from capped(group, cap, lang)


def listed(findings: list[Finding], status: Status, cap: int | None,
           lang: str) -> Iterator[str]:
    """Findings of one status (WAIVED, ERROR, NOT_ASSESSED) in report order, under a
    heading."""
    chosen = [f for f in findings if f.status is status]
    yield f"{t(status.value.lower(), lang)} ({len(chosen)})"
    if chosen:
        yield ""
        yield from capped(chosen, cap, lang)


def collection_errors(report: Report) -> Iterator[str]:
    """What providers could not collect: every one, never capped."""
    lang, errors = report.lang, report.result.errors
    yield f"{t('collection', lang)} ({len(errors)})"
    if errors:
        yield ""
    for err in errors:
        yield f"  {err.provider} · {err.operation} · {err.scope} · {err.code}: {err.message}"
        if err.resource_types:
            yield f"{_INDENT}{t('types', lang)}: {', '.join(err.resource_types)}"


def gate_notes(report: Report) -> Iterator[str]:
    """Expired or unused waivers and stale baseline entries (only when there are any)."""
    notes = report.result.gate_notes
    yield f"{t('gate_notes', report.lang)} ({len(notes)})"
    yield ""
    for note in notes:
        yield f"  {note.kind} · {note.source}: {note.message}"


def drift(report: Report, cap: int | None) -> Iterator[str]:
    """New, persisting and resolved per cause, then the resolved findings (capped)."""
    lang, d = report.lang, report.result.drift
    assert d is not None
    yield t("drift_title", lang)
    yield ""
    if d.previous_as_of is None:
        yield t("drift_first", lang)
    else:
        yield t("drift_previous", lang, as_of=d.previous_as_of.isoformat())
    rows = [[c.value, *(str(n[k]) for k in CHANGES)] for c, n in drift_rows(report.result)]
    rows.append([t("total", lang), *(str(d.totals.get(k, 0)) for k in CHANGES)])
    yield ""
    yield from tabulate(rows, headers=("cause", *CHANGES), tablefmt="simple",
                        colalign=("left", "right", "right", "right"),
                        disable_numparse=True).splitlines()
    if d.totals.get("unconfirmed"):
        yield t("drift_unconfirmed", lang, count=d.totals["unconfirmed"])
    new = [f for f in ordered_findings(report.result.findings)
           if f.change == "new" and f.status in (Status.FAIL, Status.ERROR)]
    if new:
        yield ""
        yield f"{t('new_failures', lang)} ({len(new)})"
        yield from (f"  [P{f.priority}] {f.status.value} {f.rule.id}  {resource_label(f.resource)}"
                    f"  ({resource_location(f.resource)})" for f in new[:cap])
        if cap is not None and len(new) > cap:
            yield "  " + t("more", lang, count=len(new) - cap, rule="new")
    resolved = resolved_rows(report.result)
    if resolved:
        yield ""
        yield f"{t('resolved_title', lang)} ({len(resolved)})"
        for row in resolved[:cap] if cap is not None else resolved:
            how = t("resolved_gone" if row.gone else "resolved_pass", lang)
            since = (" · " + t("failing_since", lang, date=row.first_seen.date().isoformat())
                     if row.first_seen else "")
            yield f"  {row.rule_id}  {row.resource}  ({row.location}) — {how}{since}"
        if cap is not None and len(resolved) > cap:
            yield "  " + t("more", lang, count=len(resolved) - cap, rule="resolved")


def notices(report: Report) -> Iterator[str]:
    """Failed notifications or history writes: they never change the exit code."""
    yield f"{t('notices', report.lang)} ({len(report.result.notices)})"
    yield ""
    for note in report.result.notices:
        yield f"  {note.kind} · {note.source}: {note.message}"


def verdict(report: Report) -> list[str]:
    """The gate's decision, as given (renderers never decide exit codes)."""
    lang, v = report.lang, report.verdict
    fail_on = v.policy.fail_on.value if v.policy.fail_on is not None else t("none", lang)
    allow = t("yes" if v.policy.allow_incomplete else "no", lang)
    only = v.policy.only_changes
    gate = t("gate", lang, fail_on=fail_on, allow=allow)
    if v.policy.require_assessed:
        gate += ", --require-assessed"
    if only:
        gate += f", {t('only_changes', lang, changes=', '.join(sorted(only)))}"
    return [gate,
            t("verdict", lang, code=int(v.exit_code), reason=v.reason)]


class ConsoleRenderer(Renderer):
    """Human-readable text report; ``max_per_rule`` None lists every finding."""

    name: ClassVar[str] = "console"
    extension: ClassVar[str] = "txt"

    def __init__(self, max_per_rule: int | None = DEFAULT_MAX_PER_RULE) -> None:
        if max_per_rule is not None and max_per_rule < 1:
            raise UsageError(f"max_per_rule must be at least 1, not {max_per_rule}")
        self.max_per_rule = max_per_rule

    def sections(self, report: Report) -> Iterator[Iterable[str]]:
        """The report's sections, each a sequence of lines."""
        findings = ordered_findings(report.result.findings)
        cap, lang = self.max_per_rule, report.lang
        yield header(report)
        yield summary(report)
        if report.result.drift is not None:
            yield drift(report, cap)
        yield failures(findings, cap, report)
        yield listed(findings, Status.WAIVED, cap, lang)
        yield listed(findings, Status.ERROR, cap, lang)
        yield listed(findings, Status.NOT_ASSESSED, cap, lang)
        yield collection_errors(report)
        if report.result.gate_notes:
            yield gate_notes(report)
        if report.result.notices:
            yield notices(report)
        yield verdict(report)

    def render(self, report: Report, out: TextIO) -> None:
        """Write the sections separated by blank lines."""
        for index, lines in enumerate(self.sections(report)):
            if index:
                out.write("\n")
            for line in lines:
                out.write(printable(line) + "\n")
