"""Entra ID through Microsoft Graph: users, MFA capability, admin roles, MFA policy.

What is read (each call on its own; one that fails leaves only its facts absent):

- ``/organization``: the tenant id and name, and whether it synchronises from an
  on-premises directory (``onPremisesSyncEnabled``);
- ``/users`` with ``signInActivity`` (needs AuditLog.Read.All and an Entra ID P1
  licence; when refused, users are read again without it and ``last_active`` stays
  absent, with the refusal reported);
- ``/reports/authenticationMethods/userRegistrationDetails``: ``isMfaCapable`` (a strong
  method registered *and* allowed by the authentication methods policy; ``isMfaRegistered``
  alone may name a method the policy does not allow);
- ``/policies/identitySecurityDefaultsEnforcementPolicy`` and, when security defaults
  are off, ``/identity/conditionalAccess/policies`` (``conditional_access``);
- directory roles that Microsoft marks privileged and their members (``roles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mamori.providers.azure import conditional_access, roles
from mamori.providers.azure.errors import FAILED, Outcome, Scope
from mamori.providers.azure.graph_client import GraphClient
from mamori.providers.azure.roles import RoleMembers

USER_FIELDS = ("id,displayName,userPrincipalName,mail,employeeId,accountEnabled,userType,"
               "createdDateTime,creationType,externalUserState")


@dataclass
class Directory:
    """What Graph said about the tenant; ``FAILED`` where it could not be read."""

    tenant_id: str = ""
    tenant_name: str = ""
    synced: bool | None = None  # organization.onPremisesSyncEnabled
    users: list[dict[str, Any]] | Outcome = FAILED
    sign_in_readable: bool = False
    mfa_capable: dict[str, bool] | Outcome = FAILED
    roles: RoleMembers | Outcome = FAILED
    security_defaults: bool | Outcome = FAILED
    ca_policies: list[dict[str, Any]] | Outcome = FAILED  # [] when security defaults are on

    @property
    def mfa_enforced(self) -> bool | Outcome:
        """Security defaults, or a conditional-access policy requiring MFA for everyone."""
        if self.security_defaults is True:
            return True  # security defaults require MFA registration and use for everyone
        policies = self.ca_policies
        if not isinstance(policies, Outcome) and conditional_access.tenant_wide(policies):
            return True
        if isinstance(self.security_defaults, Outcome) or isinstance(policies, Outcome):
            return FAILED
        return False


def collect(graph: GraphClient, scope: Scope) -> Directory:
    """Everything above; failures are recorded in ``scope``."""
    directory = Directory()
    org = scope.items("graph:GET /organization", graph.pages, "/organization",
                      resource_types=("account",))
    if org is not FAILED and org:
        directory.tenant_id = str(org[0].get("id") or "")
        directory.tenant_name = str(org[0].get("displayName") or "")
        synced = org[0].get("onPremisesSyncEnabled")
        directory.synced = synced if isinstance(synced, bool) else None
    _users(graph, scope, directory)
    registrations = scope.items(
        "graph:GET /reports/authenticationMethods/userRegistrationDetails", graph.pages,
        "/reports/authenticationMethods/userRegistrationDetails")
    if registrations is not FAILED:
        directory.mfa_capable = {
            str(r.get("id")): r["isMfaCapable"] for r in registrations
            if isinstance(r.get("isMfaCapable"), bool)}
    _mfa_policies(graph, scope, directory)
    policies = directory.ca_policies
    excluded = conditional_access.excluded_roles(
        policies if not isinstance(policies, Outcome) else [])
    directory.roles = roles.collect(graph, scope, excluded)
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


def _mfa_policies(graph: GraphClient, scope: Scope, directory: Directory) -> None:
    defaults = scope.call("graph:GET /policies/identitySecurityDefaultsEnforcementPolicy",
                          graph.get, "/policies/identitySecurityDefaultsEnforcementPolicy")
    if isinstance(defaults, Mapping) and isinstance(defaults.get("isEnabled"), bool):
        directory.security_defaults = defaults["isEnabled"]
    if directory.security_defaults is True:
        directory.ca_policies = []  # conditional access cannot be on with security defaults
        return
    policies = scope.items("graph:GET /identity/conditionalAccess/policies", graph.pages,
                           "/identity/conditionalAccess/policies")
    directory.ca_policies = policies


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
