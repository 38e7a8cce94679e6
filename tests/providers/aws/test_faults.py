"""Faults injected in front of moto (a loopback proxy): each is an error for the call and
the resource it was for, never a PASS and never the loss of the rest of the batch.

The expectations come from what the estate holds (conftest.py, estate.py) and from what
an unreadable answer must mean: the attributes it would have filled are absent.
"""

from __future__ import annotations

import time
from typing import Any

from tests.providers.aws.conftest import AUDIT_ROLE, OTHER_ACCOUNT
from tests.providers.aws.proxy import HANG, HTML_200, HTML_502, Answer, action, running, s3_call

ACCOUNT = "123456789012"
POLICY_DECIDES = ("public", "public_via", "public_write", "tls_required", "min_tls_version")


def _only(result: Any, operation: str) -> Any:
    [error] = [e for e in result.errors if e.operation == operation]
    assert all(e.operation == operation or e.operation.startswith("ssm:")
               for e in result.errors), result.errors
    return error


def test_html_502_on_one_bucket_policy_is_that_buckets_error(scenario: Any,
                                                             collect_with: Any) -> None:
    with running(scenario.url, s3_call("policy-public", "policy", HTML_502)) as proxy:
        result = collect_with(services=["s3"], profiles=["main"], endpoint_url=proxy.url,
                              max_attempts=3)
    error = _only(result, "s3:GetBucketPolicy")
    assert (error.code, error.account) == ("502", ACCOUNT)
    assert error.scope == f"account {ACCOUNT}/region us-east-1/bucket policy-public"
    assert "HTML page" in error.message and "<" not in error.message
    assert error.resource_types == ()  # the bucket is still there, its policy facts absent
    assert len(proxy.intercepted) == 3  # a 5xx page is transient: retried max_attempts times
    bucket = result.get("bucket", "policy-public").attributes
    assert not set(POLICY_DECIDES) & set(bucket)
    assert bucket["versioning"] is False and bucket["acl_enabled"] is True
    others = [r for r in result.resources if r.type == "bucket" and r.name != "policy-public"]
    assert len(others) >= 10 and all("tls_required" in r.attributes for r in others)


def test_an_html_page_with_status_200_is_not_an_empty_acl(scenario: Any,
                                                          collect_with: Any) -> None:
    # Read as XML, the page has no grants: a public-by-ACL bucket would pass as private.
    with running(scenario.url, s3_call("acct2-acl-public", "acl", HTML_200)) as proxy:
        result = collect_with(services=["s3"], role_arns=[AUDIT_ROLE], endpoint_url=proxy.url)
    error = _only(result, "s3:GetBucketAcl")
    assert (error.code, error.account) == ("InvalidResponse", OTHER_ACCOUNT)
    assert error.scope.endswith("/bucket acct2-acl-public")
    bucket = result.get("bucket", "acct2-acl-public", OTHER_ACCOUNT).attributes
    assert "public" not in bucket and "public_write" not in bucket
    # Its neighbour's ACL was read: ACLs disabled, the public grant inert, private.
    assert result.get("bucket", "acct2-acl-disabled", OTHER_ACCOUNT).attributes["public"] is False


def test_a_json_api_answering_what_is_not_json(scenario: Any, collect_with: Any) -> None:
    rule = action("DescribeKey", Answer(200, b"upstream timed out", "application/x-amz-json-1.1"))
    with running(scenario.url, rule) as proxy:
        result = collect_with(services=["s3"], profiles=["main"], endpoint_url=proxy.url)
    error = _only(result, "kms:DescribeKey")
    assert error.code == "InvalidResponse" and "not a JSON object" in error.message
    assert error.scope.endswith("/bucket kms-cmk")
    encryption = result.get("bucket", "kms-cmk").attributes["encryption"]
    assert encryption == {"enabled": True}  # whose key it is stays unknown, not "AWS managed"


