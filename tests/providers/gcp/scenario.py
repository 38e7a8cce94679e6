"""The "acme" test estate: what the emulator and the fake REST APIs are set up with.

Expected values in the tests come from here. Project ``acme-prod`` (number 4242)
sits in folder 77 of organisation 123, whose primary domain is ``acme.example``.
"""

from __future__ import annotations

from typing import Any

from tests.providers.gcp.conftest import PROJECT, FakeGoogle, storage_client
from tests.providers.gcp.scenario_platform import seed_platform

NUMBER = "4242"
KMS_KEY = "projects/acme-prod/locations/us/keyRings/ring/cryptoKeys/key"
CRM = "/cloudresourcemanager/v3"
COMPUTE = f"/compute/compute/v1/projects/{PROJECT}"
SELF = f"https://www.googleapis.com/compute/v1/projects/{PROJECT}"
OLD_KEY = "a1b2c3old"
NEW_KEY = "d4e5f6new"
DISABLED_KEY = "0a0b0cdisabled"
CI_SA = f"ci@{PROJECT}.iam.gserviceaccount.com"
KEYS_SA = f"old-keys@{PROJECT}.iam.gserviceaccount.com"
AGENT = f"{NUMBER}@cloudservices.gserviceaccount.com"


def seed_buckets(endpoint: str) -> None:
    """Buckets: public by IAM, by ACL, by default object ACL, protected, private, and
    writable by anyone (IAM objectCreator, ACL WRITER)."""
    client = storage_client(endpoint)
    public_iam = client.create_bucket("public-iam")
    public_iam.iam_configuration.uniform_bucket_level_access_enabled = True
    public_iam.patch()
    _grant(public_iam, "roles/storage.objectViewer", "allUsers")

    public_acl = client.create_bucket("public-acl")
    public_acl.acl.all().grant_read()
    public_acl.acl.save()

    default_acl = client.create_bucket("public-default-acl")
    default_acl.default_object_acl.all().grant_read()
    default_acl.default_object_acl.save()

    protected = client.create_bucket("protected-pap")
    protected.iam_configuration.uniform_bucket_level_access_enabled = True
    protected.iam_configuration.public_access_prevention = "enforced"
    protected.patch()
    _grant(protected, "roles/storage.objectViewer", "allUsers")
    _grant(protected, "roles/storage.legacyBucketReader", "allAuthenticatedUsers")

    drop = client.create_bucket("public-write")
    drop.iam_configuration.uniform_bucket_level_access_enabled = True
    drop.patch()
    _grant(drop, "roles/storage.objectCreator", "allUsers")  # write-only: not readable

    acl_write = client.create_bucket("public-acl-write")
    acl_write.acl.all().grant_write()
    acl_write.acl.save()

    private = client.create_bucket("private-cmek")
    private.default_kms_key_name = KMS_KEY
    private.versioning_enabled = True
    private.enable_logging("acme-logs")
    private.labels = {"env": "prod"}
    private.patch()


def _grant(bucket: Any, role: str, member: str) -> None:
    policy = bucket.get_iam_policy(requested_policy_version=3)
    policy.bindings.append({"role": role, "members": {member}})
    bucket.set_iam_policy(policy)


def seed_resource_manager(fake: FakeGoogle, audit_configs: list[Any] | None = None) -> None:
    """The project, its folder and organisation, and their IAM policies (audit configs
    only on the project)."""
    fake.get(f"{CRM}/projects/{PROJECT}", {"name": f"projects/{NUMBER}", "projectId": PROJECT,
                                          "parent": "folders/77", "state": "ACTIVE"})
    fake.get(f"{CRM}/folders/77", {"name": "folders/77", "parent": "organizations/123"})
    fake.get(f"{CRM}/organizations/123", {"name": "organizations/123",
                                          "displayName": "acme.example",
                                          "directoryCustomerId": "C0acme42"})
    for node in ("folders/77", "organizations/123"):
        fake.add("POST", f"{CRM}/{node}:getIamPolicy", {"version": 1, "etag": "BwY=",
                                                        "bindings": []})
    fake.add("POST", f"{CRM}/projects/{PROJECT}:getIamPolicy", {
        "version": 3, "etag": "BwX=", "auditConfigs": audit_configs or [],
        "bindings": [
            {"role": "roles/owner", "members": ["user:alice@acme.example",
                                                "user:mallory@outside.example"]},
            {"role": "roles/editor", "members": [f"serviceAccount:{CI_SA}",
                                                 f"serviceAccount:{AGENT}"]},
            {"role": "roles/viewer", "members": ["user:bob@eu.acme.example",
                                                 "group:auditors@partner.example"],
             "condition": {"title": "until-2026", "expression":
                           'request.time < timestamp("2026-01-01T00:00:00Z")'}},
            {"role": "roles/storage.objectViewer", "members": ["allAuthenticatedUsers"]},
        ]})


