"""The built-in rules run unchanged on what the GCP provider collects.

Findings go through the engine with the providers' declarations (as a scan does), so
what the GCP APIs can never tell is NOT_ASSESSED, and what they should have told and
did not is ERROR. Expected verdicts follow each rule's intent on the acme estate
(scenario.py, scenario_platform.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mamori.checks.engine import Engine
from mamori.checks.model import Status
from mamori.checks.ruleset import builtin_rules_dir, compile_rule, load_rules
from mamori.providers.registry import observability
from tests.providers.gcp.conftest import PROJECT, FakeGoogle, options, run
from tests.providers.gcp.scenario import CI_SA, KEYS_SA, SELF, seed_all, seed_buckets
from tests.providers.gcp.scenario_platform import CUSTOMER

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
FW = f"{SELF}/global/firewalls"
ROLE = f"projects/{PROJECT}/iamPolicy/roles"
HOST = f"{SELF}/zones/asia-northeast1-a/instances"
SQL = f"https://sqladmin.googleapis.com/v1/projects/{PROJECT}/instances"
ACCOUNT = f"projects/{PROJECT}"

EXPECTED = {
    ("MAM-STO-001", "public-iam"): Status.FAIL,
    ("MAM-STO-001", "public-acl"): Status.FAIL,
    ("MAM-STO-001", "public-default-acl"): Status.FAIL,
    ("MAM-STO-001", "protected-pap"): Status.PASS,
    ("MAM-STO-001", "private-cmek"): Status.PASS,
    ("MAM-STO-002", "public-iam"): Status.PASS,
    ("MAM-STO-004", "private-cmek"): Status.PASS,
    ("MAM-STO-005", "public-iam"): Status.FAIL,
    ("MAM-NET-001", f"{FW}/allow-ssh-world"): Status.FAIL,
    ("MAM-NET-001", f"{FW}/no-source"): Status.FAIL,
    ("MAM-NET-001", f"{FW}/web-and-dns#tcp"): Status.PASS,
    ("MAM-NET-001", f"{FW}/all-from-tags"): Status.PASS,
    ("MAM-NET-003", f"{FW}/no-source"): Status.FAIL,
    ("MAM-NET-003", f"{FW}/allow-ssh-world"): Status.PASS,
    ("MAM-IAM-010", f"{ROLE}/owner"): Status.FAIL,
    ("MAM-IAM-010", f"{ROLE}/editor"): Status.PASS,
    ("MAM-IAM-010", f"{ROLE}/storage.objectViewer"): Status.FAIL,
    ("MAM-IAM-003", "user:mallory@outside.example"): Status.FAIL,
    ("MAM-IAM-005", f"serviceAccount:{KEYS_SA}"): Status.FAIL,
    ("MAM-IAM-005", f"serviceAccount:{CI_SA}"): Status.PASS,
    ("MAM-IAM-004", f"serviceAccount:{KEYS_SA}"): Status.FAIL,
    ("MAM-DB-001", f"{SQL}/orders"): Status.FAIL,
    ("MAM-DB-001", f"projects/{PROJECT}/instances/billing"): Status.PASS,
    ("MAM-DB-004", f"{SQL}/orders"): Status.FAIL,
    ("MAM-HOST-001", f"{HOST}/web-1"): Status.PASS,
    ("MAM-HOST-002", f"{HOST}/web-1"): Status.PASS,
    ("MAM-HOST-003", f"{HOST}/web-1"): Status.FAIL,
    ("MAM-HOST-001", f"{SELF}/zones/asia-northeast1-b/instances/batch-2"): Status.ERROR,
    ("MAM-VOL-001", f"{SELF}/zones/asia-northeast1-a/disks/spare"): Status.PASS,
    # The project as an account: Admin Activity logs always on, everywhere; _Default
    # keeps the other audit logs 30 days; no organisation-wide public access prevention.
    ("MAM-ACC-003", ACCOUNT): Status.PASS,
    ("MAM-ACC-004", ACCOUNT): Status.PASS,
    ("MAM-ACC-005", ACCOUNT): Status.FAIL,
    ("MAM-ACC-002", ACCOUNT): Status.FAIL,
    ("MAM-ACC-001", ACCOUNT): Status.PASS,  # the one super admin (alice) uses 2SV
    ("MAM-ACC-006", ACCOUNT): Status.NOT_ASSESSED,  # Workspace password policy: not read
    # Workspace facts joined to the IAM principals.
    ("MAM-IAM-001", "user:alice@acme.example"): Status.PASS,
    ("MAM-IAM-001", "user:bob@eu.acme.example"): Status.FAIL,  # no 2SV
    ("MAM-IAM-007", "user:bob@eu.acme.example"): Status.FAIL,  # last sign-in in June
    ("MAM-IAM-007", "user:dave@acme.example"): Status.PASS,  # never, but created 9 days ago
    ("MAM-IAM-001", "user:mallory@outside.example"): Status.NOT_ASSESSED,  # not our directory
    ("MAM-IAM-006", "user:carol@acme.example"): Status.PASS,  # suspended: disabled
    ("MAM-IAM-006", "user:alice@acme.example"): Status.NOT_ASSESSED,  # HR knows, no one else
    # Cloud SQL: a stopped instance is not an error.
    ("MAM-DB-004", f"projects/{PROJECT}/instances/archive"): Status.NOT_ASSESSED,
    ("MAM-DB-003", f"{SQL}/orders"): Status.NOT_ASSESSED,
    ("MAM-HOST-005", f"{HOST}/web-1"): Status.NOT_ASSESSED,
}


@pytest.fixture
def verdicts(fake: FakeGoogle, emulator: str) -> dict[tuple[str, str], Status]:
    seed_buckets(emulator)
    seed_all(fake)
    engine = Engine([compile_rule(spec, AS_OF) for spec in load_rules([builtin_rules_dir()])],
                    observability)
    found: dict[tuple[str, str], Status] = {}
    for resource in run(options(fake, emulator, workspace_customer=CUSTOMER)).resources:
        for finding in engine.evaluate(resource):
            found[(finding.rule.id, resource.id)] = finding.status
    return found


def test_rule_verdicts_match_the_estate(verdicts: dict[tuple[str, str], Status]) -> None:
    assert {key: verdicts.get(key) for key in EXPECTED} == EXPECTED


def test_sql_server_default_admin_is_a_default_name(
        verdicts: dict[tuple[str, str], Status]) -> None:
    # The provider reads it (test_estate.test_cloud_sql); the rule must judge it a default.
    assert verdicts[("MAM-DB-004", f"projects/{PROJECT}/instances/ledger")] is Status.FAIL


def test_egress_rules_are_not_judged_as_ingress(
        verdicts: dict[tuple[str, str], Status]) -> None:
    assert ("MAM-NET-001", f"{FW}/deny-egress") not in verdicts


def test_a_denied_listing_gives_error_findings(fake: FakeGoogle) -> None:
    fake.deny("GET", f"/compute/compute/v1/projects/{PROJECT}/global/firewalls")
    got = run(options(fake, services=("compute",)))
    engine = Engine([compile_rule(spec, AS_OF) for spec in load_rules([builtin_rules_dir()])])
    findings = list(engine.collection_failed(got.error("compute.firewalls.list")))
    assert {f.rule.id for f in findings} >= {"MAM-NET-001", "MAM-NET-002", "MAM-NET-003"}
    assert {f.status for f in findings} == {Status.ERROR}


@pytest.mark.parametrize(("created", "expected"), [
    ("2026-11-01T08:00:00Z", Status.PASS),  # 28 days old: cannot have been unused for 90
    ("2026-01-10T08:00:00Z", Status.ERROR),  # old, and Policy Analyzer has no record
])
def test_a_key_too_young_to_be_dormant_is_decided(fake: FakeGoogle, created: str,
                                                  expected: Status) -> None:
    seed_all(fake)
    key = f"projects/{PROJECT}/serviceAccounts/{KEYS_SA}/keys/k1"
    fake.get(f"/iam/v1/projects/-/serviceAccounts/{KEYS_SA}/keys", {"keys": [
        {"name": key, "validAfterTime": created, "keyType": "USER_MANAGED"}]})
    engine = Engine([compile_rule(spec, AS_OF) for spec in load_rules([builtin_rules_dir()])
                     if spec.info.id == "MAM-IAM-004"], observability)
    user = run(options(fake, services=("iam",))).one("user", f"serviceAccount:{KEYS_SA}")
    [finding] = engine.evaluate(user)
    assert finding.status is expected
