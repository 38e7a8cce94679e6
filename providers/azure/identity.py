"""Merge Entra ID (Graph) and Azure RBAC into ``user``, ``role`` and ``account`` resources.

Users and service principals live in the tenant, so their resources carry the tenant
id as ``account`` and the object id as ``id``; admin rights gathered across every
collected subscription are merged into one ``admin`` per identity:

- ``admin`` is true when a path proves it: a directory role Microsoft marks privileged
  (directly or through a group), or an admin Azure role at subscription scope (directly
  or through a group, groups expanded transitively). It is false only when every path could be
  read: directory roles, every subscription's role assignments and custom roles, and
  every group involved. Otherwise it is absent, so rules that need it give ERROR.
- ``admin_direct`` is true when one of those grants names the identity itself.
- ``x_admin_via`` lists the paths, e.g. ``subscription:<id>:Owner via group <id>``.

Service principals become ``role`` resources when they hold any Azure role in a
collected subscription, belong to an admin directory role, or are members of a group
that does. Their credentials are held by the tenant that owns the application
(``appOwnerOrganizationId``): when that is another organisation, nothing in our tenant
conditions its use, so ``external_trust_unconditioned`` is true and
``trusted_principals`` names ``tenant:<id>``. Managed identities are trusted by no one
outside.

Users also carry ``last_active`` (the last *successful* sign-in,
``signInActivity.lastSuccessfulSignInDateTime``: ``lastSignInDateTime`` also records
failed interactive attempts, so an attacker guessing passwords would keep a dormant
account looking active), ``mfa`` (``isMfaCapable``), ``email`` (``mail``, else the UPN),
``employee_id`` (``employeeId``) and ``mfa_enforced`` where a conditional-access policy
proves it (``conditional_access``). The tenant ``account`` is built by ``account``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.azure import conditional_access
from mamori.providers.azure.arm import GLOBAL, parse_time
from mamori.providers.azure.authorization import RbacResult
from mamori.providers.azure.errors import FAILED, PROVIDER, Outcome
from mamori.providers.azure.graph import Directory
from mamori.providers.azure.roles import RoleMembers

Members = dict[str, dict[str, set[str]] | Outcome]  # group id → kind → object ids

_SP = "serviceprincipal"
UNKNOWN_TENANT = "unknown-tenant"  # neither Graph nor the subscriptions named it


@dataclass
class AdminView:
    """Why one identity is admin, and whether "not admin" could be concluded."""

    via: list[str] = field(default_factory=list)
    direct: bool = False
    unknown: bool = False

    def attributes(self) -> dict[str, Any]:
        """``admin``, ``admin_direct`` and ``x_admin_via`` as far as they are known."""
        out: dict[str, Any] = {}
        if self.via:
            out["admin"] = True
            out["x_admin_via"] = sorted(set(self.via))
        elif not self.unknown:
            out["admin"] = False
        if self.direct:
            out["admin_direct"] = True
        elif not self.unknown:
            out["admin_direct"] = False
        return out


@dataclass
class Inputs:
    """Everything the merge needs, gathered by the provider."""

    tenant_id: str
    directory: Directory | None  # None when Graph was not collected
    rbac: list[RbacResult]
    rbac_readable: bool  # role assignments were wanted and the subscriptions listed
    groups: Members = field(default_factory=dict)
    objects: dict[str, dict[str, Any]] | Outcome = FAILED


def admin_groups(rbac: list[RbacResult], roles: RoleMembers | Outcome) -> set[str]:
    """Groups whose members' admin rights depend on their membership."""
    found = {g for r in rbac for g, grant in r.grants.items()
             if grant.principal_type.lower() == "group" and (grant.admin_roles
                                                           or grant.uncertain)}
    if not isinstance(roles, Outcome):
        found |= set(roles.groups)
    return found


def groups_to_expand(rbac: list[RbacResult], directory: Directory | None) -> set[str]:
    """Admin groups, plus the groups an MFA policy excludes (directly or as members of an
    excluded directory role): ``user.mfa_enforced`` needs their members."""
    if directory is None:
        return admin_groups(rbac, FAILED)
    found = admin_groups(rbac, directory.roles)
    policies = directory.ca_policies
    if isinstance(policies, Outcome):
        return found
    found |= conditional_access.excluded_groups(policies)
    if not isinstance(directory.roles, Outcome):
        for template in conditional_access.excluded_roles(policies):
            found |= directory.roles.by_template.get(template, {}).get("group", set())
    return found


