"""The built-in rules on the AWS scenario: verdicts resource by resource.

Expected verdicts follow from what conftest.py set up and what each rule asks, e.g. a
bucket public only through its policy fails MAM-STO-001 even though the account block
ignores public ACLs; an SG rule for ports 20-30 from 0.0.0.0/0 fails the admin-port rule.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest

from mamori.checks.config import Config
from mamori.checks.engine import evaluate_rule
from mamori.checks.ruleset import CompiledRule
from mamori.checks.scan import compile_rules, declared_observability, load_rule_specs

ACCOUNT = "123456789012"
OTHER = "111111111111"


@cache
def rules() -> dict[str, CompiledRule]:
    compiled = compile_rules(load_rule_specs(Config()), Config(), datetime.now(UTC))
    return {r.info.id: r for r in compiled}


def find(collected: Any, type_: str, name: str, account: str) -> Any:
    if type_ != "firewall_rule":
        return collected.get(type_, name, account)
    [rule] = [r for r in collected.resources
              if r.type == type_ and r.account == account and r.region == "us-east-1"
              and r.attributes["raw"]["group_name"] == name
              and r.attributes["direction"] == "ingress"]
    return rule


def verdict(collected: Any, rule_id: str, type_: str, name: str, account: str = ACCOUNT) -> str:
    finding = evaluate_rule(rules()[rule_id], find(collected, type_, name, account),
                            declared_observability())
    return "NOT_APPLICABLE" if finding is None else finding.status.value


CASES = [
    # storage
    ("MAM-STO-001", "bucket", "policy-public", ACCOUNT, "FAIL"),
    ("MAM-STO-001", "bucket", "policy-conditioned", ACCOUNT, "PASS"),
    ("MAM-STO-001", "bucket", "acl-public-blocked", ACCOUNT, "PASS"),
    ("MAM-STO-001", "bucket", "acct2-acl-public", OTHER, "FAIL"),
    ("MAM-STO-001", "bucket", "plain", ACCOUNT, "PASS"),
    ("MAM-STO-002", "bucket", "kms-cmk", ACCOUNT, "PASS"),
    ("MAM-STO-003", "bucket", "kms-cmk", ACCOUNT, "PASS"),
    ("MAM-STO-004", "bucket", "sse-s3", ACCOUNT, "PASS"),
    ("MAM-STO-004", "bucket", "plain", ACCOUNT, "FAIL"),
    ("MAM-STO-005", "bucket", "sse-s3", ACCOUNT, "PASS"),
    ("MAM-STO-005", "bucket", "plain", ACCOUNT, "FAIL"),
    # identity
    ("MAM-IAM-001", "user", "console-no-mfa", ACCOUNT, "FAIL"),
    ("MAM-IAM-001", "user", "console-mfa", ACCOUNT, "PASS"),
    ("MAM-IAM-001", "user", "plain", ACCOUNT, "NOT_APPLICABLE"),
    # group-admin has neither a password nor a key: it cannot sign in, so MFA is moot
    ("MAM-IAM-002", "user", "group-admin", ACCOUNT, "NOT_APPLICABLE"),
    ("MAM-IAM-002", "user", "plain", ACCOUNT, "NOT_APPLICABLE"),
    ("MAM-IAM-003", "user", "group-admin", ACCOUNT, "PASS"),
    ("MAM-IAM-003", "user", "direct-admin", ACCOUNT, "FAIL"),
    ("MAM-IAM-003", "user", "custom-admin", ACCOUNT, "FAIL"),
    ("MAM-IAM-004", "user", "old-key", ACCOUNT, "FAIL"),
    ("MAM-IAM-004", "user", "never-used-key", ACCOUNT, "PASS"),
    ("MAM-IAM-005", "user", "old-key", ACCOUNT, "FAIL"),
    ("MAM-IAM-005", "user", "never-used-key", ACCOUNT, "PASS"),
    ("MAM-IAM-010", "role", "cross-open", ACCOUNT, "FAIL"),
    ("MAM-IAM-010", "role", "cross-extid", ACCOUNT, "PASS"),
    ("MAM-IAM-010", "role", "star-trust", ACCOUNT, "FAIL"),
    ("MAM-IAM-010", "role", "own-account", ACCOUNT, "PASS"),
    # network
    ("MAM-NET-001", "firewall_rule", "ssh-range", ACCOUNT, "FAIL"),
    ("MAM-NET-001", "firewall_rule", "ipv6-open", ACCOUNT, "PASS"),
    ("MAM-NET-001", "firewall_rule", "icmp-ping", ACCOUNT, "PASS"),
    ("MAM-NET-001", "firewall_rule", "all-traffic", ACCOUNT, "PASS"),
    ("MAM-NET-003", "firewall_rule", "all-traffic", ACCOUNT, "PASS"),
    # databases and volumes
    ("MAM-DB-001", "database", "public-db", ACCOUNT, "FAIL"),
    ("MAM-DB-001", "database", "private-db", ACCOUNT, "PASS"),
    ("MAM-DB-002", "database", "public-db", ACCOUNT, "FAIL"),
    ("MAM-DB-002", "database", "aurora", ACCOUNT, "PASS"),
    ("MAM-DB-004", "database", "public-db", ACCOUNT, "FAIL"),
    ("MAM-DB-004", "database", "aurora", ACCOUNT, "PASS"),
    ("MAM-VOL-001", "volume", "loose-volume", ACCOUNT, "FAIL"),
    ("MAM-VOL-001", "volume", "sealed-volume", ACCOUNT, "PASS"),
    # a host SSM does not manage: patch age cannot be known, never PASS
    ("MAM-HOST-001", "host", "web", ACCOUNT, "ERROR"),
    # no EC2 or SSM API shows whether a default password still works: a host inventory can
    ("MAM-HOST-005", "host", "web", ACCOUNT, "NOT_ASSESSED"),
    ("MAM-DB-003", "database", "private-db", ACCOUNT, "NOT_ASSESSED"),
    # reachable = publicly accessible AND internet route AND SG open on the port
    ("MAM-DB-001", "database", "exposed-private-subnet", ACCOUNT, "PASS"),
    ("MAM-DB-001", "database", "exposed-closed-sg", ACCOUNT, "PASS"),
    ("MAM-DB-006", "database", "tls-db", ACCOUNT, "PASS"),
    ("MAM-DB-006", "database", "public-db", ACCOUNT, "FAIL"),
    ("MAM-DB-007", "database", "tls-db", ACCOUNT, "PASS"),
    ("MAM-DB-007", "database", "public-db", ACCOUNT, "FAIL"),
    # buckets: transport, ACLs, bucket-level block, public writes, keys
    ("MAM-STO-006", "bucket", "hardened", ACCOUNT, "PASS"),
    ("MAM-STO-006", "bucket", "tls-partial", ACCOUNT, "FAIL"),
    ("MAM-STO-007", "bucket", "plain", ACCOUNT, "PASS"),
    ("MAM-STO-008", "bucket", "plain", ACCOUNT, "PASS"),
    ("MAM-STO-009", "bucket", "hardened", ACCOUNT, "PASS"),
    ("MAM-STO-009", "bucket", "plain", ACCOUNT, "FAIL"),
    ("MAM-STO-010", "bucket", "hardened", ACCOUNT, "PASS"),
    ("MAM-STO-010", "bucket", "plain", ACCOUNT, "FAIL"),
    ("MAM-STO-011", "bucket", "public-write-policy", ACCOUNT, "FAIL"),
    ("MAM-STO-011", "bucket", "acl-write-blocked", ACCOUNT, "PASS"),
    ("MAM-STO-001", "bucket", "acct2-acl-disabled", OTHER, "PASS"),
    # identity: policies, keys, guests, disabled admins, HR facts out of reach
    ("MAM-IAM-014", "policy", "everything", ACCOUNT, "FAIL"),
    ("MAM-IAM-014", "policy", "unused-admin", ACCOUNT, "PASS"),
    ("MAM-IAM-014", "policy", "s3-reader", ACCOUNT, "PASS"),
    ("MAM-IAM-013", "user", "two-keys", ACCOUNT, "FAIL"),
    ("MAM-IAM-013", "user", "old-key", ACCOUNT, "PASS"),
    ("MAM-IAM-011", "user", "direct-admin", ACCOUNT, "PASS"),
    ("MAM-IAM-012", "user", "group-admin", ACCOUNT, "FAIL"),  # cannot sign in, still admin
    ("MAM-IAM-012", "user", "plain", ACCOUNT, "PASS"),
    ("MAM-IAM-006", "user", "console-mfa", ACCOUNT, "NOT_ASSESSED"),
    ("MAM-IAM-008", "user", "console-mfa", ACCOUNT, "NOT_ASSESSED"),
    ("MAM-IAM-009", "user", "console-mfa", ACCOUNT, "NOT_ASSESSED"),
]


@pytest.mark.parametrize(("rule_id", "type_", "name", "account", "expected"), CASES,
                         ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_rule_verdicts_on_the_scenario(collected: Any, rule_id: str, type_: str, name: str,
                                       account: str, expected: str) -> None:
    assert verdict(collected, rule_id, type_, name, account) == expected


def test_account_rules(collected: Any) -> None:
    [main] = [r for r in collected.resources if r.type == "account" and r.account == ACCOUNT]
    results = {rid: evaluate_rule(rules()[rid], main, declared_observability()) for rid in
               ("MAM-ACC-003", "MAM-ACC-004", "MAM-ACC-005", "MAM-ACC-006", "MAM-ACC-002",
                "MAM-ACC-007")}
    status = {rid: f.status.value if f else "NOT_APPLICABLE" for rid, f in results.items()}
    # multi-region trail logging, retention 400 days, password length 14
    assert status["MAM-ACC-003"] == status["MAM-ACC-004"] == "PASS"
    assert status["MAM-ACC-005"] == status["MAM-ACC-006"] == "PASS"
    # the account block only ignores ACLs; public policies stay allowed: not a full block
    assert status["MAM-ACC-002"] == "FAIL"
    # IAM has no account-wide MFA requirement: out of reach, naming who could tell
    assert status["MAM-ACC-007"] == "NOT_ASSESSED"
    needs = results["MAM-ACC-007"].needs  # type: ignore[union-attr]
    assert list(needs) == ["mfa_enforced"] and "inventory" in needs["mfa_enforced"]
