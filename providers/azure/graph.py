"""Entra ID through Microsoft Graph: users, MFA registration, admin roles, MFA policy.

What is read (each call on its own; one that fails leaves only its facts absent):

- ``/organization``: the tenant id and name;
- ``/users`` with ``signInActivity`` (needs AuditLog.Read.All and an Entra ID P1
  licence; when refused, users are read again without it and ``last_active`` stays
  absent, with the refusal reported);
- ``/reports/authenticationMethods/userRegistrationDetails``: ``isMfaRegistered``;
- ``/directoryRoles`` and their ``members``: roles whose name contains
  "Administrator" make their members admin (groups are expanded later, with the
  groups that hold Azure roles);
- ``/policies/identitySecurityDefaultsEnforcementPolicy`` and, when security defaults
  are off, ``/identity/conditionalAccess/policies``: MFA enforced tenant-wide.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.azure.errors import FAILED, Outcome, Scope
from mamori.providers.azure.graph_client import GraphClient

USER_FIELDS = ("id,displayName,userPrincipalName,accountEnabled,userType,createdDateTime,"
               "creationType,externalUserState")
GLOBAL_ADMIN_TEMPLATE = "62e90394-69f5-4237-9190-012177145e10"
_ALL = "all"


@dataclass
class RoleMembers:
    """Direct members of the admin directory roles, by kind."""

    users: dict[str, set[str]] = field(default_factory=dict)  # user id → role names
    service_principals: dict[str, set[str]] = field(default_factory=dict)
    groups: dict[str, set[str]] = field(default_factory=dict)  # group id → role names
    global_admin_direct: set[str] = field(default_factory=set)  # direct user members
    global_admin_groups: set[str] = field(default_factory=set)


@dataclass
class Directory:
    """What Graph said about the tenant; ``FAILED`` where it could not be read."""

    tenant_id: str = ""
    tenant_name: str = ""
    users: list[dict[str, Any]] | Outcome = FAILED
    sign_in_readable: bool = False
    mfa_registered: dict[str, bool] | Outcome = FAILED
    roles: RoleMembers | Outcome = FAILED
    mfa_enforced: bool | Outcome = FAILED


def collect(graph: GraphClient, scope: Scope) -> Directory:
    """Everything above; failures are recorded in ``scope``."""
    directory = Directory()
    org = scope.items("graph:GET /organization", graph.pages, "/organization",
                      resource_types=("account",))
    if org is not FAILED and org:
        directory.tenant_id = str(org[0].get("id") or "")
        directory.tenant_name = str(org[0].get("displayName") or "")
    _users(graph, scope, directory)
    registrations = scope.items(
        "graph:GET /reports/authenticationMethods/userRegistrationDetails", graph.pages,
        "/reports/authenticationMethods/userRegistrationDetails")
    if registrations is not FAILED:
        directory.mfa_registered = {
            str(r.get("id")): r["isMfaRegistered"] for r in registrations
            if isinstance(r.get("isMfaRegistered"), bool)}
    directory.roles = _role_members(graph, scope)
    directory.mfa_enforced = _mfa_enforced(graph, scope)
    return directory


def _users(graph: GraphClient, scope: Scope, directory: Directory) -> None:
    # Try with signInActivity first; a tenant without the licence refuses the field.
    # That refusal is reported (last_active stays absent), then users are read without.
    users = scope.items("graph:GET /users?$select=signInActivity", graph.pages,
                        f"/users?$select={USER_FIELDS},signInActivity&$top=999")
    if users is not FAILED:
        directory.users, directory.sign_in_readable = users, True
        return
    directory.users = scope.items("graph:GET /users", graph.pages,
                                  f"/users?$select={USER_FIELDS}&$top=999",
                                  resource_types=("user",))


def _role_members(graph: GraphClient, scope: Scope) -> RoleMembers | Outcome:
    roles = scope.items("graph:GET /directoryRoles", graph.pages, "/directoryRoles")
    if roles is FAILED:
        return FAILED
    members = RoleMembers()
    for role in roles:
        name = str(role.get("displayName") or "")
        if "administrator" not in name.lower():
            continue
        listed = scope.items("graph:GET /directoryRoles/{id}/members", graph.pages,
                             f"/directoryRoles/{role.get('id')}/members")
        if listed is FAILED:
            return FAILED
        is_global = str(role.get("roleTemplateId") or "").lower() == GLOBAL_ADMIN_TEMPLATE
        for member in listed:
            _add_member(members, member, name, is_global)
    return members


def _add_member(members: RoleMembers, member: Mapping[str, Any], role: str,
                is_global: bool) -> None:
    kind = str(member.get("@odata.type") or "").lower()
    object_id = str(member.get("id") or "")
    if kind.endswith(".user"):
        members.users.setdefault(object_id, set()).add(role)
        if is_global:
            members.global_admin_direct.add(object_id)
    elif kind.endswith(".serviceprincipal"):
        members.service_principals.setdefault(object_id, set()).add(role)
    elif kind.endswith(".group"):
        members.groups.setdefault(object_id, set()).add(role)
        if is_global:
            members.global_admin_groups.add(object_id)


def _mfa_enforced(graph: GraphClient, scope: Scope) -> bool | Outcome:
    defaults = scope.call("graph:GET /policies/identitySecurityDefaultsEnforcementPolicy",
                          graph.get, "/policies/identitySecurityDefaultsEnforcementPolicy")
    if isinstance(defaults, Mapping) and defaults.get("isEnabled") is True:
        return True  # security defaults require MFA registration and use for everyone
    policies = scope.items("graph:GET /identity/conditionalAccess/policies", graph.pages,
                           "/identity/conditionalAccess/policies")
    if policies is not FAILED and any(_requires_mfa_for_all(p) for p in policies):
        return True
    if defaults is FAILED or policies is FAILED:
        return FAILED
    return False


def _requires_mfa_for_all(policy: Mapping[str, Any]) -> bool:
    """An enabled policy for all users and all cloud apps that grants only with MFA.

    Exclusions (break-glass accounts) are allowed; report-only policies are not
    enforced and do not count.
    """
    if str(policy.get("state") or "").lower() != "enabled":
        return False
    conditions = policy.get("conditions") or {}
    users = conditions.get("users") or {}
    apps = conditions.get("applications") or {}
    if _ALL not in {str(u).lower() for u in users.get("includeUsers") or []}:
        return False
    if _ALL not in {str(a).lower() for a in apps.get("includeApplications") or []}:
        return False
    grant = policy.get("grantControls") or {}
    controls = {str(c).lower() for c in grant.get("builtInControls") or []}
    strength = grant.get("authenticationStrength")
    requires = "mfa" in controls or isinstance(strength, Mapping)
    # With OR between controls, any other control satisfies the policy without MFA.
    others = controls - {"mfa"}
    return requires and (str(grant.get("operator") or "OR").upper() == "AND" or not others)


def expand_groups(graph: GraphClient, scope: Scope,
                  group_ids: set[str]) -> dict[str, dict[str, set[str]] | Outcome]:
    """Transitive members of each group, by kind (``user``/``servicePrincipal``)."""
    expanded: dict[str, dict[str, set[str]] | Outcome] = {}
    for group_id in sorted(group_ids):
        listed = scope.items("graph:GET /groups/{id}/transitiveMembers", graph.pages,
                             f"/groups/{group_id}/transitiveMembers")
        if listed is FAILED:
            expanded[group_id] = FAILED
            continue
        kinds: dict[str, set[str]] = {"user": set(), "servicePrincipal": set()}
        for member in listed:
            kind = str(member.get("@odata.type") or "").lower()
            if kind.endswith(".user"):
                kinds["user"].add(str(member.get("id")))
            elif kind.endswith(".serviceprincipal"):
                kinds["servicePrincipal"].add(str(member.get("id")))
        expanded[group_id] = kinds
    return expanded


def lookup_objects(graph: GraphClient, scope: Scope,
                   ids: set[str]) -> dict[str, dict[str, Any]] | Outcome:
    """Directory objects by id (service principals' names and owning tenant)."""
    found: dict[str, dict[str, Any]] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 1000):  # getByIds takes at most 1,000 ids
        chunk = ordered[start:start + 1000]
        items = scope.items("graph:POST /directoryObjects/getByIds", graph.post_pages,
                            "/directoryObjects/getByIds",
                            {"ids": chunk, "types": ["servicePrincipal", "group", "user"]})
        if items is FAILED:
            return FAILED
        found.update({str(i.get("id")): i for i in items})
    return found