def service_principal_ids(inputs: Inputs) -> set[str]:
    """Object ids that may be service principals worth a ``role`` resource."""
    users = _user_ids(inputs.directory)
    ids = {p for r in inputs.rbac for p, g in r.grants.items()
           if g.principal_type.lower() in (_SP, "") and p not in users}
    roles = inputs.directory.roles if inputs.directory is not None else FAILED
    if not isinstance(roles, Outcome):
        ids |= set(roles.service_principals)
    for kinds in inputs.groups.values():
        if not isinstance(kinds, Outcome):
            ids |= kinds.get("servicePrincipal", set())
    return ids


def resources(inputs: Inputs) -> Iterator[Resource]:
    """Users and service-principal roles."""
    directory = inputs.directory
    if directory is not None and not isinstance(directory.users, Outcome):
        for user in directory.users:
            yield _user(user, directory, inputs)
    yield from _roles(inputs)


def _user_ids(directory: Directory | None) -> set[str]:
    if directory is None or isinstance(directory.users, Outcome):
        return set()
    return {str(u.get("id")) for u in directory.users}


def admin_view(object_id: str, kind: str, inputs: Inputs) -> AdminView:
    """Every admin path of one user (``kind="user"``) or service principal."""
    view = AdminView(unknown=not inputs.rbac_readable)
    _directory_paths(view, object_id, kind, inputs)
    for result in inputs.rbac:
        _rbac_paths(view, object_id, kind, result, inputs.groups)
    return view


def _directory_paths(view: AdminView, object_id: str, kind: str, inputs: Inputs) -> None:
    roles = inputs.directory.roles if inputs.directory is not None else FAILED
    if isinstance(roles, Outcome):
        view.unknown = True
        return
    direct = roles.users if kind == "user" else roles.service_principals
    for role in direct.get(object_id, ()):
        view.via.append(f"directoryRole:{role}")
        view.direct = True
    for group_id, names in roles.groups.items():
        for member in _in_group(view, object_id, kind, group_id, inputs.groups):
            view.via += [f"directoryRole:{name} via group {member}" for name in names]


def _rbac_paths(view: AdminView, object_id: str, kind: str, result: RbacResult,
                groups: Members) -> None:
    if not result.complete:
        view.unknown = True
    grant = result.grants.get(object_id)
    if grant is not None:
        view.via += [f"subscription:{result.subscription}:{r}" for r in grant.admin_roles]
        view.direct = view.direct or bool(grant.admin_roles)
        view.unknown = view.unknown or grant.uncertain
    for group_id, group_grant in result.grants.items():
        if group_grant.principal_type.lower() != "group":
            continue
        if not (group_grant.admin_roles or group_grant.uncertain):
            continue
        for member in _in_group(view, object_id, kind, group_id, groups):
            view.via += [f"subscription:{result.subscription}:{r} via group {member}"
                         for r in group_grant.admin_roles]
            view.unknown = view.unknown or group_grant.uncertain


def _in_group(view: AdminView, object_id: str, kind: str, group_id: str,
              groups: Members) -> list[str]:
    """``[group_id]`` when the identity is a transitive member; unknown marks the view."""
    kinds = groups.get(group_id, FAILED)
    if isinstance(kinds, Outcome):
        view.unknown = True
        return []
    key = "user" if kind == "user" else "servicePrincipal"
    return [group_id] if object_id in kinds.get(key, set()) else []


def _user(user: Mapping[str, Any], directory: Directory, inputs: Inputs) -> Resource:
    object_id = str(user.get("id") or "")
    upn = str(user.get("userPrincipalName") or "")
    # Entra ID users have no long-lived programmatic keys (secrets and certificates
    # belong to app registrations, which are ``role`` resources).
    attrs: dict[str, Any] = {"access_keys": []}
    if isinstance(user.get("accountEnabled"), bool):
        # Entra ID users sign in interactively whenever the account is enabled.
        attrs["enabled"] = attrs["console_access"] = user["accountEnabled"]
    user_type = str(user.get("userType") or "")
    if user_type or upn:
        attrs["guest"] = user_type.lower() == "guest" or "#EXT#" in upn.upper()
    if user_type:
        attrs["x_user_type"] = user_type
    created = parse_time(user.get("createdDateTime"))
    if created is not None:
        attrs["created"] = created
    if directory.sign_in_readable:
        attrs.update(sign_in_facts(user.get("signInActivity")))
    if not isinstance(directory.mfa_capable, Outcome) and object_id in directory.mfa_capable:
        attrs["mfa"] = directory.mfa_capable[object_id]
    attrs.update(_contact(user))
    if _mfa_enforced(object_id, attrs.get("guest"), directory, inputs):
        attrs["mfa_enforced"] = True  # only ever proven true: see observes
    attrs.update(admin_view(object_id, "user", inputs).attributes())
    return Resource(type="user", id=object_id, name=upn or str(user.get("displayName") or ""),
                    provider=PROVIDER, account=inputs.tenant_id, region=GLOBAL,
                    source=f"graph:/users/{object_id}", attributes=attrs)


