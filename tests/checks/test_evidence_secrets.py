"""The engine masks every finding it makes, and cannot decide on values a snapshot withheld.

Expected verdicts come from the rules' intent: evidence shows what decided a verdict,
never a secret; a value that was not kept cannot make a rule PASS or FAIL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mamori.checks.engine import Engine
from mamori.checks.findings import Finding
from mamori.checks.model import Resource, Status
from mamori.checks.ruleset import compile_rule, load_rules
from mamori.checks.secrets import RAW_HIDDEN, REDACTED, WithheldResource
from tests.checks.conftest import WriteRule
from tests.checks.test_secrets import SECRET_NAMES

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
SECRET = "S3CR3T-VALUE-9f8e7d"


def findings(write_rule: WriteRule, body: str, resource: Resource) -> list[Finding]:
    [spec] = load_rules([write_rule(body, resource=resource.type)])
    return list(Engine([compile_rule(spec, AS_OF)]).evaluate(resource))


def one(write_rule: WriteRule, body: str, resource: Resource) -> Finding:
    [finding] = findings(write_rule, body, resource)
    return finding


def shows_no_secret(finding: Finding) -> None:
    assert SECRET not in repr(finding.evidence)
    assert SECRET not in finding.message
    assert SECRET not in repr(finding.resource.tags)


def user(**attrs: Any) -> Resource:
    return Resource(type="user", id="u1", provider="aws", attributes=attrs)


@pytest.mark.parametrize("name", ["x_" + n for n in SECRET_NAMES])
def test_list_items_recorded_whole_are_masked(write_rule: WriteRule, name: str) -> None:
    # `some` records the whole list as evidence: a secret field of an item must not ride
    # along, whatever the field is called.
    res = user(access_keys=[{"id": "AKIA1", "active": True, name: SECRET}])
    f = one(write_rule, "assert: {attr: access_keys, none: {attr: active, eq: true}}\n", res)
    assert f.status is Status.FAIL  # an active key exists: the rule's intent is "none"
    shows_no_secret(f)
    assert f.evidence["access_keys"] == [{"id": "AKIA1", "active": True, name: REDACTED}]
    assert "AKIA1" in f.message  # the key id is public and stays visible


def test_nested_custom_secret_in_a_mapping(write_rule: WriteRule) -> None:
    res = Resource(type="database", id="db1", provider="onprem",
                   attributes={"x_db": {"admin_password": SECRET, "port": 5432}})
    f = one(write_rule, "assert: {attr: x_db, exists: false}\n", res)
    assert f.status is Status.FAIL
    shows_no_secret(f)
    assert f.evidence == {"x_db": {"admin_password": REDACTED, "port": 5432}}
    assert "port" in f.message and "5432" in f.message


def test_raw_is_not_shown_in_evidence_or_message(write_rule: WriteRule) -> None:
    res = Resource(type="host", id="h1", provider="aws",
                   attributes={"raw": {"UserData": f"#!/bin/sh\nexport DB={SECRET}"}})
    f = one(write_rule, "assert: {attr: raw.UserData, not_matches: 'export DB='}\n", res)
    assert f.status is Status.FAIL  # the user data does export a password
    shows_no_secret(f)
    assert f.evidence == {"raw.UserData": RAW_HIDDEN}


def test_secret_tags_are_masked_in_evidence_and_resource(write_rule: WriteRule) -> None:
    res = Resource(type="bucket", id="b1", provider="aws",
                   tags={"api_token": SECRET, "owner": "team-a"}, attributes={"public": True})
    f = one(write_rule, "assert: {attr: tags.api_token, eq: none}\n", res)
    assert f.status is Status.FAIL
    shows_no_secret(f)
    assert f.resource.tags == {"api_token": REDACTED, "owner": "team-a"}
    f = one(write_rule, "assert: {attr: public, eq: false}\n", res)
    assert f.resource.tags["api_token"] == REDACTED  # in every finding of the resource


def test_password_hash_fail_message(write_rule: WriteRule) -> None:
    res = Resource(type="network_device", id="fw1", provider="onprem",
                   attributes={"password_hash": f"$1${SECRET}"})
    f = one(write_rule, "assert: {attr: password_hash, not_matches: '^\\$1\\$'}\n", res)
    assert f.status is Status.FAIL  # an MD5-crypt hash: weak
    shows_no_secret(f)
    assert f.message.startswith(f"observed password_hash={REDACTED}; required")


def test_collection_failure_findings_are_masked_too(write_rule: WriteRule) -> None:
    [spec] = load_rules([write_rule("assert: {attr: mfa, eq: true}\n", resource="user")])
    engine = Engine([compile_rule(spec, AS_OF)])
    from mamori.checks.model import CollectionError
    error = CollectionError(provider="aws", operation="iam:ListUsers", scope="1",
                            code="AccessDenied", message="denied", resource_types=("user",))
    [f] = list(engine.collection_failed(error))
    assert f.status is Status.ERROR and f.evidence == {}


# --- a snapshot withheld the value: ERROR, whatever the operator ------------------------

WITHHELD_RULES = [
    "assert: {attr: password_hash, exists: true}\n",
    "assert: {attr: password_hash, exists: false}\n",
    "assert: {not: {attr: password_hash, exists: true}}\n",
    "assert: {attr: password_hash, eq: cisco}\n",
    "assert: {attr: password_hash, ne: cisco}\n",
    "assert: {attr: password_hash, not_in: [cisco, admin]}\n",
    "assert: {attr: password_hash, not_matches: '^\\$1\\$'}\n",
    "assert: {any: [{attr: password_hash, ne: x}, {attr: vendor, eq: nobody}]}\n",
    "when: {attr: password_hash, exists: true}\nassert: {attr: vendor, eq: cisco}\n",
]


@pytest.mark.parametrize("body", WITHHELD_RULES)
def test_a_withheld_value_is_never_decided(write_rule: WriteRule, body: str) -> None:
    res = WithheldResource(type="network_device", id="fw1", provider="onprem",
                           attributes={"vendor": "cisco"}, withheld=("password_hash",))
    f = one(write_rule, body, res)
    assert f.status is Status.ERROR
    assert "password_hash not kept in the snapshot" in f.message


@pytest.mark.parametrize(("body", "withheld"), [
    ("assert: {attr: raw.UserData, exists: false}\n", "raw"),
    ("assert: {attr: access_keys, none: {attr: active, eq: true}}\n",
     "access_keys.x_secret"),
    ("assert: {attr: tags.api_token, exists: false}\n", "tags.api_token"),
    ("assert: {attr: x_db.port, eq: 5432}\n", "x_db"),
])
def test_withheld_inside_or_around_what_the_rule_reads(write_rule: WriteRule, body: str,
                                                       withheld: str) -> None:
    res = WithheldResource(type="user", id="u1", provider="aws",
                           attributes={"access_keys": [{"id": "k", "active": True}]},
                           withheld=(withheld,))
    assert one(write_rule, body, res).status is Status.ERROR


def test_rules_that_read_no_withheld_value_decide_as_usual(write_rule: WriteRule) -> None:
    res = WithheldResource(type="network_device", id="fw1", provider="onprem",
                           attributes={"vendor": "cisco", "default_credentials": True},
                           withheld=("password_hash", "raw"))
    f = one(write_rule, "assert: {attr: default_credentials, eq: false}\n", res)
    assert f.status is Status.FAIL
