"""What the gcp provider can observe (mamori.checks.observability): per resource type, the
vocabulary attributes it supplies, and for the others why it cannot and who could.

Imported without the provider's SDK (the registry reads it to tell NOT_ASSESSED from
ERROR). A test checks it against what the provider emits on its test estate
(tests/providers/gcp/test_observes.py), and docs/providers/gcp.md explains each entry.

Supplied means: read from a Google API, or a platform fact Google documents (Admin
Activity audit logs always on, Cloud Storage's plain-HTTP XML API); absent then means the
read failed (ERROR). Elsewhere means no API the provider calls can ever tell; several
such facts are filled when a source is given after all (Google accounts' sign-in facts
with ``--gcp-workspace-customer``; a running Cloud SQL instance's admin user), and are
NOT_ASSESSED, naming the source, when they stay absent.
"""

from __future__ import annotations

from mamori.checks.hrjoin import HR_SOURCE
from mamori.checks.observability import Elsewhere, Observability, declared

_WORKSPACE = ("give --gcp-workspace-customer ID (Admin SDK Directory API, read-only user "
              "scope) to read Cloud Identity / Workspace users")
_HR = Elsewhere("no Google API keeps a person's employment status",
                "give an HR inventory (person records) joined to the accounts by e-mail or "
                "employee id (docs/hr-join.md)")
_GUEST_OS = ("give a host inventory (CMDB, Ansible facts) or a credential scan of the "
             "machine")

_ACCOUNT = {
    "root_mfa": Elsewhere(
        "GCP has no root user; the identities that can take over everything are the "
        "organisation's Cloud Identity / Workspace super administrators", _WORKSPACE),
    "mfa_enforced": Elsewhere(
        "2-Step Verification enforcement is set per organisational unit in Cloud Identity "
        "/ Workspace, which no Cloud API shows", _WORKSPACE),
    "password_policy.min_length": Elsewhere(
        "the Cloud Identity / Workspace password policy (Admin console, Security > "
        "Password management) is set per organisational unit and not read by mamori",
        "record it in an on-prem account inventory (password_policy.min_length)"),
}

_USER = {
    "enabled": Elsewhere("a Google account's suspension lives in Cloud Identity / "
                         "Workspace (service accounts' is read from IAM)", _WORKSPACE),
    "mfa": Elsewhere("a Google account's 2-Step Verification lives in Cloud Identity / "
                     "Workspace; accounts outside your directory cannot be read at all",
                     _WORKSPACE),
    "mfa_enforced": Elsewhere("2-Step Verification enforcement lives in Cloud Identity / "
                              "Workspace", _WORKSPACE),
    "last_active": Elsewhere(
        "a Google account's last sign-in lives in Cloud Identity / Workspace; a service "
        "account's comes from Policy Analyzer, which has no record of one that did not "
        "authenticate in its observation period", _WORKSPACE),
    "created": Elsewhere("IAM keeps no creation time of principals or service accounts; "
                         "a Google account's is in Cloud Identity / Workspace", _WORKSPACE),
    "employee_id": Elsewhere("the employee id of a Google account is a Workspace external "
                             "id (type organization)", _WORKSPACE),
    "employment": _HR,
    "hr_matched": HR_SOURCE,
}

_BUCKET = {
    "shared_key_access": Elsewhere(
        "Cloud Storage has no storage-account keys (an Azure setting); HMAC keys and "
        "signed URLs are restricted by the organisation policy storage.restrictAuthTypes, "
        "which mamori does not read", "check the organisation policy "
        "storage.restrictAuthTypes (gcloud org-policies describe)"),
    "min_tls_version": Elsewhere(
        "Cloud Storage has no per-bucket TLS version setting and its API does not show "
        "the TLS versions Google's front ends accept",
        "Google's encryption-in-transit documentation (not configurable per bucket)"),
}

_DATABASE = {
    "default_credentials": Elsewhere(
        "the Cloud SQL Admin API lists users but never shows whether a password is a "
        "default or weak one", "give a database inventory or a credential scan"),
    "admin_username": Elsewhere(
        "Cloud SQL lists an instance's users only while it runs (a stopped instance's "
        "are not listed)", "start the instance before the scan, or give a database "
        "inventory with admin_username"),
}

_HOST = {
    "default_credentials": Elsewhere(
        "Compute Engine does not show the guest OS's accounts or passwords", _GUEST_OS),
}

OBSERVES: Observability = declared("gcp", {
    "account": ["public_access_block", "audit_log.enabled", "audit_log.multi_region",
                "audit_log.retention_days", "audit_log.data_access",
                "password_policy.customer_configurable"],
    "user": ["console_access", "admin", "admin_direct", "guest", "access_keys", "email"],
    "role": ["admin", "admin_direct", "trusted_principals", "external_trust_unconditioned"],
    "bucket": ["public", "public_via", "encryption.enabled",
               "encryption.customer_managed_key", "versioning", "access_logging",
               "public_write", "public_access_block", "acl_enabled", "tls_required"],
    "volume": ["encrypted", "attached_to", "customer_managed_key"],
    "database": ["encrypted", "public", "engine", "customer_managed_key", "tls_required",
                 "backups_enabled"],
    "firewall_rule": ["direction", "protocol", "ports", "sources", "action"],
    "host": ["os", "os_version", "last_patched", "missing_critical_patches",
             "disk_encrypted", "internet_facing"],
}, {"account": _ACCOUNT, "user": _USER, "bucket": _BUCKET, "database": _DATABASE,
    "host": _HOST})
