"""Who on the internet may read or write a bucket: public grants and public access prevention.

Grants to ``allUsers`` / ``allAuthenticatedUsers`` come from the bucket's IAM policy and,
while uniform bucket-level access is off, its ACL and default object ACL. Each is
classified by what its role allows (Cloud Storage's predefined roles,
https://cloud.google.com/storage/docs/access-control/iam-roles; ACL roles,
https://cloud.google.com/storage/docs/access-control/lists):

- read or list: every role but ``roles/storage.objectCreator`` (create only); an ACL
  READER, WRITER or OWNER; a default object ACL entry (objects written later);
- write or delete objects (``storage.objects.create`` / ``delete``): ``WRITE_ROLES``,
  a bucket ACL WRITER or OWNER;
- a role mamori does not know (a custom role, another predefined role) may do either:
  it counts as a read grant (the cautious reading), and leaves ``public_write``
  unknown unless another grant decides it.

Public access prevention overrides every grant (Google: requests authorised by
allUsers and allAuthenticatedUsers "fail with an HTTP 401 or 403"), whether enforced
on the bucket or inherited from the organisation policy storage.publicAccessPrevention
(orgpolicy.py). Then ``public`` and ``public_write`` are false and the overridden
grants are kept in ``raw.public_via_blocked``. When the organisation policy cannot be
read, a grant still counts (a bucket it would protect may be reported public: a
possible false FAIL, never a false PASS).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")

#: Predefined roles that include storage.objects.create or storage.objects.delete.
WRITE_ROLES = frozenset({
    "roles/storage.admin", "roles/storage.objectAdmin", "roles/storage.objectCreator",
    "roles/storage.objectUser", "roles/storage.legacyBucketWriter",
    "roles/storage.legacyBucketOwner", "roles/storage.folderAdmin", "roles/owner",
    "roles/editor"})
#: Predefined roles known to include neither permission.
NO_WRITE_ROLES = frozenset({
    "roles/storage.objectViewer", "roles/storage.legacyObjectReader",
    "roles/storage.legacyObjectOwner", "roles/storage.legacyBucketReader",
    "roles/storage.bucketViewer", "roles/viewer", "roles/browser"})
WRITE_ONLY_ROLES = frozenset({"roles/storage.objectCreator"})
_ACL_WRITE = frozenset({"WRITER", "OWNER"})


@dataclass(frozen=True)
class Grant:
    """One public grant: how it reads in evidence, and whether it reads / writes
    (``None``: the role's permissions are unknown)."""

    label: str  # iam:allUsers:roles/storage.objectViewer, acl:allUsers:READER
    reads: bool
    writes: bool | None


@dataclass
class Grants:
    """Public grants found on a bucket, and whether every source could be read."""

    found: list[Grant] = field(default_factory=list)
    complete: bool = True
    raw: dict[str, Any] = field(default_factory=dict)

    def add_iam(self, policy: Mapping[str, Any]) -> None:
        """The public bindings of a bucket IAM policy."""
        for binding in policy.get("bindings") or ():
            role = str(binding.get("role"))
            for member in sorted(binding.get("members") or ()):
                if member in PUBLIC_MEMBERS:
                    self.found.append(Grant(f"iam:{member}:{role}",
                                            role not in WRITE_ONLY_ROLES, _role_writes(role)))

    def add_acl(self, label: str, entries: list[dict[str, str]]) -> None:
        """The public entries of a bucket ACL (``acl``) or default object ACL."""
        for entry in entries:
            if entry.get("entity") in PUBLIC_MEMBERS:
                writes = label == "acl" and entry.get("role") in _ACL_WRITE
                self.found.append(Grant(f"{label}:{entry['entity']}:{entry['role']}",
                                        True, writes))


def _role_writes(role: str) -> bool | None:
    if role in WRITE_ROLES:
        return True
    return False if role in NO_WRITE_ROLES else None


def exposure(grants: Grants, prevented: bool | None) -> dict[str, Any]:
    """``public``, ``public_via`` and ``public_write`` from the grants and the effective
    public access prevention (None: the organisation policy is unknown)."""
    if prevented:
        grants.raw["public_via_blocked"] = [g.label for g in grants.found]
        return {"public": False, "public_via": [], "public_write": False}
    readers = [g.label for g in grants.found if g.reads]
    writers = [g.label for g in grants.found if g.writes]
    out: dict[str, Any] = {"x_public_write_via": writers}
    if readers:
        out.update(public=True, public_via=readers)
    elif grants.complete:
        out.update(public=False, public_via=[])
    if writers:
        out["public_write"] = True
    elif grants.complete and all(g.writes is False for g in grants.found):
        out["public_write"] = False
    return out
