"""What the terraform provider can observe (mamori.checks.observability): per resource type,
the vocabulary attributes a plan supplies, and for the others why it cannot and who could.

A plan shows configuration: what Terraform will set. It never shows what only the live
cloud knows (whether a user has MFA, when an account or access key was last used, whether
a vendor default password still works) nor what only HR knows (employment). Those are
declared :class:`~mamori.checks.observability.Elsewhere` with the source that could tell,
so rules needing them are NOT_ASSESSED in ``mamori plan``, not ERROR. Some of them a plan
shows sometimes (a user the plan creates has never signed in; a virtual MFA device names
its user): the mappers fill them then, as the declaration contract allows.

``supplies`` are the attributes the mappers fill whenever the plan configures them: absent
means the value is unknown until apply or could not be read (a policy outside the plan),
and the finding is ERROR, as before. Account-level facts (trails, the password policy, the
account public access block) are supplied: an ``account`` resource exists only when the
plan manages some of them, and a setting it does not manage cannot be verified from it.
Attributes added in issue 12 that the mappers do not read yet are declared Elsewhere with
the live provider as the source.

Imported without the provider's SDK (the registry reads it to tell NOT_ASSESSED from
ERROR). tests/providers/terraform/test_observes.py checks it against what the mappers emit.
"""

from __future__ import annotations

from mamori.checks.observability import Elsewhere, Observability, declared

#: Who can tell what a plan cannot: a scan of the cloud the plan deploys to.
LIVE = "scan the live account (mamori scan --aws/--azure/--gcp)"
#: Who can tell who owns an account and whether they left.
HR = ("scan with an HR inventory joined to the accounts (mamori scan --inventory "
      "HR_EXPORT; docs/hr-join.md)")


def _never(what: str, source: str = LIVE) -> Elsewhere:
    """A fact no plan can show."""
    return Elsewhere(f"a plan shows configuration, not {what}", source)


def _unread(what: str) -> Elsewhere:
    """A fact a plan could hold but mamori's plan mappers do not read (yet)."""
    return Elsewhere(f"mamori does not read {what} from a plan", LIVE)


OBSERVES: Observability = declared(
    "terraform",
    {
        "account": ["public_access_block", "audit_log.enabled", "audit_log.multi_region",
                    "password_policy.min_length"],
        "user": ["admin", "admin_direct"],
        "role": ["admin", "trusted_principals", "external_trust_unconditioned"],
        "bucket": ["public", "public_via", "encryption.enabled",
                   "encryption.customer_managed_key", "versioning", "access_logging"],
        "firewall_rule": ["direction", "protocol", "ports", "sources", "action"],
        "database": ["encrypted", "public", "engine", "admin_username"],
        "volume": ["encrypted", "attached_to"],
    },
    {
        "account": {
            "root_mfa": _never("whether the root user has MFA"),
            "audit_log.retention_days": _unread("audit-log retention"),
            "audit_log.data_access": _unread("data-access (data event) logging"),
            "password_policy.customer_configurable": _unread(
                "whether the platform lets the password policy be changed"),
            "mfa_enforced": _never("whether MFA is enforced tenant-wide"),
        },
        "user": {
            "enabled": _never("whether an existing identity can sign in (a role granted "
                              "to a Google or Entra account)"),
            "console_access": _never("whether an identity granted a role has "
                                     "interactive sign-in"),
            "mfa": _never("whether a user has MFA (only an MFA device the plan creates "
                          "is shown)"),
            "mfa_enforced": _never("whether MFA is required at every sign-in"),
            "last_active": _never("when an existing user last signed in"),
            "created": _never("when an existing user was created"),
            "access_keys": _never("when an access key was last used"),
            "guest": _unread("guest status"),
            "email": _unread("e-mail addresses or UPNs"),
            "employee_id": _unread("employee numbers"),
            "employment": _never("whether the person behind an account has left", HR),
            "hr_matched": _never("who owns an account", HR),
        },
        "role": {
            "admin_direct": _unread("how a role's admin rights are granted"),
        },
        "bucket": {
            "public_write": _unread("public write access"),
            "public_access_block": _unread("bucket-level public access blocks"),
            "acl_enabled": _unread("object ownership (ACLs enabled)"),
            "shared_key_access": _unread("shared-key access"),
            "tls_required": _unread("whether TLS is required"),
            "min_tls_version": _unread("the minimum TLS version"),
        },
        "database": {
            "default_credentials": Elsewhere(
                "a plan shows configuration, not whether a vendor default password "
                "still works (only a password managed by the platform is shown)",
                "give a database inventory that records default_credentials "
                "(docs/inventory.md)"),
            "customer_managed_key": _unread("customer-managed database keys"),
            "tls_required": _unread("whether clients must use TLS"),
            "backups_enabled": _unread("automated backups"),
        },
        "volume": {
            "customer_managed_key": _unread("customer-managed disk keys"),
        },
    },
)
