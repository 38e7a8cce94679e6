"""IAM policy reading: admin rights, public bucket policies, role trust (pure functions)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest

from mamori.providers.aws.policy import (
    grants_admin,
    is_admin_policy_arn,
    parse,
    principal_account,
    public_reasons,
    trust,
)

OWN = "123456789012"
GITHUB = f"arn:aws:iam::{OWN}:oidc-provider/token.actions.githubusercontent.com"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(**fields: Any) -> dict[str, Any]:
    return {"Effect": "Allow", **fields}


@pytest.mark.parametrize(("statement", "admin"), [
    (allow(Action="*", Resource="*"), True),
    (allow(Action=["s3:GetObject", "*:*"], Resource=["arn:aws:s3:::x", "*"]), True),
    (allow(Action="*", Resource="*", Condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
     True),
    (allow(Action="*", Resource="arn:aws:s3:::x"), False),
    (allow(Action="iam:*", Resource="*"), False),
    (allow(NotAction="iam:*", Resource="*"), False),
    ({"Effect": "Deny", "Action": "*", "Resource": "*"}, False),
])
def test_admin(statement: dict[str, Any], admin: bool) -> None:
    assert grants_admin(doc(statement)) is admin


def test_documents_in_every_encoding() -> None:
    document = doc(allow(Action="*", Resource="*"))
    text = json.dumps(document)
    assert parse(text) == parse(quote(text)) == parse(document) == document
    assert grants_admin({"Statement": allow(Action="*", Resource="*")})  # single statement


def test_admin_policy_arn() -> None:
    assert is_admin_policy_arn("arn:aws:iam::aws:policy/AdministratorAccess")
    assert is_admin_policy_arn("arn:aws-cn:iam::aws:policy/AdministratorAccess")
    assert not is_admin_policy_arn("arn:aws:iam::aws:policy/AdministratorAccess-Amplify")
    assert not is_admin_policy_arn(f"arn:aws:iam::{OWN}:policy/AdministratorAccess")


@pytest.mark.parametrize(("statement", "reasons"), [
    (allow(Principal="*", Action="s3:GetObject"), ["policy:Principal:*"]),
    (allow(Principal={"AWS": "*"}, Action="s3:*"), ["policy:Principal:*"]),
    (allow(Principal={"AWS": ["arn:aws:iam::1:root", "*"]}, Action="s3:*"),
     ["policy:Principal:*"]),
    (allow(Principal="*", Action="s3:GetObject",
           Condition={"StringEquals": {"aws:SourceVpce": "vpce-1"}}), []),
    (allow(Principal={"AWS": f"arn:aws:iam::{OWN}:root"}, Action="s3:*"), []),
    (allow(NotPrincipal={"AWS": f"arn:aws:iam::{OWN}:root"}, Action="s3:*"),
     ["policy:NotPrincipal"]),
    ({"Effect": "Deny", "Principal": "*", "Action": "s3:*"}, []),
])
def test_public_bucket_policy(statement: dict[str, Any], reasons: list[str]) -> None:
    assert public_reasons(json.dumps(doc(statement))) == reasons


def assume(principal: Any, condition: dict[str, Any] | None = None,
           action: str = "sts:AssumeRole") -> dict[str, Any]:
    statement = allow(Principal=principal, Action=action)
    if condition is not None:
        statement["Condition"] = condition
    return doc(statement)


@pytest.mark.parametrize(("document", "unconditioned"), [
    (assume({"AWS": "arn:aws:iam::999999999999:root"}), True),
    (assume({"AWS": "999999999999"}), True),
    (assume({"AWS": "arn:aws:iam::999999999999:root"},
            {"StringEquals": {"sts:ExternalId": "x"}}), False),
    (assume({"AWS": "arn:aws:iam::999999999999:root"},
            {"StringEqualsIfExists": {"sts:ExternalId": "x"}}), True),
    (assume({"AWS": "arn:aws:iam::999999999999:root"},
            {"Bool": {"aws:MultiFactorAuthPresent": "true"}}), False),
    (assume("*"), True),
    (assume({"AWS": "*"}, {"Bool": {"aws:MultiFactorAuthPresent": "true"}}), True),
    (assume({"AWS": "*"}, {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}), False),
    (assume({"AWS": "*"}, {"StringNotEquals": {"aws:PrincipalOrgID": "o-1"}}), True),
    (assume({"AWS": f"arn:aws:iam::{OWN}:role/x"}), False),
    (assume({"Service": "lambda.amazonaws.com"}), False),
    (assume({"Federated": GITHUB},
            action="sts:AssumeRoleWithWebIdentity"), True),
    (assume({"Federated": GITHUB},
            {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:acme/app:*"}},
            action="sts:AssumeRoleWithWebIdentity"), False),
    (assume({"Federated": f"arn:aws:iam::{OWN}:saml-provider/corp"},
            action="sts:AssumeRoleWithSAML"), False),
    (assume({"AWS": "*"}, action="sts:TagSession"), False),  # not an assume action
    (assume({"AWS": "*"}, action="sts:*"), True),
])
def test_trust(document: dict[str, Any], unconditioned: bool) -> None:
    assert trust(document, OWN)[1] is unconditioned


def test_trusted_principals_listed() -> None:
    document = doc(
        allow(Principal={"AWS": ["arn:aws:iam::999999999999:root", OWN]}, Action="sts:AssumeRole"),
        allow(Principal={"Service": "ec2.amazonaws.com"}, Action="sts:AssumeRole"))
    principals, _ = trust(document, OWN)
    assert principals == ["123456789012", "arn:aws:iam::999999999999:root", "ec2.amazonaws.com"]


def test_principal_account() -> None:
    assert principal_account("arn:aws:sts::999999999999:assumed-role/r/s") == "999999999999"
    assert principal_account("111111111111") == "111111111111"
    assert principal_account("AIDAEXAMPLEUNIQUEID") is None
