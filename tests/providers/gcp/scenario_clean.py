"""A clean GCP project, configured the way Google documents a well-run one.

Every decidable built-in rule should PASS on it; what no Google API can tell (an HR
status, whether a database password is a vendor default, the Workspace password
length) is NOT_ASSESSED naming the source that could tell. The same shapes as the acme
estate (scenario.py), project ``acme-prod`` in folder 77 of organisation 123:

- IAM: the owner role held by a group of the organisation's domain; alice (viewer) and
  a service account ``app`` without user-managed keys that authenticated recently;
  Data Access audit logs (DATA_READ, DATA_WRITE) for allServices;
- Workspace: alice and the super admin ``root`` (both enrolled in and enforced to use
  2-Step Verification, signed in recently), and ``former``, suspended;
- organisation policies: public access prevention and HTTPS-only Cloud Storage
  enforced; the ``_Default`` log bucket keeps logs 400 days;
- one private, CMEK-encrypted, versioned, logged bucket with uniform access;
- one internal firewall rule (HTTPS from 10.0.0.0/8), one CMEK disk, one VM without an
  external address, patched a week ago with no critical vulnerability (OS Config);
- one private MySQL instance requiring TLS, backed up, CMEK, admin ``ops_admin``.
"""

from __future__ import annotations

from typing import Any

from tests.providers.gcp.conftest import PROJECT, FakeGoogle, storage_client
from tests.providers.gcp.scenario import COMPUTE, CRM, KMS_KEY, NUMBER, SELF
from tests.providers.gcp.scenario_platform import (
    DEFAULT_BUCKET,
    seed_directory,
    seed_org_policy,
    user,
)

APP_SA = f"app@{PROJECT}.iam.gserviceaccount.com"
ZONE = "asia-northeast1-a"
VM = f"{SELF}/zones/{ZONE}/instances/app-1"
BOTH = [{"logType": "DATA_READ"}, {"logType": "DATA_WRITE"}, {"logType": "ADMIN_READ"}]


def seed_clean(fake: FakeGoogle, storage_endpoint: str) -> None:
    """Every API of the clean project."""
    _bucket(storage_endpoint)
    _resource_manager(fake)
    _iam(fake)
    seed_org_policy(fake, enforce=True, https_only=True)
    fake.get(DEFAULT_BUCKET, {"name": f"projects/{PROJECT}/locations/global/buckets/_Default",
                              "retentionDays": 400})
    seed_directory(fake, [[
        user("alice@acme.example", externalIds=[{"type": "organization", "value": "E1001"}]),
        user("root@acme.example", isAdmin=True),
        user("former@acme.example", suspended=True, isEnrolledIn2Sv=False,
             isEnforcedIn2Sv=False, lastLoginTime="2026-03-31T17:00:00.000Z")]])
    _compute(fake)
    _sql(fake)


def _bucket(endpoint: str) -> None:
    bucket = storage_client(endpoint).create_bucket("clean-data")
    bucket.iam_configuration.uniform_bucket_level_access_enabled = True
    bucket.iam_configuration.public_access_prevention = "enforced"
    bucket.default_kms_key_name = KMS_KEY
    bucket.versioning_enabled = True
    bucket.enable_logging("clean-logs")
    bucket.patch()


def _resource_manager(fake: FakeGoogle) -> None:
    fake.get(f"{CRM}/projects/{PROJECT}", {"name": f"projects/{NUMBER}", "projectId": PROJECT,
                                          "parent": "folders/77", "state": "ACTIVE"})
    fake.get(f"{CRM}/folders/77", {"name": "folders/77", "parent": "organizations/123"})
    fake.get(f"{CRM}/organizations/123", {"name": "organizations/123",
                                          "displayName": "acme.example"})
    fake.add("POST", f"{CRM}/projects/{PROJECT}:getIamPolicy", {
        "version": 3, "etag": "BwX=",
        "auditConfigs": [{"service": "allServices", "auditLogConfigs": BOTH}],
        "bindings": [
            {"role": "roles/owner", "members": ["group:gcp-admins@acme.example"]},
            {"role": "roles/viewer", "members": ["user:alice@acme.example"]},
            {"role": "roles/storage.objectViewer", "members": [f"serviceAccount:{APP_SA}"]}]})


