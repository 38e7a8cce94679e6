"""The built-in rules run unchanged on what the Azure provider collects."""

from __future__ import annotations

from datetime import UTC, datetime

from mamori.checks.model import Status
from mamori.checks.scan import ScanRequest, run_scan
from mamori.providers.azure.provider import AzureProvider
from tests.providers.azure import scenario as s
from tests.providers.azure.conftest import MakeOptions


def test_builtin_rules_on_the_canned_tenant(options: MakeOptions) -> None:
    provider = AzureProvider(options())
    result = run_scan(ScanRequest(providers=[provider],
                                  as_of=datetime(2026, 11, 29, tzinfo=UTC)))
    verdicts = {(f.rule.id, f.resource.name): f.status for f in result.findings}

    def status(rule: str, name: str) -> Status:
        return verdicts[(rule, name)]

    assert status("MAM-NET-004", "web-nsg/allow-rdp") is Status.FAIL  # RDP, 3389
    assert status("MAM-NET-001", "web-nsg/allow-rdp") is Status.PASS  # not SSH
    assert status("MAM-NET-001", "web-nsg/allow-ssh-range") is Status.FAIL  # 20-30 ∋ 22
    assert status("MAM-NET-001", "web-nsg/allow-web") is Status.PASS
    assert status("MAM-NET-001", "web-nsg/vnet-any") is Status.PASS
    assert status("MAM-STO-001", "blockedsa") is Status.PASS
    assert status("MAM-STO-001", "deniedsa") is Status.ERROR  # refused, never PASS
    assert status("MAM-DB-001", "sql-public") is Status.FAIL
    assert status("MAM-DB-001", "sql-private") is Status.PASS
    assert status("MAM-DB-002", "sql-private") is Status.FAIL
    assert status("MAM-IAM-002", "bob_partner.example#EXT#@contoso.onmicrosoft.com") \
        is Status.FAIL
    assert status("MAM-IAM-002", "alice@contoso.example") is Status.PASS
    assert status("MAM-IAM-010", "vendor-deploy") is Status.FAIL
    assert status("MAM-HOST-003", "vm1") is Status.FAIL
    assert status("MAM-HOST-003", "vm2") is Status.ERROR  # no patch status: not guessed
    # Issue 12: decided from the platform's documentation.
    assert status("MAM-IAM-007", "frank@contoso.example") is Status.FAIL  # failed attempt
    assert status("MAM-IAM-002", "dave@contoso.example") is Status.FAIL  # not MFA-capable
    assert status("MAM-IAM-012", "erin@contoso.example") is Status.FAIL  # Global Reader
    assert status("MAM-IAM-011", "bob_partner.example#EXT#@contoso.onmicrosoft.com") \
        is Status.FAIL  # a guest Owner
    assert status("MAM-HOST-002", "vm3") is Status.PASS  # behind a public load balancer
    assert ("MAM-HOST-002", "vm2") not in verdicts  # internal load balancer only
    assert status("MAM-HOST-005", "vm3") is Status.PASS  # no password sign-in
    assert status("MAM-HOST-005", "vm1") is Status.NOT_ASSESSED  # needs a host inventory
    assert status("MAM-IAM-006", "alice@contoso.example") is Status.NOT_ASSESSED  # HR
    assert status("MAM-ACC-001", "Contoso Japan") is Status.PASS
    assert status("MAM-ACC-002", "Contoso Japan") is Status.FAIL
    assert status("MAM-ACC-005", "Contoso Japan") is Status.PASS  # 90 days
    assert ("MAM-ACC-006", "Contoso Japan") not in verdicts  # fixed by the platform
    assert status("MAM-STO-006", "blockedsa") is Status.PASS
    assert status("MAM-STO-008", "blockedsa") is Status.PASS
    assert status("MAM-STO-009", "blockedsa") is Status.FAIL  # Data Lake ACLs
    assert status("MAM-STO-011", "blockedsa") is Status.PASS
    assert status("MAM-DB-006", "sql-private") is Status.FAIL  # minimal TLS: None
    assert status("MAM-DB-007", "sql-private") is Status.PASS
    assert status("MAM-VOL-002", "vm3-osdisk") is Status.ERROR  # tag typo: data unknown
    stored = [f for f in result.findings
              if f.rule.id == "MAM-STO-001" and f.resource.name == "publicsa"]
    assert {f.resource.account: f.status for f in stored} == {
        s.SUB_A: Status.FAIL, s.SUB_B: Status.PASS}
    assert [e.operation for e in result.errors] == [
        "Microsoft.Storage/storageAccounts/blobServices/containers/read"]
