"""The data behind the HTML report: compact findings JSON, the APPI panel, the rule list.

Findings are embedded as arrays, not objects, and repeated values (resource types,
providers, accounts, regions, messages, evidence, APPI notes, waivers) are stored once
in tables and referred to by index: at 100,000 findings this keeps the file around a
tenth of what one JSON object per finding would take. ``report.js`` reads it back; the
field order is :data:`FINDING_FIELDS`, kept in step with ``F`` in ``report.js``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from mamori.checks.appi import DEADLINES
from mamori.checks.findings import Appi, Finding, ScanResult
from mamori.checks.model import Cause, Severity, Status, Waiver
from mamori.reports._common import (
    jsonable,
    ordered_findings,
    resource_label,
    resource_location,
    rule_status_counts,
)
from mamori.reports._i18n import appi_text, catalog
from mamori.reports.interface import Report

#: Order of the fields of one finding in the embedded JSON (see ``report.js``).
FINDING_FIELDS: tuple[str, ...] = (
    "rule", "status", "type", "id", "name", "provider", "account", "region", "source",
    "message", "evidence", "missing", "appi", "waiver", "change", "first_seen",
    "baselined", "priority", "fingerprint", "needs",
)
_STATUSES = [s.value for s in Status]
_NONE = -1


class _Table:
    """Stores each distinct value once and hands out its index."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._index: dict[Hashable, int] = {}

    def add(self, key: Hashable, value: Any = None) -> int:
        if key not in self._index:
            self._index[key] = len(self.items)
            self.items.append(key if value is None else value)
        return self._index[key]


def _appi_entry(appi: Appi) -> list[Any]:
    """[reportable, reasons{en,ja}, notes{en,ja}] with the engine's wording split."""
    def both(texts: Sequence[str]) -> dict[str, list[str]]:
        return {lang: [appi_text(x, lang) for x in texts] for lang in ("en", "ja")}
    return [appi.reportable, both(appi.reasons), both(appi.notes)]


def _waiver_entry(waiver: Waiver) -> list[str]:
    return [waiver.owner, waiver.reason, waiver.ticket, waiver.expires.isoformat()]


class _Packer:
    """Turns findings into rows of :data:`FINDING_FIELDS`, sharing repeated values."""

    def __init__(self, rule_index: dict[str, int]) -> None:
        self.rule_index = rule_index
        self.strings, self.evidence = _Table(), _Table()
        self.appi, self.waivers = _Table(), _Table()

    def _ref(self, table: _Table, key: Hashable | None, value: Any = None) -> int:
        return _NONE if key is None else table.add(key, value)

    def row(self, f: Finding) -> list[Any]:
        res, s = f.resource, self.strings
        ev = jsonable(f.evidence)
        ev_key = json.dumps(ev, sort_keys=True, ensure_ascii=False)
        appi = None if f.appi is None else (f.appi.reportable, f.appi.reasons, f.appi.notes)
        waiver = None if f.waiver is None else tuple(_waiver_entry(f.waiver))
        return [
            self.rule_index[f.rule.id], _STATUSES.index(f.status.value), s.add(res.type),
            res.id, res.name, s.add(res.provider), s.add(res.account), s.add(res.region),
            res.source, s.add(f.message), self.evidence.add(ev_key, ev), list(f.missing),
            self._ref(self.appi, appi, None if f.appi is None else _appi_entry(f.appi)),
            self._ref(self.waivers, waiver, None if waiver is None else list(waiver)),
            self._ref(s, f.change),
            None if f.first_seen is None else f.first_seen.isoformat(),
            1 if f.baselined else 0, f.priority, f.fingerprint, dict(f.needs),
        ]


def _rule_entry(rule: Any, cause_ids: list[str]) -> list[Any]:
    return [rule.id, rule.title.en, rule.title.ja, rule.remediation.en, rule.remediation.ja,
            rule.severity.value, [cause_ids.index(c.value) for c in rule.causes],
            jsonable(rule.frameworks), rule.resource_type]


def findings_data(report: Report) -> dict[str, Any]:
    """The JSON document ``report.js`` reads (see the module docstring)."""
    result = report.result
    cause_ids = [c.value for c in Cause]
    rules = sorted(result.rules, key=lambda r: r.id)
    packer = _Packer({r.id: i for i, r in enumerate(rules)})
    rows = [packer.row(f) for f in ordered_findings(result.findings)]
    return {
        "lang": report.lang, "T": catalog(), "fields": list(FINDING_FIELDS),
        "causes": [[c.value, c.label_en, c.label_ja] for c in Cause],
        "severities": [s.value for s in Severity], "statuses": _STATUSES,
        "rules": [_rule_entry(r, cause_ids) for r in rules],
        "strings": packer.strings.items, "evidence": packer.evidence.items,
        "appi": packer.appi.items, "waivers": packer.waivers.items,
        "findings": rows,
    }


def appi_rows(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """One row per failing resource that holds personal data, most urgent first.

    A resource failing several rules is one row listing them; it is reportable when any
    of its findings is (a leak through any one of the weaknesses would be).
    """
    groups: dict[tuple[str, str, str, str], list[Finding]] = {}
    for f in ordered_findings(findings):
        if f.appi is not None and f.status is Status.FAIL:
            res = f.resource
            groups.setdefault((res.provider, res.account, res.type, res.id), []).append(f)
    rows = [_appi_row(group) for group in groups.values()]
    order = {True: 0, None: 1, False: 2}
    return sorted(rows, key=lambda r: order[r["reportable"]])


def _appi_row(group: list[Finding]) -> dict[str, Any]:
    # The panel states the deadlines once above the table, so rows leave that note out.
    res = group[0].resource
    views = [f.appi for f in group if f.appi is not None]
    flags = {v.reportable for v in views}
    reportable = True if True in flags else (None if None in flags else False)
    texts = {lang: {"reasons": _unique(appi_text(r, lang) for v in views for r in v.reasons),
                    "notes": _unique(appi_text(n, lang) for v in views for n in v.notes
                                     if n != DEADLINES)}
             for lang in ("en", "ja")}
    return {"label": resource_label(res), "location": resource_location(res),
            "data_classes": (None if res.data_classes is None
                             else [d.value for d in res.data_classes]), "records": res.records,
            "rules": [f.rule.id for f in group], "reportable": reportable, **texts}


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def rules_by_cause(result: ScanResult) -> list[dict[str, Any]]:
    """Every rule under its primary cause, with counts per status (for the rules list)."""
    counts = rule_status_counts(result.findings)
    none: Counter[Status] = Counter()
    index = {r.id: i for i, r in enumerate(sorted(result.rules, key=lambda r: r.id))}
    groups = []
    for cause in Cause:
        rules = sorted((r for r in result.rules if r.primary_cause is cause),
                       key=lambda r: (r.severity.rank, r.id))
        if not rules:
            continue
        entries = [{"index": index[r.id], "id": r.id, "en": r.title.en, "ja": r.title.ja,
                    "severity": r.severity.value, "type": r.resource_type,
                    "counts": {s.value: counts.get(r.id, none)[s] for s in Status}}
                   for r in rules]
        groups.append({"id": cause.value, "en": cause.label_en, "ja": cause.label_ja,
                       "rules": entries})
    return groups
