"""Conditional Access: which policies require MFA at every sign-in, and for whom.

A policy *requires MFA everywhere* when it is enabled (report-only does not enforce),
targets all cloud apps with none excluded, has no condition that narrows it to some
sign-ins (risk levels, device platforms, locations with exclusions, client app types that
leave out browsers or modern clients, device filters, authentication flows, workload
identities), and grants access only with MFA: ``mfa`` or an authentication strength, with
no alternative control under ``OR``.

- tenant-wide (``account.mfa_enforced``): such a policy includes ``All`` users;
  excluded users and groups (break-glass accounts) are allowed, as CIS and Microsoft's own
  template ("Require multifactor authentication for all users") recommend.
- per user (``user.mfa_enforced``): such a policy includes the user (``All`` or by id)
  and the user is provably not excluded: not in ``excludeUsers``, not a transitive member
  of an excluded group, not a member of an excluded directory role, not a guest when
  guests are excluded. When an exclusion could not be expanded the policy proves nothing.
  Only ``true`` is ever concluded: without it the fact stays absent (legacy per-user MFA
  is not in Graph v1.0), and the provider declares it out of reach.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mamori.providers.azure.errors import Outcome

_ALL = "all"
_MODERN_CLIENTS = frozenset({"browser", "mobileappsanddesktopclients"})
_GUESTS = "guestsorexternalusers"

#: group id → {"user": ids, "servicePrincipal": ids, "group": ids} or FAILED
Members = Mapping[str, Mapping[str, set[str]] | Outcome]


def _lower(values: Any) -> set[str]:
    return {str(v).lower() for v in values or []}


def _section(policy: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    conditions = policy.get("conditions") or {}
    value = conditions.get(name) if isinstance(conditions, Mapping) else None
    return value if isinstance(value, Mapping) else {}


def requires_mfa(policy: Mapping[str, Any]) -> bool:
    """Enabled, all apps, nothing narrowing it, and only MFA satisfies it."""
    if str(policy.get("state") or "").lower() != "enabled":
        return False
    apps = _section(policy, "applications")
    if _ALL not in _lower(apps.get("includeApplications")) or apps.get("excludeApplications"):
        return False
    return not _narrowed(policy) and _grants_only_with_mfa(policy)


def _narrowed(policy: Mapping[str, Any]) -> bool:
    conditions = policy.get("conditions") or {}
    if not isinstance(conditions, Mapping):
        return True
    for risk in ("userRiskLevels", "signInRiskLevels", "servicePrincipalRiskLevels",
                 "insiderRiskLevels"):
        if conditions.get(risk):
            return True
    if conditions.get("clientApplications") or conditions.get("authenticationFlows"):
        return True
    devices = conditions.get("devices")
    if isinstance(devices, Mapping) and devices.get("deviceFilter"):
        return True
    clients = _lower(conditions.get("clientAppTypes"))
    if clients and _ALL not in clients and not clients >= _MODERN_CLIENTS:
        return True
    return _partial(_section(policy, "platforms"), "Platforms") or \
        _partial(_section(policy, "locations"), "Locations")


def _partial(section: Mapping[str, Any], noun: str) -> bool:
    """A platform/location condition that leaves some sign-ins out."""
    if not section:
        return False
    return _ALL not in _lower(section.get(f"include{noun}")) or bool(section.get(f"exclude{noun}"))


def _grants_only_with_mfa(policy: Mapping[str, Any]) -> bool:
    grant = policy.get("grantControls") or {}
    if not isinstance(grant, Mapping):
        return False
    controls = _lower(grant.get("builtInControls"))
    if "block" in controls:
        return False
    requires = "mfa" in controls or isinstance(grant.get("authenticationStrength"), Mapping)
    others = controls - {"mfa"}
    # With OR between controls, any other control satisfies the policy without MFA.
    return requires and (str(grant.get("operator") or "OR").upper() == "AND" or not others)


def for_all_users(policy: Mapping[str, Any]) -> bool:
    """The policy includes every user (exclusions allowed)."""
    return _ALL in _lower(_section(policy, "users").get("includeUsers"))


def tenant_wide(policies: Sequence[Mapping[str, Any]]) -> bool:
    """Some policy requires MFA everywhere for all users."""
    return any(requires_mfa(p) and for_all_users(p) for p in policies)


def excluded_groups(policies: Sequence[Mapping[str, Any]]) -> set[str]:
    """Groups excluded from MFA-requiring policies (to be expanded)."""
    return {str(g) for p in policies if requires_mfa(p)
            for g in _section(p, "users").get("excludeGroups") or []}


def excluded_roles(policies: Sequence[Mapping[str, Any]]) -> set[str]:
    """Directory role template ids excluded from MFA-requiring policies."""
    return {str(r).lower() for p in policies if requires_mfa(p)
            for r in _section(p, "users").get("excludeRoles") or []}


def enforced_for(user_id: str, guest: bool | None, policies: Sequence[Mapping[str, Any]],
                 groups: Members,
                 roles: Mapping[str, Mapping[str, set[str]]] | Outcome) -> bool | None:
    """True when a policy provably requires MFA at every sign-in of this user."""
    for policy in policies:
        if requires_mfa(policy) and _covers(user_id, guest, policy, groups, roles):
            return True
    return None


def _covers(user_id: str, guest: bool | None, policy: Mapping[str, Any], groups: Members,
            roles: Mapping[str, Mapping[str, set[str]]] | Outcome) -> bool:
    users = _section(policy, "users")
    included = _lower(users.get("includeUsers"))
    if _ALL not in included and user_id.lower() not in included:
        return False
    excluded = _lower(users.get("excludeUsers"))
    if user_id.lower() in excluded:
        return False
    if guest is not False and (_GUESTS in excluded or users.get("excludeGuestsOrExternalUsers")):
        return False  # guests are excluded and this one is, or may be, a guest
    member_groups = [str(g) for g in users.get("excludeGroups") or []]
    for template in _lower(users.get("excludeRoles")):
        if isinstance(roles, Outcome):
            return False
        holders = roles.get(template, {})
        if user_id in holders.get("user", set()):
            return False
        member_groups += sorted(holders.get("group", set()))
    for group_id in member_groups:
        kinds = groups.get(group_id)
        if kinds is None or isinstance(kinds, Outcome) or user_id in kinds.get("user", set()):
            return False  # excluded, or its membership could not be read
    return True
