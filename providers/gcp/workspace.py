"""Google accounts' sign-in facts from Cloud Identity / Workspace (Admin SDK Directory API).

Only when a customer id is given (``--gcp-workspace-customer``): ``users.list``
(``admin/directory/v1/users?customer=…``, every page) once per scan, with the Directory
API's read-only user scope. Per user (https://developers.google.com/admin-sdk/directory/
reference/rest/v1/users):

- ``enabled``: neither ``suspended`` nor ``archived`` (neither can sign in);
- ``mfa``: ``isEnrolledIn2Sv``; ``mfa_enforced``: ``isEnforcedIn2Sv``;
- ``last_active``: ``lastLoginTime``; the Directory API writes the epoch
  (``1970-01-01T00:00:00.000Z``) for a user who never signed in, which is ``never``;
- ``created``: ``creationTime``; ``email``: ``primaryEmail``; ``employee_id``: the
  ``externalIds`` entry of type ``organization`` (the Admin console's Employee ID);
- ``admin``: ``isAdmin`` (super administrator: it can grant itself any role in the
  organisation). That right comes through the Super Admin role, which Google does not
  let anyone assign to a group ("Groups are not allowed to be added to this role"), so
  it is not counted as a direct grant: ``admin_direct`` stays what IAM says (false for
  a user no project binds). A platform-fixed assignment is not a customer FAIL.

These facts are merged into the ``user:<email>`` principal the IAM collector emits for
each project that binds the person (matched by primary e-mail or alias, without regard
to case), so a person has one resource per project, not two. Users no scanned project
binds are emitted once, in the account of the Workspace customer (``C0abc123``), so a
leaver whose Workspace account still works is found too.

Account-wide, from the same listing: ``root_mfa`` (every enabled super administrator is
enrolled in 2-Step Verification: GCP has no root user, the super administrators are
the identities that can take over everything) and ``mfa_enforced`` (every enabled user
has 2-Step Verification enforced).

A failed listing is one ``CollectionError`` for types ``user`` and ``account`` (their
findings are ERROR), and no Workspace fact is guessed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp.errors import FAILED, Outcome, Recorder
from mamori.providers.gcp.principals import parse
from mamori.providers.gcp.projects import Memo
from mamori.providers.gcp.rest import Rest
from mamori.providers.gcp.values import GLOBAL, make_resource, parse_time

if TYPE_CHECKING:
    from mamori.providers.gcp.projects import ProjectContext
    from mamori.providers.gcp.provider import GcpOptions

SCOPE = "https://www.googleapis.com/auth/admin.directory.user.readonly"
OPERATION = "admin.directory.users.list"
TYPES = ("user", "account")
_NEVER = datetime(1970, 1, 2, tzinfo=UTC)  # the epoch (and anything before a day of it)
_KEPT = ("id", "customerId", "orgUnitPath", "suspended", "suspensionReason", "archived",
         "isAdmin", "isDelegatedAdmin", "isEnrolledIn2Sv", "isEnforcedIn2Sv")


@dataclass(frozen=True)
class WorkspaceUser:
    """One Directory user: its addresses and the vocabulary facts it gives."""

    email: str  # primary, lowercased
    addresses: frozenset[str]  # primary and aliases, lowercased
    customer: str
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class DirectoryUsers:
    """Every user of the customer, by address."""

    users: Sequence[WorkspaceUser]
    customer: str
    by_address: Mapping[str, WorkspaceUser] = field(default_factory=dict)

    def find(self, email: str) -> WorkspaceUser | None:
        """The user owning ``email`` (primary or alias), case-insensitively."""
        return self.by_address.get(email.strip().lower())


class Workspace:
    """The scan's one Directory listing, read on first use by whichever task asks."""

    def __init__(self, options: GcpOptions, credentials: Any) -> None:
        self.options = options
        self.customer = str(options.workspace_customer)
        self.rec = Recorder(self.customer)
        self._credentials = credentials
        self._memo = Memo()

    def directory(self) -> DirectoryUsers | Outcome:
        """The customer's users, or FAILED (the failure is kept for ``drain``)."""
        return self._memo.get("users", self._read)

    def drain(self) -> list[CollectionError]:
        """The failures of the listing, handed out once."""
        return self.rec.drain()

    def _read(self) -> DirectoryUsers | Outcome:
        scope = f"workspace customer {self.customer}"
        creds = self.rec.call("auth.workspace", scope, directory_credentials,
                              self._credentials, self.options.workspace_admin,
                              resource_types=TYPES)
        if creds is FAILED:
            return FAILED
        rest = Rest(creds, self.options.endpoints(), timeout=self.options.timeout,
                    max_attempts=self.options.max_attempts)
        listed = self.rec.call(OPERATION, scope, rest.all_items, "admin",
                               "admin/directory/v1/users", "users",
                               {"customer": self.customer, "maxResults": 500},
                               resource_types=TYPES)
        if listed is FAILED:
            return FAILED
        users = [u for u in (workspace_user(item, self.customer) for item in listed) if u]
        customer = next((u.customer for u in users if u.customer), self.customer)
        return DirectoryUsers(users, customer,
                              {a: u for u in users for a in sorted(u.addresses)})


