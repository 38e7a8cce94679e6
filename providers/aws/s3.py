"""S3 buckets as ``bucket`` resources, and the account-level public access block.

Each bucket costs one call per setting (ACL, policy, public access block, Object
Ownership, encryption, versioning, logging, tags, and the location when ListBuckets does
not say); :func:`~mamori.providers.aws.s3_facts.bucket_facts` turns the answers into
attributes. A call that fails leaves the attributes it decides absent and is recorded
for that bucket; a bucket whose answers cannot be normalised at all is an error for that
bucket alone, never for the others of its batch.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.aws.common import batches, resource
from mamori.providers.aws.errors import Outcome, Scope
from mamori.providers.aws.kms import KeyCache, key_cache
from mamori.providers.aws.s3_facts import Flags, block_all, bucket_facts, flags
from mamori.providers.aws.session import GLOBAL, Account
from mamori.providers.runner import CollectedTask, Task

TYPES = ("bucket",)
BATCH = 5  # buckets per task: each bucket costs about nine calls

_NO_PAB = frozenset({"NoSuchPublicAccessBlockConfiguration"})
#: The per-bucket reads, with the error codes that mean "not configured" (a fact).
_READS: dict[str, frozenset[str]] = {
    "GetBucketAcl": frozenset(),
    "GetBucketPolicy": frozenset({"NoSuchBucketPolicy"}),
    "GetPublicAccessBlock": _NO_PAB,
    "GetBucketOwnershipControls": frozenset({"OwnershipControlsNotFoundError"}),
    "GetBucketEncryption": frozenset({"ServerSideEncryptionConfigurationNotFoundError"}),
    "GetBucketVersioning": frozenset(),
    "GetBucketLogging": frozenset(),
    "GetBucketTagging": frozenset({"NoSuchTagSet"}),
}

Item = Resource | CollectionError | CollectedTask

__all__ = ["TYPES", "block_all", "collect", "read_account_block"]


def read_account_block(account: Account, scope: Scope) -> Flags:
    """The account-level public access block flags (S3 Control), or an outcome."""
    client = account.clients.get("s3control", account.home_region)
    answer = scope.call("s3control:GetPublicAccessBlock", client.get_public_access_block,
                        not_configured=_NO_PAB, AccountId=account.id)
    return flags(answer)


def collect(account: Account, region_filter: Sequence[str] | None) -> Iterator[Item]:
    """List buckets, then hand them out in batches to other workers."""
    scope = Scope(account.id, GLOBAL)
    client = account.clients.get("s3", account.home_region)
    buckets = list(scope.pages("s3:ListBuckets", client, "list_buckets", "Buckets",
                               resource_types=TYPES))
    yield from scope.drain()
    kms_cache = key_cache(account)
    for batch in batches(buckets, BATCH):
        yield Task(f"account {account.id} s3 {batch[0]['Name']}…",
                   partial(_collect_batch, account, batch, region_filter, kms_cache),
                   TYPES, account.id, GLOBAL)


def _collect_batch(account: Account, batch: list[dict[str, Any]],
                   region_filter: Sequence[str] | None, kms: KeyCache) -> Iterator[Item]:
    for listed in batch:
        name = str(listed["Name"])
        scope = Scope(account.id, GLOBAL, f"bucket {name}")
        region = _region(account, listed, scope)
        if region_filter is not None and region and region not in region_filter:
            scope.errors.clear()
            continue
        scope.region = region
        found = scope.isolated(f"read bucket {name}", TYPES, partial(
            _bucket, account, name, region or account.home_region, scope, kms))
        if found is not None:
            yield found
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
            kms: KeyCache) -> Resource:
    s3 = account.clients.get("s3", region)
    answers = {op: _read(scope, s3, name, op, codes) for op, codes in _READS.items()}
    facts = bucket_facts(name, region, answers, account.public_access_block,
                         lambda key: kms.customer_managed(key, region, scope))
    for operation, why in facts.invalid:
        scope.invalid(f"s3:{operation}", why)
    part = "aws-cn" if region.startswith("cn-") else "aws"
    return resource("bucket", f"arn:{part}:s3:::{name}", name=name, account=account.id,
                    region=scope.region, source="aws:s3:ListBuckets", tags=facts.tags,
                    labels_known=facts.tags is not None, attributes=facts.attributes)


def _read(scope: Scope, client: Any, name: str, operation: str,
          not_configured: frozenset[str]) -> Any:
    method = getattr(client, _snake(operation))
    return scope.call(f"s3:{operation}", method, Bucket=name, not_configured=not_configured)


def _snake(operation: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in operation).lstrip("_")
