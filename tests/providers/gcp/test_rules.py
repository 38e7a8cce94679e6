"""The built-in rules run unchanged on what the GCP provider collects."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mamori.checks.engine import Engine
from mamori.checks.model import Status
from mamori.checks.ruleset import builtin_rules_dir, compile_rule, load_rules
from tests.providers.gcp.conftest import PROJECT, FakeGoogle, options, run
from tests.providers.gcp.scenario import CI_SA, KEYS_SA, SELF, seed_all, seed_buckets

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
FW = f"{SELF}/global/firewalls"
ROLE = f"projects/{PROJECT}/iamPolicy/roles"
HOST = f"{SELF}/zones/asia-northeast1-a/instances"
SQL = f"https://sqladmin.googleapis.com/v1/projects/{PROJECT}/instances"

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
}


@pytest.fixture
def verdicts(fake: FakeGoogle, emulator: str) -> dict[tuple[str, str], Status]:
    seed_buckets(emulator)
    seed_all(fake)
    engine = Engine([compile_rule(spec, AS_OF) for spec in load_rules([builtin_rules_dir()])])
    found: dict[tuple[str, str], Status] = {}
    for resource in run(options(fake, emulator)).resources:
        for finding in engine.evaluate(resource):
            found[(finding.rule.id, resource.id)] = finding.status
    return found


def test_rule_verdicts_match_the_estate(verdicts: dict[tuple[str, str], Status]) -> None:
    assert {key: verdicts.get(key) for key in EXPECTED} == EXPECTED


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
