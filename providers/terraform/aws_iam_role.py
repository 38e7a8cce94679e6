"""``aws_iam_role`` and what attaches to it, as one ``role`` (as the AWS provider maps roles).

- ``admin``: ``AdministratorAccess`` or a policy document allowing ``*`` on ``*`` (the
  AWS provider's :func:`~mamori.providers.aws.policy.grants_admin`), attached through
  ``managed_policy_arns``, ``aws_iam_role_policy_attachment``,
  ``aws_iam_policy_attachment`` (``roles``), ``inline_policy`` blocks or
  ``aws_iam_role_policy``. A customer policy from outside the plan, or a document
  unknown until apply, leaves it absent unless a known path already grants admin.
- ``trusted_principals`` and ``external_trust_unconditioned`` from
  ``assume_role_policy`` with :func:`~mamori.providers.aws.policy.trust`, through the
  same :func:`~mamori.providers.aws.policy.role_attributes` the live provider uses.
  Which account is "own" comes from the plan when it says so (``account_id`` of a
  ``data.aws_caller_identity`` read while planning, or a provider's single
  ``allowed_account_ids``); otherwise trust in one named account may be trust in the
  own account, and ``external_trust_unconditioned`` is absent unless ``*``, an OIDC
  provider or two accounts are trusted without a condition.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.tri import tri_any
from mamori.providers.aws.policy import role_attributes
from mamori.providers.terraform.aws_iam import arns_admin, attached_admin, document_admin
from mamori.providers.terraform.common import make
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, dig


def role(res: TfResource, index: Index) -> Iterator[Resource]:
    """One ``role`` for an ``aws_iam_role``."""
    document: Any = res.get("assume_role_policy")
    if document is UNKNOWN or not isinstance(document, str) or not document.strip():
        document = None
    try:
        attributes = role_attributes(_admin(res, index), document, index.account)
    except ValueError:  # a trust policy that is not JSON: who may assume it is unknown
        attributes = role_attributes(_admin(res, index), None, index.account)
    yield make(res, "role", attributes, index)


def _computed(res: TfResource, attr: str) -> Any:
    """An argument; a computed read-back the configuration does not set is None."""
    value = res.get(attr)
    return None if value is UNKNOWN and not res.set_in_config(attr) else value


def _admin(res: TfResource, index: Index) -> bool | None:
    paths: list[bool | None] = []
    managed = _computed(res, "managed_policy_arns")
    if managed is UNKNOWN:
        paths.append(None)
    elif managed:
        paths.append(arns_admin(res, "managed_policy_arns", index))
    inline = _computed(res, "inline_policy")
    if inline is UNKNOWN:
        paths.append(None)
    for block in inline if isinstance(inline, list) else []:
        paths.append(None if block is UNKNOWN else document_admin(dig(block, "policy")))
    paths += attached_admin("role", res, index)
    return tri_any(paths)


def own_account(document: Mapping[str, Any]) -> str | None:
    """The AWS account a plan targets, when the plan says so unambiguously."""
    found: set[str] = set()
    root = dig(document, "prior_state", "values", "root_module")
    stack = [root]
    while stack:
        module = stack.pop()
        if not isinstance(module, dict):
            continue
        for res in module.get("resources") or []:
            if res.get("type") == "aws_caller_identity" and res.get("mode") == "data":
                account = dig(res, "values", "account_id")
                if isinstance(account, str) and account:
                    found.add(account)
        stack += list(module.get("child_modules") or [])
    configs = dig(document, "configuration", "provider_config")
    for config in configs.values() if isinstance(configs, dict) else []:
        allowed = dig(config, "expressions", "allowed_account_ids", "constant_value")
        if isinstance(allowed, list) and len(allowed) == 1 and isinstance(allowed[0], str):
            found.add(allowed[0])
    return found.pop() if len(found) == 1 else None
