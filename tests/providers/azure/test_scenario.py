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
    assert bucket.tags == {"owner": "data-team"}
    assert bucket.data_classes == ()  # untagged: no data classes declared


def test_account_settings_as_the_storage_reference_documents_them(items: Collected) -> None:
    public = by_name(items, "bucket", "publicsa", s.SUB_A).attributes
    # supportsHttpsTrafficOnly false, minimumTlsVersion TLS1_0, allowBlobPublicAccess true
    assert (public["tls_required"], public["min_tls_version"]) == (False, "1.0")
    assert public["public_access_block"] is False
    assert public["shared_key_access"] is True  # allowSharedKeyAccess unset: null = true
    blocked = by_name(items, "bucket", "blockedsa").attributes
    assert (blocked["tls_required"], blocked["min_tls_version"]) == (True, "1.2")
    assert blocked["public_access_block"] is True  # allowBlobPublicAccess false
    assert blocked["shared_key_access"] is False
    assert blocked["acl_enabled"] is True  # hierarchical namespace: POSIX ACLs
    denied = by_name(items, "bucket", "deniedsa").attributes
    assert denied["min_tls_version"] == "1.0"  # unset: "the default interpretation is 1.0"
    for bucket in resources(items, "bucket").values():
        # Anonymous access is read-only on Azure, whatever the account allows.
        assert bucket.attributes["public_write"] is False
    assert public["acl_enabled"] is False  # flat namespace: no per-blob ACLs


def test_every_arm_resource_reads_its_data_class_tags(items: Collected) -> None:
    from mamori.providers.tags import data_classes, records

    arm = [r for r in resources(items).values() if r.id.startswith("/subscriptions/")]
    assert {r.type for r in arm} == {"bucket", "firewall_rule", "volume", "host", "database"}
    for resource in arm:
        assert resource.data_classes == data_classes(resource.tags), resource.id
        assert resource.records == records(resource.tags), resource.id


def test_data_class_tags_are_read_with_the_shared_reading(items: Collected) -> None:
    blocked = by_name(items, "bucket", "blockedsa")
    assert [d.value for d in blocked.data_classes or ()] == ["personal", "payment"]
    assert blocked.records == 12000  # "12,000"
    typo = by_name(items, "volume", "vm3-osdisk")
    assert typo.data_classes is None  # "personl": unknown, never "no personal data"


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
    assert platform.attributes["customer_managed_key"] is False
    assert platform.attributes["attached_to"] == s.compute_id("virtualMachines", "vm1")
    cmk = by_name(items, "volume", "data-cmk")
    assert cmk.attributes["encrypted"] is True
    assert cmk.attributes["customer_managed_key"] is True
    both = by_name(items, "volume", "vm3-osdisk")
    assert both.attributes["customer_managed_key"] is True  # platform and customer keys
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
    # Only an internal load balancer's NAT rule forwards to it: not the internet.
    assert host.attributes["internet_facing"] is False
    assert "default_credentials" not in host.attributes  # password sign-in allowed


def test_vm_behind_a_public_load_balancer_is_internet_facing(items: Collected) -> None:
    host = by_name(items, "host", "vm3")  # no public IP of its own
    assert host.attributes["internet_facing"] is True
    # disablePasswordAuthentication: no password, so no vendor default password, works
    assert host.attributes["default_credentials"] is False
    assert "default_credentials" not in by_name(items, "host", "vm1").attributes  # Windows


def test_sql_server_with_public_access(items: Collected) -> None:
    db = by_name(items, "database", "sql-public")
    assert db.attributes["public"] is True
    assert db.attributes["encrypted"] is True
    assert db.attributes["admin_username"] == "sqladmin"
    assert db.attributes["engine"] == "sqlserver"
    assert db.attributes["customer_managed_key"] is True  # protector: AzureKeyVault
    assert db.attributes["tls_required"] is True  # minimalTlsVersion 1.2
    assert db.attributes["backups_enabled"] is True  # automated backups: always on


def test_sql_server_private_without_tde(items: Collected) -> None:
    db = by_name(items, "database", "sql-private")
    assert db.attributes["public"] is False
    assert db.attributes["encrypted"] is False
    assert db.attributes["x_unencrypted_databases"] == ["hrdb"]
    assert db.attributes["admin_username"] == "sa"
    assert db.attributes["customer_managed_key"] is False  # ServiceManaged
    assert db.attributes["tls_required"] is False  # minimalTlsVersion None: unencrypted ok


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
    assert dave.attributes["mfa"] is False  # registered, but not MFA-capable


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


def test_admin_roles_are_the_ones_microsoft_marks_privileged(items: Collected) -> None:
    frank = _user(items, s.FRANK)
    # Directory Readers and Exchange Administrator are not privileged (isPrivileged
    # false), whatever the name says; a resource-group Contributor is not subscription admin.
    assert frank.attributes["admin"] is False
    assert "mfa" not in frank.attributes  # missing from the registration report
    erin = _user(items, s.ERIN)
    assert erin.attributes["enabled"] is False
    # Global Reader is privileged without "Administrator" in its name.
    assert erin.attributes["admin"] is True
    assert erin.attributes["x_admin_via"] == ["directoryRole:Global Reader"]
    assert erin.attributes["created"] == datetime(2024, 4, 1, 9, 0, tzinfo=UTC)


def test_dormancy_counts_successful_sign_ins_only(items: Collected) -> None:
    frank = _user(items, s.FRANK)
    # A failed sign-in attempt on 25 November moves lastSignInDateTime, not his activity.
    assert frank.attributes["last_active"] == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert frank.attributes["x_last_sign_in_attempt"] == datetime(2026, 11, 25, 3, 14,
                                                                  tzinfo=UTC)


def test_users_carry_what_the_hr_join_matches_on(items: Collected) -> None:
    alice = _user(items, s.ALICE)
    assert alice.attributes["email"] == "alice.k@contoso.co.jp"  # mail, before the UPN
    assert alice.attributes["employee_id"] == "E1001"
    assert _user(items, s.CAROL).attributes["email"] == "carol@contoso.example"  # UPN
    assert "employee_id" not in _user(items, s.CAROL).attributes


def test_mfa_enforced_per_user_only_where_a_policy_proves_it(items: Collected) -> None:
    # "Require MFA for all users" excludes one group; CAROL is in it.
    assert _user(items, s.ALICE).attributes["mfa_enforced"] is True
    assert _user(items, s.BOB).attributes["mfa_enforced"] is True  # guests not excluded
    assert "mfa_enforced" not in _user(items, s.CAROL).attributes


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


def test_tenant_account_platform_facts(items: Collected) -> None:
    [account] = resources(items, "account").values()
    a = account.attributes
    # Entra ID fixes cloud passwords at 8 characters and the customer cannot change it.
    assert a["password_policy"] == {"min_length": 8, "customer_configurable": False}
    # The Activity Log is always on and covers every region. SUB_A's export keeps 180
    # days, SUB_B has only the Activity Log's own 90: the tenant is as weak as SUB_B.
    assert a["audit_log"]["enabled"] is True
    assert a["audit_log"]["multi_region"] is True
    assert a["audit_log"]["retention_days"] == 90
    assert a["audit_log"]["data_access"] is False  # publicsa does not log blob reads
    # SUB_A's initiative denies anonymous access, but two accounts there already allow
    # it; SUB_B's assignment only audits.
    assert a["public_access_block"] is False
    assert a["x_public_access_unblocked"] == [s.SUB_A, s.SUB_B]


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
