"""Leavers across AWS, Azure, GCP and on-prem in one scan, decided by one HR export.

The cloud users are read back from a snapshot (as `mamori scan --aws --azure --gcp
--save-inventory` writes it), so their providers' own declarations apply: no cloud API
holds a person's employment, so without HR records the leaver rule is NOT_ASSESSED for
cloud accounts; with the HR export in the same scan it is PASS or FAIL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mamori.checks.config import Config
from mamori.checks.model import Resource, Status
from mamori.checks.scan import ScanRequest, run_scan
from mamori.providers.files.provider import FilesProvider
from mamori.providers.interface import Provider
from mamori.providers.snapshot import SnapshotProvider, SnapshotWriter

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
CLOUD_USERS = [
    # (provider, id, name, email): an enabled account of each person on each platform
    ("aws", "arn:aws:iam::123456789012:user/tanaka", "tanaka", "tanaka@acme.example"),
    ("azure", "0f6c7d2e-0000-4000-8000-000000000001", "Tanaka", "Tanaka@acme.example"),
    ("gcp", "user:tanaka@acme.example", "tanaka@acme.example", ""),
    ("aws", "arn:aws:iam::123456789012:user/sato", "sato", "sato@acme.example"),
]
HR = ("id,employment,left_on,emails\n"
      "E1,在籍,2026/10/31,tanaka@acme.example\n"  # left at the end of October
      "E2,在籍,,sato@acme.example\n")


@pytest.fixture()
def snapshot(tmp_path: Path) -> Path:
    path = tmp_path / "clouds.jsonl"
    with SnapshotWriter(path) as writer:
        for provider, uid, name, email in CLOUD_USERS:
            attributes = {"enabled": True, **({"email": email} if email else {})}
            writer.write(Resource(type="user", id=uid, name=name, provider=provider,
                                  account="acme", attributes=attributes))
    return path


def leaver_verdicts(providers: list[Provider]) -> dict[tuple[str, str], Status]:
    result = run_scan(ScanRequest(providers=providers, config=Config(), as_of=AS_OF))
    return {(f.resource.provider, f.resource.name): f.status for f in result.findings
            if f.rule.id == "MAM-IAM-006"}


def test_without_hr_the_leaver_rule_is_not_assessed_for_cloud_accounts(
        snapshot: Path) -> None:
    verdicts = leaver_verdicts([SnapshotProvider(snapshot)])
    assert verdicts and set(verdicts.values()) == {Status.NOT_ASSESSED}


def test_with_hr_the_same_accounts_are_decided_on_every_provider(snapshot: Path,
                                                                 tmp_path: Path) -> None:
    hr = tmp_path / "people.csv"
    hr.write_text(HR, encoding="utf-8")
    verdicts = leaver_verdicts([SnapshotProvider(snapshot), FilesProvider([hr])])
    # Tanaka left on 31 October and is still enabled on AWS, Azure and GCP.
    assert verdicts == {("aws", "tanaka"): Status.FAIL, ("azure", "Tanaka"): Status.FAIL,
                        ("gcp", "tanaka@acme.example"): Status.FAIL}
