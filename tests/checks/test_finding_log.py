"""The finding log keeps every finding, PASS ones compactly or on disk, and gives them back."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.finding_log import FindingLog, slim
from mamori.checks.findings import Finding, RuleInfo, Text
from mamori.checks.model import Cause, Resource, Severity, Status, fingerprint

RULES = [RuleInfo(id=f"R-{n}", title=Text("t", "t"), remediation=Text("r", "r"),
                  severity=Severity.HIGH, causes=(Cause.INSIDER,), frameworks={},
                  resource_type="host", source="x") for n in range(3)]


def finding(n: int, status: Status, evidence: dict[str, object] | None = None) -> Finding:
    rule = RULES[n % len(RULES)]
    res = slim(Resource(type="host", id=f"h{n // 3}", provider="onprem", account="a",
                        attributes={"raw": {"location": {"file": "x.tf", "line": n},
                                            "payload": "big"}}))
    return Finding(rule=rule, resource=res, status=status, message=f"meets: {rule.id}",
                   evidence=evidence or {"n": n, "day": date(2026, 11, n % 28 + 1),
                                         "at": datetime(2026, 1, 1, tzinfo=UTC),
                                         "pair": (1, "a"), "list": [1, [2]]},
                   fingerprint=fingerprint(rule.id, res.provider, res.account, res.id))


def test_slim_keeps_the_envelope_and_where_it_was_defined_only() -> None:
    res = Resource(type="host", id="h", provider="p", attributes={
        "os": "linux", "raw": {"location": {"file": "a.tf"}, "actions": ["create"], "x": 1}})
    kept = slim(res)
    assert kept.attributes == {"raw": {"location": {"file": "a.tf"}, "actions": ["create"]}}
    assert (kept.type, kept.id, kept.provider) == ("host", "h", "p")
    assert slim(Resource(type="host", id="h", provider="p", attributes={"os": "x"})
                ).attributes == {}


@given(statuses=st.lists(st.sampled_from([Status.PASS, Status.PASS, Status.FAIL,
                                          Status.ERROR, Status.NOT_ASSESSED]), max_size=40),
       limit=st.sampled_from([0, 1, 5, 1000]))
def test_every_finding_comes_back_the_same(statuses: list[Status], limit: int) -> None:
    # Whether kept in memory or spilled to disk, a PASS comes back equal to what was
    # added (evidence types included), after every other finding, in order.
    added = [finding(n, s) for n, s in enumerate(statuses)]
    log = FindingLog(added, passes_in_memory=limit)
    expected = ([f for f in added if f.status is not Status.PASS]
                + [f for f in added if f.status is Status.PASS])
    assert list(log) == expected
    assert len(log) == len(added)
    assert log.pass_count() == statuses.count(Status.PASS)
    assert list(log) == expected  # reading twice gives the same


def test_derived_logs_share_passes_without_changing_the_original() -> None:
    log = FindingLog([finding(n, Status.PASS) for n in range(6)] + [finding(9, Status.FAIL)],
                     passes_in_memory=2)
    waived = log.with_failing([dataclasses.replace(log.failing[0], status=Status.WAIVED)])
    marked = log.map_passes(lambda f: dataclasses.replace(f, change="resolved"))
    assert [f.status for f in waived.failing] == [Status.WAIVED]
    assert [f.status for f in log.failing] == [Status.FAIL]
    assert {f.change for f in marked.passes()} == {"resolved"}
    assert {f.change for f in log.passes()} == {None}
    marked.add(finding(20, Status.PASS))  # a derived log is sealed: kept apart
    assert log.pass_count() == 6 and len(marked) == 8


def test_a_value_json_cannot_hold_is_kept_as_it_is() -> None:
    odd = finding(0, Status.PASS, evidence={"x": {1, 2}})
    log = FindingLog([odd], passes_in_memory=0)
    assert list(log) == [odd] and log.pass_count() == 0
