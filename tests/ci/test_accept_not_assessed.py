"""Waivers and baselines cover FAILs only (docs/ci.md): a NOT_ASSESSED finding is never
WAIVED, never recorded in nor hidden by a baseline, and does not make an entry stale."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from mamori.checks.errors import WaiverError
from mamori.checks.findings import Finding
from mamori.checks.model import Status
from mamori.ci.baseline import apply_baseline, baseline_from, load_baseline
from mamori.ci.gate import ExitCode, GatePolicy, decide
from mamori.ci.waivers import apply_waivers
from tests.ci.conftest import finding, result, write
from tests.ci.test_baseline import accepted, valid_text
from tests.ci.test_waivers import entry

NA = Status.NOT_ASSESSED
AS_OF = datetime(2026, 11, 29, tzinfo=UTC)


def unassessed(rule: str, rid: str) -> Finding:
    return replace(finding(rule, rid, NA), needs={"employment": "an HR inventory"})


def test_a_waiver_never_covers_a_not_assessed_finding() -> None:
    res = result(unassessed("MAM-IAM-001", "web-1"), finding("MAM-IAM-001", "web-2"))
    waiver = entry(resource="*", expires=date(2026, 12, 31))
    out = apply_waivers(res, [waiver], AS_OF)
    statuses = {f.resource.id: (f.status, f.waiver) for f in out.result.findings}
    assert statuses["web-1"] == (NA, None)
    assert statuses["web-2"][0] is Status.WAIVED and out.waived == 1


def test_baseline_create_records_no_not_assessed_finding() -> None:
    doc = baseline_from(result(unassessed("R-1", "a"), finding("R-1", "b")))
    assert [(e["resource_id"], e["status"]) for e in doc["findings"]] == [("b", "FAIL")]


def test_a_baseline_never_hides_a_not_assessed_finding_and_keeps_its_entry() -> None:
    base = accepted(finding("R-1", "a"))  # FAIL yesterday
    out = apply_baseline(result(unassessed("R-1", "a")), base)  # not re-checked today
    (f,) = out.result.findings
    assert (f.status, f.baselined, out.baselined) == (NA, False, 0)
    assert out.stale == ()  # not fixed, just not re-checked: the entry stays useful
    fixed = apply_baseline(result(finding("R-1", "a", Status.PASS)), base)
    assert len(fixed.stale) == 1  # whereas a PASS makes it stale
    policy = GatePolicy(require_assessed=True)
    assert decide(result(finding("R-1", "b", Status.PASS), *out.result.findings),
                  policy).exit_code is ExitCode.INCOMPLETE


def test_a_baseline_entry_cannot_accept_not_assessed(tmp_path: Path) -> None:
    with pytest.raises(WaiverError) as caught:
        load_baseline(write(tmp_path / "b.json", valid_text(status="NOT_ASSESSED")))
    assert caught.value.location is not None and "status" in str(caught.value)