def test_an_unparsable_xml_answer_is_an_error_for_its_call(scenario: Any,
                                                           collect_with: Any) -> None:
    garbage = Answer(200, b"<GetAccountSummaryResponse><SummaryMap><entry>", "text/xml")
    with running(scenario.url, action("GetAccountSummary", garbage)) as proxy:
        result = collect_with(services=["account"], profiles=["main"], endpoint_url=proxy.url,
                              regions=["us-east-1"])
    error = _only(result, "iam:GetAccountSummary")
    assert error.code == "ResponseParserError" and "<" not in error.message
    account = result.get("account", ACCOUNT).attributes
    assert "root_mfa" not in account
    assert account["password_policy"]["min_length"] == 14  # the other calls still count


def test_a_policy_that_is_not_a_json_object(scenario: Any, collect_with: Any) -> None:
    rule = s3_call("tls-partial", "policy", Answer(200, b"[1, 2]", "application/json"))
    with running(scenario.url, rule) as proxy:
        result = collect_with(services=["s3"], profiles=["main"], endpoint_url=proxy.url)
    error = _only(result, "s3:GetBucketPolicy")
    assert (error.code, error.message) == ("InvalidResponse", "the policy is not a JSON object")
    assert not set(POLICY_DECIDES) & set(result.get("bucket", "tls-partial").attributes)


def test_a_hung_account_call_does_not_hold_up_the_scan(scenario: Any,
                                                       collect_with: Any) -> None:
    with running(scenario.url, action("GetAccountPasswordPolicy", HANG),
                 action("GetCredentialReport", HANG)) as proxy:
        started = time.monotonic()
        result = collect_with(services=["account", "iam"], profiles=["main"],
                              regions=["us-east-1"], endpoint_url=proxy.url, max_attempts=1,
                              read_timeout=60, call_timeout=1.5)
        elapsed = time.monotonic() - started
    assert elapsed < 15  # two hung calls cost their deadline each, not the read timeout
    error = _only(result, "iam:GetAccountPasswordPolicy")
    assert (error.code, error.account) == ("CallTimeout", ACCOUNT)
    assert "1.5 seconds" in error.message
    policy = result.get("account", ACCOUNT).attributes["password_policy"]
    assert "min_length" not in policy and policy["customer_configurable"] is True
    assert result.get("account", ACCOUNT).attributes["root_mfa"] is False
    # Without the credential report, users are read one by one: still complete.
    user = result.get("user", "console-mfa").attributes
    assert (user["console_access"], user["mfa"]) == (True, True)
    assert {a.action for a in proxy.intercepted} == {"GetAccountPasswordPolicy",
                                                     "GetCredentialReport"}


VOLUMES = (b'<?xml version="1.0" encoding="UTF-8"?>'
           b'<DescribeVolumesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
           b"<requestId>4a1b2c3d</requestId><volumeSet>"
           b"<item><volumeId>vol-0aaaaaaaaaaaaaaaa</volumeId><size>1</size>"
           b"<availabilityZone>us-east-1a</availabilityZone><status>available</status>"
           b"<encrypted>false</encrypted><attachmentSet/></item>"
           b"<item><size>1</size><encrypted>true</encrypted></item>"  # no volumeId at all
           b"</volumeSet></DescribeVolumesResponse>")


def test_a_resource_of_a_shape_never_seen_is_an_error_for_itself_only(
        scenario: Any, collect_with: Any) -> None:
    rule = action("DescribeVolumes", Answer(200, VOLUMES, "text/xml"))
    with running(scenario.url, rule) as proxy:
        result = collect_with(services=["ec2"], profiles=["main"], regions=["us-east-1"],
                              endpoint_url=proxy.url)
    volumes = [r for r in result.resources if r.type == "volume"]
    assert [v.name for v in volumes] == ["vol-0aaaaaaaaaaaaaaaa"]
    [bug] = [e for e in result.errors if e.code == "InternalError"]
    assert (bug.operation, bug.resource_types) == ("read volume None", ("volume",))
    # The rest of the task went on: hosts and their disks were judged.
    assert result.get("host", "web").attributes["internet_facing"] is True
