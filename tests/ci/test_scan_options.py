"""--waivers and --baseline together: order, notes, and the gate on a real scan."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from mamori.checks.cli import parse_as_of
from mamori.checks.findings import ScanResult
from mamori.checks.model import Cause, Status
from mamori.checks.scan import ScanRequest, run_scan
from mamori.ci.baseline import write_baseline
from mamori.ci.gate import ExitCode, GatePolicy, decide
from mamori.ci.scan_options import apply_gate_inputs, load_gate_inputs
from mamori.providers.factory import build_providers
from tests.ci.conftest import NEW_USER, USERS, finding, result, write

WAIVER = """\
waivers:
  - rule: MAM-IAM-*
    resource: web-*
    reason: r
    owner: alice
    ticket: SEC-1
    expires: {expires}
"""


def waivers(tmp_path: Path, expires: str) -> Path:
    return write(tmp_path / "waivers.yaml", WAIVER.format(expires=expires))


def scan(inventory: Path, as_of: str = "2026-11-29") -> ScanResult:
    # Built-in rules; the telework cause keeps to MFA rules, which these users decide.
    request = ScanRequest(providers=build_providers(inventories=[inventory]),
                          causes=frozenset({Cause.TELEWORK}), as_of=parse_as_of(as_of))
    return run_scan(request)


@pytest.fixture
def inventory(tmp_path: Path) -> Path:
    return write(tmp_path / "inv" / "users.yaml", USERS)


def test_waiver_then_baseline_never_both(tmp_path: Path) -> None:
    res = result(finding("MAM-IAM-001", "web-1"))
    write_baseline(res, tmp_path / "b.json")
    out, _ = apply_gate_inputs(res, waivers(tmp_path, "2026-12-31"), tmp_path / "b.json")
    f = out.findings[0]
    assert f.status is Status.WAIVED and not f.baselined


def test_expired_waiver_is_not_rescued_by_a_baseline_made_with_it(tmp_path: Path,
                                                                  inventory: Path) -> None:
    # baseline create --waivers leaves waived findings out, so expiry still bites.
    w = waivers(tmp_path, "2026-11-29")
    inputs = load_gate_inputs(w, None)
    first = scan(inventory.parent)
    waived, _ = inputs.apply(first, first.run.as_of)
    write_baseline(waived, tmp_path / "b.json")
    later = scan(inventory.parent, "2026-11-30")
    out, notes = apply_gate_inputs(later, w, tmp_path / "b.json")
    assert decide(out, GatePolicy()).exit_code is ExitCode.FAILED
    web = next(f for f in out.findings if f.resource.id == "web-1")
    assert web.status is Status.FAIL and not web.baselined
    assert [n.kind for n in notes] == ["waiver_expired"]
    assert "it no longer hides 1 failing finding(s)" in notes[0].message


def test_notes_name_expired_unused_and_stale(tmp_path: Path) -> None:
    base = result(finding("MAM-IAM-001", "gone"), finding("MAM-IAM-001", "web-1"))
    write_baseline(base, tmp_path / "b.json")
    text = WAIVER.format(expires="2026-01-01") + """\
  - rule: MAM-NET-001
    resource: sg-1
    reason: r
    owner: bob
    ticket: SEC-2
    expires: 2027-01-01
"""
    w = write(tmp_path / "waivers.yaml", text)
    out, notes = apply_gate_inputs(result(finding("MAM-IAM-001", "web-1")), w,
                                   tmp_path / "b.json")
    kinds = [n.kind for n in notes]
    assert kinds == ["waiver_expired", "waiver_unused", "baseline_stale"]
    assert notes[0].source.endswith("waivers.yaml:2") and notes[1].source.endswith(":8")
    assert notes[0].data["expires"] == "2026-01-01" and notes[0].data["reopened"] == 1
    assert notes[2].data["resource_id"] == "gone"
    assert "owner bob" in notes[1].message and "SEC-2" in notes[1].message
    # the expired waiver hides nothing; the baseline still accepts web-1
    assert out.findings[0].status is Status.FAIL and out.findings[0].baselined


def test_baseline_flow_on_a_real_scan(tmp_path: Path, inventory: Path) -> None:
    write_baseline(scan(inventory.parent), tmp_path / "b.json")
    same, notes = apply_gate_inputs(scan(inventory.parent), None, tmp_path / "b.json")
    assert decide(same, GatePolicy()).exit_code is ExitCode.OK
    assert notes == []

    write(inventory, USERS + NEW_USER)
    grown, _ = apply_gate_inputs(scan(inventory.parent), None, tmp_path / "b.json")
    verdict = decide(grown, GatePolicy())
    assert verdict.exit_code is ExitCode.FAILED and verdict.failing == 1

    write(inventory, USERS.replace("id: old-web-1, enabled: true, console_access: true, "
                                   "mfa: false", "id: old-web-1, enabled: true, "
                                   "console_access: true, mfa: true"))
    fixed, notes = apply_gate_inputs(scan(inventory.parent), None, tmp_path / "b.json")
    assert decide(fixed, GatePolicy()).exit_code is ExitCode.OK
    assert [(n.kind, n.data["resource_id"]) for n in notes] == [("baseline_stale", "old-web-1")]


def test_waivers_on_a_real_scan_boundary(tmp_path: Path, inventory: Path) -> None:
    w = waivers(tmp_path, "2026-11-29")
    res = scan(inventory.parent)  # as_of 2026-11-29: last covered day
    out, _ = apply_gate_inputs(res, w, None)
    statuses = {f.resource.id: f.status for f in out.findings if f.rule.id == "MAM-IAM-001"}
    assert statuses == {"web-1": Status.WAIVED, "old-web-1": Status.FAIL, "ok-1": Status.PASS}
    assert date(2026, 11, 29) == res.run.as_of.date()
