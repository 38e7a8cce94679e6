"""Entra ID directory roles: which are privileged, and who holds them.

A directory role makes its members admin when Microsoft marks it privileged: the role
definition's ``isPrivileged`` flag (set when the role holds at least one sensitive
resource action: Microsoft Entra "Privileged roles and permissions"), not its name.
Global Reader and Directory Writers are privileged without "Administrator" in their
names; Exchange Administrator is not privileged in Entra ID's sense. The flag is
read from ``/roleManagement/directory/roleDefinitions``: Microsoft documents it under the
beta endpoint, so beta is asked first and v1.0 second (whichever carries the flag).

Members of the activated roles (``/directoryRoles/{id}/members``) are listed for the
privileged roles, Global Administrator (for ``root_mfa``) and the roles a conditional-
access MFA policy excludes (for ``user.mfa_enforced``); groups are expanded later. A role
without a readable flag is a failed read (never "not privileged"): every admin conclusion
that depends on directory roles is then unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.providers.azure.errors import FAILED, GraphError, Outcome, Scope
from mamori.providers.azure.graph_client import GraphClient

GLOBAL_ADMIN_TEMPLATE = "62e90394-69f5-4237-9190-012177145e10"
DEFINITIONS = ("/roleManagement/directory/roleDefinitions"
               "?$select=id,displayName,templateId,isBuiltIn,isPrivileged")
DEFINITIONS_OP = "graph:GET /roleManagement/directory/roleDefinitions"


@dataclass
class RoleMembers:
    """Direct members of the privileged directory roles, by kind, and of the others read."""

    users: dict[str, set[str]] = field(default_factory=dict)  # user id → role names
    service_principals: dict[str, set[str]] = field(default_factory=dict)
    groups: dict[str, set[str]] = field(default_factory=dict)  # group id → role names
    global_admin_direct: set[str] = field(default_factory=set)  # direct user members
    global_admin_groups: set[str] = field(default_factory=set)
    # role template id → member kind ("user", "group", "servicePrincipal") → object ids
    by_template: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def collect(graph: GraphClient, scope: Scope, wanted: set[str]) -> RoleMembers | Outcome:
    """Members of privileged roles, Global Administrator and the ``wanted`` templates."""
    privileged = privilege_flags(graph, scope)
    if isinstance(privileged, Outcome):
        return FAILED
    activated = scope.items("graph:GET /directoryRoles", graph.pages, "/directoryRoles")
    if activated is FAILED:
        return FAILED
    members = RoleMembers()
    for role in activated:
        template = str(role.get("roleTemplateId") or "").lower()
        name = str(role.get("displayName") or template)
        flag = privileged.get(template)
        if flag is None:
            scope.record(DEFINITIONS_OP, GraphError(
                0, "UnknownRolePrivilege", f"no isPrivileged flag for directory role {name}"))
            return FAILED
        is_global = template == GLOBAL_ADMIN_TEMPLATE
        if not (flag or is_global or template in wanted):
            continue
        listed = scope.items("graph:GET /directoryRoles/{id}/members", graph.pages,
                             f"/directoryRoles/{role.get('id')}/members")
        if listed is FAILED:
            return FAILED
        for member in listed:
            _add_member(members, member, template, name if flag else None, is_global)
    return members


def privilege_flags(graph: GraphClient, scope: Scope) -> dict[str, bool] | Outcome:
    """Role template id → ``isPrivileged``, from beta, else v1.0."""
    trial = Scope("tenant", scope.account)
    for version in ("beta", "v1.0"):
        listed = trial.items(DEFINITIONS_OP, graph.pages, DEFINITIONS, version)
        if listed is FAILED:
            continue
        flags = {_template(d): d["isPrivileged"] for d in listed
                 if isinstance(d.get("isPrivileged"), bool)}
        if flags:
            return flags
    scope.errors.extend(trial.errors)
    if not trial.errors:
        scope.record(DEFINITIONS_OP, GraphError(
            0, "UnknownRolePrivilege", "role definitions carry no isPrivileged flag"))
    return FAILED


def _template(definition: Mapping[str, Any]) -> str:
    return str(definition.get("templateId") or definition.get("id") or "").lower()


def _add_member(members: RoleMembers, member: Mapping[str, Any], template: str,
                privileged_as: str | None, is_global: bool) -> None:
    kind = str(member.get("@odata.type") or "").lower().rsplit(".", 1)[-1]
    object_id = str(member.get("id") or "")
    key = {"user": "user", "group": "group", "serviceprincipal": "servicePrincipal"}.get(kind)
    if key is None or not object_id:
        return
    members.by_template.setdefault(template, {}).setdefault(key, set()).add(object_id)
    if privileged_as is not None:
        table = {"user": members.users, "group": members.groups,
                 "servicePrincipal": members.service_principals}[key]
        table.setdefault(object_id, set()).add(privileged_as)
    if is_global and key == "user":
        members.global_admin_direct.add(object_id)
    elif is_global and key == "group":
        members.global_admin_groups.add(object_id)
