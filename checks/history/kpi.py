"""The KPI sheet of ``mamori history export``: one row per run, oldest first.

KPIs (docs/history.md): findings per audit (findings, and FAIL per run); pass rate
overall and per cause (PASS over the assessed findings: ERROR and WAIVED are not passes,
NOT_ASSESSED is left out and counted in its own column); patch compliance rate (share of
PASS among the assessed findings of the host and endpoint patch rules
:data:`PATCH_RULES`); incident-count proxy (new critical/high FAILs of the run).
Columns are only ever appended (``not_assessed`` came with NOT_ASSESSED).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

from mamori.checks.history.interface import NOT_ASSESSED, HistoryStore, RunRecord
from mamori.checks.model import Cause

#: Host and endpoint patching rules behind the patch compliance rate.
PATCH_RULES = frozenset({"MAM-HOST-001", "MAM-HOST-002", "MAM-HOST-003", "MAM-EP-003"})
BOM = "\ufeff"
_STATUSES = ("PASS", "FAIL", "ERROR", "WAIVED")

COLUMNS: tuple[str, ...] = (
    "run_id", "as_of", "started", "finished", "exit_code", "providers", "accounts",
    "scope_key", "ruleset_hash", "tool_version", "resources", "findings", "pass", "fail",
    "error", "waived", "new", "persisting", "resolved", "incident_proxy_new_critical_high",
    "pass_rate", "patch_compliance_rate", "patch_findings",
    *(f"pass_rate_{c.value}" for c in Cause), "not_assessed",
)


def _rate(part: int, total: int) -> str:
    return "" if total == 0 else f"{part / total:.4f}"


def kpi_row(store: HistoryStore, run: RunRecord, causes: dict[str, Any]) -> list[str]:
    """The cells of one run (rates as fractions with four decimals, empty when none)."""
    assert run.id is not None
    n = run.counts
    assessed = sum(n.get(s, 0) for s in _STATUSES)
    unassessed = n.get(NOT_ASSESSED, 0)
    patch = [f for f in store.findings(run.id)
             if f.rule_id in PATCH_RULES and f.status != NOT_ASSESSED]
    patch_pass = sum(1 for f in patch if f.status == "PASS")
    per_cause = []
    for cause in Cause:
        rate = causes[cause.value].pass_rate if cause.value in causes else None
        per_cause.append("" if rate is None else f"{rate:.4f}")
    return [str(run.id), run.as_of.isoformat(), run.started.isoformat(),
            run.finished.isoformat(), str(run.exit_code), "; ".join(run.providers),
            "; ".join(run.accounts), run.scope_key, run.ruleset_hash, run.tool_version,
            str(run.resources), str(assessed + unassessed),
            *(str(n.get(s, 0)) for s in _STATUSES),
            *(str(n.get(k, 0)) for k in ("new", "persisting", "resolved", "incidents")),
            _rate(n.get("PASS", 0), assessed), _rate(patch_pass, len(patch)), str(len(patch)),
            *per_cause, str(unassessed)]


def write_kpis(store: HistoryStore, runs: Iterable[RunRecord], out: TextIO) -> int:
    """Write BOM, header and one row per run (oldest first); return the row count."""
    ordered = sorted(runs, key=lambda r: (r.as_of, r.started, r.id or 0))
    counts = store.cause_counts([r.id for r in ordered if r.id is not None])
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for run in ordered:
        assert run.id is not None
        causes = {c.cause: c for c in counts.get(run.id, [])}
        writer.writerow(kpi_row(store, run, causes))
    return len(ordered)
