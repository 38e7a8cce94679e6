"""Denied calls against moto's IAM enforcement: they become errors, never PASS.

``INITIAL_NO_AUTH_ACTION_COUNT`` (moto's setting) is dropped to 0 for these tests
only, so moto checks every request against the caller's IAM policies and answers
a real ``AccessDenied``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

boto3: Any = pytest.importorskip("boto3")
ACCOUNT = "123456789012"


def _user_with_policy(url: str, name: str, deny: list[str]) -> dict[str, str]:
    iam = boto3.client("iam", region_name="us-east-1", endpoint_url=url)
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="audit", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "Action": deny, "Resource": "*"}]}))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture()
def enforce_iam(scenario: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """moto checks IAM policies on every request while the test runs."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    monkeypatch.setattr(settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    monkeypatch.setattr(ActionAuthenticatorMixin, "request_count", 0)
    yield


def test_denied_bucket_reads_leave_public_absent(
        scenario: Any, collect_with: Any, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    creds = _user_with_policy(scenario.url, "auditor-partial",
                              ["s3:GetBucketPolicy", "s3:GetBucketAcl"])
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    request.getfixturevalue("enforce_iam")
    result = collect_with(services=["s3"], regions=["us-east-1"], endpoint_url=scenario.url)

    bucket = result.get("bucket", "policy-public")
    assert "public" not in bucket.attributes  # never public=False on a denied read
    assert "public_via" not in bucket.attributes
    assert bucket.attributes["encryption"]["enabled"] is False  # allowed reads still land
    denied = {(e.operation, e.scope) for e in result.errors if e.code == "AccessDenied"}
    assert ("s3:GetBucketPolicy", f"account {ACCOUNT}/region us-east-1/bucket policy-public"
            ) in denied
    assert ("s3:GetBucketAcl", f"account {ACCOUNT}/region us-east-1/bucket policy-public"
            ) in denied
    assert all(e.resource_types == () for e in result.errors)
    # The account block's IgnorePublicAcls settles the ACL path even unread, but the
    # policy path stays unknown for every bucket, except where the bucket's own block
    # (RestrictPublicBuckets) makes any policy inert: "hardened" is private unread.
    assert all("public" not in r.attributes for r in result.resources
               if r.type == "bucket" and r.name != "hardened")
    assert result.get("bucket", "hardened").attributes["public"] is False


def test_denied_listing_names_the_resource_type(
        scenario: Any, collect_with: Any, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    creds = _user_with_policy(scenario.url, "auditor-no-s3", ["s3:*"])
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    request.getfixturevalue("enforce_iam")
    result = collect_with(services=["s3", "iam", "rds"], regions=["us-east-1"],
                          endpoint_url=scenario.url)

    assert [r for r in result.resources if r.type == "bucket"] == []
    [listing] = [e for e in result.errors if e.operation == "s3:ListBuckets"]
    assert listing.code == "AccessDenied"
    assert listing.resource_types == ("bucket",)
    assert (listing.account, listing.region, listing.provider) == (ACCOUNT, "global", "aws")
    assert creds["AWS_SECRET_ACCESS_KEY"] not in repr(result.items)
    # The other services are collected as usual with the same identity.
    assert result.get("user", "group-admin").attributes["admin"] is True
    assert result.get("database", "public-db").attributes["public"] is True
    assert {e.operation.split(":")[0] for e in result.errors} <= {"s3", "s3control"}


def test_denied_tags_leave_the_data_held_unknown(
        scenario: Any, collect_with: Any, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    from mamori.checks.engine import evaluate_rule
    from tests.providers.aws.test_verdicts import rules

    creds = _user_with_policy(scenario.url, "auditor-no-tags", ["s3:GetBucketTagging"])
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    request.getfixturevalue("enforce_iam")
    result = collect_with(services=["s3"], regions=["us-east-1"], endpoint_url=scenario.url)

    bucket = result.get("bucket", "kms-cmk")  # tagged personal, payment, 1200 records
    assert (bucket.data_classes, bucket.records, dict(bucket.tags)) == (None, None, {})
    assert ("s3:GetBucketTagging", f"account {ACCOUNT}/region us-east-1/bucket kms-cmk") in {
        (e.operation, e.scope) for e in result.errors if e.code == "AccessDenied"}
    # Everything else about it was read.
    assert bucket.attributes["encryption"] == {"enabled": True, "customer_managed_key": True}
    # The sensitive-data rule cannot tell whether it applies: ERROR, never dropped.
    finding = evaluate_rule(rules()["MAM-STO-003"], bucket)
    assert finding is not None and finding.status.value == "ERROR"
    # A FAIL on it has unknown APPI reportability, never "not personal data".
    failing = evaluate_rule(rules()["MAM-STO-004"], result.get("bucket", "plain"))
    assert failing is not None and failing.status.value == "FAIL"
    assert failing.appi is not None and failing.appi.reportable is None


def test_denied_route_tables_leave_reachability_unknown(
        scenario: Any, collect_with: Any, monkeypatch: pytest.MonkeyPatch,
        request: pytest.FixtureRequest) -> None:
    creds = _user_with_policy(scenario.url, "auditor-no-routes",
                              ["ec2:DescribeRouteTables", "rds:DescribeDBParameters"])
    for key, value in creds.items():
        monkeypatch.setenv(key, value)
    request.getfixturevalue("enforce_iam")
    result = collect_with(services=["rds"], regions=["us-east-1"], endpoint_url=scenario.url)

    public = result.get("database", "public-db").attributes
    # The security group is open on 5432; whether the subnets reach the internet is not
    # known: reachability is unknown, never "not public".
    assert "public" not in public
    assert (public["x_internet_ingress"], "x_internet_route" in public) == (True, False)
    # A part known false still settles it.
    assert result.get("database", "exposed-closed-sg").attributes["public"] is False
    assert result.get("database", "private-db").attributes["public"] is False
    # The custom parameter group could not be read: TLS unknown; default groups need no call.
    assert "tls_required" not in result.get("database", "tls-db").attributes
    assert result.get("database", "public-db").attributes["tls_required"] is False
    denied = {(e.operation, e.scope) for e in result.errors if e.code == "AccessDenied"}
    assert denied == {("ec2:DescribeRouteTables", f"account {ACCOUNT}/region us-east-1"),
                      ("rds:DescribeDBParameters",
                       f"account {ACCOUNT}/region us-east-1/db parameter group tls-db-params")}
