"""The acme estate collected end to end: buckets on the emulator, the rest on FakeGoogle."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from mamori.checks.model import DataClass
from tests.providers.gcp.conftest import PROJECT, TOKEN, Collected, FakeGoogle, options, run
from tests.providers.gcp.scenario import (
    AGENT,
    CI_SA,
    DISABLED_KEY,
    KEYS_SA,
    NEW_KEY,
    OLD_KEY,
    SELF,
    seed_all,
    seed_buckets,
    seed_resource_manager,
)
from tests.providers.gcp.scenario_platform import CUSTOMER, HTTPS_ONLY, seed_org_policy

FIREWALLS = f"{SELF}/global/firewalls"


@pytest.fixture
def estate(fake: FakeGoogle, emulator: str) -> Collected:
    seed_buckets(emulator)
    seed_all(fake)
    return run(options(fake, emulator, workspace_customer=CUSTOMER))


def test_bucket_public_by_iam(estate: Collected) -> None:
    bucket = estate.one("bucket", "public-iam").attributes
    assert bucket["public"] is True
    assert bucket["public_via"] == ["iam:allUsers:roles/storage.objectViewer"]
    assert bucket["x_uniform_bucket_level_access"] is True
    assert "acl" not in bucket["raw"]  # legacy ACLs are not read under uniform access


def test_bucket_public_by_legacy_acl(estate: Collected) -> None:
    assert estate.one("bucket", "public-acl").attributes["public_via"] == [
        "acl:allUsers:READER"]
    assert estate.one("bucket", "public-default-acl").attributes["public_via"] == [
        "default_object_acl:allUsers:READER"]


def test_enforced_public_access_prevention_overrides_grants(estate: Collected) -> None:
    bucket = estate.one("bucket", "protected-pap").attributes
    assert bucket["public"] is False
    assert bucket["public_via"] == []
    assert bucket["x_public_access_prevention"] == "enforced"
    assert bucket["raw"]["public_via_blocked"] == [
        "iam:allAuthenticatedUsers:roles/storage.legacyBucketReader",
        "iam:allUsers:roles/storage.objectViewer"]
    assert len(bucket["raw"]["iam_policy"]["bindings"]) == 2


def test_private_bucket_settings(estate: Collected) -> None:
    bucket = estate.one("bucket", "private-cmek")
    assert bucket.attributes["public"] is False
    assert bucket.attributes["public_via"] == []
    assert bucket.attributes["encryption"] == {"enabled": True, "customer_managed_key": True}
    assert bucket.attributes["versioning"] is True
    assert bucket.attributes["access_logging"] is True
    assert bucket.tags == {"env": "prod"}
    assert (bucket.provider, bucket.account, bucket.region) == ("gcp", PROJECT, "us")
    assert bucket.source == "storage.googleapis.com/storage/v1/b/private-cmek"
    other = estate.one("bucket", "public-iam").attributes
    assert other["encryption"] == {"enabled": True, "customer_managed_key": False}
    assert other["versioning"] is False
    # No usage logs; no DATA_READ audit config on the project, its folder or organisation.
    assert other["access_logging"] is False


def test_data_access_audit_logs_count_as_access_logging(fake: FakeGoogle,
                                                        emulator: str) -> None:
    seed_buckets(emulator)
    seed_org_policy(fake, enforce=False)
    seed_resource_manager(fake, audit_configs=[{"service": "allServices", "auditLogConfigs": [
        {"logType": "ADMIN_READ"}, {"logType": "DATA_READ"}]}])
    got = run(options(fake, emulator, services=("storage",)))
    assert all(b.attributes["access_logging"] is True for b in got.of("bucket").values())
    assert got.errors == []
    # The project's own config decides: its folder and organisation were not asked.
    assert not [p for p in fake.paths("POST") if p.endswith(("77:getIamPolicy",
                                                              "123:getIamPolicy"))]


def test_bucket_acls_and_transport(estate: Collected) -> None:
    # Uniform bucket-level access disables ACLs; fine-grained access keeps them.
    assert estate.one("bucket", "public-iam").attributes["acl_enabled"] is False
    assert estate.one("bucket", "public-acl").attributes["acl_enabled"] is True
    # Without storage.secureHttpTransport, Cloud Storage's XML API answers plain HTTP.
    assert {b.attributes["tls_required"] for b in estate.of("bucket").values()} == {False}


def test_https_only_policy_makes_every_bucket_refuse_http(fake: FakeGoogle,
                                                         emulator: str) -> None:
    seed_buckets(emulator)
    seed_resource_manager(fake)
    seed_org_policy(fake, enforce=False, https_only=True)
    got = run(options(fake, emulator, services=("storage",)))
    assert {b.attributes["tls_required"] for b in got.of("bucket").values()} == {True}
    fake.deny("GET", HTTPS_ONLY)
    got = run(options(fake, emulator, services=("storage",)))
    assert not [b for b in got.of("bucket").values() if "tls_required" in b.attributes]
    assert got.error("orgpolicy.policies.getEffectivePolicy").scope == (
        f"project {PROJECT}/constraint storage.secureHttpTransport")


def test_public_write(estate: Collected) -> None:
    drop = estate.one("bucket", "public-write").attributes
    # objectCreator lets anyone create objects but read none.
    assert (drop["public"], drop["public_via"], drop["public_write"]) == (False, [], True)
    assert drop["x_public_write_via"] == ["iam:allUsers:roles/storage.objectCreator"]
    acl = estate.one("bucket", "public-acl-write").attributes
    assert (acl["public"], acl["public_write"]) == (True, True)
    assert acl["public_via"] == acl["x_public_write_via"] == ["acl:allUsers:WRITER"]
    # Read-only grants, and prevention overriding write grants.
    assert estate.one("bucket", "public-iam").attributes["public_write"] is False
    assert estate.one("bucket", "public-default-acl").attributes["public_write"] is False
    assert estate.one("bucket", "protected-pap").attributes["public_write"] is False


def test_bucket_public_access_block(estate: Collected) -> None:
    # Enforced on the bucket, or inherited from a policy that does not enforce it.
    assert estate.one("bucket", "protected-pap").attributes["public_access_block"] is True
    assert estate.one("bucket", "public-iam").attributes["public_access_block"] is False


def test_owner_granted_to_an_outside_user(estate: Collected) -> None:
    owner = estate.one("role", f"projects/{PROJECT}/iamPolicy/roles/owner").attributes
    assert owner["admin"] is True
    assert owner["trusted_principals"] == ["user:alice@acme.example",
                                           "user:mallory@outside.example"]
    assert owner["external_trust_unconditioned"] is True
    assert owner["x_external_members"] == ["user:mallory@outside.example"]
    mallory = estate.one("user", "user:mallory@outside.example").attributes
    assert (mallory["guest"], mallory["admin"], mallory["admin_direct"]) == (True, True, True)
    alice = estate.one("user", "user:alice@acme.example").attributes
    assert (alice["guest"], alice["admin"], alice["console_access"]) == (False, True, True)
    assert alice["access_keys"] == []
    assert estate.one("user", "user:bob@eu.acme.example").attributes["guest"] is False
    # Outside every directory of ours: its sign-in facts cannot be read.
    assert mallory["x_workspace_member"] is False
    assert not {"mfa", "enabled", "last_active", "created"} & set(mallory)


def test_role_bindings(estate: Collected) -> None:
    roles = estate.of("role")
    editor = roles[f"projects/{PROJECT}/iamPolicy/roles/editor"].attributes
    assert editor["external_trust_unconditioned"] is False  # own SA + Google's agent
    [viewer_id] = [rid for rid in roles if "roles/viewer" in rid]
    digest = hashlib.sha256(b'request.time < timestamp("2026-01-01T00:00:00Z")').hexdigest()
    assert viewer_id == f"projects/{PROJECT}/iamPolicy/roles/viewer#condition:until-2026@" \
                       f"{digest[:8]}"
    viewer = roles[viewer_id]
    assert viewer.attributes["x_external_members"] == ["group:auditors@partner.example"]
    assert viewer.attributes["external_trust_unconditioned"] is False  # conditioned
    public = roles[f"projects/{PROJECT}/iamPolicy/roles/storage.objectViewer"].attributes
    assert (public["x_public"], public["external_trust_unconditioned"]) == (True, True)


def test_service_accounts_and_keys(estate: Collected) -> None:
    users = estate.of("user")
    assert f"serviceAccount:{AGENT}" not in users  # Google's service agent
    ci = users[f"serviceAccount:{CI_SA}"].attributes
    assert (ci["admin"], ci["console_access"], ci["mfa"], ci["enabled"]) == (
        True, False, False, True)
    assert (ci["mfa_enforced"], ci["email"]) == (False, CI_SA)
    assert ci["access_keys"] == []
    assert ci["last_active"] == datetime(2026, 11, 20, tzinfo=UTC)  # matched by unique id
    keys = {k["id"]: k for k in users[f"serviceAccount:{KEYS_SA}"].attributes["access_keys"]}
    assert keys[OLD_KEY] == {"id": OLD_KEY, "active": True,
                             "created": datetime(2023, 1, 10, 8, tzinfo=UTC),
                             "last_used": datetime(2024, 2, 3, 4, 5, 6, tzinfo=UTC)}
    assert keys[NEW_KEY]["created"] == datetime(2026, 11, 1, 8, 0, 0, 123456, tzinfo=UTC)
    assert "last_used" not in keys[NEW_KEY]  # not in Policy Analyzer: unknown, not "never"
    assert keys[DISABLED_KEY]["active"] is False
    expiry = users[f"serviceAccount:{KEYS_SA}"].attributes["x_key_expiry"]
    assert expiry[OLD_KEY] == datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert DISABLED_KEY not in expiry  # no validBeforeTime given


def test_firewall_open_on_22_from_the_internet(estate: Collected) -> None:
    rule = estate.one("firewall_rule", f"{FIREWALLS}/allow-ssh-world")
    assert {k: v for k, v in rule.attributes.items() if not k.startswith(("x_", "raw"))} == {
        "direction": "ingress", "action": "allow", "protocol": "tcp", "ports": [[22, 22]],
        "sources": ["0.0.0.0/0"]}
    assert rule.region == "global"


def test_disabled_firewall_rule_is_ignored(estate: Collected) -> None:
    assert not any("rdp-disabled" in rid for rid in estate.of("firewall_rule"))


def test_firewall_rule_shapes(estate: Collected) -> None:
    rules = estate.of("firewall_rule")
    tcp = rules[f"{FIREWALLS}/web-and-dns#tcp"].attributes
    assert tcp["ports"] == [[80, 80], [443, 443], [8000, 8100]]
    assert tcp["sources"] == ["10.0.0.0/8", "192.168.1.7/32"]
    assert rules[f"{FIREWALLS}/web-and-dns#udp"].attributes["ports"] == [[53, 53]]
    assert rules[f"{FIREWALLS}/web-and-dns#icmp"].attributes["ports"] == []
    tags = rules[f"{FIREWALLS}/all-from-tags"].attributes
    assert (tags["protocol"], tags["ports"], tags["sources"]) == ("all", [[0, 65535]], [])
    open_rule = rules[f"{FIREWALLS}/no-source"].attributes
    assert (open_rule["ports"], open_rule["sources"]) == ([[0, 65535]], ["0.0.0.0/0"])
    egress = rules[f"{FIREWALLS}/deny-egress"].attributes
    assert (egress["direction"], egress["action"], egress["sources"]) == (
        "egress", "deny", [])


def test_disks(estate: Collected) -> None:
    disks = estate.of("volume")
    web = disks[f"{SELF}/zones/asia-northeast1-a/disks/web-1"]
    assert web.attributes["encrypted"] is True
    assert web.attributes["customer_managed_key"] is True
    assert web.attributes["x_customer_supplied_key"] is False
    assert web.attributes["attached_to"] == f"{SELF}/zones/asia-northeast1-a/instances/web-1"
    assert web.region == "asia-northeast1-a"
    spare = disks[f"{SELF}/zones/asia-northeast1-a/disks/spare"].attributes
    assert (spare["attached_to"], spare["customer_managed_key"]) == ("", False)


def test_instances_and_patch_state(estate: Collected) -> None:
    hosts = estate.of("host")
    web = hosts[f"{SELF}/zones/asia-northeast1-a/instances/web-1"].attributes
    assert web["internet_facing"] is True
    assert (web["os"], web["os_version"]) == ("debian", "12")
    assert web["missing_critical_patches"] == 2  # pkg-openssl and pkg-libssl
    # The newer dry-run job (2026-11-28) installed nothing: not a patch.
    assert web["last_patched"] == datetime(2026, 11, 15, 3, tzinfo=UTC)
    assert web["x_full_api_access"] is True
    assert "metadata" not in web["raw"]
    batch = hosts[f"{SELF}/zones/asia-northeast1-b/instances/batch-2"].attributes
    assert batch["internet_facing"] is False
    for absent in ("os", "last_patched", "missing_critical_patches"):
        assert absent not in batch  # no OS Config agent: unknown, never guessed


def test_cloud_sql(fake: FakeGoogle, estate: Collected) -> None:
    databases = {r.name: r for r in estate.of("database").values()}
    orders = databases["orders"]
    assert {k: orders.attributes[k] for k in (
        "public", "encrypted", "engine", "admin_username", "backups_enabled",
        "tls_required", "customer_managed_key")} == {
        "public": True, "encrypted": True, "engine": "postgres", "admin_username": "postgres",
        "backups_enabled": True, "tls_required": False, "customer_managed_key": False}
    assert orders.data_classes == (DataClass.PERSONAL, DataClass.PAYMENT)
    assert orders.records == 12000
    assert "serverCaCert" not in orders.attributes["raw"]
    billing = databases["billing"].attributes
    assert (billing["public"], billing["engine"], billing["customer_managed_key"],
            billing["backups_enabled"], billing["x_stopped"]) == (
        False, "mysql", True, False, True)
    assert "admin_username" not in billing  # stopped: users cannot be listed
    ledger = databases["ledger"].attributes  # SQL Server: its default admin is sqlserver
    assert (ledger["engine"], ledger["admin_username"], ledger["tls_required"]) == (
        "sqlserver", "sqlserver", True)
    archive = databases["archive"].attributes  # stopped by activation policy NEVER
    assert (archive["x_stopped"], archive["tls_required"]) == (True, True)
    assert "admin_username" not in archive
    assert not any(p.endswith("/archive/users") for p in fake.paths())


def test_unreachable_zone_is_reported(estate: Collected) -> None:
    error = estate.error("compute.disks.aggregatedList")
    assert (error.code, error.region, error.resource_types) == (
        "UNREACHABLE", "me-central2", ("volume",))
    assert len(estate.errors) == 1


def test_requests_carry_the_token_but_nothing_yielded_does(fake: FakeGoogle,
                                                            estate: Collected) -> None:
    assert {s.headers.get("authorization") for s in fake.seen} == {f"Bearer {TOKEN}"}
    assert TOKEN not in repr(estate.resources) + repr(estate.errors)


def test_paging_is_followed(fake: FakeGoogle, estate: Collected) -> None:
    path = f"/iam/v1/projects/{PROJECT}/serviceAccounts"
    assert [s.query.get("pageToken") for s in fake.seen if s.path == path] == [None, ["1"]]
