"""The attributes added for issue 12, on the moto estate (conftest.py, estate.py).

Expected values follow from what the set-up created and what AWS documents, e.g. a
bucket with BucketOwnerEnforced has ACLs disabled, so its public-read grant is inert.
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "123456789012"
OTHER = "111111111111"


def attrs(collected: Any, type_: str, name: str, account: str = ACCOUNT) -> dict[str, Any]:
    return dict(collected.get(type_, name, account).attributes)


# ----------------------------------------------------------------------------- S3


def test_hardened_bucket(collected: Any) -> None:
    bucket = attrs(collected, "bucket", "hardened")
    assert bucket["acl_enabled"] is False  # BucketOwnerEnforced
    assert bucket["public_access_block"] is True  # all four bucket-level settings
    assert bucket["tls_required"] is True  # Deny * s3:* without aws:SecureTransport
    assert bucket["min_tls_version"] == "1.3"  # Deny s3:TlsVersion < 1.3
    assert (bucket["public"], bucket["public_write"]) == (False, False)


def test_buckets_without_those_settings(collected: Any) -> None:
    plain = attrs(collected, "bucket", "plain")
    # No ownership controls: the ObjectWriter behaviour, ACLs in force.
    assert plain["acl_enabled"] is True
    assert plain["public_access_block"] is False  # NoSuchPublicAccessBlockConfiguration
    assert plain["tls_required"] is False  # no policy at all
    assert plain["min_tls_version"] == "1.2"  # AWS endpoints refuse TLS below 1.2
    partial = attrs(collected, "bucket", "tls-partial")
    assert partial["tls_required"] is False  # denies plain HTTP for GetObject only
    assert partial["acl_enabled"] is True  # BucketOwnerPreferred keeps ACLs


def test_shared_key_access_is_not_an_s3_concept(collected: Any) -> None:
    buckets = [r for r in collected.resources if r.type == "bucket"]
    assert buckets and all(r.attributes["shared_key_access"] is False for r in buckets)


def test_public_write(collected: Any) -> None:
    policy = attrs(collected, "bucket", "public-write-policy")
    assert policy["public_write"] is True
    assert policy["raw"]["public_write_via"] == ["policy:Principal:*:write"]
    blocked = attrs(collected, "bucket", "acl-write-blocked")
    # WRITE to AllUsers, but the account block's IgnorePublicAcls makes ACLs inert.
    assert (blocked["public"], blocked["public_write"]) == (False, False)
    assert blocked["raw"]["public_write_blocked"] == ["acl:AllUsers:WRITE"]
    reader = attrs(collected, "bucket", "policy-public")  # GetObject for everyone
    assert (reader["public"], reader["public_write"]) == (True, False)


def test_disabled_acls_do_not_make_a_bucket_public(collected: Any) -> None:
    bucket = attrs(collected, "bucket", "acct2-acl-disabled", OTHER)
    assert (bucket["acl_enabled"], bucket["public"]) == (False, False)
    assert bucket["raw"]["public_via_blocked"] == ["acl:AllUsers:READ"]
    # Its neighbour, same account (no block at all), ACLs enabled: public.
    assert attrs(collected, "bucket", "acct2-acl-public", OTHER)["public"] is True


def test_untagged_bucket_has_no_labels(collected: Any) -> None:
    plain = collected.get("bucket", "plain")  # NoSuchTagSet: a fact, no labels
    assert (plain.data_classes, plain.records, dict(plain.tags)) == ((), None, {})


# ----------------------------------------------------------------------------- IAM


def test_customer_managed_policies(collected: Any) -> None:
    expected = {"everything": (True, True), "unused-admin": (True, False),
                "s3-reader": (False, False)}
    for name, (admin, attached) in expected.items():
        policy = attrs(collected, "policy", name)
        assert (policy["admin"], policy["attached"], policy["customer_managed"]) == (
            admin, attached, True), name
    policies = [r for r in collected.resources if r.type == "policy" and r.account == ACCOUNT]
    assert sorted(r.name for r in policies) == sorted(expected)  # AWS-managed ones: not here
    assert collected.get("policy", "everything").id == f"arn:aws:iam::{ACCOUNT}:policy/everything"


def test_user_hr_keys_from_tags(collected: Any) -> None:
    tagged = attrs(collected, "user", "console-mfa")
    assert (tagged["email"], tagged["employee_id"]) == ("Hanako.Sato@example.co.jp", "E-1001")
    plain = attrs(collected, "user", "plain")
    assert "email" not in plain and "employee_id" not in plain  # IAM keeps neither


def test_no_iam_user_is_a_guest(collected: Any) -> None:
    users = [r for r in collected.resources if r.type == "user"]
    assert users and all(r.attributes["guest"] is False for r in users)


def test_two_active_keys_are_both_listed(collected: Any) -> None:
    # The credential report's two key slots, matched to ListAccessKeys; the rule counts.
    keys = attrs(collected, "user", "two-keys")["access_keys"]
    assert [k["active"] for k in keys] == [True, True]
    assert len({k["id"] for k in keys}) == 2


def test_role_admin_is_its_own(collected: Any) -> None:
    role = attrs(collected, "role", "ec2-admin")
    assert (role["admin"], role["admin_direct"]) == (True, True)


# ------------------------------------------------------------------------- account


def test_password_policy_is_customer_configurable(collected: Any) -> None:
    for account in (ACCOUNT, OTHER):
        policy = attrs(collected, "account", account, account)["password_policy"]
        assert policy["customer_configurable"] is True


# ----------------------------------------------------------------------- volumes


def test_volume_keys(collected: Any) -> None:
    assert attrs(collected, "volume", "cmk-volume")["customer_managed_key"] is True
    # Encrypted without a key given: the account's aws/ebs key, AWS managed.
    assert attrs(collected, "volume", "sealed-volume")["customer_managed_key"] is False
    assert attrs(collected, "volume", "loose-volume")["customer_managed_key"] is False


# --------------------------------------------------------------------- databases


def test_database_tls_backups_and_key(collected: Any) -> None:
    tls = attrs(collected, "database", "tls-db")
    assert (tls["tls_required"], tls["backups_enabled"], tls["customer_managed_key"]) == (
        True, True, True)
    public = attrs(collected, "database", "public-db")
    # PostgreSQL before 15 in a default group: rds.force_ssl defaults to 0.
    assert (public["tls_required"], public["backups_enabled"]) == (False, False)
    # Aurora PostgreSQL default cluster group: rds.force_ssl 0; backups at least a day.
    aurora = attrs(collected, "database", "aurora")
    assert (aurora["tls_required"], aurora["backups_enabled"]) == (False, True)
    mysql = attrs(collected, "database", "private-db")  # MySQL 8.0: OFF by default
    assert mysql["tls_required"] is False


def test_publicly_accessible_is_not_reachable_alone(collected: Any) -> None:
    subnet = attrs(collected, "database", "exposed-private-subnet")
    assert (subnet["public"], subnet["x_internet_route"], subnet["x_internet_ingress"]) == (
        False, False, True)
    closed = attrs(collected, "database", "exposed-closed-sg")
    assert (closed["public"], closed["x_internet_route"], closed["x_internet_ingress"]) == (
        False, True, False)
