"""Role assignments and role definitions of one subscription → who is admin there.

A principal is *admin* of a subscription when it holds, at the subscription's own
scope or above it (management group, root), one of the built-in roles Owner,
Contributor, User Access Administrator or Role Based Access Control Administrator, or
a custom role that allows ``*`` or writing role assignments (``NotActions`` are not
subtracted: this may call a role admin that is not quite, never the opposite).
Assignments at resource-group or resource scope are read but do not make anyone admin
of the subscription. Eligible (PIM) assignments are not active and are not counted.

This module yields no resources: the users and service principals it learns about
are merged with Entra ID data by ``identity``. A failed assignment listing makes the
subscription's result incomplete, so nobody's ``admin`` can be *false* (it stays
absent unless another path proves it true), and the service-principal ``role``
resources of that subscription become ERROR.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, subscription_scope
from mamori.providers.azure.errors import FAILED, Scope
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription

#: Built-in role definition GUIDs that make a principal admin at subscription scope.
ADMIN_ROLES: dict[str, str] = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "f58310d9-a9f6-439a-9e8d-f62e7b41a168": "Role Based Access Control Administrator",
}
_ADMIN_ACTIONS = frozenset({"*", "microsoft.authorization/*",
                            "microsoft.authorization/roleassignments/*",
                            "microsoft.authorization/roleassignments/write"})


@dataclass
class Grant:
    """One principal's standing in one subscription."""

    principal_type: str = ""
    admin_roles: set[str] = field(default_factory=set)  # role names at subscription scope
    uncertain: bool = False  # a subscription-scope role whose definition we could not read
    source: str = ""  # one of its role assignment ids (evidence)


@dataclass
class RbacResult:
    """What the role assignments of one subscription say about each principal."""

    subscription: str
    complete: bool = False  # assignments were listed
    grants: dict[str, Grant] = field(default_factory=dict)  # principal object id → grant


def collect(sub: Subscription, credential: Any, options: AzureOptions,
            scope: Scope) -> RbacResult:
    """Read the subscription's role assignments; failures go to ``scope``."""
    client = clients.authorization_client(credential, options, sub.id)
    result = RbacResult(sub.id)
    sub_scope = subscription_scope(sub.id)
    # Built-ins are known by GUID, so only custom roles need reading.
    custom = scope.items("Microsoft.Authorization/roleDefinitions/read",
                         client.role_definitions.list, sub_scope,
                         filter="type eq 'CustomRole'")
    assignments = scope.items("Microsoft.Authorization/roleAssignments/read",
                              client.role_assignments.list_for_subscription,
                              resource_types=("role",))
    if assignments is FAILED:
        return result
    definitions = None if custom is FAILED else _custom_admin_roles(custom)
    for assignment in assignments:
        _add(result, assignment, sub_scope, definitions)
    result.complete = True
    return result


def _custom_admin_roles(custom: list[dict[str, Any]]) -> dict[str, str | None]:
    """Custom role GUID → its name when it is admin, else None."""
    found: dict[str, str | None] = {}
    for definition in custom:
        guid = str(definition.get("name") or definition.get("id", "")).rsplit("/", 1)[-1]
        p = props(definition)
        found[guid.lower()] = str(p.get("roleName") or guid) if _is_admin(p) else None
    return found


def _is_admin(p: Mapping[str, Any]) -> bool:
    for permission in p.get("permissions") or []:
        actions = {str(a).lower() for a in permission.get("actions") or []}
        if actions & _ADMIN_ACTIONS:
            return True
    return False


def _add(result: RbacResult, assignment: Mapping[str, Any], sub_scope: str,
         definitions: dict[str, str | None] | None) -> None:
    p = props(assignment)
    principal = str(p.get("principalId") or "")
    if not principal:
        return
    grant = result.grants.setdefault(principal, Grant())
    grant.principal_type = grant.principal_type or str(p.get("principalType") or "")
    grant.source = grant.source or str(assignment.get("id", ""))
    if not _covers_subscription(str(p.get("scope") or ""), sub_scope):
        return
    guid = str(p.get("roleDefinitionId") or "").rsplit("/", 1)[-1].lower()
    if guid in ADMIN_ROLES:
        grant.admin_roles.add(ADMIN_ROLES[guid])
    elif definitions is None:
        grant.uncertain = True  # custom roles unreadable: this one might be admin
    elif definitions.get(guid):
        grant.admin_roles.add(str(definitions[guid]))


def _covers_subscription(scope: str, sub_scope: str) -> bool:
    """True for the subscription itself and scopes above it (management groups, root)."""
    scope = scope.rstrip("/").lower()
    return scope == sub_scope.lower() or not scope.startswith("/subscriptions/")
