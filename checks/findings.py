"""Findings and the scan result: what the engine produces and every renderer reads."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mamori.checks.model import Cause, CollectionError, Resource, Severity, Status, Waiver


@dataclass(frozen=True, slots=True)
class Text:
    """A user-facing text in English and Japanese."""

    en: str
    ja: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form."""
        return {"en": self.en, "ja": self.ja}


@dataclass(frozen=True, slots=True)
class RuleInfo:
    """The metadata of a rule as findings and reports carry it."""

    id: str
    title: Text
    remediation: Text
    severity: Severity
    causes: tuple[Cause, ...]
    frameworks: Mapping[str, tuple[str, ...]]
    resource_type: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def primary_cause(self) -> Cause:
        """The first cause: the one the rule is filed under."""
        return self.causes[0]


@dataclass(frozen=True, slots=True)
class Appi:
    """APPI (個人情報保護法) view of a failing resource that holds personal data.

    ``reportable`` is None when it cannot be decided (e.g. number of people unknown).
    """

    reportable: bool | None
    reasons: tuple[str, ...]
    notes: tuple[str, ...] = ()
    #: None when what data the resource holds could not be read.
    personal_data: bool | None = True

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"personal_data": self.personal_data, "reportable": self.reportable,
                "reasons": list(self.reasons), "notes": list(self.notes)}


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict of one rule on one resource, with the evidence that decided it.

    Made by the engine, which masks ``evidence`` and the resource's secret tags and
    builds ``message`` from the masked evidence (mamori.checks.secrets): what a finding
    carries is safe for every output.
    """

    rule: RuleInfo
    resource: Resource
    status: Status
    message: str
    evidence: Mapping[str, Any]
    fingerprint: str
    missing: tuple[str, ...] = ()
    appi: Appi | None = None
    waiver: Waiver | None = None
    #: How the finding relates to a reference: for ``mamori plan`` "introduced", "fixed" or
    #: "unchanged" (against the state before the change); with a history "new",
    #: "persisting" or "resolved" (against the previous run). None: no reference.
    change: str | None = None
    #: When this fingerprint was first seen failing (from a history), if known.
    first_seen: datetime | None = None
    #: Accepted in a baseline file: reported, but kept out of the gate.
    baselined: bool = False
    #: NOT_ASSESSED: each fact no source of the scan could supply → the source that could.
    needs: Mapping[str, str] = field(default_factory=dict)

    @property
    def priority(self) -> int:
        """1 (most urgent) … 5: the severity, raised one step when an APPI report is due."""
        base = self.rule.severity.rank + 1
        if self.status is Status.FAIL and self.appi is not None and self.appi.reportable:
            return max(1, base - 1)
        return base


@dataclass(frozen=True, slots=True)
class RuleStats:
    """How one rule fared: resources of its type seen and how many it applied to."""

    resources_seen: int = 0
    not_applicable: int = 0


@dataclass(frozen=True, slots=True)
class RunInfo:
    """Facts about the run that every report states, for reproducibility."""

    as_of: datetime
    started: datetime
    finished: datetime
    providers: tuple[str, ...]
    accounts: tuple[str, ...]
    ruleset_hash: str
    tool_version: str
    resources: int
    #: What was asked for, independent of the working folder (absolute inventory paths,
    #: cloud targets): the history's notion of "same scope". Empty: use ``providers``.
    scope: tuple[str, ...] = ()
    #: ``user@host`` that ran the scan (auditors ask who ran it, and where).
    ran_by: str = ""


@dataclass(frozen=True)
class GateNote:
    """Something about the gate's input files that reports list, never gating.

    ``kind`` is one of NOTE_KINDS; ``source`` says where (``waivers.yaml:12``);
    ``data`` is the JSON-ready waiver or baseline entry.
    """

    kind: str
    source: str
    message: str
    data: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for reports."""
        return {"kind": self.kind, "source": self.source, "message": self.message,
                "data": dict(self.data)}


@dataclass(frozen=True)
class ScanResult:
    """Everything a scan produced. Renderers read it; the gate decides the exit code."""

    run: RunInfo
    rules: Sequence[RuleInfo]
    findings: Sequence[Finding]
    errors: Sequence[CollectionError]
    rule_stats: Mapping[str, RuleStats]
    causes_selected: tuple[Cause, ...] = tuple(Cause)
    #: Expired or unused waivers and stale baseline entries: listed, never gating.
    gate_notes: Sequence[GateNote] = ()
    #: Against the previous comparable run of a history (``--history``); None without one.
    drift: Drift | None = None
    #: Pass rate per cause over the last runs of the history, oldest first, this run last.
    trend: Sequence[TrendPoint] = ()
    #: Problems outside the scan itself (a failed notification or history write): listed
    #: in reports, never gating, never changing the exit code.
    notices: Sequence[GateNote] = ()


@dataclass(frozen=True, slots=True)
class ResolvedFinding:
    """A finding that was failing in the previous comparable run and has no finding now.

    Its resource was removed or left the rule's scope. It is listed by the reports and
    never reaches the gate (it is not in ``ScanResult.findings``). Findings that still
    exist and pass now are ordinary findings with ``change == "resolved"``.
    """

    fingerprint: str
    rule_id: str
    severity: Severity
    causes: tuple[Cause, ...]
    resource: Resource
    last_status: Status
    first_seen: datetime | None
    last_seen: datetime
    #: The rule's metadata when the rule is still loaded in this run.
    rule: RuleInfo | None = None



@dataclass(frozen=True)
class Drift:
    """This run against the previous comparable run of a history (docs/history.md).

    ``counts`` maps each cause to ``{"new": n, "persisting": n, "resolved": n}`` (a
    finding counts under every cause its rule names, as in the coverage table);
    ``totals`` counts each finding once. ``previous_as_of`` None: no comparable run yet.
    """

    previous_as_of: datetime | None
    previous_run: int | None
    counts: Mapping[Cause, Mapping[str, int]]
    totals: Mapping[str, int]
    resolved: Sequence[ResolvedFinding] = ()
    scope_key: str = ""


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """Pass rate per cause of one run of a history (None: cause not checked)."""

    as_of: datetime
    pass_rates: Mapping[Cause, float | None]
    run_id: int | None = None
