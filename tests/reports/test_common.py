"""Shared helpers: JSON-ready values, safe display text, finding order."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal

from mamori.checks.model import Cause, Status
from mamori.reports._common import jsonable, ordered_findings, printable
from mamori.reports.interface import Report


def test_jsonable_turns_evidence_into_plain_json_data() -> None:
    value = {
        2: (date(2026, 1, 2), datetime(2026, 1, 2, 3, 4, tzinfo=UTC)),
        "b": {"z": 1, "a": [time(9, 30)]},
        "a": Cause.INSIDER,
        "c": frozenset({"y", "x"}),
        "d": float("nan"),
        "e": Decimal("1.5"),
        "f": Status.ERROR,
    }
    assert jsonable(value) == {
        "2": ["2026-01-02", "2026-01-02T03:04:00+00:00"],
        "a": "insider",
        "b": {"a": ["09:30:00"], "z": 1},
        "c": ["x", "y"],
        "d": "nan",
        "e": "1.5",
        "f": "ERROR",
    }
    assert list(jsonable({"b": 1, "a": 2})) == ["a", "b"]


def test_masked_values_are_rendered_as_is() -> None:
    assert jsonable({"password": "[redacted]"}) == {"password": "[redacted]"}


def test_printable_escapes_terminal_control_characters() -> None:
    assert printable("ok 顧客DB") == "ok 顧客DB"
    assert printable("a\x1b[2Jb\rc\nd\u202ee") == "a\\u001b[2Jb\\u000dc\\u000ad\\u202ee"


def test_order_is_priority_then_rule_then_resource_whatever_the_input_order(
        report: Report, make_report: Callable[..., Report]) -> None:
    # resource identity: provider, account, then id (the fixture spans aws, gcp, onprem)
    expected = [(f.priority, f.rule.id, f.resource.provider, f.resource.account,
                 f.resource.id) for f in ordered_findings(report.result.findings)]
    assert expected == sorted(expected)
    assert [(p, r, i) for p, r, _, _, i in expected[:3]] == [
        (1, "bucket.public", "bkt-exports"), (1, "db.public_access", "db-1"),
        (1, "db.public_access", "db-2")]
    shuffled = list(report.result.findings)
    random.Random(7).shuffle(shuffled)
    again = ordered_findings(make_report("en", shuffled).result.findings)
    assert [(f.priority, f.rule.id, f.resource.provider, f.resource.account,
             f.resource.id) for f in again] == expected
