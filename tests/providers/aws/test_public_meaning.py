"""AWS's "meaning of public" for bucket policies, and role trust when the own account is unknown.

The table follows the S3 User Guide, "Blocking public access to your Amazon S3 storage
— The meaning of public": a policy is public unless it grants access only to fixed
values (no wildcard, no policy variable) of the listed condition keys, or to a set of
CIDRs with ``aws:SourceIp``. The same function decides for the live AWS provider (a
moto server below) and for Terraform plans (tests/providers/terraform).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from mamori.providers.aws.policy import public_reasons, role_attributes, trust
from tests.providers.aws.conftest import Clients, run_provider

STAR = "policy:Principal:*"


def allow(principal: Any = "*", **condition: dict[str, Any]) -> str:
    statement: dict[str, Any] = {"Effect": "Allow", "Principal": principal,
                                 "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.mark.parametrize(("document", "public"), [
    # Principal spellings that mean everyone.
    (allow("*"), True),
    (allow({"AWS": "*"}), True),
    (allow({"AWS": ["arn:aws:iam::111122223333:root", "*"]}), True),
    (allow({"AWS": "arn:aws:iam::111122223333:root"}), False),
    # Fixed values of the documented keys make it non-public.
    (allow(StringEquals={"aws:SourceVpce": "vpce-1a2b3c4d"}), False),
    (allow(StringEquals={"aws:SourceVpc": "vpc-91237329"}), False),
    (allow(StringEquals={"aws:SourceAccount": "111122223333"}), False),
    (allow(ArnEquals={"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}),
     False),
    (allow(StringEquals={"aws:SourceOwner": "111122223333"}), False),
    (allow(StringEquals={"aws:PrincipalOrgID": "o-a1b2c3d4e5"}), False),
    (allow(StringEquals={"aws:PrincipalAccount": "111122223333"}), False),
    (allow(StringEquals={"s3:DataAccessPointAccount": "111122223333"}), False),
    (allow(StringLike={"aws:userid": "AROAEXAMPLEID:*"}), False),
    (allow(StringEquals={"aws:userid": "AIDAEXAMPLEUSER"}), False),
    (allow(StringLike={"s3:DataAccessPointArn":
                       "arn:aws:s3:us-east-1:111122223333:accesspoint/*"}), False),
    # The guide's own example: a wildcard value stays public.
    (allow(StringLike={"aws:SourceVpc": "vpc-*"}), True),
    (allow(StringLike={"aws:SourceArn": "arn:aws:cloudfront::*:distribution/*"}), True),
    (allow(StringLike={"s3:DataAccessPointArn": "arn:aws:s3:us-east-1:*:accesspoint/*"}), True),
    (allow(StringEquals={"aws:SourceAccount": "${aws:PrincipalAccount}"}), True),
    (allow(StringEquals={"aws:SourceVpce": ["vpce-1", "vpce-*"]}), True),
    # Negated, IfExists and ForAllValues tests do not pin anything.
    (allow(StringNotEquals={"aws:SourceVpce": "vpce-1a2b3c4d"}), True),
    (allow(StringEqualsIfExists={"aws:SourceVpce": "vpce-1a2b3c4d"}), True),
    (allow(**{"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), True),
    (allow(**{"ForAnyValue:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}), False),
    # aws:SourceIp: a set of CIDRs restricts; the internet, or halves of it, does not.
    (allow(IpAddress={"aws:SourceIp": "203.0.113.0/24"}), False),
    (allow(IpAddress={"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}), False),
    (allow(IpAddress={"aws:SourceIp": "0.0.0.0/1"}), True),
    (allow(IpAddress={"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}), True),
    (allow(IpAddress={"aws:SourceIp": ["10.0.0.0/8", "11.0.0.0/8"]}), True),
    (allow(IpAddress={"aws:SourceIp": "::/0"}), True),
    (allow(IpAddress={"aws:SourceIp": "::ffff:0.0.0.0/96"}), True),
    (allow(NotIpAddress={"aws:SourceIp": "203.0.113.0/24"}), True),
    (allow(IpAddress={"aws:SourceIp": "not-an-address"}), True),
    # Keys that say how, not who.
    (allow(Bool={"aws:SecureTransport": "true"}), True),
    (allow(StringLike={"aws:UserAgent": "curl/8.0"}), True),
    (allow(DateLessThan={"aws:CurrentTime": "2030-01-01T00:00:00Z"}), True),
    # One pinning key among others is enough: conditions are all required.
    (allow(Bool={"aws:SecureTransport": "true"},
           StringEquals={"aws:SourceVpce": "vpce-1a2b3c4d"}), False),
])
def test_meaning_of_public(document: str, public: bool) -> None:
    assert (public_reasons(document) == [STAR]) is public


def test_not_principal_allow_is_public_and_deny_never_is() -> None:
    not_principal = json.dumps({"Statement": [{
        "Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"},
        "Action": "s3:*", "Resource": "*",
        "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}}}]})
    assert public_reasons(not_principal) == ["policy:NotPrincipal"]
    deny = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
                                      "Resource": "*"}]})
    assert public_reasons(deny) == []


def test_policies_that_are_not_json_are_refused() -> None:
    for text in ('{"Statement": [NaN]}', "[" * 5000 + "]" * 5000, "{"):
        with pytest.raises(ValueError):
            public_reasons(text)


def assume(*principals: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    statements = [{"Effect": "Allow", "Principal": p, "Action": "sts:AssumeRole",
                   **({"Condition": condition} if condition else {})} for p in principals]
    return {"Version": "2012-10-17", "Statement": statements}


@pytest.mark.parametrize(("document", "outside"), [
    # One named account may be the own one: cannot be told.
    (assume({"AWS": "arn:aws:iam::999999999999:root"}), None),
    # Two accounts: at most one is the own one.
    (assume({"AWS": ["arn:aws:iam::999999999999:root", "arn:aws:iam::888888888888:root"]}),
     True),
    (assume({"AWS": "*"}), True),
    (assume({"AWS": "arn:aws:iam::999999999999:root"},
            condition={"StringEquals": {"sts:ExternalId": "x"}}), False),
    (assume({"Service": "ec2.amazonaws.com"}), False),
])
def test_trust_when_the_own_account_is_unknown(document: dict[str, Any],
                                               outside: bool | None) -> None:
    assert trust(document, None)[1] is outside


def test_role_attributes_leave_the_unknown_absent() -> None:
    one = assume({"AWS": "arn:aws:iam::999999999999:root"})
    assert role_attributes(None, one, None) == {
        "trusted_principals": ["arn:aws:iam::999999999999:root"]}
    assert role_attributes(True, one, "123456789012") == {
        "admin": True, "trusted_principals": ["arn:aws:iam::999999999999:root"],
        "external_trust_unconditioned": True}
    assert role_attributes(False, None, None) == {"admin": False}


# --------------------------------------------------------------------------- live provider

LIVE = {
    "meaning-vpce": (allow(StringEquals={"aws:SourceVpce": "vpce-1a2b3c4d"}), False),
    "meaning-half": (allow(IpAddress={"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}), True),
    "meaning-tls": (allow(Bool={"aws:SecureTransport": "true"}), True),
    "meaning-org": (allow(StringEquals={"aws:PrincipalOrgID": "o-a1b2c3d4e5"}), False),
}


@pytest.fixture(scope="module")
def own_moto(moto_url: str) -> Iterator[str]:
    """A moto server of this module's own, so the shared scenario keeps its buckets."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def test_live_provider_follows_the_same_meaning(own_moto: str) -> None:
    s3 = Clients(own_moto)("s3")
    for name, (document, _) in LIVE.items():
        s3.create_bucket(Bucket=name)
        s3.put_bucket_policy(Bucket=name, Policy=document.replace("arn:aws:s3:::b/*",
                                                                  f"arn:aws:s3:::{name}/*"))
    collection = run_provider(endpoint_url=own_moto, services=["s3"], regions=["us-east-1"])
    for name, (_, public) in LIVE.items():
        assert collection.get("bucket", name).attributes["public"] is public, name