def _mfa_enforced(object_id: str, guest: bool | None, directory: Directory,
                  inputs: Inputs) -> bool:
    policies, roles = directory.ca_policies, directory.roles
    if isinstance(policies, Outcome):
        return False
    holders = FAILED if isinstance(roles, Outcome) else roles.by_template
    return conditional_access.enforced_for(object_id, guest, policies, inputs.groups,
                                           holders) is True


def _contact(user: Mapping[str, Any]) -> dict[str, Any]:
    """``email`` (``mail``, else the UPN) and ``employee_id``, joined to HR records."""
    out: dict[str, Any] = {}
    email = user.get("mail") or user.get("userPrincipalName")
    if isinstance(email, str) and email.strip():
        out["email"] = email.strip()
    employee = user.get("employeeId")
    if isinstance(employee, str) and employee.strip():
        out["employee_id"] = employee.strip()
    return out


def sign_in_facts(activity: Any) -> dict[str, Any]:
    """``last_active``: the last successful sign-in, interactive or not, or "never".

    ``lastSignInDateTime`` and ``lastNonInteractiveSignInDateTime`` also record failed
    attempts, so they never decide; the last attempt is kept as evidence
    (``x_last_sign_in_attempt``). Graph fills the successful time from December 2023 on
    (not backfilled): an account without one has not signed in successfully since then.
    """
    if not isinstance(activity, Mapping):
        return {"last_active": "never"}
    out: dict[str, Any] = {}
    success = parse_time(activity.get("lastSuccessfulSignInDateTime"))
    out["last_active"] = success if success is not None else "never"
    attempts = [t for t in (parse_time(activity.get(k)) for k in
                            ("lastSignInDateTime", "lastNonInteractiveSignInDateTime"))
                if t is not None]
    if attempts:
        out["x_last_sign_in_attempt"] = max(attempts)
    return out


def _roles(inputs: Inputs) -> Iterator[Resource]:
    objects = inputs.objects
    for object_id in sorted(service_principal_ids(inputs)):
        obj = objects.get(object_id) if not isinstance(objects, Outcome) else None
        if obj is not None and not str(obj.get("@odata.type", "")).lower().endswith(_SP):
            continue  # a user or group outside the /users listing: not a role
        if obj is None and not _typed_sp(object_id, inputs):
            continue
        yield _role(object_id, obj, inputs)


def _typed_sp(object_id: str, inputs: Inputs) -> bool:
    """True when RBAC or directory roles say the object is a service principal."""
    if any(r.grants.get(object_id) is not None and
           r.grants[object_id].principal_type.lower() == _SP for r in inputs.rbac):
        return True
    roles = inputs.directory.roles if inputs.directory is not None else FAILED
    return not isinstance(roles, Outcome) and object_id in roles.service_principals


def _role(object_id: str, obj: Mapping[str, Any] | None, inputs: Inputs) -> Resource:
    attrs = admin_view(object_id, "servicePrincipal", inputs).attributes()
    if obj is not None:
        attrs.update(_trust(obj, inputs.tenant_id))
    source = next((r.grants[object_id].source for r in inputs.rbac
                   if object_id in r.grants), f"graph:/servicePrincipals/{object_id}")
    name = str((obj or {}).get("displayName") or object_id)
    return Resource(type="role", id=object_id, name=name, provider=PROVIDER,
                    account=inputs.tenant_id, region=GLOBAL, source=source,
                    attributes=attrs)


def _trust(obj: Mapping[str, Any], tenant_id: str) -> dict[str, Any]:
    sp_type = str(obj.get("servicePrincipalType") or "")
    out: dict[str, Any] = {"x_service_principal_type": sp_type} if sp_type else {}
    if sp_type.lower() == "managedidentity":
        return out | {"trusted_principals": [], "external_trust_unconditioned": False}
    owner = str(obj.get("appOwnerOrganizationId") or "").lower()
    if not owner or not tenant_id:
        return out
    return out | {"trusted_principals": [f"tenant:{owner}"],
                  "external_trust_unconditioned": owner != tenant_id.lower()}

