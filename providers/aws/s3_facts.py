"""A bucket's attributes from the answers of its S3 calls (pure: no AWS call here).

One function, :func:`bucket_facts`, turns the answers (or ``FAILED`` /
``NOT_CONFIGURED`` for each call) into the ``bucket`` attributes, so that "a failed
read never yields a value other than the one a successful read would have given" can be
tested over every combination of failures. What each attribute means and which call
decides it is documented in docs/providers/aws.md:

- ``public`` / ``public_via``, ``public_write``: the ACL and policy paths combined by
  :func:`~mamori.providers.aws.policy.combine_exposure` (``public_via`` only when both
  paths are settled, so the list is never read as complete when it is not; the known
  part is kept as ``raw.public_via_known``); ACL grants are inert when
  ``IgnorePublicAcls`` is on (bucket or account) or ACLs are disabled (Object
  Ownership ``BucketOwnerEnforced``), a public policy when ``RestrictPublicBuckets`` is on.
- ``acl_enabled``: Object Ownership is not ``BucketOwnerEnforced`` (no ownership
  controls at all means the ``ObjectWriter`` behaviour: ACLs in force).
- ``public_access_block``: all four settings in effect for the bucket, each from the
  bucket's own block or the account's (S3 applies the more restrictive of the two), so a
  bucket covered by the account-level block is blocked.
- ``tls_required``, ``min_tls_version``: from the bucket policy
  (:mod:`mamori.providers.aws.bucket_policy`).
- ``shared_key_access``: always false. S3 has no storage-account keys or shared access
  signatures; every request is authorised by IAM (a presigned URL carries an IAM
  principal's signature). A platform fact, documented.
- tags (``mamori:data-classes``, ``mamori:records``): None when ``GetBucketTagging``
  failed, so the data the bucket holds is unknown, never "untagged".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.checks.tri import tri_all, tri_any
from mamori.providers.aws.bucket_policy import (
    acl_write_reasons,
    min_tls_version,
    public_write_reasons,
    tls_required,
)
from mamori.providers.aws.common import tag_map
from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED, Outcome
from mamori.providers.aws.policy import combine_exposure, public_reasons

FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
_OWNERSHIP = {"BucketOwnerEnforced": False, "BucketOwnerPreferred": True, "ObjectWriter": True}

Flags = dict[str, bool] | Outcome
#: Whether a KMS key (as the bucket names it) is customer managed; None: unknown.
KeyLookup = Callable[[Any], bool | None]


@dataclass
class BucketFacts:
    """Attributes, tags (None: unreadable) and answers that came back unreadable."""

    attributes: dict[str, Any] = field(default_factory=dict)
    tags: dict[str, str] | None = None
    invalid: list[tuple[str, str]] = field(default_factory=list)


def flags(answer: Any) -> Flags:
    """The four public access block flags of a GetPublicAccessBlock answer, or its outcome."""
    if isinstance(answer, Outcome):
        return answer
    config = answer.get("PublicAccessBlockConfiguration", {})
    return {flag: config.get(flag) is True for flag in FLAGS}


def block_all(found: Flags) -> bool | None:
    """True when all four flags are on; None when they could not be read."""
    if found is FAILED:
        return None
    return isinstance(found, dict) and all(found.get(f) for f in FLAGS)


def _effective(flag: str, *sources: Flags) -> bool | None:
    """A flag is on if either level has it on; unknown if a level failed otherwise."""
    return tri_any(None if s is FAILED else isinstance(s, dict) and s.get(flag, False) is True
                 for s in sources)


def _public_grants(acl: Any) -> list[tuple[str, str]] | None:
    if isinstance(acl, Outcome):
        return None
    return [(PUBLIC_GROUPS[g["Grantee"]["URI"]], str(g.get("Permission")))
            for g in acl.get("Grants", []) if g.get("Grantee", {}).get("URI") in PUBLIC_GROUPS]


def _acl_enabled(answer: Any, facts: BucketFacts) -> bool | None:
    if answer is FAILED:
        return None
    if answer is NOT_CONFIGURED:
        return True  # no ownership controls: ObjectWriter, ACLs in force
    rules = answer.get("OwnershipControls", {}).get("Rules", [])
    values = {str(r.get("ObjectOwnership")) for r in rules if isinstance(r, Mapping)}
    if len(values) != 1 or next(iter(values)) not in _OWNERSHIP:
        facts.invalid.append(("GetBucketOwnershipControls",
                              "ownership controls name no known Object Ownership setting"))
        return None
    return _OWNERSHIP[values.pop()]


def _policy(answer: Any, facts: BucketFacts) -> dict[str, Any] | None:
    """The policy document; {} when there is none; None when it could not be had."""
    if answer is FAILED:
        return None
    if answer is NOT_CONFIGURED:
        return {}
    try:
        document = json.loads(str(answer.get("Policy", "")))
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict):
        facts.invalid.append(("GetBucketPolicy", "the policy is not a JSON object"))
        return None
    return document


def _decided(reasons: list[str] | None, inert: bool | None) -> bool:
    """Whether one exposure path is settled: inert, or read and either empty or in force."""
    return inert is True or (reasons is not None and (not reasons or inert is False))


def _paths(grants: list[str] | None, policy: list[str] | None, acl_inert: bool | None,
           policy_inert: bool | None) -> tuple[bool | None, list[str], list[str]]:
    return combine_exposure([(grants or [], grants is None, acl_inert),
                             (policy or [], policy is None, policy_inert)])


def _exposure(facts: BucketFacts, raw: dict[str, Any], acl: Any, document: dict[str, Any] | None,
              bucket_pab: Flags, account_pab: Flags) -> None:
    grants = _public_grants(acl)
    acls = facts.attributes.get("acl_enabled")  # ACLs disabled: their grants are inert
    acl_inert = tri_any([_effective("IgnorePublicAcls", bucket_pab, account_pab),
                    None if acls is None else not acls])
    policy_inert = _effective("RestrictPublicBuckets", bucket_pab, account_pab)
    read = None if grants is None else sorted({f"acl:{g}:{p}" for g, p in grants})
    policy = None if document is None else public_reasons(document)
    public, via, raw["public_via_blocked"] = _paths(read, policy, acl_inert, policy_inert)
    if public is not None:
        facts.attributes["public"] = public
    if _decided(read, acl_inert) and _decided(policy, policy_inert):
        facts.attributes["public_via"] = via
    else:  # a path is unknown: the list would claim to be complete; kept as evidence only
        raw["public_via_known"] = via
    write = None if grants is None else acl_write_reasons(grants)
    public_write, write_via, raw["public_write_blocked"] = _paths(
        write, None if document is None else public_write_reasons(document), acl_inert,
        policy_inert)
    if public_write is not None:
        facts.attributes["public_write"] = public_write
        raw["public_write_via"] = write_via


def _encryption(answer: Any, customer_key: KeyLookup) -> dict[str, Any] | None:
    if answer is FAILED:
        return None
    if answer is NOT_CONFIGURED:
        return {"enabled": False, "customer_managed_key": False}
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = str(default.get("SSEAlgorithm", ""))
    encryption: dict[str, Any] = {"enabled": bool(algorithm)}
    customer: bool | None = False
    if algorithm.startswith("aws:kms"):
        customer = customer_key(default.get("KMSMasterKeyID"))
    if customer is not None:
        encryption["customer_managed_key"] = customer
    return encryption


def bucket_facts(name: str, region: str, answers: Mapping[str, Any], account_pab: Flags,
                 customer_key: KeyLookup) -> BucketFacts:
    """The ``bucket`` attributes the answers establish; absent where a read failed."""
    facts = BucketFacts()
    attributes = facts.attributes
    raw: dict[str, Any] = {}
    arn = f"arn:{'aws-cn' if region.startswith('cn-') else 'aws'}:s3:::{name}"
    bucket_pab = flags(answers["GetPublicAccessBlock"])
    if (enabled := _acl_enabled(answers["GetBucketOwnershipControls"], facts)) is not None:
        attributes["acl_enabled"] = enabled
    if (blocked := tri_all(_effective(f, bucket_pab, account_pab) for f in FLAGS)) is not None:
        attributes["public_access_block"] = blocked
    document = _policy(answers["GetBucketPolicy"], facts)
    _exposure(facts, raw, answers["GetBucketAcl"], document, bucket_pab, account_pab)
    if document is not None:
        attributes["tls_required"] = tls_required(document, arn)
        attributes["min_tls_version"] = min_tls_version(document, arn)
    attributes["shared_key_access"] = False
    if (encryption := _encryption(answers["GetBucketEncryption"], customer_key)) is not None:
        attributes["encryption"] = encryption
    if not isinstance(versioning := answers["GetBucketVersioning"], Outcome):
        attributes["versioning"] = versioning.get("Status") == "Enabled"
    if not isinstance(logging := answers["GetBucketLogging"], Outcome):
        attributes["access_logging"] = "LoggingEnabled" in logging
    attributes["raw"] = raw
    tagging = answers["GetBucketTagging"]
    if tagging is not FAILED:
        facts.tags = {} if tagging is NOT_CONFIGURED else tag_map(tagging.get("TagSet"))
    return facts
