"""The AWS provider against a moto server: every verdict-relevant fact of the scenario.

Expected values are the ones the set-up in conftest.py created, never read back from
the provider's output.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

ACCOUNT = "123456789012"
OTHER = "111111111111"


def attrs(collected: Any, type_: str, name: str, account: str = ACCOUNT) -> dict[str, Any]:
    return dict(collected.get(type_, name, account).attributes)


# ----------------------------------------------------------------------------- S3


def test_bucket_public_only_by_policy(collected: Any) -> None:
    bucket = attrs(collected, "bucket", "policy-public")
    assert bucket["public"] is True
    assert bucket["public_via"] == ["policy:Principal:*"]


def test_bucket_policy_with_condition_is_not_public(collected: Any) -> None:
    bucket = attrs(collected, "bucket", "policy-conditioned")
    assert bucket["public"] is False
    assert bucket["public_via"] == []


def test_public_acl_neutralised_by_account_block(collected: Any) -> None:
    bucket = attrs(collected, "bucket", "acl-public-blocked")
    assert bucket["public"] is False
    assert bucket["public_via"] == []
    assert bucket["raw"]["public_via_blocked"] == ["acl:AllUsers:READ"]


def test_public_acl_without_any_block_is_public(collected: Any) -> None:
    bucket = collected.get("bucket", "acct2-acl-public", OTHER)
    assert bucket.attributes["public"] is True
    assert bucket.attributes["public_via"] == ["acl:AllUsers:READ"]
    assert bucket.account == OTHER


def test_bucket_encryption_versioning_logging(collected: Any) -> None:
    assert attrs(collected, "bucket", "kms-cmk")["encryption"] == {
        "enabled": True, "customer_managed_key": True}
    sse = attrs(collected, "bucket", "sse-s3")
    assert sse["encryption"] == {"enabled": True, "customer_managed_key": False}
    assert sse["versioning"] is True
    assert sse["access_logging"] is True
    plain = attrs(collected, "bucket", "plain")
    assert plain["encryption"] == {"enabled": False, "customer_managed_key": False}
    assert plain["versioning"] is False
    assert plain["access_logging"] is False


def test_bucket_envelope(collected: Any) -> None:
    bucket = collected.get("bucket", "kms-cmk")
    assert bucket.id == "arn:aws:s3:::kms-cmk"
    assert bucket.provider == "aws"
    assert bucket.region == "us-east-1"
    assert bucket.source == "aws:s3:ListBuckets"
    assert [d.value for d in bucket.data_classes] == ["personal", "payment"]
    assert bucket.records == 1200
    assert collected.get("bucket", "eu-bucket").region == "eu-west-1"


# ----------------------------------------------------------------------------- IAM


def test_admin_through_group_is_not_direct(collected: Any) -> None:
    user = attrs(collected, "user", "group-admin")
    assert user["admin"] is True
    assert user["admin_direct"] is False


def test_direct_and_custom_admin(collected: Any) -> None:
    for name in ("direct-admin", "custom-admin"):
        user = attrs(collected, "user", name)
        assert (user["admin"], user["admin_direct"]) == (True, True), name
    plain = attrs(collected, "user", "plain")
    assert (plain["admin"], plain["admin_direct"]) == (False, False)


def test_console_access_and_mfa(collected: Any) -> None:
    no_mfa = attrs(collected, "user", "console-no-mfa")
    assert (no_mfa["console_access"], no_mfa["mfa"], no_mfa["enabled"]) == (True, False, True)
    with_mfa = attrs(collected, "user", "console-mfa")
    assert (with_mfa["console_access"], with_mfa["mfa"]) == (True, True)
    plain = attrs(collected, "user", "plain")
    assert (plain["console_access"], plain["enabled"], plain["last_active"]) == (
        False, False, "never")


def test_key_unused_for_100_days(collected: Any, scenario: Any) -> None:
    user = attrs(collected, "user", "old-key")
    [key] = user["access_keys"]
    assert key["active"] is True
    assert key["last_used"] == scenario.old_key_used
    assert key["created"] == scenario.old_key_used - timedelta(days=100)
    assert user["last_active"] == scenario.old_key_used
    age = datetime.now(scenario.old_key_used.tzinfo) - key["last_used"]
    assert timedelta(days=99) < age < timedelta(days=101)
    assert key["id"].startswith("AKIA")


def test_never_used_key(collected: Any) -> None:
    user = attrs(collected, "user", "never-used-key")
    [key] = user["access_keys"]
    assert key["last_used"] == "never"
    assert user["last_active"] == "never"
    assert user["enabled"] is True


def test_user_dates_are_aware(collected: Any) -> None:
    for resource in collected.resources:
        if resource.type == "user":
            created = resource.attributes["created"]
            assert isinstance(created, datetime) and created.tzinfo is not None


def test_role_trust(collected: Any) -> None:
    expected = {
        "cross-open": (["arn:aws:iam::999999999999:root"], True),
        "cross-extid": (["arn:aws:iam::999999999999:root"], False),
        "star-trust": (["*"], True),
        "own-account": ([f"arn:aws:iam::{ACCOUNT}:root"], False),
        "ec2-admin": (["ec2.amazonaws.com"], False),
    }
    for name, (principals, unconditioned) in expected.items():
        role = attrs(collected, "role", name)
        assert role["trusted_principals"] == principals, name
        assert role["external_trust_unconditioned"] is unconditioned, name
    assert attrs(collected, "role", "ec2-admin")["admin"] is True
    assert attrs(collected, "role", "cross-open")["admin"] is False


# ------------------------------------------------------------------------- account


def test_account_main(collected: Any) -> None:
    account = attrs(collected, "account", ACCOUNT)
    assert account["root_mfa"] is False
    # IAM lets every account set its own password policy: a platform fact.
    assert account["password_policy"] == {"min_length": 14, "customer_configurable": True}
    # Only two of the four flags are on: not a full account-wide block.
    assert account["public_access_block"] is False
    # The multi-region trail logs S3 data events of every bucket (advanced selectors).
    assert account["audit_log"] == {"enabled": True, "multi_region": True,
                                    "retention_days": 400, "data_access": True}


def test_account_without_policy_trail_or_block(collected: Any) -> None:
    account = attrs(collected, "account", OTHER, OTHER)
    assert account["password_policy"] == {"min_length": 8,  # AWS default policy
                                          "customer_configurable": True}
    assert account["raw"]["password_policy_custom"] is False
    assert account["public_access_block"] is False
    assert account["audit_log"] == {"enabled": False, "multi_region": False,
                                    "retention_days": 0, "data_access": False}


# ----------------------------------------------------------------------------- EC2


def rules_of(collected: Any, group: str, region: str = "us-east-1") -> list[dict[str, Any]]:
    return [dict(r.attributes) for r in collected.resources
            if r.type == "firewall_rule" and r.region == region
            and r.attributes["raw"]["group_name"] == group]


def ingress(collected: Any, group: str, region: str = "us-east-1") -> dict[str, Any]:
    [rule] = [r for r in rules_of(collected, group, region) if r["direction"] == "ingress"]
    return rule


def test_port_range_covering_ssh(collected: Any) -> None:
    rule = ingress(collected, "ssh-range")
    assert rule["protocol"] == "tcp"
    assert rule["ports"] == [[20, 30]]
    assert rule["sources"] == ["0.0.0.0/0"]
    assert rule["action"] == "allow"


def test_ipv6_source(collected: Any) -> None:
    rule = ingress(collected, "ipv6-open")
    assert rule["ports"] == [[443, 443]]
    assert sorted(rule["sources"]) == ["10.0.0.0/8", "::/0"]


def test_all_traffic_and_icmp(collected: Any) -> None:
    assert ingress(collected, "all-traffic")["protocol"] == "all"
    assert ingress(collected, "all-traffic")["ports"] == [[0, 65535]]
    icmp = ingress(collected, "icmp-ping")
    assert (icmp["protocol"], icmp["ports"]) == ("icmp", [])
    egress = [r for r in rules_of(collected, "ssh-range") if r["direction"] == "egress"]
    assert egress and egress[0]["sources"] == ["0.0.0.0/0"]


def test_second_region(collected: Any) -> None:
    rule = ingress(collected, "eu-ssh", "eu-west-1")
    assert (rule["ports"], rule["sources"]) == ([[22, 22]], ["0.0.0.0/0"])
    regions = {r.region for r in collected.resources if r.type == "firewall_rule"}
    assert regions == {"us-east-1", "eu-west-1"}


def test_volumes(collected: Any, scenario: Any) -> None:
    loose = attrs(collected, "volume", "loose-volume")
    assert (loose["encrypted"], loose["attached_to"]) == (False, "")
    assert attrs(collected, "volume", "sealed-volume")["encrypted"] is True
    root = [r for r in collected.resources
            if r.type == "volume" and r.attributes["attached_to"] == scenario.ids["web"]]
    assert len(root) == 1


def test_host_without_ssm_patch_data(collected: Any, scenario: Any) -> None:
    host = collected.get("host", "web")
    assert host.id == f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{scenario.ids['web']}"
    assert host.attributes["internet_facing"] is True
    assert host.attributes["disk_encrypted"] is False
    # moto does not implement SSM's DescribeInstanceInformation (HTTP 500): the patch
    # facts stay absent and the failure is reported, never read as "patched".
    assert "last_patched" not in host.attributes
    assert "missing_critical_patches" not in host.attributes
    [error] = [e for e in collected.errors if e.operation.startswith("ssm:")]
    assert (error.code, error.account, error.region) == ("500", ACCOUNT, "us-east-1")
    assert error.resource_types == ()
    assert "<html" not in error.message


# ----------------------------------------------------------------------------- RDS


def test_databases(collected: Any) -> None:
    public = attrs(collected, "database", "public-db")
    # Publicly accessible, in subnets routing 0.0.0.0/0 to an internet gateway, behind a
    # security group open to 0.0.0.0/0 on 5432: reachable from the internet.
    assert {k: public[k] for k in ("encrypted", "public", "engine", "admin_username",
                                   "backups_enabled", "customer_managed_key")} == {
        "encrypted": False, "public": True, "engine": "postgres", "admin_username": "postgres",
        "backups_enabled": False, "customer_managed_key": False}
    assert (public["x_publicly_accessible"], public["x_internet_route"],
            public["x_internet_ingress"], public["x_port"]) == (True, True, True, 5432)
    private = attrs(collected, "database", "private-db")
    assert (private["encrypted"], private["public"], private["engine"]) == (True, False, "mysql")
    assert "x_internet_route" not in private  # not publicly accessible: network not read
    cluster = attrs(collected, "database", "aurora")
    assert (cluster["encrypted"], cluster["public"], cluster["admin_username"]) == (
        True, False, "clusteradmin")


# ---------------------------------------------------------------------- behaviour


def test_accounts_deduplicated_and_labelled(collected: Any) -> None:
    assert {r.account for r in collected.resources} == {ACCOUNT, OTHER}
    accounts = [r for r in collected.resources if r.type == "account"]
    assert sorted(r.id for r in accounts) == [OTHER, ACCOUNT]


def test_only_expected_errors(collected: Any) -> None:
    # moto answers HTML 500 for SSM's unimplemented call; nothing else fails.
    assert [(e.operation, e.code) for e in collected.errors] == [
        ("ssm:DescribeInstanceInformation", "500")]


def test_progress_reported(collected: Any) -> None:
    assert any("us-east-1 rds: 6 resources" in line for line in collected.progress)
    assert all(line.startswith("aws: ") for line in collected.progress)


def test_no_secret_in_output(collected: Any, scenario: Any) -> None:
    text = repr(collected.items) + "\n".join(collected.progress)
    for secret in (*scenario.secrets, "Correct-Horse-9", "not-a-real-pw-1", "s3cr3t-ext",
                   "ext-id-for-audit"):
        assert secret not in text