def _iam(fake: FakeGoogle) -> None:
    fake.get(f"/iam/v1/projects/{PROJECT}/serviceAccounts", {"accounts": [
        {"name": f"projects/{PROJECT}/serviceAccounts/{APP_SA}", "email": APP_SA,
         "uniqueId": "333", "displayName": "app"}]})
    fake.get(f"/iam/v1/projects/-/serviceAccounts/{APP_SA}/keys", {"keys": []})
    fake.get(f"/policyanalyzer/v1/projects/{PROJECT}/locations/global/activityTypes/"
             "serviceAccountLastAuthentication/activities:query", {"activities": [
                 {"activity": {"lastAuthenticatedTime": "2026-11-28T06:00:00Z",
                               "serviceAccount": {"serviceAccountId": "333"}}}]})


def _compute(fake: FakeGoogle) -> None:
    fake.get(f"{COMPUTE}/global/firewalls", {"items": [
        {"name": "https-internal", "selfLink": f"{SELF}/global/firewalls/https-internal",
         "direction": "INGRESS", "sourceRanges": ["10.0.0.0/8"],
         "allowed": [{"IPProtocol": "tcp", "ports": ["443"]}]}]})
    zone = f"zones/{ZONE}"
    fake.get(f"{COMPUTE}/aggregated/disks", {"items": {zone: {"disks": [
        {"name": "app-1", "selfLink": f"{SELF}/{zone}/disks/app-1", "zone": f"{SELF}/{zone}",
         "users": [VM], "diskEncryptionKey": {"kmsKeyName": KMS_KEY}}]}}})
    fake.get(f"{COMPUTE}/aggregated/instances", {"items": {zone: {"instances": [
        {"id": "9101", "name": "app-1", "selfLink": VM, "zone": f"{SELF}/{zone}",
         "status": "RUNNING", "networkInterfaces": [{"networkIP": "10.0.0.5"}]}]}}})
    base = f"/osconfig/v1/projects/{PROJECT}/locations/{ZONE}/instances/-"
    fake.get(f"{base}/inventories", {"inventories": [
        {"name": f"projects/{NUMBER}/locations/{ZONE}/instances/9101/inventory",
         "osInfo": {"shortName": "debian", "version": "12"}}]})
    fake.get(f"{base}/vulnerabilityReports", {"vulnerabilityReports": [
        {"name": f"projects/{NUMBER}/locations/{ZONE}/instances/9101/vulnerabilityReport",
         "vulnerabilities": [{"details": {"severity": "MEDIUM"},
                              "availableInventoryItemIds": ["pkg-zlib"]}]}]})
    jobs = f"/osconfig/v1/projects/{PROJECT}/patchJobs"
    fake.get(jobs, {"patchJobs": [{"name": f"projects/{PROJECT}/patchJobs/weekly",
                                   "createTime": "2026-11-22T03:00:00Z"}]})
    fake.get(f"{jobs}/weekly/instanceDetails", {"patchJobInstanceDetails": [
        {"name": f"projects/{PROJECT}/zones/{ZONE}/instances/app-1",
         "instanceSystemId": "9101", "state": "SUCCEEDED"}]})


def _sql(fake: FakeGoogle) -> None:
    base = f"/sqladmin/v1/projects/{PROJECT}/instances"
    instance: dict[str, Any] = {
        "name": "orders", "databaseVersion": "MYSQL_8_0", "region": "asia-northeast1",
        "state": "RUNNABLE", "diskEncryptionConfiguration": {"kmsKeyName": KMS_KEY},
        "settings": {"activationPolicy": "ALWAYS",
                     "ipConfiguration": {"ipv4Enabled": False, "sslMode": "ENCRYPTED_ONLY"},
                     "backupConfiguration": {"enabled": True, "binaryLogEnabled": True}}}
    fake.get(base, {"items": [instance]})
    fake.get(f"{base}/orders/users", {"items": [{"name": "ops_admin", "type": "BUILT_IN"}]})
