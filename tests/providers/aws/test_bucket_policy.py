"""Bucket policies: public writes, TLS required, minimum TLS version, IAM wildcards.

Examples follow the S3 User Guide ("Enforce encryption of data in transit", "s3:TlsVersion",
"The meaning of public"); properties check the wildcard matcher against a regex oracle
and that a public write is always public.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.providers.aws.bucket_policy import (
    acl_write_reasons,
    covers_prefix,
    glob_match,
    min_tls_version,
    public_write_reasons,
    tls_required,
)
from mamori.providers.aws.policy import public_reasons

ARN = "arn:aws:s3:::data"
BOTH = [ARN, f"{ARN}/*"]


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def deny(condition: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": BOTH,
                 "Condition": condition}
    statement.update(overrides)
    return {k: v for k, v in statement.items() if v is not None}


INSECURE = {"Bool": {"aws:SecureTransport": "false"}}


# ------------------------------------------------------------------------ wildcards


def _oracle(pattern: str, text: str) -> bool:
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, text, re.DOTALL) is not None


@given(st.text("ab*?", max_size=8), st.text("ab*?/", max_size=10))
def test_glob_match_agrees_with_a_regex_oracle(pattern: str, text: str) -> None:
    assert glob_match(pattern, text) is _oracle(pattern, text)


@given(st.text("ab*?:", max_size=8), st.text("ab:", max_size=6), st.text("ab/?*", max_size=8))
def test_covers_prefix_is_sound(pattern: str, prefix: str, suffix: str) -> None:
    # Whatever it says is covered is matched whatever follows the prefix.
    if covers_prefix(pattern, prefix):
        assert glob_match(pattern, prefix + suffix)


def test_glob_match_stays_fast_on_many_stars() -> None:
    assert glob_match("a*" * 200 + "b", "a" * 2000) is False


# ---------------------------------------------------------------------- TLS required


@pytest.mark.parametrize(("statement", "expected"), [
    (deny(INSECURE), True),  # the statement AWS documents
    (deny(INSECURE, Principal={"AWS": "*"}), True),
    (deny(INSECURE, Action="*"), True),
    (deny(INSECURE, Resource="*"), True),
    (deny(INSECURE, Resource="arn:aws:s3:::data*"), True),  # bucket and objects
    (deny({"BoolIfExists": {"aws:SecureTransport": ["false"]}}), True),
    (deny({"Bool": {"aws:SecureTransport": False}}), True),
    (deny(INSECURE, Resource=f"{ARN}/*"), False),  # the bucket itself still over HTTP
    (deny(INSECURE, Resource=ARN), False),  # objects still over HTTP
    (deny(INSECURE, Resource=[ARN, f"{ARN}/private/*"]), False),  # some objects only
    (deny(INSECURE, Action=["s3:GetObject"]), False),  # writes still over HTTP
    (deny(INSECURE, Principal={"AWS": "arn:aws:iam::123456789012:root"}), False),
    (deny(INSECURE, Effect="Allow"), False),
    (deny({"Bool": {"aws:SecureTransport": "true"}}), False),  # denies TLS, not plain HTTP
    (deny({**INSECURE, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}), False),  # narrowed
    (deny({"Bool": {"aws:SecureTransport": "false", "aws:ViaAWSService": "false"}}), False),
    ({**deny(INSECURE), "NotPrincipal": {"AWS": "arn:aws:iam::123456789012:root"}}, False),
    ({**deny(INSECURE), "NotAction": "s3:GetObject"}, False),
])
def test_tls_required(statement: dict[str, Any], expected: bool) -> None:
    assert tls_required(doc(statement), ARN) is expected


def test_no_policy_requires_nothing() -> None:
    assert tls_required({}, ARN) is False
    assert min_tls_version({}, ARN) == "1.2"  # AWS endpoints refuse TLS below 1.2


@pytest.mark.parametrize(("condition", "expected"), [
    ({"NumericLessThan": {"s3:TlsVersion": "1.3"}}, "1.3"),
    ({"NumericLessThan": {"s3:TlsVersion": 1.3}}, "1.3"),
    ({"NumericLessThan": {"s3:TlsVersion": "1.2"}}, "1.2"),
    ({"NumericLessThan": {"s3:TlsVersion": "1.1"}}, "1.2"),  # below the platform floor
    ({"NumericLessThanEquals": {"s3:TlsVersion": "1.2"}}, "1.3"),
    ({"NumericLessThanIfExists": {"s3:TlsVersion": "1.3"}}, "1.3"),
    ({"NumericGreaterThan": {"s3:TlsVersion": "1.2"}}, "1.2"),  # denies the new ones
    ({"NumericLessThan": {"s3:TlsVersion": "recent"}}, "1.2"),
    ({"NumericLessThan": {"s3:TlsVersion": ["1.2", "1.3"]}}, "1.2"),  # not one bound
])
def test_min_tls_version(condition: dict[str, Any], expected: str) -> None:
    assert min_tls_version(doc(deny(condition)), ARN) == expected


def test_min_tls_of_a_partial_statement_is_the_platforms() -> None:
    partial = deny({"NumericLessThan": {"s3:TlsVersion": "1.3"}}, Resource=f"{ARN}/*")
    assert min_tls_version(doc(partial), ARN) == "1.2"


# ----------------------------------------------------------------------- public write


def allow(action: Any, **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": "*", "Action": action, "Resource": f"{ARN}/*",
            **extra}


@pytest.mark.parametrize(("statement", "expected"), [
    (allow("s3:PutObject"), ["policy:Principal:*:write"]),
    (allow("s3:*"), ["policy:Principal:*:write"]),
    (allow("*"), ["policy:Principal:*:write"]),
    (allow("s3:Put*"), ["policy:Principal:*:write"]),
    (allow(["s3:GetObject", "s3:DeleteObject"]), ["policy:Principal:*:write"]),
    (allow("S3:PUTOBJECTACL"), ["policy:Principal:*:write"]),  # actions ignore case
    (allow("s3:PutBucketPolicy"), ["policy:Principal:*:write"]),
    (allow("s3:GetObject"), []),
    (allow("s3:Get*"), []),
    (allow("s3:List*"), []),
    ({"Effect": "Allow", "Principal": "*", "NotAction": "s3:*", "Resource": f"{ARN}/*"},
     []),  # every action but S3's
    ({"Effect": "Allow", "Principal": "*", "NotAction": "s3:GetObject",
      "Resource": f"{ARN}/*"}, ["policy:Principal:*:write"]),  # everything but reads
    ({"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::1:root"},
      "Action": "s3:DeleteObject", "Resource": f"{ARN}/*"}, ["policy:NotPrincipal:write"]),
    (allow("s3:PutObject", Condition={"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
     []),  # pinned to one VPC endpoint: not public
    (allow("s3:PutObject", Principal={"AWS": "arn:aws:iam::123456789012:root"}), []),
    ({**allow("s3:PutObject"), "Effect": "Deny"}, []),
])
def test_public_write_reasons(statement: dict[str, Any], expected: list[str]) -> None:
    clean = {k: v for k, v in statement.items() if v is not None}
    assert public_write_reasons(doc(clean)) == expected


def test_acl_write_reasons() -> None:
    grants = [("AllUsers", "READ"), ("AllUsers", "WRITE"), ("AuthenticatedUsers", "WRITE_ACP"),
              ("AuthenticatedUsers", "FULL_CONTROL"), ("AllUsers", "READ_ACP")]
    assert acl_write_reasons(grants) == ["acl:AllUsers:WRITE",
                                         "acl:AuthenticatedUsers:FULL_CONTROL",
                                         "acl:AuthenticatedUsers:WRITE_ACP"]
    assert acl_write_reasons([("AllUsers", "READ")]) == []


_STATEMENTS = st.fixed_dictionaries({
    "Effect": st.sampled_from(["Allow", "Deny"]),
    "Principal": st.sampled_from(["*", {"AWS": "*"}, {"AWS": "arn:aws:iam::111122223333:root"},
                                  {"Service": "logging.s3.amazonaws.com"}]),
    "Action": st.lists(st.sampled_from(["s3:GetObject", "s3:PutObject", "s3:*", "*",
                                        "s3:Delete*", "s3:List*", "s3:PutObjectAcl"]),
                       min_size=1, max_size=3),
    "Resource": st.just(f"{ARN}/*"),
}, optional={"Condition": st.sampled_from([
    {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}},
    {"Bool": {"aws:SecureTransport": "false"}},
    {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}])})


@given(st.lists(_STATEMENTS, max_size=4))
def test_a_public_write_is_always_public(statements: list[dict[str, Any]]) -> None:
    document = doc(*statements)
    if public_write_reasons(document):
        assert public_reasons(document)
