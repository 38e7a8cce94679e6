"""The findings of a scan, with memory bounded by what must be kept.

A large estate passes most rules: a million resources make millions of PASS findings,
and holding each as an object would make a scan's memory grow with how *well* the
estate is configured. So a :class:`FindingLog` keeps every finding that is not PASS as
a :class:`~mamori.checks.findings.Finding` (they are what reports, gates and histories
are about), and keeps PASS findings compactly: up to :data:`PASSES_IN_MEMORY` as small
tuples, then appended to a temporary file. Iterating the log gives every finding back as
a ``Finding``, rebuilt on the fly, one at a time.

Order: the findings that are not PASS in the order they were added, then the PASS
findings in the order they were added (a resource's passes together). Renderers sort
what they need to sort (``reports._common.ordered_findings`` sorts the findings that are
not PASS; passes keep collection order, which is what a 100,000-row pass list needs).

What a PASS entry keeps: the rule (an index into the log's rules), the resource (an
index into its envelope table: a resource's envelope is kept once, without its
attributes), and the masked evidence. The message ("meets: ...") is the rule's, and the
fingerprint is recomputed from rule and resource ids: neither needs storing. Later
stages that change passes (the history's "resolved" marks) add a transform instead of
rewriting them (:meth:`FindingLog.map_passes`).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import IO, Any

from mamori.checks.findings import Finding, RuleInfo
from mamori.checks.model import Resource, Status, fingerprint
from mamori.checks.tagged import decode, encode

#: PASS findings kept as tuples in memory before the log spills them to disk.
PASSES_IN_MEMORY = 200_000

_Entry = tuple[int, int, Any]  # rule index, envelope index, encoded evidence
Transform = Callable[[Finding], Finding]


#: What findings keep of a resource's raw payload: where it was defined (code-scanning
#: results) and, for plans, what the change does to it.
KEPT_RAW = ("location", "actions")


def slim(resource: Resource) -> Resource:
    """The resource as findings keep it: the envelope, and of the attributes only the
    :data:`KEPT_RAW` parts of ``raw``; never the rest, so a scan does not hold its whole
    inventory through its findings."""
    raw = resource.attributes.get("raw")
    kept = {k: raw[k] for k in KEPT_RAW if k in raw} if isinstance(raw, Mapping) else {}
    return dataclasses.replace(resource, attributes={"raw": kept} if kept else {})


class FindingLog(Sequence[Finding]):
    """Every finding of a scan; PASS findings kept compactly (module docstring).

    It reads as a sequence of findings (iteration, ``len``, indexing of the findings
    that are not PASS first): code that only iterates needs no change.
    """

    def __init__(self, findings: Iterable[Finding] = (), *,
                 passes_in_memory: int = PASSES_IN_MEMORY) -> None:
        self.failing: list[Finding] = []  # every finding that is not PASS
        self._rules: list[RuleInfo] = []
        self._rule_index: dict[int, int] = {}
        self._envelopes: list[Resource] = []
        self._envelope_index: dict[int, int] = {}
        self._messages: dict[int, str] = {}
        self._passes: list[_Entry] = []
        self._limit = passes_in_memory
        self._spill: IO[str] | None = None
        self._spilled = 0
        self._transforms: tuple[Transform, ...] = ()
        for finding in findings:
            self.add(finding)

    # --- adding ---------------------------------------------------------------------------

    def add(self, finding: Finding) -> None:
        """Keep one finding (a PASS compactly)."""
        if (finding.status is not Status.PASS or finding.change or finding.first_seen
                or self._limit < 0):
            self.failing.append(finding)
            return
        try:
            evidence = encode(finding.evidence)
        except TypeError:  # a value JSON cannot hold: keep this one as it is
            self.failing.append(finding)
            return
        rule = self._rule_slot(finding)
        envelope = self._envelope_slot(finding.resource)
        self._passes.append((rule, envelope, evidence))
        if len(self._passes) > self._limit:
            self._flush()

    def extend(self, findings: Iterable[Finding]) -> None:
        """Keep several findings."""
        for finding in findings:
            self.add(finding)

    def _rule_slot(self, finding: Finding) -> int:
        key = id(finding.rule)
        slot = self._rule_index.get(key)
        if slot is None:
            slot = self._rule_index[key] = len(self._rules)
            self._rules.append(finding.rule)
            self._messages[slot] = finding.message
        return slot

    def _envelope_slot(self, resource: Resource) -> int:
        key = id(resource)
        slot = self._envelope_index.get(key)
        if slot is None or self._envelopes[slot] is not resource:
            slot = self._envelope_index[key] = len(self._envelopes)
            self._envelopes.append(resource)
        return slot

    def _flush(self) -> None:
        if self._spill is None:
            handle, name = tempfile.mkstemp(prefix="mamori-passes-", suffix=".jsonl")
            self._spill = os.fdopen(handle, "w+", encoding="utf-8", newline="\n")
            os.unlink(name)  # the open handle keeps it; nothing is left behind on exit
        self._spill.seek(0, os.SEEK_END)
        self._spill.writelines(json.dumps(e, ensure_ascii=False, separators=(",", ":"))
                               + "\n" for e in self._passes)
        self._spilled += len(self._passes)
        self._passes = []

    # --- reading --------------------------------------------------------------------------

    def passes(self) -> Iterator[Finding]:
        """The PASS findings, rebuilt one at a time, in the order they were added."""
        for rule, envelope, evidence in self._entries():
            finding = self._rebuild(rule, envelope, evidence)
            for transform in self._transforms:
                finding = transform(finding)
            yield finding

    def _entries(self) -> Iterator[_Entry]:
        if self._spill is not None:
            self._spill.flush()
            self._spill.seek(0)
            for line in self._spill:
                rule, envelope, evidence = json.loads(line)
                yield rule, envelope, evidence
        yield from self._passes

    def _rebuild(self, rule: int, envelope: int, evidence: Any) -> Finding:
        info, resource = self._rules[rule], self._envelopes[envelope]
        return Finding(rule=info, resource=resource, status=Status.PASS,
                       message=self._messages[rule], evidence=_decode(evidence),
                       fingerprint=fingerprint(info.id, resource.provider, resource.account,
                                               resource.id))

    def pass_count(self) -> int:
        """How many PASS findings the log holds."""
        return self._spilled + len(self._passes)

    def __iter__(self) -> Iterator[Finding]:
        yield from self.failing
        yield from self.passes()

    def __len__(self) -> int:
        return len(self.failing) + self.pass_count()

    def __getitem__(self, index: Any) -> Any:
        # Indexing reads the whole log: meant for tests and small results only.
        return list(self)[index]

    # --- deriving -------------------------------------------------------------------------

    def with_failing(self, failing: Iterable[Finding]) -> FindingLog:
        """The same passes, other findings besides them (waivers, baselines, drift)."""
        log = self._copy()
        log.failing = list(failing)
        return log

    def map_passes(self, transform: Transform) -> FindingLog:
        """The same log with ``transform`` applied to each PASS finding when read."""
        log = self._copy()
        log._transforms = (*self._transforms, transform)
        return log

    def _copy(self) -> FindingLog:
        # Derived logs share the passes read-only: adding passes to a copy would write
        # into the original's spill file.
        log = FindingLog.__new__(FindingLog)
        log.__dict__.update(self.__dict__)
        log.failing = list(self.failing)
        log._limit = -1  # sealed
        return log


def as_log(findings: Iterable[Finding]) -> FindingLog:
    """``findings`` as a FindingLog (itself when it already is one)."""
    return findings if isinstance(findings, FindingLog) else FindingLog(findings)


def _decode(value: Any) -> dict[str, Any]:
    result: dict[str, Any] = decode(value)
    return result
