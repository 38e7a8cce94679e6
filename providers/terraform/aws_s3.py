"""``aws_s3_bucket`` and its split resources as one ``bucket``.

Joined by the ``bucket`` argument (reference or name): ``_acl``, ``_policy``,
``_public_access_block``, ``_server_side_encryption_configuration``, ``_versioning``,
``_logging``; and every ``aws_s3_account_public_access_block`` in the plan.

``public`` follows the AWS provider: a public ACL grant (``public-read``…, AllUsers /
AuthenticatedUsers grantees) or a bucket-policy statement with Principal ``*`` makes a
bucket public unless ``IgnorePublicAcls`` / ``RestrictPublicBuckets`` (bucket or
account level) neutralises it. A bucket with no ACL or policy in the plan is private
(S3's default ACL is private and there is no policy). AWS has turned Block Public
Access on for *new* buckets since April 2023, but that default is not assumed: a grant
written in the plan is what the change asks for, and the default can be switched off
outside Terraform. ``public`` is absent when an ACL, policy or flag that decides it is
unknown until apply and no known open path exists.

Encryption: S3 encrypts every bucket with SSE-S3 since 5 January 2023, so a bucket
without an encryption configuration is ``encryption.enabled`` true with an AWS-managed
key. Versioning and access logging are off unless the plan turns them on.

With AWS provider v4+, the deprecated inline arguments (``acl``, ``policy``,
``versioning``…) are computed read-backs: unknown at create when the configuration does
not set them. Such an unknown is the AWS default, not a real unknown; an inline argument
the configuration sets is used as written (unknown stays unknown).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.aws.policy import combine_exposure, public_reasons
from mamori.providers.terraform.common import make, tri_any
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, blocks, dig, first_block, known_bool

KEYS = ("bucket", "id")
_CANNED = {"public-read": ["acl:AllUsers:READ"],
           "public-read-write": ["acl:AllUsers:READ", "acl:AllUsers:WRITE"],
           "authenticated-read": ["acl:AuthenticatedUsers:READ"]}
_GROUPS = {"http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
           "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers"}
FLAGS = ("block_public_acls", "ignore_public_acls", "block_public_policy",
          "restrict_public_buckets")

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
    """An inline argument; a computed read-back the configuration does not set is None."""
    value = res.get(attr)
    if value is UNKNOWN and not res.set_in_config(attr):
        return None
    return value


def _children(res: TfResource, index: Index, child_type: str) -> list[TfResource]:
    return index.children(child_type, "bucket", res, KEYS)


def _acl_reasons(res: TfResource, index: Index) -> Reasons:
    reasons: list[str] = []
    unknown = bool(index.unresolved("aws_s3_bucket_acl", "bucket", res, KEYS))
    sources = [(_inline(res, "acl"), _inline(res, "grant"))]
    for acl in _children(res, index, "aws_s3_bucket_acl"):
        grants = dig(first_block(acl.values, "access_control_policy"), "grant")
        sources.append((acl.get("acl"), grants))
    for canned, grants in sources:
        if canned is UNKNOWN:
            unknown = True
        elif isinstance(canned, str):
            reasons += _CANNED.get(canned, [])
        found = _grant_reasons(grants)
        unknown = unknown or found is None
        reasons += found or []
    return sorted(set(reasons)), unknown


def _grant_reasons(grants: Any) -> list[str] | None:
    if grants is None:
        return []
    if grants is UNKNOWN:
        return None
    reasons: list[str] = []
    for grant in grants if isinstance(grants, list) else []:
        grantees = blocks(grant, "grantee") or [grant]
        for grantee in grantees:
            uri = dig(grantee, "uri")
            permission = dig(grant, "permission")
            permissions = dig(grant, "permissions")
            if uri is UNKNOWN or permission is UNKNOWN or permissions is UNKNOWN:
                return None
            if uri in _GROUPS:
                names = [permission] if permission else list(permissions or [])
                reasons += [f"acl:{_GROUPS[uri]}:{p}" for p in names]
    return reasons


def _policy_reasons(res: TfResource, index: Index) -> Reasons:
    reasons: list[str] = []
    unknown = bool(index.unresolved("aws_s3_bucket_policy", "bucket", res, KEYS))
    documents = [_inline(res, "policy")]
    documents += [p.get("policy") for p in _children(res, index, "aws_s3_bucket_policy")]
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


def _sse_default(res: TfResource, index: Index) -> tuple[Any, Any, TfResource]:
    """(algorithm, key id, the resource that sets them) from child or inline config."""
    source = res
    config: Any = None
    for child in _children(res, index, "aws_s3_bucket_server_side_encryption_configuration"):
        source, config = child, child.values
        break
    else:
        config = first_block({"c": _inline(res, "server_side_encryption_configuration")}, "c")
    default = first_block(first_block(config, "rule"), "apply_server_side_encryption_by_default")
    return dig(default, "sse_algorithm"), dig(default, "kms_master_key_id"), source


def _encryption(res: TfResource, index: Index) -> dict[str, Any] | None:
    algorithm, key, source = _sse_default(res, index)
    if algorithm is UNKNOWN:
        return None
    if not algorithm:
        return {"enabled": True, "customer_managed_key": False}  # S3 default SSE-S3
    result: dict[str, Any] = {"enabled": True}
    if not str(algorithm).startswith("aws:kms"):
        result["customer_managed_key"] = False
    elif key is UNKNOWN:
        path = "rule.apply_server_side_encryption_by_default.kms_master_key_id"
        refs = source.refs.get(path, ())
        if any(r.startswith("aws_kms_key.") for r in refs):
            result["customer_managed_key"] = True
    else:
        result["customer_managed_key"] = bool(key) and "alias/aws/" not in str(key)
    return result


def _versioning(res: TfResource, index: Index) -> bool | None:
    for child in _children(res, index, "aws_s3_bucket_versioning"):
        config = first_block(child.values, "versioning_configuration")
        status = dig(config, "status") if config is not UNKNOWN else UNKNOWN
        return None if status is UNKNOWN else status == "Enabled"
    inline = _inline(res, "versioning")
    if inline is UNKNOWN:
        return None
    return known_bool(dig(first_block({"v": inline}, "v"), "enabled"), False)


def _logging(res: TfResource, index: Index) -> bool | None:
    if _children(res, index, "aws_s3_bucket_logging"):
        return True
    inline = _inline(res, "logging")
    if inline is UNKNOWN:
        return None
    target = dig(first_block({"v": inline}, "v"), "target_bucket")
    return None if target is UNKNOWN else bool(target)
