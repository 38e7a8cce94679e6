"""What the aws provider can observe (mamori.checks.observability): per resource type, the
vocabulary attributes it supplies, and for the others why it cannot and who could.

Imported without the provider's SDK (the registry reads it to tell NOT_ASSESSED from
ERROR). A test checks it against what the provider emits on its test estate
(tests/providers/aws/test_declaration.py). Supplied attributes that are absent mean a
call failed (ERROR); the ``Elsewhere`` ones are facts no AWS API holds (NOT_ASSESSED,
naming the source that could tell). ``email`` and ``employee_id`` are read from user
tags when an organisation sets them, and are otherwise out of reach.
"""

from __future__ import annotations

from mamori.checks.hrjoin import HR_SOURCE
from mamori.checks.observability import Elsewhere, Observability, declared

_HR = Elsewhere("IAM keeps no employment status of the person behind a user",
                "give an HR inventory (person records) joined by e-mail, employee id or "
                "account name (docs/hr-join.md)")
_NO_MFA_SETTING = ("IAM has no setting that requires MFA at every sign-in (only policy "
                   "conditions on aws:MultiFactorAuthPresent, which mamori does not weigh)")
_STATED = "state it in an inventory record (mfa_enforced) for the {what}"

OBSERVES: Observability = declared(
    "aws",
    {
        "account": ["root_mfa", "password_policy.min_length",
                    "password_policy.customer_configurable", "public_access_block",
                    "audit_log.enabled", "audit_log.multi_region", "audit_log.retention_days",
                    "audit_log.data_access"],
        "user": ["enabled", "console_access", "mfa", "admin", "admin_direct", "last_active",
                 "created", "guest", "access_keys"],
        "role": ["admin", "admin_direct", "trusted_principals", "external_trust_unconditioned"],
        "policy": ["admin", "customer_managed", "attached"],
        "bucket": ["public", "public_via", "encryption.enabled",
                   "encryption.customer_managed_key", "versioning", "access_logging",
                   "public_write", "public_access_block", "acl_enabled", "shared_key_access",
                   "tls_required", "min_tls_version"],
        "volume": ["encrypted", "attached_to", "customer_managed_key"],
        "host": ["os", "os_version", "last_patched", "missing_critical_patches",
                 "disk_encrypted", "internet_facing"],
        "firewall_rule": ["direction", "protocol", "ports", "sources", "action"],
        "database": ["encrypted", "public", "admin_username", "engine", "customer_managed_key",
                     "tls_required", "backups_enabled"],
    },
    {
        "account": {
            "mfa_enforced": Elsewhere(_NO_MFA_SETTING, _STATED.format(what="account")),
        },
        "user": {
            "employment": _HR,
            "hr_matched": HR_SOURCE,
            "mfa_enforced": Elsewhere(_NO_MFA_SETTING, _STATED.format(what="user")),
            "email": Elsewhere("IAM keeps no e-mail address for a user",
                               "tag the user mamori:email, or list the user name under "
                               "the person's accounts in the HR inventory"),
            "employee_id": Elsewhere("IAM keeps no employee number for a user",
                                     "tag the user mamori:employee-id, or join by e-mail or "
                                     "account name in the HR inventory"),
        },
        "host": {
            "default_credentials": Elsewhere(
                "not visible to EC2 or Systems Manager APIs (whether a vendor default "
                "password still works is only seen on the host)",
                "give a host inventory (host records with default_credentials)"),
        },
        "database": {
            "default_credentials": Elsewhere(
                "not visible to RDS APIs (they never show passwords or whether a default "
                "one still works)",
                "give a database inventory (database records with default_credentials)"),
        },
    },
)
