"""Verdicts on real ``terraform show -json`` plans (made by tf/regenerate.sh).

Expectations come from what each configuration in ``tf/`` asks AWS for, read with AWS's
documentation: a bucket policy allowing ``s3:GetObject`` to ``*`` is public unless its
condition pins fixed values ("The meaning of public", S3 User Guide); ``0.0.0.0/1`` plus
``128.0.0.0/1`` is the whole IPv4 internet; ``aws:SecureTransport`` only says how, not
who; SSE-KMS without a key id uses the AWS-managed ``aws/s3`` key; ICMP rules carry a
type and code, not ports; an ``-1`` protocol is every protocol and port.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from mamori.checks.model import Resource
from mamori.providers.terraform.provider import TerraformPlanProvider
from tests.providers.terraform.conftest import verdict

PLANS = Path(__file__).parent / "plans"


@cache
def plan(name: str, side: str = "after") -> dict[str, Resource]:
    provider = TerraformPlanProvider(PLANS / f"{name}.json", side)
    return {r.id: r for r in provider.collect() if isinstance(r, Resource)}


SITE = "module.site.aws_s3_bucket.this"
MANY_A = 'module.many["a"].aws_s3_bucket.this'
MANY_B = 'module.many["b"].aws_s3_bucket.this'


@pytest.mark.parametrize(("address", "rule", "expected"), [
    # A public policy attached from the root to a bucket made in a module.
    (SITE, "MAM-STO-001", "FAIL"),
    # A public-read ACL attached to one for_each instance of a module, not the other.
    (MANY_A, "MAM-STO-001", "FAIL"),
    (MANY_B, "MAM-STO-001", "PASS"),
    # Versioning from a module that receives the bucket id as an input variable.
    (SITE, "MAM-STO-004", "PASS"),
    (MANY_A, "MAM-STO-004", "FAIL"),
    # Logging to a bucket of another module, referenced (known after apply).
    (SITE, "MAM-STO-005", "PASS"),
    ("aws_s3_bucket.inline", "MAM-STO-005", "PASS"),
    ("aws_s3_bucket.private", "MAM-STO-005", "FAIL"),
    # A split ACL "private", and an explicit ACL granting only the owner.
    ("aws_s3_bucket.private", "MAM-STO-001", "PASS"),
    ("aws_s3_bucket.owner_only", "MAM-STO-001", "PASS"),
    # Principal "*" with a fixed aws:SourceVpce is not public; half the internet twice
    # over is; a TLS-only condition restricts nobody.
    ("aws_s3_bucket.vpce", "MAM-STO-001", "PASS"),
    ("aws_s3_bucket.half_internet", "MAM-STO-001", "FAIL"),
    ("aws_s3_bucket.tls_only", "MAM-STO-001", "FAIL"),
])
def test_s3_joins_across_modules(address: str, rule: str, expected: str) -> None:
    assert verdict(plan("s3_joins")[address], rule) == expected


def test_s3_public_reasons_and_keys() -> None:
    found = plan("s3_joins")
    assert found[SITE].attributes["public_via"] == ["policy:Principal:*"]
    assert found[MANY_A].attributes["public_via"] == ["acl:AllUsers:READ"]
    assert found["aws_s3_bucket.private"].attributes["public"] is False
    keys = {address: found[address].attributes["encryption"]["customer_managed_key"]
            for address in (MANY_B, "aws_s3_bucket.inline", "aws_s3_bucket.private",
                            "aws_s3_bucket.owner_only", SITE)}
    # The plan's aws_kms_key (split and inline configuration); aws:kms without a key id
    # is the AWS-managed key; AES256 and no configuration are S3-managed keys.
    assert keys == {MANY_B: True, "aws_s3_bucket.inline": True,
                    "aws_s3_bucket.private": False, "aws_s3_bucket.owner_only": False,
                    SITE: False}


@pytest.mark.parametrize(("address", "admin", "outside"), [
    ("aws_iam_role.managed_admin", True, False),      # managed_policy_arns
    ("aws_iam_role.attached_admin", True, False),     # attachment of a plan policy
    ("aws_iam_role.inline_admin", True, False),       # inline_policy block
    ("aws_iam_role.role_policy_admin", True, False),  # aws_iam_role_policy
    ("aws_iam_role.reader", False, False),            # another AWS-managed policy
    ("aws_iam_role.partner_open", False, True),       # another account, no condition
    ("aws_iam_role.partner_external_id", False, False),
    ("aws_iam_role.anyone", False, True),
    ("aws_iam_role.own_account", False, False),       # the plan's own account
])
def test_roles_mapped_like_the_aws_provider(address: str, admin: bool, outside: bool) -> None:
    role = plan("roles")[address]
    assert role.type == "role"
    assert role.attributes["admin"] is admin
    assert role.attributes["external_trust_unconditioned"] is outside
    assert verdict(role, "MAM-IAM-010") == ("FAIL" if outside else "PASS")


def test_role_trusted_principals() -> None:
    roles = plan("roles")
    assert roles["aws_iam_role.partner_open"].attributes["trusted_principals"] == [
        "arn:aws:iam::999999999999:root"]
    assert roles["aws_iam_role.reader"].attributes["trusted_principals"] == [
        "ec2.amazonaws.com"]


@pytest.mark.parametrize(("address", "protocol", "ports"), [
    ("aws_security_group.web#ingress/tcp/443-443", "tcp", [[443, 443]]),
    ("aws_security_group.web#ingress/icmp/8--1", "icmp", []),
    ("aws_security_group.web#ingress/all/0-0", "all", [[0, 65535]]),
    ("aws_security_group.web#egress/all/0-0", "all", [[0, 65535]]),
    ("aws_security_group_rule.ssh", "tcp", [[22, 22]]),   # written as protocol "6"
    ("aws_vpc_security_group_ingress_rule.all", "all", [[0, 65535]]),
    ("aws_vpc_security_group_ingress_rule.icmpv6", "icmpv6", []),
    ("aws_vpc_security_group_egress_rule.db", "tcp", [[5432, 5433]]),
])
def test_network_rules(address: str, protocol: str, ports: list[list[int]]) -> None:
    rule = plan("network")[address]
    assert (rule.attributes["protocol"], rule.attributes["ports"]) == (protocol, ports)


@pytest.mark.parametrize(("address", "rule", "expected"), [
    ("aws_security_group_rule.ssh", "MAM-NET-001", "FAIL"),
    ("aws_vpc_security_group_ingress_rule.rdp", "MAM-NET-004", "FAIL"),
    ("aws_vpc_security_group_ingress_rule.all", "MAM-NET-003", "FAIL"),
    ("aws_security_group.web#ingress/all/0-0", "MAM-NET-003", "PASS"),
    ("aws_security_group_rule.dns", "MAM-NET-001", "PASS"),
])
def test_network_verdicts(address: str, rule: str, expected: str) -> None:
    assert verdict(plan("network")[address], rule) == expected


def test_plans_without_prior_state_have_an_empty_before_side() -> None:
    assert plan("s3_joins", "before") == {}
