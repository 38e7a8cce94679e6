"""Reading IAM policy documents: admin rights, public principals, role trust.

Pure functions over the JSON documents AWS returns, so they are tested without a
server. The rules are deliberately simple and conservative (they may call a right
"admin" that a Deny elsewhere takes away, never the opposite):

- admin: an ``Allow`` statement whose ``Action`` includes ``*`` or ``*:*`` on
  ``Resource`` ``*`` (with or without a condition), or the AWS-managed
  ``AdministratorAccess`` policy. Explicit denies and permission boundaries are not
  subtracted.
- public (bucket policies): an ``Allow`` statement without ``Condition`` whose
  principal is ``*`` (``"*"``, ``{"AWS": "*"}``...), or any ``Allow`` with
  ``NotPrincipal``.
- unconditioned outside trust (role trust policies): an ``Allow`` of an
  ``sts:AssumeRole*`` action to ``*``, to another account, or to an OpenID Connect
  provider, without a condition that pins the caller. Pinning conditions are a
  positive (not ``...IfExists``, not negated) test of ``sts:ExternalId``,
  ``aws:PrincipalOrgID``/``OrgPaths``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
  ``aws:SourceAccount``/``Arn``/``OrgID``; for a named outside account also
  ``aws:MultiFactorAuthPresent``; for an OIDC provider any condition.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

ADMIN_POLICY_SUFFIX = ":iam::aws:policy/AdministratorAccess"

_ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity")
_PINNING_KEYS = frozenset({
    "sts:externalid", "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount",
    "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid",
    "aws:sourceorgpaths",
})
_MFA_KEY = "aws:multifactorauthpresent"


def parse(document: Any) -> dict[str, Any]:
    """A policy document as a dict, from a dict, JSON text or URL-encoded JSON."""
    if isinstance(document, Mapping):
        return dict(document)
    text = str(document)
    if text.lstrip().startswith("%"):
        text = unquote(text)
    loaded = json.loads(text)
    return loaded if isinstance(loaded, dict) else {}


def as_list(value: Any) -> list[Any]:
    """``value`` as a list (policy fields may be a scalar or a list)."""
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def statements(document: Any) -> list[dict[str, Any]]:
    """The statements of a policy document, always as a list of dicts."""
    return [s for s in as_list(parse(document).get("Statement")) if isinstance(s, dict)]


def _allows(statement: Mapping[str, Any]) -> bool:
    return str(statement.get("Effect", "")).lower() == "allow"


def grants_admin(document: Any) -> bool:
    """True when the document allows every action on every resource."""
    for st in statements(document):
        actions = {str(a).lower() for a in as_list(st.get("Action"))}
        resources = {str(r) for r in as_list(st.get("Resource"))}
        if _allows(st) and actions & {"*", "*:*"} and "*" in resources:
            return True
    return False


def is_admin_policy_arn(arn: str) -> bool:
    """True for the AWS-managed AdministratorAccess policy (any partition)."""
    return arn.endswith(ADMIN_POLICY_SUFFIX)


def _principal_values(principal: Any) -> list[str]:
    if isinstance(principal, Mapping):
        return [str(v) for values in principal.values() for v in as_list(values)]
    return [str(v) for v in as_list(principal)]


def public_reasons(document: Any) -> list[str]:
    """Why a bucket policy makes a bucket public (``policy:Principal:*``...), or []."""
    reasons: list[str] = []
    for st in statements(document):
        if not _allows(st):
            continue
        if "NotPrincipal" in st:
            reasons.append("policy:NotPrincipal")
        elif "*" in _principal_values(st.get("Principal")) and not st.get("Condition"):
            reasons.append("policy:Principal:*")
    return sorted(set(reasons))


def _assume_statement(st: Mapping[str, Any]) -> bool:
    patterns = [str(a).lower() for a in as_list(st.get("Action"))]
    return _allows(st) and any(
        fnmatch.fnmatchcase(action, pattern) for pattern in patterns for action in _ASSUME_ACTIONS)


def _positive_keys(condition: Any) -> set[str]:
    """Condition keys tested by a positive operator (not negated, not IfExists)."""
    keys: set[str] = set()
    if not isinstance(condition, Mapping):
        return keys
    for operator, tests in condition.items():
        op = str(operator).lower()
        if "not" in op.split(":")[-1] or op.endswith("ifexists") or op == "null":
            continue
        if isinstance(tests, Mapping):
            keys |= {str(k).lower() for k in tests}
    return keys


def principal_account(value: str) -> str | None:
    """The 12-digit account of an AWS principal (id or ARN), else None."""
    if len(value) == 12 and value.isdigit():
        return value
    parts = value.split(":")
    if len(parts) >= 5 and parts[0] == "arn" and parts[4].isdigit():
        return parts[4]
    return None


def _is_oidc(federated: str) -> bool:
    return ":oidc-provider/" in federated or not federated.startswith("arn:")


def _outside(st: Mapping[str, Any], own_account: str) -> list[str]:
    """Kinds of outside trust in one statement: 'any', 'account', 'oidc'."""
    principal = st.get("Principal")
    kinds: list[str] = []
    aws = as_list(principal.get("AWS")) if isinstance(principal, Mapping) else as_list(principal)
    for value in map(str, aws):
        if value == "*":
            kinds.append("any")
        elif (account := principal_account(value)) is not None and account != own_account:
            kinds.append("account")
    if isinstance(principal, Mapping):
        kinds += ["oidc" for f in map(str, as_list(principal.get("Federated"))) if _is_oidc(f)]
    return kinds


def _pinned(kind: str, keys: set[str]) -> bool:
    if kind == "oidc":
        return bool(keys)
    if keys & _PINNING_KEYS:
        return True
    return kind == "account" and _MFA_KEY in keys


def trust(document: Any, own_account: str) -> tuple[list[str], bool]:
    """(principals allowed to assume, whether an outside one is unconditioned)."""
    principals: set[str] = set()
    unconditioned = False
    for st in statements(document):
        if not _assume_statement(st):
            continue
        principals.update(_principal_values(st.get("Principal")))
        keys = _positive_keys(st.get("Condition"))
        if any(not _pinned(kind, keys) for kind in _outside(st, own_account)):
            unconditioned = True
    return sorted(principals), unconditioned


def any_admin(documents: Iterable[Any]) -> bool:
    """True when any of the documents grants admin rights."""
    return any(grants_admin(d) for d in documents)


#: One way a bucket may be public: the reasons known so far, whether more may be
#: hidden (a denied read, a value unknown until apply), and whether a public access
#: block neutralises the path (True), leaves it open (False) or cannot be told (None).
ExposurePath = tuple[list[str], bool, bool | None]


def combine_exposure(paths: Iterable[ExposurePath]) -> tuple[bool | None, list[str], list[str]]:
    """``(public, public_via, blocked)`` for a bucket's exposure paths.

    ``public`` is None when it cannot be decided: a known open path makes it True even
    when another path is unknown, but "not public" needs every path decided.
    """
    open_via: list[str] = []
    blocked: list[str] = []
    unknown = False
    for reasons, more_unknown, neutralised in paths:
        if neutralised is True:
            blocked += reasons
        elif more_unknown or (reasons and neutralised is None):
            unknown = True
            open_via += reasons if neutralised is False else []
        else:
            open_via += reasons
    public = bool(open_via) if open_via or not unknown else None
    return public, open_via, blocked
