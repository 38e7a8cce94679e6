"""Reading IAM policy documents: admin rights, public principals, role trust.

Pure functions over the JSON documents AWS returns, so they are tested without a
server. The rules are deliberately simple and conservative (they may call a right
"admin" that a Deny elsewhere takes away, never the opposite):

- admin: an ``Allow`` statement whose ``Action`` includes ``*`` or ``*:*`` on
  ``Resource`` ``*`` (with or without a condition), or the AWS-managed
  ``AdministratorAccess`` policy. Explicit denies and permission boundaries are not
  subtracted.
- public (bucket policies), as S3 Block Public Access defines "public" ("The meaning
  of public" in the S3 User Guide): an ``Allow`` statement whose principal is ``*``
  (``"*"``, ``{"AWS": "*"}``, a list holding ``"*"``) unless its ``Condition`` pins
  the request to fixed values — no ``*``/``?`` wildcard, no ``${...}`` policy
  variable — of ``aws:SourceArn``, ``aws:SourceVpc``, ``aws:SourceVpce``,
  ``aws:SourceOwner``, ``aws:SourceAccount``, ``aws:SourceOrgID``/``OrgPaths``,
  ``aws:PrincipalOrgID``/``OrgPaths``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
  ``s3:DataAccessPointAccount``, ``s3:x-amz-server-side-encryption-aws-kms-key-id``,
  ``aws:userid`` (also ``ROLEID:*``), ``s3:DataAccessPointArn`` (the access point name
  may be a wildcard when the account is fixed), or to a set of ``aws:SourceIp``
  networks. A pin is a positive test (``StringEquals``, ``StringLike`` and ``Arn*``
  without wildcards, ``IpAddress``; not negated, not ``...IfExists``, not
  ``ForAllValues:``, which an absent key satisfies). AWS counts very wide CIDRs such as
  ``0.0.0.0/1`` as public without saying where the line is; mamori counts the
  ``aws:SourceIp`` networks of one test as a pin only when together they hold at most
  as many addresses as a /8 (IPv4) and a /32 (IPv6). A condition on other keys only
  (``aws:SecureTransport``, ``aws:UserAgent``, dates) does not restrict. Any ``Allow``
  with ``NotPrincipal`` is public; ``Deny`` never is. Actions are not weighed: an
  ``Allow`` to everyone is public whatever it allows.
- unconditioned outside trust (role trust policies): an ``Allow`` of an
  ``sts:AssumeRole*`` action to ``*``, to another account, or to an OpenID Connect
  provider, without a condition that pins the caller. Pinning conditions are a
  positive (not ``...IfExists``, not negated) test of ``sts:ExternalId``,
  ``aws:PrincipalOrgID``/``OrgPaths``, ``aws:PrincipalAccount``, ``aws:PrincipalArn``,
  ``aws:SourceAccount``/``Arn``/``OrgID``; for a named outside account also
  ``aws:MultiFactorAuthPresent``; for an OIDC provider any condition. When the own
  account is not known (a Terraform plan does not say which account it targets), a
  named account may be the own one: the answer is unknown (None) unless ``*``, an OIDC
  provider or two different accounts are trusted without a pin.
"""

from __future__ import annotations

import fnmatch
import ipaddress
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, overload
from urllib.parse import unquote

ADMIN_POLICY_SUFFIX = ":iam::aws:policy/AdministratorAccess"

_ASSUME_ACTIONS = ("sts:assumerole", "sts:assumerolewithsaml", "sts:assumerolewithwebidentity")
_PINNING_KEYS = frozenset({
    "sts:externalid", "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount",
    "aws:principalarn", "aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid",
    "aws:sourceorgpaths",
})
_MFA_KEY = "aws:multifactorauthpresent"

# "The meaning of public": condition keys whose fixed values make a statement non-public.
_FIXING_KEYS = frozenset({
    "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:sourceowner",
    "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths", "aws:principalorgid",
    "aws:principalorgpaths", "aws:principalaccount", "aws:principalarn",
    "s3:dataaccesspointaccount", "s3:x-amz-server-side-encryption-aws-kms-key-id",
})
_FIXING_OPERATORS = frozenset({"stringequals", "stringequalsignorecase", "stringlike",
                               "arnequals", "arnlike"})
_ACCESS_POINT = re.compile(r"^arn:[a-z-]+:s3:[a-z0-9-]*:[0-9]{12}:accesspoint/.+$")
# The widest aws:SourceIp set still counted as a pin: a /8 of IPv4, a /32 of IPv6.
_NARROW = {4: 2 ** 24, 6: 2 ** 96}
_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse(document: Any) -> dict[str, Any]:
    """A policy document as a dict, from a dict, JSON text or URL-encoded JSON."""
    if isinstance(document, Mapping):
        return dict(document)
    text = str(document)
    if text.lstrip().startswith("%"):
        text = unquote(text)
    try:
        loaded = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise ValueError("policy document nested too deeply") from None
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


def principal_values(principal: Any) -> list[str]:
    """Every principal a ``Principal`` element names, as text (``*`` included)."""
    if isinstance(principal, Mapping):
        return [str(v) for values in principal.values() for v in as_list(values)]
    return [str(v) for v in as_list(principal)]


def public_reasons(document: Any) -> list[str]:
    """Why a bucket policy makes a bucket public (``policy:Principal:*``...), or []."""
    found = (public_statement(st) for st in statements(document))
    return sorted({reason for reason in found if reason is not None})