def seed_iam(fake: FakeGoogle) -> None:
    """Two service accounts; one holds an old key, a recent key and a disabled key."""
    fake.pages(f"/iam/v1/projects/{PROJECT}/serviceAccounts", "accounts", [
        [{"name": f"projects/{PROJECT}/serviceAccounts/{CI_SA}", "email": CI_SA,
          "uniqueId": "111", "displayName": "CI"}],
        [{"name": f"projects/{PROJECT}/serviceAccounts/{KEYS_SA}", "email": KEYS_SA,
          "uniqueId": "222", "disabled": False}]])
    fake.get(f"/iam/v1/projects/-/serviceAccounts/{CI_SA}/keys", {"keys": []})
    base = f"projects/{PROJECT}/serviceAccounts/{KEYS_SA}/keys"
    fake.get(f"/iam/v1/projects/-/serviceAccounts/{KEYS_SA}/keys", {"keys": [
        {"name": f"{base}/{OLD_KEY}", "validAfterTime": "2023-01-10T08:00:00Z",
         "validBeforeTime": "9999-12-31T23:59:59Z", "keyType": "USER_MANAGED",
         "keyAlgorithm": "KEY_ALG_RSA_2048", "keyOrigin": "GOOGLE_PROVIDED"},
        {"name": f"{base}/{NEW_KEY}", "validAfterTime": "2026-11-01T08:00:00.123456789Z",
         "validBeforeTime": "9999-12-31T23:59:59Z", "keyType": "USER_MANAGED"},
        {"name": f"{base}/{DISABLED_KEY}", "validAfterTime": "2022-05-01T00:00:00Z",
         "keyType": "USER_MANAGED", "disabled": True}]})
    activities = f"/policyanalyzer/v1/projects/{PROJECT}/locations/global/activityTypes"
    fake.get(f"{activities}/serviceAccountKeyLastAuthentication/activities:query", {
        "activities": [{"fullResourceName": f"//iam.googleapis.com/{base}/{OLD_KEY}",
                        "activityType": "serviceAccountKeyLastAuthentication",
                        "activity": {"lastAuthenticatedTime": "2024-02-03T04:05:06Z",
                                     "serviceAccountKey": {
                                         "fullResourceName":
                                             f"//iam.googleapis.com/{base}/{OLD_KEY}"}}}]})
    fake.get(f"{activities}/serviceAccountLastAuthentication/activities:query", {
        "activities": [{"activity": {"lastAuthenticatedTime": "2026-11-20T00:00:00Z",
                                     "serviceAccount": {
                                         "serviceAccountId": "111",
                                         "fullResourceName": "//iam.googleapis.com/projects/"
                                                             f"{PROJECT}/serviceAccounts/111"}}}]})


