"""The acme estate's project-wide and directory facts, in the shapes Google documents.

- Organization Policy API v2: the effective ``storage.publicAccessPrevention`` and
  ``storage.secureHttpTransport`` policies on the project (neither enforced unless a
  test says so);
- Cloud Logging API v2: the project's ``_Default`` log bucket (retention 30 days, the
  default);
- Admin SDK Directory API ``users.list`` for customer ``C0acme42`` (two pages):
  alice (super admin, 2SV enrolled and enforced, bound as owner in IAM, known there by
  an alias-free primary address), bob (bound as a conditional viewer, written in another
  case, not enrolled, dormant), carol (a leaver Workspace already suspended, never
  signed in, bound nowhere) and dave (new, never signed in, bound nowhere, an alias).
  mallory@outside.example, bound as owner, is in no directory of ours.
"""

from __future__ import annotations

import zlib
from typing import Any

from tests.providers.gcp.conftest import PROJECT, FakeGoogle

CUSTOMER = "C0acme42"
POLICIES = f"/orgpolicy/v2/projects/{PROJECT}/policies"
PAP = f"{POLICIES}/storage.publicAccessPrevention:getEffectivePolicy"
HTTPS_ONLY = f"{POLICIES}/storage.secureHttpTransport:getEffectivePolicy"
DEFAULT_BUCKET = f"/logging/v2/projects/{PROJECT}/locations/global/buckets/_Default"
USERS = "/admin/admin/directory/v1/users"
EPOCH = "1970-01-01T00:00:00.000Z"  # the Directory API's "never signed in"


def seed_platform(fake: FakeGoogle, *, enforce: bool = False, https_only: bool = False,
                  retention: int = 30) -> None:
    """Organisation policies, log bucket and Workspace directory."""
    seed_org_policy(fake, enforce=enforce, https_only=https_only)
    fake.get(DEFAULT_BUCKET, {"name": f"projects/{PROJECT}/locations/global/buckets/_Default",
                              "retentionDays": retention, "lifecycleState": "ACTIVE"})
    seed_directory(fake)


def seed_org_policy(fake: FakeGoogle, *, enforce: bool, https_only: bool = False) -> None:
    """The effective Cloud Storage policies: one unconditional rule each."""
    fake.get(PAP, {"name": "projects/4242/policies/storage.publicAccessPrevention",
                   "spec": {"rules": [{"enforce": enforce}]}})
    fake.get(HTTPS_ONLY, {"name": "projects/4242/policies/storage.secureHttpTransport",
                          "spec": {"rules": [{"enforce": https_only}]}})


def user(email: str, **fields: Any) -> dict[str, Any]:
    """A Directory user with the documented defaults of an ordinary account."""
    return {"kind": "admin#directory#user", "id": str(zlib.crc32(email.encode())),
            "primaryEmail": email, "customerId": CUSTOMER, "isAdmin": False,
            "isDelegatedAdmin": False, "isEnrolledIn2Sv": True, "isEnforcedIn2Sv": True,
            "suspended": False, "archived": False, "orgUnitPath": "/",
            "creationTime": "2021-04-01T09:00:00.000Z",
            "lastLoginTime": "2026-11-25T08:30:00.000Z", **fields}


def directory_users() -> list[list[dict[str, Any]]]:
    """The customer's users, in two pages."""
    return [[
        user("alice@acme.example", isAdmin=True,
             externalIds=[{"type": "custom", "customType": "badge", "value": "B-7"},
                          {"type": "organization", "value": "E1001"}]),
        user("Bob@EU.acme.example", isEnrolledIn2Sv=False, isEnforcedIn2Sv=False,
             lastLoginTime="2026-06-01T10:00:00.000Z"),
    ], [
        user("carol@acme.example", suspended=True, suspensionReason="ADMIN",
             isEnrolledIn2Sv=False, lastLoginTime=EPOCH),
        user("dave@acme.example", aliases=["d.new@acme.example"], lastLoginTime=EPOCH,
             creationTime="2026-11-20T00:00:00.000Z"),
    ]]


def seed_directory(fake: FakeGoogle, pages: list[list[dict[str, Any]]] | None = None) -> None:
    """``users.list`` answered page by page (``nextPageToken``)."""
    fake.pages(USERS, "users", pages if pages is not None else directory_users(),
               kind="admin#directory#users")
