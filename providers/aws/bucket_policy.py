"""What a bucket policy and ACL say about public writes and transport security.

Pure functions over the documents S3 returns (shared by anything that reads bucket
policies, like :mod:`mamori.providers.aws.policy`).

- **public write** — a statement that is public in the sense of
  :func:`~mamori.providers.aws.policy.public_statement` (principal ``*`` without a
  pinning condition, or ``NotPrincipal``) and allows an action that writes, deletes or
  re-permissions data (:data:`WRITE_ACTIONS`, matched with IAM's ``*``/``?`` wildcards,
  ``NotAction`` meaning every action it does not list); or an ACL grant of ``WRITE``,
  ``WRITE_ACP`` or ``FULL_CONTROL`` to ``AllUsers`` or ``AuthenticatedUsers``.
- **TLS required** — the statement AWS recommends ("Enforce encryption of data in
  transit", S3 User Guide): ``Deny`` to every principal (``*``) of every S3 action
  (``s3:*`` or ``*``) on the bucket and all its objects, with the single condition
  ``Bool``/``BoolIfExists`` ``aws:SecureTransport`` ``false``. A statement that denies
  less (some actions, some principals, some objects, or an extra condition that narrows
  it) does not count: plain HTTP would still be accepted for the rest.
- **minimum TLS version** — AWS API endpoints, S3's included, refuse TLS below 1.2
  since June 2023 (AWS Security Blog, "TLS 1.2 to become the minimum TLS protocol level
  for all AWS API endpoints"): :data:`PLATFORM_MIN_TLS`. A statement of the same
  all-covering shape with the single condition ``NumericLessThan`` (or
  ``NumericLessThanEquals``) ``s3:TlsVersion`` raises it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mamori.providers.aws.policy import as_list, principal_values, public_statement, statements

#: Actions that write, delete or change who may do so (the bucket's data or its guard).
WRITE_ACTIONS: tuple[str, ...] = (
    "s3:putobject", "s3:putobjectacl", "s3:putobjectversionacl", "s3:deleteobject",
    "s3:deleteobjectversion", "s3:replicateobject", "s3:replicatedelete",
    "s3:putbucketacl", "s3:putbucketpolicy", "s3:deletebucketpolicy", "s3:deletebucket",
    "s3:putlifecycleconfiguration", "s3:putbucketownershipcontrols",
    "s3:putbucketpublicaccessblock",
)
#: ACL permissions that let the grantee write objects or rewrite the ACL.
WRITE_PERMISSIONS = frozenset({"WRITE", "WRITE_ACP", "FULL_CONTROL"})
PLATFORM_MIN_TLS = "1.2"
_TLS_VERSIONS = ("1.0", "1.1", "1.2", "1.3")


def glob_match(pattern: str, text: str) -> bool:
    """IAM wildcard matching: ``*`` any run of characters, ``?`` one; nothing else is
    special. Linear in practice, at worst len(pattern) × len(text), never exponential."""
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif p < len(pattern) and pattern[p] in ("?", text[t]):
            p, t = p + 1, t + 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    return all(c == "*" for c in pattern[p:])


def covers_prefix(pattern: str, prefix: str) -> bool:
    """True when ``pattern`` matches every text that starts with ``prefix``.

    That holds when it ends in ``*`` and the rest matches some beginning of ``prefix``
    (``s3:*`` and ``*`` cover every S3 action; ``arn:aws:s3:::b*`` every object of ``b``).
    """
    if not pattern.endswith("*"):
        return False
    head = pattern[:-1]
    return any(glob_match(head, prefix[:i]) for i in range(len(prefix) + 1))


def _allows_write(st: Mapping[str, Any]) -> bool:
    if "NotAction" in st:
        excluded = [str(a).lower() for a in as_list(st.get("NotAction"))]
        return any(not any(glob_match(p, a) for p in excluded) for a in WRITE_ACTIONS)
    patterns = [str(a).lower() for a in as_list(st.get("Action"))]
    return any(glob_match(p, a) for p in patterns for a in WRITE_ACTIONS)


def public_write_reasons(document: Any) -> list[str]:
    """Why a bucket policy lets the public write (``policy:Principal:*:write``...), or []."""
    reasons = set()
    for st in statements(document):
        reason = public_statement(st)
        if reason is not None and _allows_write(st):
            reasons.add(f"{reason}:write")
    return sorted(reasons)


def acl_write_reasons(grants: list[tuple[str, str]]) -> list[str]:
    """``acl:<group>:<permission>`` for the public (group, permission) grants that write."""
    return sorted({f"acl:{group}:{perm}" for group, perm in grants if perm in WRITE_PERMISSIONS})


def _denies_everything(st: Mapping[str, Any], bucket_arn: str) -> bool:
    """A ``Deny`` to every principal of every S3 action on the bucket and all objects."""
    if str(st.get("Effect", "")).lower() != "deny" or "NotPrincipal" in st:
        return False
    if "NotAction" in st or "NotResource" in st:
        return False
    if "*" not in principal_values(st.get("Principal")):
        return False
    actions = [str(a).lower() for a in as_list(st.get("Action"))]
    if not any(covers_prefix(a, "s3:") for a in actions):
        return False
    resources = [str(r) for r in as_list(st.get("Resource"))]
    return (any(glob_match(r, bucket_arn) for r in resources)
            and any(covers_prefix(r, f"{bucket_arn}/") for r in resources))


def _single_test(condition: Any) -> tuple[str, str, list[Any]] | None:
    """(operator, key, values) when the condition is exactly one test, else None."""
    if not isinstance(condition, Mapping) or len(condition) != 1:
        return None
    [(operator, tests)] = condition.items()
    if not isinstance(tests, Mapping) or len(tests) != 1:
        return None
    [(key, values)] = tests.items()
    return str(operator).lower(), str(key).lower(), as_list(values)


def tls_required(document: Any, bucket_arn: str) -> bool:
    """True when the policy denies every request made without TLS."""
    for st in statements(document):
        test = _single_test(st.get("Condition"))
        if test is None or not _denies_everything(st, bucket_arn):
            continue
        operator, key, values = test
        if (operator in ("bool", "boolifexists") and key == "aws:securetransport"
                and values and all(str(v).lower() == "false" for v in values)):
            return True
    return False


def min_tls_version(document: Any, bucket_arn: str) -> str:
    """The lowest TLS version the bucket accepts: the platform's floor, or higher."""
    lowest = _TLS_VERSIONS.index(PLATFORM_MIN_TLS)
    for st in statements(document):
        test = _single_test(st.get("Condition"))
        if test is None or not _denies_everything(st, bucket_arn):
            continue
        operator, key, values = test
        if key != "s3:tlsversion" or len(values) != 1:
            continue
        bound = _version(values[0])
        if bound is None:
            continue
        denied = [i for i, v in enumerate(_TLS_VERSIONS) if _denied(operator, float(v), bound)]
        if denied and denied == list(range(len(denied))):  # a floor, not a hole
            lowest = max(lowest, len(denied))
    return _TLS_VERSIONS[min(lowest, len(_TLS_VERSIONS) - 1)]


def _version(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if 0 < number < 10 else None


def _denied(operator: str, version: float, bound: float) -> bool:
    op = operator.removesuffix("ifexists")
    if op == "numericlessthan":
        return version < bound
    if op == "numericlessthanequals":
        return version <= bound
    return False