def directory_credentials(base: Any, admin: str | None) -> Any:
    """``base`` credentials for the Directory API: impersonating ``admin`` through
    domain-wide delegation when given (service-account keys only), re-scoped when the
    credentials carry scopes (a user's credentials keep those they were granted)."""
    auth: Any = importlib.import_module("google.auth.credentials")
    exceptions: Any = importlib.import_module("google.auth.exceptions")
    creds = base
    if admin:
        if not hasattr(creds, "with_subject"):
            raise exceptions.GoogleAuthError(
                "--gcp-workspace-admin needs service-account key credentials "
                "(domain-wide delegation); these credentials cannot impersonate")
        creds = creds.with_subject(admin)
    if isinstance(creds, auth.Scoped):
        creds = creds.with_scopes([SCOPE])
    return creds


def workspace_user(item: Any, customer: str) -> WorkspaceUser | None:
    """One Directory user; None for an entry without a primary e-mail."""
    if not isinstance(item, Mapping) or not isinstance(item.get("primaryEmail"), str):
        return None
    email = item["primaryEmail"].strip().lower()
    aliases = {str(a).strip().lower() for a in item.get("aliases") or ()
               if isinstance(a, str)}
    return WorkspaceUser(email, frozenset({email, *aliases}),
                         str(item.get("customerId") or customer), facts(item))


def facts(item: Mapping[str, Any]) -> dict[str, Any]:
    """The vocabulary attributes of one Directory user (absent what it does not say)."""
    suspended, archived = item.get("suspended"), item.get("archived", False)
    attrs: dict[str, Any] = {"email": str(item["primaryEmail"]).strip().lower(),
                             "console_access": True, "guest": False, "access_keys": []}
    if isinstance(suspended, bool) and isinstance(archived, bool):
        attrs["enabled"] = not (suspended or archived)
    for attr, key in (("mfa", "isEnrolledIn2Sv"), ("mfa_enforced", "isEnforcedIn2Sv"),
                      ("admin", "isAdmin")):
        if isinstance(item.get(key), bool):
            attrs[attr] = item[key]
    attrs["admin_direct"] = False  # no IAM binding; the super admin role is no grant
    login = parse_time(item.get("lastLoginTime"))
    if login is not None:
        attrs["last_active"] = "never" if login < _NEVER else login
    created = parse_time(item.get("creationTime"))
    if created is not None:
        attrs["created"] = created
    employee = _employee_id(item.get("externalIds"))
    if employee:
        attrs["employee_id"] = employee
    attrs["x_workspace"] = {k: item[k] for k in _KEPT if k in item}
    return attrs


def _employee_id(external: Any) -> str | None:
    for entry in external if isinstance(external, list) else ():
        if isinstance(entry, Mapping) and entry.get("type") == "organization":
            value = str(entry.get("value") or "").strip()
            if value:
                return value
    return None


def merge(attrs: dict[str, Any], user: WorkspaceUser) -> None:
    """Add a Directory user's facts to the IAM principal's attributes (in place).

    Admin rights by either path count: an IAM admin role on the project, or super
    administrator of the organisation; whether they are granted directly stays IAM's
    to say."""
    ws = user.attributes
    for key, value in ws.items():
        if key == "admin":
            if value is True:
                attrs[key] = True
            # Otherwise IAM's answer stands (absent when the project policy was unreadable).
        elif key not in ("admin_direct", "access_keys"):
            attrs[key] = value
    attrs["x_workspace_member"] = True


def account_facts(found: DirectoryUsers) -> dict[str, Any]:
    """``root_mfa`` and ``mfa_enforced`` from the listing (absent when nobody counts)."""
    enabled = [u.attributes for u in found.users if u.attributes.get("enabled") is True]
    admins = [a for a in enabled if a.get("admin") is True]
    out: dict[str, Any] = {}
    if admins and all(isinstance(a.get("mfa"), bool) for a in admins):
        out["root_mfa"] = all(a["mfa"] for a in admins)
    if enabled and all(isinstance(a.get("mfa_enforced"), bool) for a in enabled):
        out["mfa_enforced"] = all(a["mfa_enforced"] for a in enabled)
    return out


def collect(workspace: Workspace, contexts: Sequence[ProjectContext], *, users: bool
            ) -> Iterator[Resource | CollectionError]:
    """The Directory users no scanned project binds (when ``users``: the IAM service is
    collected), then the listing's failures, whichever task read it."""
    found = workspace.directory()
    recorders = [Recorder(ctx.project_id) for ctx in contexts]
    if users and found is not FAILED:
        bound = _bound(contexts, recorders)
        for user in found.users:
            if not user.addresses & bound:
                yield _resource(user, found.customer)
    yield from workspace.drain()
    for rec in recorders:
        yield from rec.drain()


def _bound(contexts: Sequence[ProjectContext], recorders: Sequence[Recorder]) -> set[str]:
    """E-mails of the ``user:`` members bound in the scanned projects' policies."""
    bound: set[str] = set()
    for ctx, rec in zip(contexts, recorders, strict=True):
        policy = ctx.policy(rec)
        if policy is FAILED:
            continue
        for binding in policy.get("bindings") or ():
            for member in binding.get("members") or ():
                principal = parse(str(member))
                if principal.kind == "user":
                    bound.add(principal.email.lower())
    return bound


def _resource(user: WorkspaceUser, customer: str) -> Resource:
    ident = str(user.attributes.get("x_workspace", {}).get("id") or user.email)
    return make_resource(
        "user", f"user:{user.email}", name=user.email, project=customer, region=GLOBAL,
        source=f"admin.googleapis.com/admin/directory/v1/users/{ident}",
        attributes=dict(user.attributes))
