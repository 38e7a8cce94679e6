"""mamori plan as a library call: introduced, unchanged and fixed findings."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path

from mamori.checks.findings import Finding
from mamori.checks.model import Severity, Status
from mamori.checks.plan import PlanRequest, run_plan
from mamori.ci.gate import GatePolicy, decide
from tests.providers.terraform.builder import PlanBuilder

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
OPEN_SSH = {"protocol": "tcp", "from_port": 22, "to_port": 22, "cidr_blocks": ["0.0.0.0/0"]}
CLOSED_SSH = {**OPEN_SSH, "cidr_blocks": ["10.0.0.0/8"]}


def sg(ingress: list[dict[str, object]]) -> dict[str, object]:
    return {"name": "web", "ingress": ingress, "egress": []}


def review(plan: PlanBuilder, tmp_path: Path) -> dict[tuple[str, str], Finding]:
    path = plan.write(tmp_path / "plan.json")
    result = run_plan(PlanRequest(plan=path, as_of=AS_OF))
    return {(f.rule.id, f.resource.id): f for f in result.findings}


def test_new_failing_resource_is_introduced(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group.web", after=sg([OPEN_SSH]))
    found = review(plan, tmp_path)
    finding = found[("MAM-NET-001", "aws_security_group.web#ingress/tcp/22-22")]
    assert (finding.status, finding.change) == (Status.FAIL, "introduced")


def test_failure_present_before_is_unchanged(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group.web", before=sg([OPEN_SSH]),
                             after={**sg([OPEN_SSH]), "description": "edited"})
    finding = review(plan, tmp_path)[("MAM-NET-001", "aws_security_group.web#ingress/tcp/22-22")]
    assert (finding.status, finding.change) == (Status.FAIL, "unchanged")


def test_update_that_opens_a_port_is_introduced(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_db_instance.db", before={
        "identifier": "db", "publicly_accessible": False, "storage_encrypted": True},
        after={"identifier": "db", "publicly_accessible": True, "storage_encrypted": True})
    found = review(plan, tmp_path)
    assert found[("MAM-DB-001", "aws_db_instance.db")].change == "introduced"
    assert found[("MAM-DB-002", "aws_db_instance.db")].change is None


def test_update_that_closes_a_port_is_fixed(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.ssh", before={
        "type": "ingress", **OPEN_SSH}, after={"type": "ingress", **CLOSED_SSH})
    finding = review(plan, tmp_path)[("MAM-NET-001", "aws_security_group_rule.ssh")]
    assert (finding.status, finding.change) == (Status.PASS, "fixed")


def test_deleted_failing_resource_is_fixed(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.ssh", before={"type": "ingress",
                                                                    **OPEN_SSH})
    finding = review(plan, tmp_path)[("MAM-NET-001", "aws_security_group_rule.ssh")]
    assert (finding.status, finding.change) == (Status.PASS, "fixed")
    assert "deleted" in finding.message


def test_moved_resource_keeps_its_failure_unchanged(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.new", before={"type": "ingress",
                                                                    **OPEN_SSH},
                             after={"type": "ingress", **OPEN_SSH},
                             previous_address="aws_security_group_rule.old")
    finding = review(plan, tmp_path)[("MAM-NET-001", "aws_security_group_rule.new")]
    assert finding.change == "unchanged"


def test_unknown_after_apply_is_an_introduced_error(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group_rule.ssh", after={
        "type": "ingress", "protocol": "tcp", "from_port": 22, "to_port": 22},
        unknown={"cidr_blocks": True})
    finding = review(plan, tmp_path)[("MAM-NET-001", "aws_security_group_rule.ssh")]
    assert (finding.status, finding.change) == (Status.ERROR, "introduced")


def test_what_no_plan_can_show_is_not_assessed_and_unchanged(tmp_path: Path) -> None:
    # An existing user's last sign-in is in no plan (it was ERROR/ERROR "unchanged" before
    # the terraform provider declared it): NOT_ASSESSED, naming the live scan as source.
    user = {"name": "sato"}
    plan = PlanBuilder().add("aws_iam_user.u", before=user, after={**user, "path": "/x/"})
    finding = review(plan, tmp_path)[("MAM-IAM-007", "aws_iam_user.u")]
    assert (finding.status, finding.change) == (Status.NOT_ASSESSED, "unchanged")
    assert finding.needs["last_active"].startswith("scan the live account")


CUSTOM = {"user": "sato", "policy_arn": "arn:aws:iam::123456789012:policy/custom"}


def test_the_same_unreadable_value_on_both_sides_is_an_unchanged_error(
        tmp_path: Path) -> None:
    # A customer policy from outside the plan: admin cannot be read on either side. The
    # plan should show it, so ERROR; this change did not bring the gap, so unchanged.
    plan = PlanBuilder().add("aws_iam_user.u", before={"name": "sato"}, after={"name": "sato"})
    plan.add("aws_iam_user_policy_attachment.a", before=CUSTOM, after=CUSTOM)
    finding = review(plan, tmp_path)[("MAM-IAM-002", "aws_iam_user.u")]
    assert (finding.status, finding.change) == (Status.ERROR, "unchanged")


def test_an_unreadable_value_this_change_brings_is_an_introduced_error(
        tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_iam_user.u", before={"name": "sato"}, after={"name": "sato"})
    plan.add("aws_iam_user_policy_attachment.a", after=CUSTOM)  # before: admin false, PASS
    finding = review(plan, tmp_path)[("MAM-IAM-002", "aws_iam_user.u")]
    assert (finding.status, finding.change) == (Status.ERROR, "introduced")


def new_console_user() -> PlanBuilder:
    return PlanBuilder().add("aws_iam_user.n", after={"name": "new"}).add(
        "aws_iam_user_login_profile.n", after={"user": "new"})


def test_a_new_user_whose_mfa_no_plan_shows_gates_only_when_required(tmp_path: Path) -> None:
    result = run_plan(PlanRequest(plan=new_console_user().write(tmp_path / "p.json"),
                                  as_of=AS_OF))
    mfa = next(f for f in result.findings if f.rule.id == "MAM-IAM-001")
    assert (mfa.status, mfa.change) == (Status.NOT_ASSESSED, "introduced")
    assert "whether a user has MFA" in mfa.message
    introduced = frozenset({"introduced"})
    assert decide(result, GatePolicy(only_changes=introduced)).exit_code == 0
    required = GatePolicy(only_changes=introduced, require_assessed=True)
    assert decide(result, required).exit_code == 3


def test_a_failure_that_can_no_longer_be_assessed_is_not_fixed(tmp_path: Path) -> None:
    from mamori.checks.plan import change_of

    failing = review(PlanBuilder().add("aws_security_group.web", after=sg([OPEN_SSH])),
                     tmp_path)[("MAM-NET-001", "aws_security_group.web#ingress/tcp/22-22")]
    unknown = dataclasses.replace(failing, status=Status.NOT_ASSESSED, change=None,
                                  needs={"sources": "x"})
    assert change_of(unknown, failing) == "unchanged"  # never "fixed", never gone quiet
    assert change_of(unknown, None) == "introduced"
    other = dataclasses.replace(unknown, needs={"ports": "y"}, message="another gap")
    assert change_of(unknown, other) == "introduced"
    assert change_of(unknown, unknown) == "unchanged"


def test_gate_counts_only_introduced_by_default(tmp_path: Path) -> None:
    plan = PlanBuilder().add("aws_security_group.web", before=sg([OPEN_SSH]),
                             after=sg([OPEN_SSH]))
    result = run_plan(PlanRequest(plan=plan.write(tmp_path / "p.json"), as_of=AS_OF))
    default = GatePolicy(fail_on=Severity.HIGH, only_changes=frozenset({"introduced"}))
    assert decide(result, default).exit_code == 0
    assert decide(result, GatePolicy(fail_on=Severity.HIGH)).exit_code == 1
    assert result.run.resources == 1
    assert result.run.providers == (f"terraform:{tmp_path / 'p.json'}",)