def seed_compute(fake: FakeGoogle) -> None:
    """Firewall rules, disks and instances (two zones; one unreachable region)."""
    fake.pages(f"{COMPUTE}/global/firewalls", "items", [[
        {"name": "allow-ssh-world", "selfLink": f"{SELF}/global/firewalls/allow-ssh-world",
         "network": f"{SELF}/global/networks/default", "direction": "INGRESS",
         "priority": 1000, "sourceRanges": ["0.0.0.0/0"],
         "allowed": [{"IPProtocol": "tcp", "ports": ["22"]}]},
        {"name": "rdp-disabled", "selfLink": f"{SELF}/global/firewalls/rdp-disabled",
         "direction": "INGRESS", "sourceRanges": ["0.0.0.0/0"], "disabled": True,
         "allowed": [{"IPProtocol": "tcp", "ports": ["3389"]}]}], [
        {"name": "web-and-dns", "selfLink": f"{SELF}/global/firewalls/web-and-dns",
         "direction": "INGRESS", "sourceRanges": ["10.0.0.0/8", "192.168.1.7"],
         "sourceTags": ["bastion"],
         "allowed": [{"IPProtocol": "tcp", "ports": ["80", "443", "8000-8100"]},
                     {"IPProtocol": "17", "ports": ["53"]}, {"IPProtocol": "icmp"}]},
        {"name": "all-from-tags", "selfLink": f"{SELF}/global/firewalls/all-from-tags",
         "direction": "INGRESS", "sourceTags": ["web"], "allowed": [{"IPProtocol": "all"}]},
        {"name": "no-source", "selfLink": f"{SELF}/global/firewalls/no-source",
         "direction": "INGRESS", "allowed": [{"IPProtocol": "tcp"}]},
        {"name": "deny-egress", "selfLink": f"{SELF}/global/firewalls/deny-egress",
         "direction": "EGRESS", "destinationRanges": ["0.0.0.0/0"], "priority": 65000,
         "denied": [{"IPProtocol": "all"}]}]])
    zone_a, zone_b = "zones/asia-northeast1-a", "zones/asia-northeast1-b"
    web = f"{SELF}/zones/asia-northeast1-a/instances/web-1"
    fake.get(f"{COMPUTE}/aggregated/disks", {"items": {
        zone_a: {"disks": [
            {"name": "web-1", "selfLink": f"{SELF}/zones/asia-northeast1-a/disks/web-1",
             "zone": f"{SELF}/{zone_a}", "users": [web], "status": "READY",
             "diskEncryptionKey": {"kmsKeyName": f"{KMS_KEY}/cryptoKeyVersions/1"}},
            {"name": "spare", "selfLink": f"{SELF}/zones/asia-northeast1-a/disks/spare",
             "zone": f"{SELF}/{zone_a}", "status": "READY", "labels": {"team": "ops"}}]},
        zone_b: {"warning": {"code": "NO_RESULTS_ON_PAGE", "message": "none"}}},
        "unreachables": ["regions/me-central2"]})
    fake.get(f"{COMPUTE}/aggregated/instances", {"items": {
        zone_a: {"instances": [
            {"id": "9001", "name": "web-1", "selfLink": web, "zone": f"{SELF}/{zone_a}",
             "status": "RUNNING", "machineType": f"{SELF}/{zone_a}/machineTypes/e2-small",
             "metadata": {"items": [{"key": "startup-script", "value": "secret=hunter2"}]},
             "networkInterfaces": [{"networkIP": "10.0.0.2", "accessConfigs": [
                 {"type": "ONE_TO_ONE_NAT", "natIP": "203.0.113.10"}]}],
             "serviceAccounts": [{"email": f"{NUMBER}-compute@developer.gserviceaccount.com",
                                  "scopes": ["https://www.googleapis.com/auth/cloud-platform"]}],
             "labels": {"role": "web"}}]},
        zone_b: {"instances": [
            {"id": "9002", "name": "batch-2",
             "selfLink": f"{SELF}/zones/asia-northeast1-b/instances/batch-2",
             "zone": f"{SELF}/{zone_b}", "status": "TERMINATED",
             "networkInterfaces": [{"networkIP": "10.0.0.3"}]}]}}})


def seed_osconfig(fake: FakeGoogle) -> None:
    """OS Config data for web-1 only (batch-2 runs no agent)."""
    zone = f"/osconfig/v1/projects/{PROJECT}/locations/asia-northeast1-a/instances/-"
    fake.get(f"{zone}/inventories", {"inventories": [
        {"name": f"projects/{NUMBER}/locations/asia-northeast1-a/instances/9001/inventory",
         "osInfo": {"shortName": "debian", "version": "12", "longName": "Debian 12"}}]})
    fake.get(f"{zone}/vulnerabilityReports", {"vulnerabilityReports": [
        {"name": f"projects/{NUMBER}/locations/asia-northeast1-a/instances/9001/"
                 "vulnerabilityReport",
         "vulnerabilities": [
             {"details": {"cve": "CVE-2024-0001", "severity": "CRITICAL"},
              "availableInventoryItemIds": ["pkg-openssl", "pkg-libssl"]},
             {"details": {"cve": "CVE-2024-0002", "severity": "CRITICAL"},
              "availableInventoryItemIds": ["pkg-openssl"]},
             {"details": {"cve": "CVE-2024-0003", "severity": "CRITICAL"},
              "availableInventoryItemIds": []},
             {"details": {"cve": "CVE-2024-0004", "severity": "HIGH"},
              "availableInventoryItemIds": ["pkg-curl"]}]}]})
    zone_b = f"/osconfig/v1/projects/{PROJECT}/locations/asia-northeast1-b/instances/-"
    fake.get(f"{zone_b}/inventories", {})
    fake.get(f"{zone_b}/vulnerabilityReports", {})
    jobs = f"/osconfig/v1/projects/{PROJECT}/patchJobs"
    fake.get(jobs, {"patchJobs": [
        {"name": f"projects/{PROJECT}/patchJobs/old", "createTime": "2026-08-01T00:00:00Z",
         "state": "SUCCEEDED"},
        {"name": f"projects/{PROJECT}/patchJobs/new", "createTime": "2026-11-15T03:00:00Z",
         "state": "COMPLETED_WITH_ERRORS"},
        # Newest, but a dry run: it installs nothing, whatever its instances report.
        {"name": f"projects/{PROJECT}/patchJobs/rehearsal",
         "createTime": "2026-11-28T03:00:00Z", "state": "SUCCEEDED", "dryRun": True}]})
    fake.get(f"{jobs}/new/instanceDetails", {"patchJobInstanceDetails": [
        {"name": f"projects/{PROJECT}/zones/asia-northeast1-a/instances/web-1",
         "instanceSystemId": "9001", "state": "SUCCEEDED"},
        {"name": f"projects/{PROJECT}/zones/asia-northeast1-b/instances/batch-2",
         "instanceSystemId": "9002", "state": "FAILED"}]})
    fake.get(f"{jobs}/rehearsal/instanceDetails", {"patchJobInstanceDetails": [
        {"name": f"projects/{PROJECT}/zones/asia-northeast1-a/instances/web-1",
         "instanceSystemId": "9001", "state": "SUCCEEDED"}]})
    fake.get(f"{jobs}/old/instanceDetails", {"patchJobInstanceDetails": [
        {"name": f"projects/{PROJECT}/zones/asia-northeast1-a/instances/web-1",
         "state": "SUCCEEDED"}]})


