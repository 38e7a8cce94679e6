"""The tenant as an ``account``: what Entra ID, the Activity Log and Azure Policy tell.

On Azure the ``account`` is the Entra ID tenant (``id`` and ``account`` = tenant id), the
boundary users and service principals already carry. Its identity facts are the
tenant's; its audit and storage facts hold for every subscription collected in this run
(all the identity can list, or those named with ``--subscription``), combined so that the
weakest subscription decides and an unreadable one leaves the fact unknown:

- ``mfa_enforced``: security defaults, or a conditional-access policy requiring MFA for all
  users at every sign-in (``conditional_access``);
- ``root_mfa``: every enabled Global Administrator (direct or through a group) is
  MFA-capable (``isMfaCapable``);
- ``password_policy.min_length`` 8 and ``password_policy.customer_configurable`` false:
  platform facts. Entra ID fixes the policy for cloud accounts: at least 8 (at most 256)
  characters, not changeable by the customer (Microsoft Entra password policies). Users
  synchronised from on-premises AD DS change passwords under the
  domain's policy, which is an account of its own (an on-prem inventory); a synchronised
  tenant says so in ``x_password_policy_note``;
- ``audit_log.enabled`` and ``audit_log.multi_region`` true: platform facts. The Activity
  Log records every subscription's control-plane operations in every region and cannot
  be turned off; Entra ID keeps its own audit log the same way;
- ``audit_log.retention_days``: the shortest subscription retention (``activity``);
- ``audit_log.data_access``: every storage account logs blob reads (``StorageRead`` in a
  diagnostic setting). The Activity Log never records data-plane reads;
- ``public_access_block``: every subscription has an Azure Policy block (``policy``) *and*
  every storage account in it has ``allowBlobPublicAccess`` false (a Deny policy does not
  change accounts that already allow anonymous access).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.azure.activity import AuditFacts
from mamori.providers.azure.arm import GLOBAL, PROVIDER
from mamori.providers.azure.errors import FAILED, Outcome
from mamori.providers.azure.graph import Directory
from mamori.providers.azure.policy import PolicyFacts

ENTRA_MIN_PASSWORD_LENGTH = 8
_SYNCED_NOTE = ("users synchronised from on-premises AD DS change passwords under the "
                "domain's policy: give it as an on-prem account inventory")


def all_of(values: Iterable[bool | None]) -> bool | None:
    """False if any is false, else None if any is unknown, else True (also for none)."""
    found = list(values)
    if False in found:
        return False
    return None if None in found else True


@dataclass
class StorageView:
    """What each subscription's storage accounts say, read off the resource stream."""

    failed: set[str] = field(default_factory=set)  # subscriptions whose listing failed
    blocked: dict[str, list[bool | None]] = field(default_factory=dict)
    read_logged: dict[str, list[bool | None]] = field(default_factory=dict)

    def see(self, item: object) -> None:
        """Note one streamed bucket or collection error."""
        if isinstance(item, CollectionError) and "bucket" in item.resource_types:
            self.failed.add(item.account)
        elif isinstance(item, Resource) and item.type == "bucket":
            a = item.attributes
            self.blocked.setdefault(item.account, []).append(a.get("public_access_block"))
            self.read_logged.setdefault(item.account, []).append(a.get("x_read_logged"))

    def of(self, sub: str, table: Mapping[str, list[bool | None]]) -> bool | None:
        """``all_of`` the subscription's accounts; None when they were not listed."""
        return None if sub in self.failed else all_of(table.get(sub, []))


@dataclass
class TenantFacts:
    """Everything the tenant account is built from; ``None`` for a service not collected."""

    tenant_id: str
    directory: Directory
    groups: Mapping[str, Mapping[str, set[str]] | Outcome]
    subscriptions: list[str]
    audit: dict[str, AuditFacts] | None
    policy: dict[str, PolicyFacts] | None
    storage: StorageView | None


def tenant(facts: TenantFacts) -> Resource:
    """The tenant ``account`` resource."""
    directory = facts.directory
    attrs: dict[str, Any] = {
        "password_policy": {"min_length": ENTRA_MIN_PASSWORD_LENGTH,
                            "customer_configurable": False},
        "audit_log": {"enabled": True, "multi_region": True}}
    if directory.synced:
        attrs["x_password_policy_note"] = _SYNCED_NOTE
    enforced = directory.mfa_enforced
    if not isinstance(enforced, Outcome):
        attrs["mfa_enforced"] = enforced
    root = _global_admins_mfa(directory, facts.groups)
    if root is not None:
        attrs["root_mfa"] = root
    attrs.update(_subscription_facts(facts, attrs["audit_log"]))
    return Resource(type="account", id=facts.tenant_id, name=directory.tenant_name,
                    provider=PROVIDER, account=facts.tenant_id, region=GLOBAL,
                    source="graph:/organization", attributes=attrs)


def _subscription_facts(facts: TenantFacts, audit_log: dict[str, Any]) -> dict[str, Any]:
    subs = facts.subscriptions
    out: dict[str, Any] = {}
    if not subs:
        return {}  # no subscription was collected: nothing says how long logs are kept
    if facts.audit is not None:
        days = [facts.audit[s].retention_days if s in facts.audit else None for s in subs]
        if None not in days:
            audit_log["retention_days"] = min(d for d in days if d is not None)
        out["x_audit_log_exports"] = sorted(e for s in subs if s in facts.audit
                                            for e in facts.audit[s].exports)
    storage = facts.storage
    if storage is not None:
        logged = all_of(storage.of(s, storage.read_logged) for s in subs)
        if logged is not None:
            audit_log["data_access"] = logged
    if facts.policy is not None and storage is not None:
        per_sub = {s: all_of([facts.policy[s].blocks_public_access if s in facts.policy
                              else None, storage.of(s, storage.blocked)]) for s in subs}
        block = all_of(per_sub.values())
        if block is not None:
            out["public_access_block"] = block
        out["x_public_access_unblocked"] = sorted(s for s, v in per_sub.items() if v is False)
        out["x_public_access_policy"] = sorted(a for s in subs if s in facts.policy
                                               for a in facts.policy[s].via)
    return out


def _global_admins_mfa(directory: Directory,
                       groups: Mapping[str, Mapping[str, set[str]] | Outcome]) -> bool | None:
    """True when every enabled Global Administrator is MFA-capable; None = unknown."""
    roles, capable = directory.roles, directory.mfa_capable
    if isinstance(roles, Outcome) or isinstance(capable, Outcome):
        return None
    admins = set(roles.global_admin_direct)
    for group_id in roles.global_admin_groups:
        kinds = groups.get(group_id, FAILED)
        if isinstance(kinds, Outcome):
            return None
        admins |= kinds.get("user", set())
    if not isinstance(directory.users, Outcome):
        disabled = {str(u.get("id")) for u in directory.users if u.get("accountEnabled") is False}
        admins -= disabled
    states = [capable.get(a) for a in admins]
    if False in states:
        return False
    return True if admins and None not in states else None
