"""``aws_s3_bucket`` and its split resources as one ``bucket``.

Joined by the ``bucket`` argument (reference — also through module outputs and inputs
— or name): ``_acl``, ``_policy``, ``_public_access_block``,
``_server_side_encryption_configuration``, ``_versioning``, ``_logging``; and every
``aws_s3_account_public_access_block`` in the plan. A split resource whose bucket is
unknown until apply and whose references cannot be followed may belong to any bucket:
the attribute it decides is absent on every bucket it could change (ERROR), never
decided without it.

``public`` follows the AWS provider (:func:`~mamori.providers.aws.policy.combine_exposure`):
a public ACL grant (``public-read``…, AllUsers / AuthenticatedUsers grantees) or a
bucket-policy statement that AWS's "meaning of public" calls public
(:func:`~mamori.providers.aws.policy.public_reasons`) makes a bucket public unless
``IgnorePublicAcls`` / ``RestrictPublicBuckets`` (bucket or account level) neutralises
it. A bucket with no ACL or policy in the plan is private (S3's default ACL is private
and there is no policy); so is one whose split ACL is ``private`` or grants only to
canonical users (the owner). AWS has turned Block Public Access on for *new* buckets
since April 2023, but that default is not assumed: a grant written in the plan is what
the change asks for, and the default can be switched off outside Terraform. ``public``
is absent when an ACL, policy or flag that decides it is unknown until apply and no
known open path exists.

Encryption: S3 encrypts every bucket with SSE-S3 since 5 January 2023, so a bucket
without an encryption configuration is ``encryption.enabled`` true with an AWS-managed
key. ``aws:kms`` is customer-managed when its key is an ``aws_kms_key`` (or alias) of
the plan — known, or unknown until apply but referenced — or a customer alias
(``alias/…``, not ``alias/aws/…``); without a key id it is the AWS-managed key. A key
ARN from outside the plan cannot be told from the AWS-managed key without asking KMS:
``customer_managed_key`` is then absent. Versioning is off and access logging is off
unless the plan turns them on; logging to a target bucket of the plan (by name or by
reference, known after apply) counts as on.

With AWS provider v4+, the deprecated inline arguments (``acl``, ``policy``,
``versioning``…) are computed read-backs: unknown at create when the configuration does
not set them. Such an unknown is the AWS default, not a real unknown; an inline argument
the configuration sets is used as written (unknown stays unknown). Likewise
``access_control_policy`` of an ``aws_s3_bucket_acl`` that sets a canned ``acl``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.tri import tri_any
from mamori.providers.aws.policy import combine_exposure, public_reasons
from mamori.providers.terraform.common import make, problem
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, blocks, dig, first_block, known_bool

KEYS = ("bucket", "id")
_CANNED: dict[str, list[str]] = {
    "private": [], "aws-exec-read": [], "bucket-owner-read": [],
    "bucket-owner-full-control": [], "log-delivery-write": [],
    "public-read": ["acl:AllUsers:READ"],
    "public-read-write": ["acl:AllUsers:READ", "acl:AllUsers:WRITE"],
    "authenticated-read": ["acl:AuthenticatedUsers:READ"]}
_GROUPS = {"http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
           "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers"}
FLAGS = ("block_public_acls", "ignore_public_acls", "block_public_policy",
         "restrict_public_buckets")
_VERSIONING = ("Enabled", "Suspended", "Disabled")
_KMS_TYPES = frozenset({"aws_kms_key", "aws_kms_alias", "aws_kms_replica_key",
                        "aws_kms_external_key", "aws_kms_replica_external_key"})
_SSE = "aws_s3_bucket_server_side_encryption_configuration"
_KEY_PATH = "rule.apply_server_side_encryption_by_default.kms_master_key_id"

Reasons = tuple[list[str], bool]  # (known reasons, whether some input is unknown)


def bucket(res: TfResource, index: Index) -> Iterator[Resource]:
    """One ``bucket`` resource for an ``aws_s3_bucket``."""
    attributes: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    _exposure(res, index, attributes, raw)
    encryption = _encryption(res, index)
    if encryption is not None:
        attributes["encryption"] = encryption
    for key, value in (("versioning", _versioning(res, index)),
                       ("access_logging", _logging(res, index))):
        if value is not None:
            attributes[key] = value
    name = res.get("bucket")
    yield make(res, "bucket", attributes, index, raw=raw,
               name=name if isinstance(name, str) and name else res.address)


def _inline(res: TfResource, attr: str) -> Any:
    """An argument; a computed read-back the configuration does not set is None."""
    value = res.get(attr)
    if value is UNKNOWN and not res.set_in_config(attr):
        return None
    return value


def _children(res: TfResource, index: Index, child_type: str) -> list[TfResource]:
    return index.children(child_type, "bucket", res, KEYS)


def _unresolved(res: TfResource, index: Index, child_type: str) -> bool:
    """Whether a ``child_type`` that cannot be joined may belong to this bucket."""
    return bool(index.unresolved(child_type, "bucket", res, KEYS))


def _acl_reasons(res: TfResource, index: Index) -> Reasons:
    sources = [(res, _inline(res, "acl"), _inline(res, "grant"))]
    sources += [_acl_source(acl) for acl in _children(res, index, "aws_s3_bucket_acl")]
    reasons, unknown = _acl_of(sources)
    # An ACL that may belong to this bucket counts when it could open access.
    if "stray acl" not in index.memo:
        index.memo["stray acl"] = _acl_of([_acl_source(acl) for acl in index.unresolved(
            "aws_s3_bucket_acl", "bucket", res, KEYS)])
    stray = index.memo["stray acl"]
    return reasons, unknown or bool(stray[0]) or stray[1]


def _acl_source(acl: TfResource) -> tuple[TfResource, Any, Any]:
    policy = _inline(acl, "access_control_policy")  # a read-back when a canned ACL is set
    return acl, acl.get("acl"), dig(first_block({"p": policy}, "p"), "grant")


def _acl_of(sources: list[tuple[TfResource, Any, Any]]) -> Reasons:
    reasons: list[str] = []
    unknown = False
    for owner, canned, grants in sources:
        if canned is UNKNOWN:
            unknown = True
        elif isinstance(canned, str) and canned:
            if canned not in _CANNED:
                raise problem(owner, f"unknown canned ACL {canned!r} (S3 knows "
                                     f"{', '.join(_CANNED)})", "acl")
            reasons += _CANNED[canned]
        found = _grant_reasons(grants)
        unknown = unknown or found is None
        reasons += found or []
    return sorted(set(reasons)), unknown


def _grant_reasons(grants: Any) -> list[str] | None:
    """Public grants (AllUsers/AuthenticatedUsers); None when one cannot be read."""
    if grants is None:
        return []
    if grants is UNKNOWN:
        return None
    reasons: list[str] = []
    for grant in grants if isinstance(grants, list) else [grants]:
        grantees = blocks(grant, "grantee")
        if grantees is None or grant is UNKNOWN:
            return None
        for grantee in grantees or [grant]:
            uri = dig(grantee, "uri")
            permission, permissions = dig(grant, "permission"), dig(grant, "permissions")
            if uri is UNKNOWN or permission is UNKNOWN or permissions is UNKNOWN:
                return None
            if uri in _GROUPS:
                names = [permission] if permission else list(permissions or [])
                reasons += [f"acl:{_GROUPS[uri]}:{p}" for p in names]
    return reasons


def _policy_reasons(res: TfResource, index: Index) -> Reasons:
    documents = [_inline(res, "policy")]
    documents += [p.get("policy") for p in _children(res, index, "aws_s3_bucket_policy")]
    reasons, unknown = _policies_of(documents)
    # A policy that may belong to this bucket counts when it could open access.
    if "stray policy" not in index.memo:
        index.memo["stray policy"] = _policies_of([p.get("policy") for p in index.unresolved(
            "aws_s3_bucket_policy", "bucket", res, KEYS)])
    stray = index.memo["stray policy"]
    return reasons, unknown or bool(stray[0]) or stray[1]


def _policies_of(documents: list[Any]) -> Reasons:
    reasons: list[str] = []
    unknown = False
    for document in documents:
        if document is UNKNOWN:
            unknown = True
        elif isinstance(document, str) and document.strip():
            try:
                reasons += public_reasons(document)
            except ValueError:
                unknown = True  # not JSON: cannot tell what it allows
    return sorted(set(reasons)), unknown


def _flag(res: TfResource, index: Index, flag: str) -> bool | None:
    """A public-access-block flag in force at bucket or account level."""
    found = [*_children(res, index, "aws_s3_bucket_public_access_block"),
             *index.of_type("aws_s3_account_public_access_block")]
    return tri_any(known_bool(b.get(flag), False) for b in found)


def _exposure(res: TfResource, index: Index, attributes: dict[str, Any],
              raw: dict[str, Any]) -> None:
    acl, policy = _acl_reasons(res, index), _policy_reasons(res, index)
    public, open_via, raw["public_via_blocked"] = combine_exposure([
        (*acl, _flag(res, index, "ignore_public_acls")),
        (*policy, _flag(res, index, "restrict_public_buckets"))])
    if public is not None:
        attributes["public"] = public
        attributes["public_via"] = open_via


def _sse_default(res: TfResource, index: Index) -> tuple[Any, Any, TfResource, str]:
    """(algorithm, key id, the resource that sets them, key path) from child or inline."""
    for child in _children(res, index, _SSE):
        config = child.values
        source, path = child, _KEY_PATH
        break
    else:
        config = first_block({"c": _inline(res, "server_side_encryption_configuration")}, "c")
        source, path = res, f"server_side_encryption_configuration.{_KEY_PATH}"
    default = first_block(first_block(config, "rule"), "apply_server_side_encryption_by_default")
    return dig(default, "sse_algorithm"), dig(default, "kms_master_key_id"), source, path


def _encryption(res: TfResource, index: Index) -> dict[str, Any] | None:
    algorithm, key, source, path = _sse_default(res, index)
    if algorithm is UNKNOWN:
        return None
    result: dict[str, Any] = {"enabled": True}  # S3 encrypts every object (SSE-S3 default)
    if source is res and _unresolved(res, index, _SSE):
        return result  # a configuration that cannot be joined may set the key
    if not algorithm or not str(algorithm).startswith("aws:kms"):
        result["customer_managed_key"] = False
        return result
    customer = _customer_key(key, source, path, index)
    if customer is not None:
        result["customer_managed_key"] = customer
    return result


def _customer_key(key: Any, source: TfResource, path: str, index: Index) -> bool | None:
    """Whether an ``aws:kms`` key id names a customer-managed key (None: cannot tell)."""
    if key is None or key == "":
        return False  # no key id: the AWS-managed key aws/s3
    followed = index.follow(source, path)
    if followed is not None and any(t.type in _KMS_TYPES for t in followed.targets):
        return True
    if key is UNKNOWN or not isinstance(key, str):
        return None
    if key.startswith("alias/aws/") or ":alias/aws/" in key:
        return False
    if key.startswith("alias/") or ":alias/" in key:
        return True  # AWS reserves the aws/ prefix for its own keys
    for kms in index.of_type("aws_kms_key", "aws_kms_replica_key"):
        if key in (kms.get("arn"), kms.get("key_id"), kms.get("id")):
            return True
    return None


def _versioning(res: TfResource, index: Index) -> bool | None:
    for child in _children(res, index, "aws_s3_bucket_versioning"):
        config = first_block(child.values, "versioning_configuration")
        status = dig(config, "status") if config is not UNKNOWN else UNKNOWN
        if status is UNKNOWN:
            return None
        if status not in _VERSIONING:
            raise problem(child, f"unknown versioning status {status!r} (S3 knows "
                                 f"{', '.join(_VERSIONING)})",
                          "versioning_configuration", 0, "status")
        return bool(status == "Enabled")
    if _unresolved(res, index, "aws_s3_bucket_versioning"):
        return None
    inline = _inline(res, "versioning")
    if inline is UNKNOWN:
        return None
    return known_bool(dig(first_block({"v": inline}, "v"), "enabled"), False)


def _logging(res: TfResource, index: Index) -> bool | None:
    if _children(res, index, "aws_s3_bucket_logging"):
        return True  # target_bucket is required: logging goes to it once applied
    inline = first_block({"v": _inline(res, "logging")}, "v")
    if inline is UNKNOWN:
        return None
    target = dig(inline, "target_bucket")
    if target is UNKNOWN or (isinstance(target, str) and target):
        return True  # a target bucket, by name or by a reference known after apply
    return None if _unresolved(res, index, "aws_s3_bucket_logging") else False
