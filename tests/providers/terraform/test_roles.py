"""``aws_iam_role`` from a plan: what the plan can show, and what it cannot."""

from __future__ import annotations

import json
from typing import Any

from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import resources, verdict

EC2 = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
STAR = json.dumps({"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
ROLE_REF = {"role": ["aws_iam_role.r.name", "aws_iam_role.r"]}


def trusting(*principals: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": list(principals)},
         "Action": "sts:AssumeRole"}]})


def role(plan: PlanBuilder, trust: str = EC2, **extra: Any) -> PlanBuilder:
    return plan.add("aws_iam_role.r", after={"name": "app", "assume_role_policy": trust,
                                             **extra},
                    unknown={"arn": True, "id": True, "managed_policy_arns": True,
                             "inline_policy": True})


def test_new_role_without_policies_is_not_admin(plan: PlanBuilder) -> None:
    res = resources(role(plan))["aws_iam_role.r"]
    assert res.type == "role" and res.name == "app"
    assert res.attributes["admin"] is False
    assert res.attributes["trusted_principals"] == ["ec2.amazonaws.com"]
    assert verdict(res, "MAM-IAM-010") == "PASS"


def test_one_named_account_with_the_own_account_unknown_is_error(plan: PlanBuilder) -> None:
    res = resources(role(plan, trusting("arn:aws:iam::999999999999:root")))["aws_iam_role.r"]
    assert "external_trust_unconditioned" not in res.attributes
    assert verdict(res, "MAM-IAM-010") == "ERROR"


def test_own_account_from_allowed_account_ids(plan: PlanBuilder) -> None:
    plan.provider_config["aws"]["expressions"]["allowed_account_ids"] = {
        "constant_value": ["123456789012"]}
    role(plan, trusting("arn:aws:iam::999999999999:root"))
    plan.add("aws_iam_role.own", after={"name": "own", "assume_role_policy": trusting(
        "arn:aws:iam::123456789012:root")})
    found = resources(plan)
    assert verdict(found["aws_iam_role.r"], "MAM-IAM-010") == "FAIL"
    assert verdict(found["aws_iam_role.own"], "MAM-IAM-010") == "PASS"


def test_two_outside_accounts_fail_whatever_the_own_account(plan: PlanBuilder) -> None:
    role(plan, trusting("arn:aws:iam::999999999999:root", "888888888888"))
    assert verdict(resources(plan)["aws_iam_role.r"], "MAM-IAM-010") == "FAIL"


def test_unknown_trust_policy_is_error(plan: PlanBuilder) -> None:
    plan.add("aws_iam_role.r", after={"name": "app"}, unknown={"assume_role_policy": True})
    res = resources(plan)["aws_iam_role.r"]
    assert "trusted_principals" not in res.attributes
    assert verdict(res, "MAM-IAM-010") == "ERROR"


def test_attachment_of_an_unknown_customer_policy_leaves_admin_absent(
        plan: PlanBuilder) -> None:
    role(plan).add("aws_iam_role_policy_attachment.x", after={
        "role": "app", "policy_arn": "arn:aws:iam::111122223333:policy/ops"})
    assert "admin" not in resources(plan)["aws_iam_role.r"].attributes


def test_policy_attachment_with_roles_list(plan: PlanBuilder) -> None:
    role(plan).add("aws_iam_policy_attachment.all", after={
        "name": "all", "roles": ["app"], "policy_arn":
        "arn:aws:iam::aws:policy/AdministratorAccess"})
    assert resources(plan)["aws_iam_role.r"].attributes["admin"] is True


def test_managed_policy_arns_referencing_a_plan_policy(plan: PlanBuilder) -> None:
    plan.add("aws_iam_policy.p", after={"name": "p", "policy": STAR}, unknown={"arn": True})
    plan.add("aws_iam_role.r", after={"name": "app", "assume_role_policy": EC2},
             unknown={"managed_policy_arns": [True]},
             refs={"managed_policy_arns": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]})
    assert resources(plan)["aws_iam_role.r"].attributes["admin"] is True


def test_role_policy_joined_by_reference(plan: PlanBuilder) -> None:
    role(plan).add("aws_iam_role_policy.p", after={"name": "p", "policy": STAR},
                   unknown={"role": True}, refs=ROLE_REF)
    assert resources(plan)["aws_iam_role.r"].attributes["admin"] is True


def test_trust_policy_that_is_not_json_leaves_trust_absent(plan: PlanBuilder) -> None:
    res = resources(role(plan, "{not json"))["aws_iam_role.r"]
    assert res.attributes == {"admin": False, "raw": res.attributes["raw"]}
