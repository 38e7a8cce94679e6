"""S3 buckets as ``bucket`` resources, and the account-level public access block.

``public`` is decided from the ACL, the bucket policy and the public access blocks,
in the way S3 enforces them: ``IgnorePublicAcls`` (bucket or account) makes public ACL
grants inert, ``RestrictPublicBuckets`` makes a public policy inert; the ``Block...``
flags only stop new public settings, so they neutralise nothing already there.
``public`` is True when one open path is known to be in force, False when every path
is known to be closed or neutralised, and absent otherwise (a read was denied).
``public_via`` lists the open paths; ``raw.public_via_blocked`` the neutralised ones.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.common import batches, resource, tag_map
from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED, Outcome, Scope
from mamori.providers.aws.policy import combine_exposure, public_reasons
from mamori.providers.aws.session import GLOBAL, Account
from mamori.providers.runner import CollectedTask, Task

TYPES = ("bucket",)
BATCH = 5  # buckets per task: each bucket costs about eight calls

_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_PUBLIC_GROUPS = {
    "http://acs.amazonaws.com/groups/global/AllUsers": "AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers": "AuthenticatedUsers",
}
_NO_PAB = frozenset({"NoSuchPublicAccessBlockConfiguration"})

Item = Resource | CollectionError | CollectedTask
Flags = dict[str, bool] | Outcome


def read_account_block(account: Account, scope: Scope) -> Flags:
    """The account-level public access block flags (S3 Control), or an outcome."""
    client = account.clients.get("s3control", account.home_region)
    answer = scope.call("s3control:GetPublicAccessBlock", client.get_public_access_block,
                        not_configured=_NO_PAB, AccountId=account.id)
    return _flags(answer)


def block_all(flags: Flags) -> bool | None:
    """True when all four flags are on; None when they could not be read."""
    if flags is FAILED:
        return None
    return isinstance(flags, dict) and all(flags.get(f) for f in _FLAGS)


def collect(account: Account, region_filter: Sequence[str] | None) -> Iterator[Item]:
    """List buckets, then hand them out in batches to other workers."""
    scope = Scope(account.id, GLOBAL)
    client = account.clients.get("s3", account.home_region)
    buckets = list(scope.pages("s3:ListBuckets", client, "list_buckets", "Buckets",
                               resource_types=TYPES))
    yield from scope.drain()
    kms_cache = _KeyCache(account)
    for batch in batches(buckets, BATCH):
        yield Task(f"account {account.id} s3 {batch[0]['Name']}…",
                   partial(_collect_batch, account, batch, region_filter, kms_cache),
                   TYPES, account.id, GLOBAL)


def _collect_batch(account: Account, batch: list[dict[str, Any]],
                   region_filter: Sequence[str] | None, kms: _KeyCache) -> Iterator[Item]:
    for listed in batch:
        name = str(listed["Name"])
        scope = Scope(account.id, GLOBAL, f"bucket {name}")
        region = _region(account, listed, scope)
        if region_filter is not None and region and region not in region_filter:
            scope.errors.clear()
            continue
        scope.region = region
        yield _bucket(account, name, region or account.home_region, scope, kms)
        yield from scope.drain()


def _region(account: Account, listed: dict[str, Any], scope: Scope) -> str:
    if listed.get("BucketRegion"):
        return str(listed["BucketRegion"])
    client = account.clients.get("s3", account.home_region)
    answer = scope.call("s3:GetBucketLocation", client.get_bucket_location,
                        Bucket=listed["Name"])
    if isinstance(answer, Outcome):
        return ""
    # Legacy answers: no constraint means us-east-1, "EU" means eu-west-1.
    location = str(answer.get("LocationConstraint") or "us-east-1")
    return "eu-west-1" if location == "EU" else location


def _bucket(account: Account, name: str, region: str, scope: Scope,
            kms: _KeyCache) -> Resource:
    s3 = account.clients.get("s3", region)
    read = partial(_read, scope, s3, name)
    acl = read("GetBucketAcl")
    bucket_policy = read("GetBucketPolicy", {"NoSuchBucketPolicy"})
    bucket_pab = read("GetPublicAccessBlock", _NO_PAB)
    encryption = read("GetBucketEncryption", {"ServerSideEncryptionConfigurationNotFoundError"})
    versioning = read("GetBucketVersioning")
    logging = read("GetBucketLogging")
    tagging = read("GetBucketTagging", {"NoSuchTagSet"})

    attributes: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    _exposure(attributes, raw, acl, bucket_policy, _flags(bucket_pab),
              account.public_access_block)
    _encryption(attributes, encryption, kms, region, scope)
    if not isinstance(versioning, Outcome):
        attributes["versioning"] = versioning.get("Status") == "Enabled"
    if not isinstance(logging, Outcome):
        attributes["access_logging"] = "LoggingEnabled" in logging
    attributes["raw"] = raw
    tags = {} if isinstance(tagging, Outcome) else tag_map(tagging.get("TagSet"))
    part = "aws-cn" if region.startswith("cn-") else "aws"
    return resource("bucket", f"arn:{part}:s3:::{name}", name=name, account=account.id,
                    region=scope.region, source="aws:s3:ListBuckets", tags=tags,
                    attributes=attributes)


def _read(scope: Scope, client: Any, name: str, operation: str,
          not_configured: frozenset[str] | set[str] = frozenset()) -> Any:
    method = getattr(client, _snake(operation))
    return scope.call(f"s3:{operation}", method, Bucket=name,
                      not_configured=frozenset(not_configured))


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")


def _flags(answer: Any) -> Flags:
    if isinstance(answer, Outcome):
        return answer
    config = answer.get("PublicAccessBlockConfiguration", {})
    return {flag: bool(config.get(flag)) for flag in _FLAGS}


def _effective(flag: str, *sources: Flags) -> bool | None:
    """A flag is on if either level has it on; unknown if a level failed otherwise."""
    values = [None if s is FAILED else isinstance(s, dict) and s.get(flag, False)
              for s in sources]
    if True in values:
        return True
    return None if None in values else False


def _acl_reasons(acl: Any) -> list[str] | None:
    if isinstance(acl, Outcome):
        return None
    reasons = {f"acl:{_PUBLIC_GROUPS[g['Grantee']['URI']]}:{g.get('Permission')}"
               for g in acl.get("Grants", [])
               if g.get("Grantee", {}).get("URI") in _PUBLIC_GROUPS}
    return sorted(reasons)


def _policy_reasons(answer: Any) -> list[str] | None:
    if answer is FAILED:
        return None
    if answer is NOT_CONFIGURED:
        return []
    return public_reasons(answer.get("Policy", "{}"))


def _exposure(attributes: dict[str, Any], raw: dict[str, Any], acl: Any, bucket_policy: Any,
              bucket_pab: Flags, account_pab: Flags) -> None:
    acl_reasons, policy_reasons = _acl_reasons(acl), _policy_reasons(bucket_policy)
    public, open_via, raw["public_via_blocked"] = combine_exposure([
        (acl_reasons or [], acl_reasons is None,
         _effective("IgnorePublicAcls", bucket_pab, account_pab)),
        (policy_reasons or [], policy_reasons is None,
         _effective("RestrictPublicBuckets", bucket_pab, account_pab))])
    if public is not None:
        attributes["public"] = public
        attributes["public_via"] = open_via


def _encryption(attributes: dict[str, Any], answer: Any, kms: _KeyCache, region: str,
                scope: Scope) -> None:
    if answer is FAILED:
        return
    if answer is NOT_CONFIGURED:
        attributes["encryption"] = {"enabled": False, "customer_managed_key": False}
        return
    rules = answer.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = str(default.get("SSEAlgorithm", ""))
    encryption: dict[str, Any] = {"enabled": bool(algorithm)}
    customer: bool | None = False
    if algorithm.startswith("aws:kms"):
        customer = kms.customer_managed(default.get("KMSMasterKeyID"), region, scope)
    if customer is not None:
        encryption["customer_managed_key"] = customer
    attributes["encryption"] = encryption


class _KeyCache:
    """Whether a KMS key is customer-managed, asked once per key and account."""

    def __init__(self, account: Account) -> None:
        self._account = account
        self._lock = threading.Lock()
        self._known: dict[tuple[str, str], bool] = {}

    def customer_managed(self, key: Any, region: str, scope: Scope) -> bool | None:
        """True for a customer key; False for aws/s3; None when KMS would not say."""
        if not key or "alias/aws/" in str(key):
            return False  # no key id means the AWS-managed aws/s3 key
        cache_key = (region, str(key))
        with self._lock:
            if cache_key in self._known:
                return self._known[cache_key]
        client = self._account.clients.get("kms", _key_region(str(key), region))
        answer = scope.call("kms:DescribeKey", client.describe_key, KeyId=str(key))
        if isinstance(answer, Outcome):
            return None
        customer = bool(answer.get("KeyMetadata", {}).get("KeyManager") == "CUSTOMER")
        with self._lock:
            self._known[cache_key] = customer
        return customer


def _key_region(key: str, default: str) -> str:
    parts = key.split(":")
    return parts[3] if key.startswith("arn:") and len(parts) > 3 and parts[3] else default
