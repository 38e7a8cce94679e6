"""``aws_iam_user`` and what attaches to it, as one ``user``.

- ``console_access``: an ``aws_iam_user_login_profile`` for the user.
- ``mfa``: true when an ``aws_iam_virtual_mfa_device`` names the user (``user_name``, known
  once AWS reports the device enabled); otherwise absent — Terraform cannot enable an MFA
  device, so a plan cannot show that a user has none.
- ``admin`` / ``admin_direct``: the AWS-managed ``AdministratorAccess`` policy or a policy
  document allowing ``*`` on ``*`` (as the AWS provider decides it), attached directly
  (``aws_iam_user_policy_attachment``, ``aws_iam_policy_attachment``,
  ``aws_iam_user_policy``) or through a group in the plan. A customer policy outside the
  plan, an unknown document or a group outside the plan make it unknown (absent) unless
  a known path already grants admin.
- ``access_keys``: the ``aws_iam_access_key`` resources of the user. A key this plan
  creates is dated by the plan's ``timestamp`` and never used; a user this plan creates
  has ``created`` = that timestamp and ``last_active`` = ``never``.
- ``employment``: the ``employment`` tag, when it is one of the vocabulary's values.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.tri import tri_any
from mamori.providers.aws.policy import grants_admin, is_admin_policy_arn
from mamori.providers.terraform.common import make, tags_of
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, known_str

NAME = ("name", "id")
_EMPLOYMENT = ("active", "leaver", "contractor", "unknown")


def user(res: TfResource, index: Index) -> Iterator[Resource]:
    """One ``user`` for an ``aws_iam_user``."""
    attributes: dict[str, Any] = {"enabled": True}
    attributes["console_access"] = bool(
        index.children("aws_iam_user_login_profile", "user", res, NAME))
    if index.children("aws_iam_virtual_mfa_device", "user_name", res, NAME):
        attributes["mfa"] = True
    direct = _direct_admin(res, index)
    admin = tri_any([direct, _group_admin(res, index)])
    if admin is not None:
        attributes["admin"] = admin
    if direct is not None:
        attributes["admin_direct"] = direct
    keys = _access_keys(res, index)
    if keys is not None:
        attributes["access_keys"] = keys
    if res.created and index.timestamp:
        attributes["created"] = index.timestamp
        attributes["last_active"] = "never"
    employment = tags_of(res).get("employment")
    if employment in _EMPLOYMENT:
        attributes["employment"] = employment
    yield make(res, "user", attributes, index)


def arns_admin(holder: TfResource, attr: str, index: Index) -> bool | None:
    """Whether the policy ARNs in ``holder``'s ``attr`` (one or a list) grant admin.

    ``AdministratorAccess`` does; a policy of the plan (by reference or ARN) as its
    document says; another AWS-managed policy does not; a customer policy from outside
    the plan, or an ARN unknown until apply that no reference explains, cannot be told.
    """
    value = holder.get(attr)
    arns = value if isinstance(value, list) else [value] if value is not None else []
    if any(isinstance(a, str) and is_admin_policy_arn(a) for a in arns):
        return True
    referenced = index.referenced(holder, attr, "aws_iam_policy")
    paths = [document_admin(p.get("policy")) for p in referenced]
    for arn in arns:
        by_value = index.parents_by_value(arn, "aws_iam_policy", ("arn", "id"), holder.module) \
            if isinstance(arn, str) else []
        if by_value:
            paths += [document_admin(p.get("policy")) for p in by_value]
        elif isinstance(arn, str) and ":iam::aws:policy/" in arn:
            paths.append(False)  # another AWS-managed policy: only AdministratorAccess counts
        elif not referenced:
            paths.append(None)
    return tri_any(paths)


def document_admin(document: Any) -> bool | None:
    """Whether a policy document grants admin; None when unknown or unreadable."""
    if document is UNKNOWN:
        return None
    if not isinstance(document, str) or not document.strip():
        return False
    try:
        return grants_admin(document)
    except ValueError:
        return None


def attached_admin(kind: str, owner: TfResource, index: Index) -> list[bool | None]:
    """Whether each policy attached to an IAM ``kind`` (user, group, role) grants admin:
    managed attachments (``aws_iam_<kind>_policy_attachment``, the shared
    ``aws_iam_policy_attachment``) and inline ``aws_iam_<kind>_policy`` resources."""
    return ([arns_admin(a, "policy_arn", index)
             for a in index.children(f"aws_iam_{kind}_policy_attachment", kind, owner, NAME)]
            + [arns_admin(a, "policy_arn", index)
               for a in index.children("aws_iam_policy_attachment", f"{kind}s", owner, NAME)]
            + [document_admin(p.get("policy"))
               for p in index.children(f"aws_iam_{kind}_policy", kind, owner, NAME)])


def _direct_admin(res: TfResource, index: Index) -> bool | None:
    return tri_any(attached_admin("user", res, index))


def _group_admin(res: TfResource, index: Index) -> bool | None:
    groups: list[Any] = []
    for membership in index.children("aws_iam_user_group_membership", "user", res, NAME):
        value = membership.get("groups")
        groups += value if isinstance(value, list) else [UNKNOWN]
    groups += [m.get("group")
               for m in index.children("aws_iam_group_membership", "users", res, NAME)]
    return tri_any(_group_name_admin(g, index) for g in groups)


def _group_name_admin(name: Any, index: Index) -> bool | None:
    group = known_str(name)
    if group is None:
        return None
    found = [g for g in index.of_type("aws_iam_group") if g.get("name") == group]
    if not found:
        return None
    return tri_any([path for g in found for path in attached_admin("group", g, index)])


def _access_keys(res: TfResource, index: Index) -> list[dict[str, Any]] | None:
    keys: list[dict[str, Any]] = []
    for key in index.children("aws_iam_access_key", "user", res, NAME):
        status = key.get("status")
        if status is UNKNOWN:
            return None
        item: dict[str, Any] = {"active": status in (None, "Active")}
        if known_str(key.get("id")):
            item["id"] = key.get("id")
        created = known_str(key.get("create_date"))
        if created:
            item["created"] = created
        elif key.created and index.timestamp:
            item["created"], item["last_used"] = index.timestamp, "never"
        keys.append(item)
    return keys
