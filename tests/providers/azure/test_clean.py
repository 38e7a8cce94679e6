"""The gate on a clean tenant: ``mamori scan --azure`` as a user runs it, end to end.

Every setting of ``clean`` is the good one, so the gate passes (exit 0); what no ARM or
Graph API can tell is NOT_ASSESSED and names the source that could tell it. The same
estate with one listing refused (403) fails closed: exit 3, and the denied call is in
the report. Credentials: the managed-identity flow of DefaultAzureCredential, as in
test_cli.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.providers.azure import clean
from tests.providers.azure.azure_server import IDENTITY_HEADER, AzureServer
from tests.providers.azure.conftest import running_server

DENIED = {"error": {"code": "AuthorizationFailed", "message": (
    "The client 'mamori-reader' does not have authorization to perform this action.")}}


@pytest.fixture
def clean_server(certificate: tuple[Path, Path]) -> Iterator[AzureServer]:
    with running_server(certificate, clean.install, clean.TENANT) as srv:
        yield srv


def scan(server: AzureServer, certificate: tuple[Path, Path],
         out: Path) -> tuple[int, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "MSI_"))}
    env.update(IDENTITY_ENDPOINT=f"{server.url}/msi/token", IDENTITY_HEADER=IDENTITY_HEADER,
               REQUESTS_CA_BUNDLE=str(certificate[0]), NO_PROXY="127.0.0.1,localhost")
    proc = subprocess.run(
        [sys.executable, "-m", "mamori.checks.cli", "scan", "--azure",
         "--azure-arm-url", server.url, "--azure-graph-url", f"{server.url}/graph",
         "--as-of", "2026-11-29", "--format", "json", "--out", str(out), "-q"],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    doc = json.loads((out / "mamori-report.json").read_text(encoding="utf-8"))
    return proc.returncode, doc


def test_a_clean_tenant_passes_the_gate(clean_server: AzureServer,
                                        certificate: tuple[Path, Path],
                                        tmp_path: Path) -> None:
    code, doc = scan(clean_server, certificate, tmp_path)
    assert code == 0
    assert doc["errors"] == []
    statuses = {f["status"] for f in doc["findings"]}
    assert statuses == {"PASS", "NOT_ASSESSED"}
    rules = {f["rule_id"] for f in doc["findings"]}
    # The tenant account's rules are decided from platform facts and the subscription.
    assert {"MAM-ACC-001", "MAM-ACC-002", "MAM-ACC-003", "MAM-ACC-004",
            "MAM-ACC-005"} <= rules
    unassessed = {(f["rule_id"], f["resource"]["name"]): f for f in doc["findings"]
                  if f["status"] == "NOT_ASSESSED"}
    users = ("admin@clean.example", "staff@clean.example")
    # Only HR can say who the people behind the accounts are; only a host inventory
    # whether the Windows image's default accounts still work (the Linux VM has no
    # password sign-in, so it is decided).
    assert set(unassessed) == {("MAM-HOST-005", "windows"),
                               *(("MAM-IAM-006", u) for u in users),
                               *(("MAM-IAM-008", u) for u in users),
                               *(("MAM-IAM-009", u) for u in users)}
    host = unassessed[("MAM-HOST-005", "windows")]
    assert "host inventory" in host["needs"]["default_credentials"]
    assert "not visible to ARM" in host["message"]
    leaver = unassessed[("MAM-IAM-006", "admin@clean.example")]
    assert "HR inventory" in leaver["needs"]["employment"]


@pytest.mark.parametrize(("path", "operation", "rule"), [
    (f"/subscriptions/{clean.SUB}/providers/Microsoft.Network/networkSecurityGroups",
     "Microsoft.Network/networkSecurityGroups/read", "MAM-NET-001"),
    (f"/subscriptions/{clean.SUB}/providers/Microsoft.Authorization/policyAssignments",
     "Microsoft.Authorization/policyAssignments/read", "MAM-ACC-002"),
])
def test_one_refused_listing_fails_closed(clean_server: AzureServer,
                                          certificate: tuple[Path, Path], tmp_path: Path,
                                          path: str, operation: str, rule: str) -> None:
    clean_server.fail(path, 403, DENIED)
    code, doc = scan(clean_server, certificate, tmp_path)
    assert code == 3
    [error] = doc["errors"]
    assert (error["operation"], error["code"]) == (operation, "AuthorizationFailed")
    assert error["scope"] == f"subscription {clean.SUB}"
    assert {f["status"] for f in doc["findings"] if f["rule_id"] == rule} == {"ERROR"}
    assert not [f for f in doc["findings"] if f["status"] == "FAIL"]