def public_statement(st: Mapping[str, Any]) -> str | None:
    """Why one statement grants access to the public (``policy:Principal:*``,
    ``policy:NotPrincipal``), or None when it does not (a ``Deny``, a named principal,
    a condition that pins the request as "the meaning of public" describes)."""
    if not _allows(st):
        return None
    if "NotPrincipal" in st:
        return "policy:NotPrincipal"
    if "*" in principal_values(st.get("Principal")) and not _restricts(st.get("Condition")):
        return "policy:Principal:*"
    return None


def _restricts(condition: Any) -> bool:
    """Whether a condition pins requests to fixed values, as "not public" requires."""
    if not isinstance(condition, Mapping):
        return False
    for operator, tests in condition.items():
        op = str(operator).lower().removeprefix("foranyvalue:")
        if not isinstance(tests, Mapping) or op.endswith("ifexists") or ":" in op:
            continue  # ForAllValues: (true for an absent key) and unknown qualifiers
        for key, values in tests.items():
            if _pins(op, str(key).lower(), as_list(values)):
                return True
    return False


def _pins(op: str, key: str, values: list[Any]) -> bool:
    if not values:
        return False
    if key == "aws:sourceip":
        return op == "ipaddress" and _narrow(values)
    if op not in _FIXING_OPERATORS or not all(isinstance(v, str | int) and
                                              not isinstance(v, bool) for v in values):
        return False
    texts = [str(v) for v in values]
    if key in _FIXING_KEYS:
        return all(_fixed(t) for t in texts)
    if key == "aws:userid":  # a fixed id, or a role's id with any session name
        return all(_fixed(t.removesuffix(":*")) for t in texts)
    if key == "s3:dataaccesspointarn":
        return all(_fixed(t) or (_ACCESS_POINT.match(t) is not None and
                                 _fixed(t.rsplit("/", 1)[0])) for t in texts)
    return False


def _fixed(text: str) -> bool:
    return bool(text) and not any(c in text for c in "*?") and "${" not in text


def _narrow(values: list[Any]) -> bool:
    """True when the networks are valid and together no wider than :data:`_NARROW`.

    IPv6 networks that reach into the IPv4-mapped block (``::ffff:0:0/96``) count
    those addresses as IPv4 too: ``::ffff:0.0.0.0/96`` is every IPv4 address.
    """
    networks: dict[int, list[Any]] = {4: [], 6: []}
    mapped = 0
    for value in values:
        if not isinstance(value, str):
            return False
        try:
            network = ipaddress.ip_network(value.strip(), strict=False)
        except ValueError:
            return False
        networks[network.version].append(network)
        if isinstance(network, ipaddress.IPv6Network) and network.overlaps(_MAPPED):
            mapped += min(network.num_addresses, _MAPPED.num_addresses)
    sizes = {version: sum(n.num_addresses for n in ipaddress.collapse_addresses(found))
             for version, found in networks.items() if found}
    sizes[4] = sizes.get(4, 0) + mapped
    return all(size <= _NARROW[version] for version, size in sizes.items())


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


def _outside(st: Mapping[str, Any], own_account: str | None) -> list[tuple[str, str]]:
    """Outside trust in one statement: ('any'|'account'|'maybe'|'oidc', principal)."""
    principal = st.get("Principal")
    kinds: list[tuple[str, str]] = []
    aws = as_list(principal.get("AWS")) if isinstance(principal, Mapping) else as_list(principal)
    for value in map(str, aws):
        account = principal_account(value)
        if value == "*":
            kinds.append(("any", value))
        elif account is not None and own_account is None:
            kinds.append(("maybe", account))  # may be the own account
        elif account is not None and account != own_account:
            kinds.append(("account", account))
    if isinstance(principal, Mapping):
        kinds += [("oidc", f) for f in map(str, as_list(principal.get("Federated")))
                  if _is_oidc(f)]
    return kinds


def _pinned(kind: str, keys: set[str]) -> bool:
    if kind == "oidc":
        return bool(keys)
    if keys & _PINNING_KEYS:
        return True
    return kind in ("account", "maybe") and _MFA_KEY in keys


@overload
def trust(document: Any, own_account: str) -> tuple[list[str], bool]: ...


@overload
def trust(document: Any, own_account: None) -> tuple[list[str], bool | None]: ...


def trust(document: Any, own_account: str | None) -> tuple[list[str], bool | None]:
    """(principals allowed to assume, whether an outside one is unconditioned).

    With ``own_account`` None (not known), the second is None when only a named
    account, which may be the own one, is trusted without a pin.
    """
    principals: set[str] = set()
    definite = False
    maybe: set[str] = set()
    for st in statements(document):
        if not _assume_statement(st):
            continue
        principals.update(principal_values(st.get("Principal")))
        keys = _positive_keys(st.get("Condition"))
        for kind, who in _outside(st, own_account):
            if _pinned(kind, keys):
                continue
            if kind == "maybe":
                maybe.add(who)
            else:
                definite = True
    if definite or len(maybe) > 1:  # at most one of them is the own account
        return sorted(principals), True
    return sorted(principals), None if maybe else False


def role_attributes(admin: bool | None, trust_document: Any,
                    own_account: str | None) -> dict[str, Any]:
    """A ``role``'s attributes: admin rights, who may assume it, outside trust.

    Shared by the live AWS provider and the Terraform plan mapper, so a role means the same
    from the API and from a plan. ``None`` (not known) leaves an attribute absent:
    ``admin`` None, no trust document, or (own account unknown) a trusted account
    that may be the own one.
    """
    attributes: dict[str, Any] = {}
    if admin is not None:
        attributes["admin"] = admin
    if trust_document is not None:
        principals, unconditioned = trust(trust_document, own_account)
        attributes["trusted_principals"] = principals
        if unconditioned is not None:
            attributes["external_trust_unconditioned"] = unconditioned
    return attributes


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
