"""The whole canned tenant collected once; each test checks known attribute values.

The server throttles the first NSG listing and the first Graph /users call (429 with
Retry-After), pages storage accounts, role assignments and users, and refuses one
container listing (403): the scan still completes with exactly that one error.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from mamori.checks.model import Resource
from tests.providers.azure import scenario as s
from tests.providers.azure.azure_server import AzureServer
from tests.providers.azure.conftest import (
    Collected,
    by_name,
    client_secret_credential,
    collect,
    errors,
    options_for,
    resources,
    running_server,
)


@pytest.fixture(scope="module")
def scan(certificate: tuple[Path, Path]) -> Iterator[tuple[Collected, AzureServer, list[str]]]:
    with running_server(certificate) as srv:
        lines: list[str] = []
        credential = client_secret_credential(srv, certificate)
        items = collect(options_for(srv, certificate, credential)(progress=lines.append))
        yield items, srv, lines


@pytest.fixture(scope="module")
def items(scan: tuple[Collected, AzureServer, list[str]]) -> Collected:
    return scan[0]


def test_every_resource_is_from_azure_with_an_account_and_a_source(items: Collected) -> None:
    found = [i for i in items if isinstance(i, Resource)]
    assert found
    for resource in found:
        assert resource.provider == "azure"
        assert resource.account in (s.SUB_A, s.SUB_B, s.TENANT)
        assert resource.source


def test_only_the_refused_container_listing_is_an_error(items: Collected) -> None:
    [error] = errors(items)
    assert error.provider == "azure"
    assert error.operation == "Microsoft.Storage/storageAccounts/blobServices/containers/read"
    assert error.code == "AuthorizationFailed"
    assert error.scope == f"subscription {s.SUB_A}"
    assert error.account == s.SUB_A
    assert "deniedsa" in error.message


def test_public_container_makes_the_account_public(items: Collected) -> None:
    bucket = by_name(items, "bucket", "publicsa", s.SUB_A)
    assert bucket.id == s.storage_id(s.SUB_A, "publicsa")
    assert bucket.region == "japaneast"
    assert bucket.attributes["public"] is True
    assert bucket.attributes["public_via"] == ["container:images:Blob"]
    assert bucket.attributes["encryption"] == {"enabled": True, "customer_managed_key": False}
    assert bucket.attributes["versioning"] is False  # isVersioningEnabled not set
    assert bucket.attributes["access_logging"] is False
    assert bucket.attributes["x_https_only"] is True
    assert bucket.tags == {"owner": "data-team"}


def test_account_level_block_neutralises_a_public_container(
        scan: tuple[Collected, AzureServer, list[str]]) -> None:
    items, server, _ = scan
    bucket = by_name(items, "bucket", "blockedsa")
    assert bucket.attributes["public"] is False
    assert bucket.attributes["public_via"] == []
    assert bucket.attributes["encryption"] == {"enabled": True, "customer_managed_key": True}
    assert bucket.attributes["versioning"] is True
    assert bucket.attributes["access_logging"] is True
    assert not server.requests_to("/storageaccounts/blockedsa/blobservices/default/containers")


def test_refused_container_listing_leaves_public_absent(items: Collected) -> None:
    bucket = by_name(items, "bucket", "deniedsa")
    assert "public" not in bucket.attributes
    assert "public_via" not in bucket.attributes
    assert "encryption" not in bucket.attributes  # the answer had no encryption object
    assert bucket.attributes["versioning"] is False


def test_storage_listing_follows_next_link(scan: tuple[Collected, AzureServer, list[str]]) -> None:
    items, server, _ = scan
    names = {r.name for r in resources(items, "bucket").values() if r.account == s.SUB_A}
    assert names == {"publicsa", "blockedsa", "deniedsa"}
    pages = [q.query for q in server.requests_to(
        f"/subscriptions/{s.SUB_A}/providers/microsoft.storage/storageaccounts")]
    assert any("skiptoken=p2" in q for q in pages)


def test_subscriptions_with_the_same_display_name_stay_apart(items: Collected) -> None:
    first = by_name(items, "bucket", "publicsa", s.SUB_A)
    second = by_name(items, "bucket", "publicsa", s.SUB_B)
    assert first.id != second.id
    assert second.attributes["public"] is False


def test_nsg_rule_open_to_internet_on_rdp(items: Collected) -> None:
    rule = by_name(items, "firewall_rule", "web-nsg/allow-rdp")
    assert rule.id == f"{s.nsg_id('web-nsg')}/securityRules/allow-rdp"
    assert rule.attributes["direction"] == "ingress"
    assert rule.attributes["action"] == "allow"
    assert rule.attributes["protocol"] == "tcp"
    assert rule.attributes["ports"] == [[3389, 3389]]
    assert rule.attributes["sources"] == ["0.0.0.0/0", "::/0"]


def test_nsg_rule_range_covering_ssh_from_any(items: Collected) -> None:
    rule = by_name(items, "firewall_rule", "web-nsg/allow-ssh-range")
    assert rule.attributes["ports"] == [[20, 30]]
    assert rule.attributes["sources"] == ["0.0.0.0/0", "::/0"]


def test_nsg_rule_lists_and_service_tags(items: Collected) -> None:
    web = by_name(items, "firewall_rule", "web-nsg/allow-web")
    assert web.attributes["sources"] == ["203.0.113.7/32", "198.51.100.0/24"]
    assert web.attributes["ports"] == [[80, 80], [443, 443]]
    vnet = by_name(items, "firewall_rule", "web-nsg/vnet-any")
    assert vnet.attributes["sources"] == []
    assert vnet.attributes["x_source_tags"] == ["VirtualNetwork"]
    assert vnet.attributes["protocol"] == "all"
    assert vnet.attributes["ports"] == [[0, 65535]]
    out = by_name(items, "firewall_rule", "web-nsg/deny-out")
    assert (out.attributes["direction"], out.attributes["action"]) == ("egress", "deny")


def test_default_nsg_rules_are_not_resources(items: Collected) -> None:
    names = {r.name for r in resources(items, "firewall_rule").values()}
    assert names == {"web-nsg/allow-rdp", "web-nsg/allow-ssh-range", "web-nsg/allow-web",
                     "web-nsg/vnet-any", "web-nsg/deny-out"}


def test_nsg_listing_survived_a_429(scan: tuple[Collected, AzureServer, list[str]]) -> None:
    _, server, _ = scan
    calls = server.requests_to(
        f"/subscriptions/{s.SUB_A}/providers/microsoft.network/networksecuritygroups")
    assert len(calls) == 2  # throttled once, then answered


def test_graph_users_survived_a_429_and_two_pages(
        scan: tuple[Collected, AzureServer, list[str]]) -> None:
    items, server, _ = scan
    assert len(resources(items, "user")) == 6
    assert len(server.requests_to("/graph/v1.0/users")) == 3  # 429, page 1, page 2


def test_disks(items: Collected) -> None:
    platform = by_name(items, "volume", "vm1-osdisk")
    assert platform.attributes["encrypted"] is True
    assert platform.attributes["x_customer_managed_key"] is False
    assert platform.attributes["attached_to"] == s.compute_id("virtualMachines", "vm1")
    cmk = by_name(items, "volume", "data-cmk")
    assert cmk.attributes["encrypted"] is True
    assert cmk.attributes["x_customer_managed_key"] is True
    assert "attached_to" not in cmk.attributes
    unknown = by_name(items, "volume", "vm2-osdisk")
    assert "encrypted" not in unknown.attributes  # no encryption object: not guessed


def test_vm_with_patch_status(items: Collected) -> None:
    host = by_name(items, "host", "vm1")
    assert host.attributes["os"] == "windows"
    assert host.attributes["os_version"] == "10.0.20348.2227"
    assert host.attributes["missing_critical_patches"] == 2
    assert host.attributes["last_patched"] == datetime(2026, 10, 1, 2, 30, tzinfo=UTC)
    assert host.attributes["internet_facing"] is True
    assert host.attributes["disk_encrypted"] is True


def test_vm_without_patch_status_leaves_patch_facts_absent(items: Collected) -> None:
    host = by_name(items, "host", "vm2")
    assert "last_patched" not in host.attributes
    assert "missing_critical_patches" not in host.attributes
    assert "disk_encrypted" not in host.attributes
    assert host.attributes["internet_facing"] is False


def test_sql_server_with_public_access(items: Collected) -> None:
    db = by_name(items, "database", "sql-public")
    assert db.attributes["public"] is True
    assert db.attributes["encrypted"] is True
    assert db.attributes["admin_username"] == "sqladmin"
    assert db.attributes["engine"] == "sqlserver"


def test_sql_server_private_without_tde(items: Collected) -> None:
    db = by_name(items, "database", "sql-private")
    assert db.attributes["public"] is False
    assert db.attributes["encrypted"] is False
    assert db.attributes["x_unencrypted_databases"] == ["hrdb"]
    assert db.attributes["admin_username"] == "sa"


def _user(items: Collected, object_id: str) -> Resource:
    user = resources(items, "user")[object_id]
    assert user.account == s.TENANT
    assert user.source == f"graph:/users/{object_id}"
    return user


def test_guest_owner_at_subscription_scope(items: Collected) -> None:
    bob = _user(items, s.BOB)
    assert bob.attributes["guest"] is True
    assert bob.attributes["admin"] is True
    assert bob.attributes["admin_direct"] is True
    assert bob.attributes["x_admin_via"] == [f"subscription:{s.SUB_A}:Owner"]
    assert bob.attributes["mfa"] is False  # not registered


def test_owner_through_a_group(items: Collected) -> None:
    dave = _user(items, s.DAVE)
    assert dave.attributes["admin"] is True
    assert dave.attributes["admin_direct"] is False
    assert dave.attributes["x_admin_via"] == [
        f"subscription:{s.SUB_A}:Owner via group {s.ADMINS}"]


def test_global_administrator_and_custom_admin_role(items: Collected) -> None:
    alice = _user(items, s.ALICE)
    assert alice.attributes["admin"] is True
    assert alice.attributes["x_admin_via"] == ["directoryRole:Global Administrator"]
    assert alice.attributes["mfa"] is True
    assert alice.attributes["last_active"] == datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    carol = _user(items, s.CAROL)
    assert carol.attributes["admin"] is True
    assert carol.attributes["x_admin_via"] == [f"subscription:{s.SUB_A}:Super Operator"]
    assert carol.attributes["last_active"] == "never"


def test_resource_group_contributor_and_directory_reader_are_not_admin(items: Collected) -> None:
    frank = _user(items, s.FRANK)
    assert frank.attributes["admin"] is False
    assert "mfa" not in frank.attributes  # missing from the registration report
    erin = _user(items, s.ERIN)
    assert erin.attributes["enabled"] is False
    assert erin.attributes["admin"] is False
    assert erin.attributes["created"] == datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def test_service_principals_become_roles(items: Collected) -> None:
    roles = resources(items, "role")
    assert set(roles) == {s.DEPLOY_SP, s.VM_MI}
    vendor = roles[s.DEPLOY_SP]
    assert vendor.name == "vendor-deploy"
    assert vendor.account == s.TENANT
    assert vendor.attributes["admin"] is True
    assert vendor.attributes["external_trust_unconditioned"] is True
    assert vendor.attributes["trusted_principals"] == [f"tenant:{s.VENDOR_TENANT}"]
    identity = roles[s.VM_MI]
    assert identity.attributes["admin"] is False  # Reader only
    assert identity.attributes["external_trust_unconditioned"] is False


def test_tenant_account_has_mfa_enforced_by_conditional_access(items: Collected) -> None:
    [account] = resources(items, "account").values()
    assert account.id == account.account == s.TENANT
    assert account.name == "Contoso Japan"
    assert account.attributes["mfa_enforced"] is True
    assert account.attributes["root_mfa"] is True  # alice, the only Global Admin


def test_progress_reports_each_unit_of_work(
        scan: tuple[Collected, AzureServer, list[str]]) -> None:
    _, _, lines = scan
    assert any(line.startswith(f"azure: subscription {s.SUB_A} storage: 3 resources, 1 error")
               for line in lines)
    assert any(line.startswith("azure: identities:") for line in lines)


def test_the_token_never_reaches_resources_or_errors(items: Collected) -> None:
    from tests.providers.azure.azure_server import TOKEN

    assert TOKEN not in repr(items)
    assert "not-a-real-secret" not in repr(items)
