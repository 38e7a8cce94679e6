"""What the azure provider can observe (mamori.checks.observability): per resource type, the
vocabulary attributes it supplies, and for the others why it cannot and who could.

Imported without the provider's SDK (the registry reads it to tell NOT_ASSESSED from
ERROR). A test checks it against what the provider emits on its test estate.

Supplied attributes that are absent in a scan mean a call failed or answered nothing:
ERROR. The ``Elsewhere`` ones are facts no ARM or Graph API shows; the provider fills
some of them when it can prove a value (a Linux VM without password sign-in has no
working default password; a conditional-access policy proves a user's MFA enforcement),
and otherwise their findings are NOT_ASSESSED, naming the source that could tell.
"""

from __future__ import annotations

from mamori.checks.observability import Elsewhere, Observability, declared

HR = Elsewhere(
    "Entra ID keeps no employment status in a form mamori reads",
    "give an HR inventory (person records) joined by e-mail / employee id "
    "(docs/hr-join.md)")
HR_JOIN = Elsewhere(
    "only HR records say who owns an account",
    "set by the HR join when an HR inventory (person records) is given (docs/hr-join.md)")
HOST_INVENTORY = Elsewhere(
    "not visible to ARM: whether an image's or an installed product's default accounts "
    "still work shows only inside the VM (ARM shows it only for Linux VMs with password "
    "sign-in disabled)",
    "give a host inventory (host records with default_credentials) for the VM")
PER_USER_MFA = Elsewhere(
    "not visible to Graph v1.0 unless a conditional-access policy proves it: per-user "
    "(legacy) MFA enforcement and security defaults' risk-based prompts are not exposed",
    "review per-user MFA in the Microsoft Entra admin center, or require MFA for the "
    "user with a conditional-access policy mamori can read")

OBSERVES: Observability = declared("azure", {
    "account": ["root_mfa", "password_policy.min_length",
                "password_policy.customer_configurable", "public_access_block",
                "audit_log.enabled", "audit_log.multi_region", "audit_log.retention_days",
                "audit_log.data_access", "mfa_enforced"],
    "user": ["enabled", "console_access", "mfa", "admin", "admin_direct", "last_active",
             "created", "guest", "access_keys", "email", "employee_id"],
    "role": ["admin", "admin_direct", "trusted_principals", "external_trust_unconditioned"],
    "bucket": ["public", "public_via", "encryption.enabled",
               "encryption.customer_managed_key", "versioning", "access_logging",
               "public_write", "public_access_block", "acl_enabled", "shared_key_access",
               "tls_required", "min_tls_version"],
    "volume": ["encrypted", "attached_to", "customer_managed_key"],
    "database": ["encrypted", "public", "default_credentials", "admin_username", "engine",
                 "customer_managed_key", "tls_required", "backups_enabled"],
    "firewall_rule": ["direction", "protocol", "ports", "sources", "action"],
    "host": ["os", "os_version", "last_patched", "missing_critical_patches",
             "disk_encrypted", "internet_facing"],
}, {
    "user": {"employment": HR, "hr_matched": HR_JOIN, "mfa_enforced": PER_USER_MFA},
    "host": {"default_credentials": HOST_INVENTORY},
})
