"""``--waivers FILE`` and ``--baseline FILE`` for ``mamori scan`` (and ``mamori plan``).

The CLI loads both files before the scan, so a bad file fails fast (exit 2) instead of
after a long cloud collection, then applies them after ``run_scan`` and before the
gate::

    inputs = load_gate_inputs(waivers_path, baseline_path)     # WaiverError -> exit 2
    inputs = inputs.check_rules(rule_ids)                      # MAM-* + '*': exit 2
    result = run_scan(request)
    result, notes = inputs.apply(result, result.run.as_of)
    verdict = decide(result, policy)

Order: waivers first, then the baseline. A waived finding is never also baselined, so
when its waiver expires it fails the gate again instead of hiding behind the baseline.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path

from mamori.checks.findings import GateNote, ScanResult
from mamori.checks.tally import INPUT_EMPTY
from mamori.ci.baseline import Baseline, BaselineOutcome, apply_baseline, load_baseline
from mamori.ci.waivers import (
    WaiverEntry,
    WaiverOutcome,
    apply_waivers,
    check_against_rules,
    load_waivers,
)

#: Kinds of GateNote, in the order reports list them.
NOTE_KINDS = (INPUT_EMPTY, "waiver_expired", "waiver_unused", "baseline_stale")


@dataclass(frozen=True)
class GateInputs:
    """The loaded waivers and baseline of one run (either may be absent)."""

    waivers: tuple[WaiverEntry, ...] | None = None
    baseline: Baseline | None = None
    #: Whether the waivers were checked against the loaded rule set (check_rules).
    rules_checked: bool = False

    def check_rules(self, rule_ids: Collection[str]) -> GateInputs:
        """Refuse a waiver that would cover every finding of these rules (WaiverError).

        Call it with every rule id loaded (before ``--cause`` or the config select), so
        one waivers file is valid or not whatever a run selects.
        """
        if self.waivers is not None:
            check_against_rules(self.waivers, rule_ids)
        return replace(self, rules_checked=True)

    def apply(self, result: ScanResult, as_of: datetime) -> tuple[ScanResult, list[GateNote]]:
        """Waive, then baseline; return the new result and the notes for reports.

        Without an earlier ``check_rules`` the waivers are checked against the rules of
        the result, so a match-everything waiver never slips through.
        """
        if not self.rules_checked:
            self.check_rules([rule.id for rule in result.rules])
        notes: list[GateNote] = []
        if self.waivers is not None:
            outcome = apply_waivers(result, self.waivers, as_of)
            result = outcome.result
            notes += waiver_notes(outcome)
        if self.baseline is not None:
            b_outcome = apply_baseline(result, self.baseline)
            result = b_outcome.result
            notes += baseline_notes(b_outcome, self.baseline)
        result = replace(result, gate_notes=(*result.gate_notes, *notes))
        return result, notes


def load_gate_inputs(waivers_path: Path | None, baseline_path: Path | None) -> GateInputs:
    """Load and validate the files given on the command line (WaiverError: exit 2)."""
    waivers = tuple(load_waivers(waivers_path)) if waivers_path is not None else None
    baseline = load_baseline(baseline_path) if baseline_path is not None else None
    return GateInputs(waivers=waivers, baseline=baseline)


def apply_gate_inputs(result: ScanResult, waivers_path: Path | None,
                      baseline_path: Path | None,
                      as_of: datetime | None = None) -> tuple[ScanResult, list[GateNote]]:
    """Load both files and apply them (``as_of`` defaults to the run's)."""
    inputs = load_gate_inputs(waivers_path, baseline_path)
    return inputs.apply(result, as_of or result.run.as_of)


def waiver_notes(outcome: WaiverOutcome) -> list[GateNote]:
    """Expired waivers (and how many FAILs they no longer hide), then unused ones."""
    notes = []
    for w, count in zip(outcome.expired, outcome.reopened, strict=True):
        hidden = (f"it no longer hides {count} failing finding(s)" if count
                  else "it matched no failing finding")
        notes.append(GateNote("waiver_expired", w.where,
                              f"expired waiver {w.describe()}: {hidden}",
                              {**w.to_dict(), "reopened": count}))
    for w in outcome.unused:
        notes.append(GateNote("waiver_unused", w.where,
                              f"unused waiver {w.describe()}: it matched no failing finding",
                              w.to_dict()))
    return notes


def baseline_notes(outcome: BaselineOutcome, baseline: Baseline) -> list[GateNote]:
    """One note per stale baseline entry."""
    return [GateNote("baseline_stale", baseline.source,
                     f"stale baseline entry {e.describe()}: no longer failing; refresh with "
                     f"`mamori baseline create`", e.to_dict())
            for e in outcome.stale]

