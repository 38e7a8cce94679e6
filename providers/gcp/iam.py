"""Project IAM → ``role`` and ``user`` resources; service-account keys → ``access_keys``.

Sources: the project IAM policy (Resource Manager v3 ``projects.getIamPolicy``, policy
version 3), the project's service accounts (IAM v1 ``serviceAccounts.list``), their
user-managed keys (``projects/-/serviceAccounts/{email}/keys?keyTypes=USER_MANAGED``)
and, for last use, Policy Analyzer (see activity.py).

- ``role``: one per binding of the project policy (role + condition). ``admin`` for
  ``ADMIN_ROLES`` (``admin_direct`` the same: the binding grants the role itself);
  ``trusted_principals`` are the members;
  ``external_trust_unconditioned`` is true when an outside member (principals.py:
  ``allUsers``, another domain, another organisation's service account) is bound
  without an IAM condition, false when none is (or the binding has a condition), and
  absent when a member cannot be classified (no organisation domain known, …).
- ``user``: every ``user:`` member (a Google account: ``console_access`` true,
  ``access_keys`` empty, since Google accounts hold no IAM keys) and every service
  account of the project or bound in its policy (``console_access`` false, ``mfa``
  and ``mfa_enforced`` false: a service account cannot have a second factor;
  ``enabled`` from ``disabled``; ``access_keys`` from its user-managed keys). ``email``
  is the member's address. ``admin`` and ``admin_direct`` come from the project-level
  bindings of the member itself; ``guest`` is true for outside identities.
  Google-managed service agents are Google's identities, not the customer's: they
  appear in ``trusted_principals`` only. ``enabled``, ``mfa``, ``mfa_enforced``,
  ``last_active``, ``created`` and ``employee_id`` of Google accounts live in Cloud
  Identity / Workspace: merged in from its Directory when a customer id is given
  (workspace.py), otherwise absent (out of reach, NOT_ASSESSED). ``employment`` is HR's.
- access keys: ``active`` is "not disabled and not past ``validBeforeTime`` at the
  scan's ``as_of``" (options.as_of; the time of collection when none is given), never
  at the wall clock of a later replay; ``x_key_expiry`` keeps each key's end of
  validity for custom rules.

Not expanded: group membership, bindings inherited from folders and the organisation,
custom roles' permissions. ``admin`` false therefore means "no admin role bound to
this principal on the project itself".
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp import activity, workspace
from mamori.providers.gcp.errors import FAILED, Outcome, Recorder
from mamori.providers.gcp.principals import PUBLIC, Principal, outside, parse
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import GLOBAL, last_segment, make_resource, parse_time

#: Roles that are administrative on a project: owner and editor, and the two that can
#: grant themselves owner (they may set the project's IAM policy).
ADMIN_ROLES = frozenset({"roles/owner", "roles/editor",
                         "roles/resourcemanager.projectIamAdmin", "roles/iam.securityAdmin"})
TYPES = ("user", "role")
Activity = dict[str, datetime] | Outcome


@dataclass(frozen=True)
class Use:
    """Last authentication per key and per service account, and the time keys are
    judged at (the scan's ``as_of``)."""

    keys: Activity
    accounts: Activity
    as_of: datetime


def collect(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """Every ``role`` and ``user`` resource of one project, then what failed."""
    rec = Recorder(ctx.project_id)
    policy = ctx.policy(rec)
    accounts = rec.call("iam.serviceAccounts.list", rec.scope(), ctx.rest.all_items, "iam",
                        f"v1/projects/{ctx.project_id}/serviceAccounts", "accounts",
                        resource_types=("user",))
    by_email = {} if accounts is FAILED else {str(a.get("email")): a for a in accounts}
    keys = {email: _keys(ctx, rec, email) for email in sorted(by_email)}
    use = Use(_activity(ctx, rec, activity.KEYS, any(k for k in keys.values()
                                                     if k is not FAILED)),
              _activity(ctx, rec, activity.ACCOUNTS, bool(by_email)),
              ctx.options.as_of or datetime.now(UTC))
    directory = ctx.workspace.directory() if ctx.workspace is not None else None
    if policy is not FAILED:
        yield from (_role(ctx, rec, b) for b in policy.get("bindings") or ())
    roles = None if policy is FAILED else _roles_by_member(policy)
    members = set(roles or ()) | {f"serviceAccount:{e}" for e in by_email}
    for member in sorted(members):
        principal = parse(member)
        if principal.kind not in ("user", "serviceAccount") or principal.service_agent:
            continue
        attrs = _identity(ctx, rec, principal, roles)
        if principal.kind == "serviceAccount":
            attrs.update(_service_account(by_email.get(principal.email), keys, use,
                                          principal.email, listed=accounts is not FAILED))
        elif isinstance(directory, workspace.DirectoryUsers):
            person = directory.find(principal.email)
            if person is not None:
                workspace.merge(attrs, person)
            else:  # not in the customer's directory: its facts cannot be read
                attrs["x_workspace_member"] = False
        yield _user(ctx, principal, attrs)
    yield from rec.drain()


def _activity(ctx: ProjectContext, rec: Recorder, kind: str, wanted: bool) -> Activity:
    return activity.last_authentications(ctx, rec, kind) if wanted else {}


def _keys(ctx: ProjectContext, rec: Recorder, email: str) -> list[Any] | Outcome:
    answer = rec.call("iam.serviceAccounts.keys.list", rec.scope(f"serviceAccount {email}"),
                      ctx.rest.get, "iam", f"v1/projects/-/serviceAccounts/{email}/keys",
                      {"keyTypes": "USER_MANAGED"})
    if answer is FAILED:
        return FAILED
    return [k for k in answer.get("keys") or () if k.get("keyType", "USER_MANAGED")
            == "USER_MANAGED"]


def _roles_by_member(policy: Mapping[str, Any]) -> dict[str, set[str]]:
    roles: dict[str, set[str]] = defaultdict(set)
    for binding in policy.get("bindings") or ():
        for member in binding.get("members") or ():
            roles[str(member)].add(str(binding.get("role")))
    return roles


def _role(ctx: ProjectContext, rec: Recorder, binding: Mapping[str, Any]) -> Resource:
    role = str(binding.get("role"))
    members = sorted(str(m) for m in binding.get("members") or ())
    condition = binding.get("condition")
    verdicts = {m: outside(parse(m), ctx, rec) for m in members}
    external = [m for m, v in verdicts.items() if v]
    attrs: dict[str, Any] = {
        "admin": role in ADMIN_ROLES, "admin_direct": role in ADMIN_ROLES,
        "trusted_principals": members,
        "x_external_members": external, "x_public": any(m in PUBLIC for m in members)}
    if condition:
        attrs.update(external_trust_unconditioned=False, x_condition=condition)
    elif external or None not in verdicts.values():
        attrs["external_trust_unconditioned"] = bool(external)
    rid = f"projects/{ctx.project_id}/iamPolicy/{role}"
    if isinstance(condition, Mapping):
        # One role may be bound under several conditions, even with the same title.
        digest = hashlib.sha256(str(condition.get("expression")).encode()).hexdigest()[:8]
        rid += f"#condition:{condition.get('title') or ''}@{digest}"
    return make_resource("role", rid, name=role, project=ctx.project_id, region=GLOBAL,
                         source=_policy_source(ctx), attributes=attrs)


def _identity(ctx: ProjectContext, rec: Recorder, principal: Principal,
              roles: Mapping[str, set[str]] | None) -> dict[str, Any]:
    attrs: dict[str, Any] = {"console_access": principal.kind == "user",
                             "email": principal.email.lower(),
                             "x_principal_type": principal.kind}
    if roles is not None:
        bound = sorted(roles.get(principal.member, ()))
        admin = any(r in ADMIN_ROLES for r in bound)
        attrs.update(admin=admin, admin_direct=admin, x_roles=bound)
    guest = outside(principal, ctx, rec)
    if guest is not None:
        attrs["guest"] = guest
    if principal.kind == "user":
        attrs["access_keys"] = []
    return attrs


def _service_account(account: Mapping[str, Any] | None,
                     keys: Mapping[str, list[Any] | Outcome], use: Use, email: str, *,
                     listed: bool) -> dict[str, Any]:
    attrs: dict[str, Any] = {"mfa": False, "mfa_enforced": False}
    if account is None:
        if listed:  # bound here but lives elsewhere: its keys are read in its project
            attrs["x_foreign"] = True
        return attrs
    attrs["enabled"] = not account.get("disabled", False)
    if account.get("displayName"):
        attrs["x_display_name"] = str(account["displayName"])
    if isinstance(use.accounts, dict):
        seen = use.accounts.get(email) or use.accounts.get(str(account.get("uniqueId")))
        if seen is not None:
            attrs["last_active"] = seen
    own_keys = keys.get(email, FAILED)
    if own_keys is not FAILED:
        attrs["access_keys"] = [_key(k, use) for k in own_keys]
        attrs["x_key_expiry"] = {last_segment(k.get("name")): when for k in own_keys
                                 if (when := parse_time(k.get("validBeforeTime")))}
    return attrs


def _key(key: Mapping[str, Any], use: Use) -> dict[str, Any]:
    key_id = last_segment(key.get("name"))
    expires = parse_time(key.get("validBeforeTime"))
    expired = expires is not None and expires <= use.as_of
    item: dict[str, Any] = {"id": key_id, "active": not key.get("disabled") and not expired}
    created = parse_time(key.get("validAfterTime"))
    if created is not None:
        item["created"] = created
    if isinstance(use.keys, dict) and key_id in use.keys:
        item["last_used"] = use.keys[key_id]
    return item


def _user(ctx: ProjectContext, principal: Principal, attrs: dict[str, Any]) -> Resource:
    if principal.kind == "serviceAccount" and not attrs.get("x_foreign"):
        source = f"iam.googleapis.com/v1/projects/{ctx.project_id}/serviceAccounts/" \
                 f"{principal.email}"
    else:
        source = _policy_source(ctx)
    return make_resource("user", principal.member, name=principal.email,
                         project=ctx.project_id, region=GLOBAL, source=source,
                         attributes=attrs)


def _policy_source(ctx: ProjectContext) -> str:
    return f"cloudresourcemanager.googleapis.com/v3/projects/{ctx.project_id}:getIamPolicy"
