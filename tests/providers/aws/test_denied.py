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
    # policy path stays unknown for every bucket.
    assert all("public" not in r.attributes for r in result.resources if r.type == "bucket")


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