def seed_sql(fake: FakeGoogle) -> None:
    """A public PostgreSQL with the default superuser, and a private stopped MySQL."""
    base = f"/sqladmin/v1/projects/{PROJECT}/instances"
    fake.get(base, {"items": [
        {"name": "orders", "databaseVersion": "POSTGRES_15", "region": "asia-northeast1",
         "state": "RUNNABLE", "selfLink": f"https://sqladmin.googleapis.com/v1/projects/"
                                          f"{PROJECT}/instances/orders",
         "serverCaCert": {"cert": "-----BEGIN CERTIFICATE-----abc"},
         "settings": {"ipConfiguration": {
             "ipv4Enabled": True, "sslMode": "ALLOW_UNENCRYPTED_AND_ENCRYPTED",
             "authorizedNetworks": [
             {"value": "198.51.100.0/24", "name": "office"},
             {"value": "0.0.0.0/0", "name": "anywhere"}]},
             "backupConfiguration": {"enabled": True, "pointInTimeRecoveryEnabled": True},
             "userLabels": {"mamori-data-classes": "personal-payment",
                            "mamori-records": "12000"}}},
        {"name": "billing", "databaseVersion": "MYSQL_8_0", "region": "asia-northeast1",
         "state": "STOPPED",
         "diskEncryptionConfiguration": {"kmsKeyName": KMS_KEY},
         "settings": {"ipConfiguration": {"ipv4Enabled": False,
                                          "privateNetwork": "projects/acme-prod/global/"
                                                            "networks/default"},
                      "backupConfiguration": {"enabled": False}}},
        {"name": "ledger", "databaseVersion": "SQLSERVER_2022_STANDARD",
         "region": "asia-northeast1", "state": "RUNNABLE",
         "settings": {"ipConfiguration": {"ipv4Enabled": False, "requireSsl": True},
                      "backupConfiguration": {"enabled": True}}},
        # Stopped the way Google's "stop" does it: the state may still read RUNNABLE.
        {"name": "archive", "databaseVersion": "POSTGRES_14", "region": "asia-northeast1",
         "state": "RUNNABLE", "settings": {
             "activationPolicy": "NEVER",
             "ipConfiguration": {"ipv4Enabled": False, "sslMode": "ENCRYPTED_ONLY"},
             "backupConfiguration": {"enabled": True}}}]})
    fake.get(f"{base}/ledger/users", {"items": [
        {"name": "sqlserver", "type": "BUILT_IN"}, {"name": "reporting", "type": "BUILT_IN"}]})
    fake.get(f"{base}/orders/users", {"items": [
        {"name": "app", "type": "BUILT_IN"}, {"name": "postgres", "type": "BUILT_IN"},
        {"name": "alice@acme.example", "type": "CLOUD_IAM_USER"}]})


def seed_all(fake: FakeGoogle) -> None:
    """Every REST API of the estate."""
    seed_platform(fake)
    seed_resource_manager(fake)
    seed_iam(fake)
    seed_compute(fake)
    seed_osconfig(fake)
    seed_sql(fake)
