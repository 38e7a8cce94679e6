"""AWS IAM users, security groups, databases, volumes and the account from a plan."""

from __future__ import annotations

import json

from tests.providers.terraform.builder import PlanBuilder
from tests.providers.terraform.conftest import resources, verdict

ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
STAR = json.dumps({"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
USER_REF = {"user": ["aws_iam_user.u.name", "aws_iam_user.u"]}


def user(plan: PlanBuilder) -> PlanBuilder:
    return plan.add("aws_iam_user.u", after={"name": "tanaka", "path": "/"},
                    unknown={"arn": True, "id": True, "unique_id": True})


def test_new_user_without_console_or_admin(plan: PlanBuilder) -> None:
    res = resources(user(plan))["aws_iam_user.u"]
    assert res.attributes["console_access"] is False
    assert res.attributes["admin"] is False and res.attributes["admin_direct"] is False
    assert res.attributes["access_keys"] == []
    assert res.attributes["last_active"] == "never"
    assert verdict(res, "MAM-IAM-001") == "NOT_APPLICABLE"
    assert verdict(res, "MAM-IAM-007") == "PASS"
    assert verdict(res, "MAM-IAM-008") == "ERROR"  # a plan holds no HR status


def test_console_user_mfa_is_unknown(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_user_login_profile.u", after={"user": "tanaka"},
                   unknown={"encrypted_password": True}, refs=USER_REF)
    res = resources(plan)["aws_iam_user.u"]
    assert res.attributes["console_access"] is True and "mfa" not in res.attributes
    assert verdict(res, "MAM-IAM-001") == "ERROR"


def test_virtual_mfa_device_named_for_the_user(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_user_login_profile.u", after={"user": "tanaka"}, refs=USER_REF)
    plan.add("aws_iam_virtual_mfa_device.u", after={"virtual_mfa_device_name": "tanaka",
                                                    "user_name": "tanaka"})
    assert verdict(resources(plan)["aws_iam_user.u"], "MAM-IAM-001") == "PASS"


def test_administrator_access_attached_directly(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_user_policy_attachment.admin",
                   after={"user": "tanaka", "policy_arn": ADMIN_ARN}, refs=USER_REF)
    res = resources(plan)["aws_iam_user.u"]
    assert res.attributes["admin"] is True and res.attributes["admin_direct"] is True
    assert verdict(res, "MAM-IAM-003") == "FAIL"
    assert verdict(res, "MAM-IAM-002") == "ERROR"  # MFA cannot be shown by a plan


def test_inline_star_policy_is_admin(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_user_policy.all", after={"user": "tanaka", "policy": STAR},
                   refs=USER_REF)
    assert resources(plan)["aws_iam_user.u"].attributes["admin_direct"] is True


def test_customer_policy_in_plan_is_read(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_policy.p", after={"name": "ops", "policy": STAR},
                   unknown={"arn": True})
    plan.add("aws_iam_user_policy_attachment.p", after={"user": "tanaka"},
             unknown={"policy_arn": True},
             refs={**USER_REF, "policy_arn": ["aws_iam_policy.p.arn", "aws_iam_policy.p"]})
    assert resources(plan)["aws_iam_user.u"].attributes["admin"] is True


def test_admin_through_a_group_is_not_direct(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_group.admins", after={"name": "admins"})
    plan.add("aws_iam_group_policy_attachment.a", after={"group": "admins",
                                                         "policy_arn": ADMIN_ARN})
    plan.add("aws_iam_user_group_membership.u", after={"user": "tanaka",
                                                       "groups": ["admins"]}, refs=USER_REF)
    res = resources(plan)["aws_iam_user.u"]
    assert res.attributes["admin"] is True and res.attributes["admin_direct"] is False
    assert verdict(res, "MAM-IAM-003") == "PASS"


def test_unknown_policy_document_leaves_admin_absent(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_user_policy.x", after={"user": "tanaka"},
                   unknown={"policy": True}, refs=USER_REF)
    res = resources(plan)["aws_iam_user.u"]
    assert "admin" not in res.attributes and "admin_direct" not in res.attributes


def test_new_access_key_is_dated_by_the_plan(plan: PlanBuilder) -> None:
    user(plan).add("aws_iam_access_key.k", after={"user": "tanaka", "status": "Active"},
                   unknown={"id": True, "secret": True, "create_date": True}, refs=USER_REF)
    res = resources(plan)["aws_iam_user.u"]
    assert res.attributes["access_keys"] == [
        {"active": True, "created": "2026-11-29T00:00:00Z", "last_used": "never"}]
    assert verdict(res, "MAM-IAM-005") == "PASS"


def test_old_key_of_existing_user_fails_rotation(plan: PlanBuilder) -> None:
    values = {"name": "sato"}
    key = {"user": "sato", "status": "Active", "id": "AKIAOLD",
           "create_date": "2025-01-01T00:00:00Z"}
    plan.add("aws_iam_user.u", after=values, before=values)
    plan.add("aws_iam_access_key.k", after=key, before=key)
    res = resources(plan)["aws_iam_user.u"]
    assert verdict(res, "MAM-IAM-005") == "FAIL"
    assert verdict(res, "MAM-IAM-004") == "ERROR"  # last use is not in a plan
    assert "last_active" not in res.attributes


def sg_entry(port: int, cidr: str = "0.0.0.0/0", protocol: str = "tcp") -> dict[str, object]:
    return {"protocol": protocol, "from_port": port, "to_port": port, "cidr_blocks": [cidr],
            "ipv6_cidr_blocks": [], "security_groups": [], "prefix_list_ids": [],
            "self": False, "description": ""}


def test_security_group_inline_rules(plan: PlanBuilder) -> None:
    plan.add("aws_security_group.web", after={
        "name": "web", "ingress": [sg_entry(22), sg_entry(443), sg_entry(5432, "10.0.0.0/8")],
        "egress": [{**sg_entry(0, protocol="-1"), "from_port": 0, "to_port": 0}]},
        unknown={"id": True, "arn": True})
    found = resources(plan)
    ssh = found["aws_security_group.web#ingress/tcp/22-22"]
    assert verdict(ssh, "MAM-NET-001") == "FAIL"
    assert verdict(found["aws_security_group.web#ingress/tcp/443-443"], "MAM-NET-001") == "PASS"
    assert verdict(found["aws_security_group.web#ingress/tcp/5432-5432"],
                   "MAM-NET-002") == "PASS"
    egress = found["aws_security_group.web#egress/all/0-0"]
    assert egress.attributes["ports"] == [[0, 65535]]
    assert verdict(egress, "MAM-NET-003") == "NOT_APPLICABLE"


def test_security_group_rule_and_vpc_rule(plan: PlanBuilder) -> None:
    plan.add("aws_security_group_rule.rdp", after={
        "type": "ingress", "protocol": "tcp", "from_port": 3389, "to_port": 3389,
        "cidr_blocks": ["0.0.0.0/0"], "security_group_id": "sg-1"})
    plan.add("aws_vpc_security_group_ingress_rule.all", after={
        "ip_protocol": "-1", "cidr_ipv6": "::/0", "security_group_id": "sg-1"})
    plan.add("aws_vpc_security_group_ingress_rule.pg", after={
        "ip_protocol": "tcp", "from_port": 5432, "to_port": 5432}, unknown={"cidr_ipv4": True})
    found = resources(plan)
    assert verdict(found["aws_security_group_rule.rdp"], "MAM-NET-004") == "FAIL"
    assert verdict(found["aws_vpc_security_group_ingress_rule.all"], "MAM-NET-003") == "FAIL"
    assert verdict(found["aws_vpc_security_group_ingress_rule.pg"], "MAM-NET-002") == "ERROR"


def test_db_instance_and_cluster(plan: PlanBuilder) -> None:
    plan.add("aws_db_instance.app", after={
        "identifier": "app", "engine": "mysql", "username": "appadmin",
        "publicly_accessible": False, "storage_encrypted": True,
        "manage_master_user_password": True})
    plan.add("aws_rds_cluster.c", after={"cluster_identifier": "c", "engine": "aurora-postgresql",
                                         "master_username": "postgres"},
             unknown={"storage_encrypted": True})
    plan.add("aws_rds_cluster_instance.c[0]", after={"cluster_identifier": "c",
                                                      "publicly_accessible": True})
    found = resources(plan)
    app = found["aws_db_instance.app"]
    assert [verdict(app, f"MAM-DB-00{i}") for i in range(1, 5)] == ["PASS"] * 4
    cluster = found["aws_rds_cluster.c"]
    assert verdict(cluster, "MAM-DB-001") == "FAIL"
    assert verdict(cluster, "MAM-DB-002") == "ERROR"
    assert verdict(cluster, "MAM-DB-004") == "FAIL"


def test_volumes_and_default_encryption(plan: PlanBuilder) -> None:
    plan.add("aws_ebs_volume.plain", after={"size": 10, "encrypted": False})
    plan.add("aws_ebs_volume.auto", after={"size": 10}, unknown={"encrypted": True})
    plan.add("aws_instance.web", after={"ami": "ami-1", "instance_type": "t3.micro"},
             unknown={"root_block_device": True, "ebs_block_device": True})
    found = resources(plan)
    assert verdict(found["aws_ebs_volume.plain"], "MAM-VOL-001") == "FAIL"
    assert verdict(found["aws_ebs_volume.auto"], "MAM-VOL-001") == "ERROR"
    root = found["aws_instance.web#root_block_device"]
    assert verdict(root, "MAM-VOL-001") == "ERROR"
    assert root.attributes["attached_to"] == "aws_instance.web"
    plan.add("aws_ebs_encryption_by_default.on", after={"enabled": True})
    found = resources(plan)
    assert verdict(found["aws_ebs_volume.plain"], "MAM-VOL-001") == "PASS"
    assert verdict(found["aws_instance.web#root_block_device"], "MAM-VOL-001") == "PASS"


def test_instance_block_devices(plan: PlanBuilder) -> None:
    plan.add("aws_instance.db", after={
        "root_block_device": [{"encrypted": True, "volume_size": 20}],
        "ebs_block_device": [{"device_name": "/dev/sdf", "encrypted": False}]})
    found = resources(plan)
    assert verdict(found["aws_instance.db#root_block_device"], "MAM-VOL-001") == "PASS"
    assert verdict(found["aws_instance.db#ebs_block_device//dev/sdf"], "MAM-VOL-001") == "FAIL"


def test_cloudtrail_makes_an_account(plan: PlanBuilder) -> None:
    plan.add("aws_cloudtrail.main", after={"name": "main", "is_multi_region_trail": False,
                                           "s3_bucket_name": "trail"})
    plan.add("aws_iam_account_password_policy.p", after={"minimum_password_length": 8})
    account = resources(plan)["aws_account"]
    assert account.attributes["audit_log"] == {"enabled": True, "multi_region": False}
    assert verdict(account, "MAM-ACC-003") == "PASS"
    assert verdict(account, "MAM-ACC-004") == "FAIL"
    assert verdict(account, "MAM-ACC-005") == "ERROR"
    assert verdict(account, "MAM-ACC-006") == "FAIL"
    assert verdict(account, "MAM-ACC-001") == "ERROR"
    assert "aws_account" in resources(plan, "before")  # symmetric: see the provider
