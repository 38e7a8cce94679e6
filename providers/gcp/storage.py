"""Cloud Storage buckets → ``bucket`` resources, through google-cloud-storage.

Per bucket (``storage.buckets.list`` once per project, then batches in parallel):

- ``public`` / ``public_via`` / ``public_write``: the grants to ``allUsers`` or
  ``allAuthenticatedUsers`` in the bucket's IAM policy and, while uniform bucket-level
  access is off, its ACL and default object ACL, under the effective public access
  prevention (bucket_access.py). A grant found decides even when another read failed;
  with no grant found and a read denied, they stay absent (ERROR) and the failed call
  is reported.
- ``public_access_block``: public access prevention ``enforced`` on the bucket, or
  ``inherited`` from the organisation policy ``storage.publicAccessPrevention``
  enforced on the project (orgpolicy.py); absent when the bucket inherits and the
  policy cannot be read. ``x_public_access_prevention`` keeps the bucket's setting.
- ``acl_enabled``: true while uniform bucket-level access is off (fine-grained access:
  ACLs grant access besides IAM), false once it is on (Google: ACLs are then
  disabled, https://cloud.google.com/storage/docs/uniform-bucket-level-access).
- ``encryption.enabled`` is true for every bucket Google returns: Cloud Storage always
  encrypts at rest (Google-managed keys unless ``encryption.defaultKmsKeyName`` names a
  Cloud KMS key → ``encryption.customer_managed_key``).
- ``tls_required``: the organisation policy ``storage.secureHttpTransport`` enforced on
  the project. The JSON API accepts only HTTPS, but the XML API accepts plain HTTP too
  unless that policy is enforced, and no bucket setting changes it (orgpolicy.py);
  absent when the policy cannot be read.
- ``versioning`` from ``versioning.enabled``; ``access_logging`` true with usage logs
  (``logging.logBucket``) or Data Access audit logs of kind DATA_READ for Cloud Storage
  in the project's effective audit configs (auditlogs.py); absent when neither is set
  and the audit configs could not be read.

Object-level ACLs are not enumerated (one call per object).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp import auditlogs, orgpolicy
from mamori.providers.gcp.bucket_access import Grants, exposure
from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import labels, make_resource, without
from mamori.providers.runner import CollectedTask, Task

BATCH = 25  # buckets per parallel task (each costs one to three calls)
TYPES = ("bucket",)


def collect(ctx: ProjectContext) -> Iterator[Resource | CollectionError | CollectedTask]:
    """List the project's buckets and hand them out in parallel batches."""
    rec = Recorder(ctx.project_id)
    client = _client(ctx)
    listed = rec.call("storage.buckets.list", rec.scope(), _list, client, ctx,
                      resource_types=TYPES)
    if listed is not FAILED:
        shared = Shared(_data_access_logged(ctx, rec), _org_prevention(ctx, rec, listed),
                        orgpolicy.https_only(ctx, rec) if listed else None)
        for start in range(0, len(listed), BATCH):
            chunk = listed[start:start + BATCH]
            yield Task(f"project {ctx.project_id}: storage buckets {start + 1}-"
                       f"{start + len(chunk)}", partial(_batch, ctx, chunk, shared),
                       account=ctx.project_id)
    yield from rec.drain()


def _client(ctx: ProjectContext) -> Any:
    storage: Any = importlib.import_module("google.cloud.storage")
    endpoint = ctx.options.storage_endpoint
    return storage.Client(project=ctx.project_id, credentials=ctx.credentials,
                          client_options={"api_endpoint": endpoint} if endpoint else None)


def _list(client: Any, ctx: ProjectContext) -> list[dict[str, Any]]:
    # The client's Bucket keeps the JSON resource in ``_properties`` (no public
    # accessor); we read that dict so every field is taken as the API sent it.
    return [dict(b._properties) for b in client.list_buckets(
        project=ctx.project_id, timeout=ctx.options.timeout)]


@dataclass(frozen=True)
class Shared:
    """Project-wide facts every bucket needs (None: unknown)."""

    logged: bool | None  # DATA_READ audit logs on for Cloud Storage
    prevented: bool | None  # public access prevention enforced by organisation policy
    https_only: bool | None  # storage.secureHttpTransport enforced


def _data_access_logged(ctx: ProjectContext, rec: Recorder) -> bool | None:
    """Whether the project logs DATA_READ for Cloud Storage; None when unknown."""
    return auditlogs.logged(ctx, rec, auditlogs.STORAGE, ("DATA_READ",)).on


def _org_prevention(ctx: ProjectContext, rec: Recorder,
                    listed: Sequence[Mapping[str, Any]]) -> bool | None:
    # Read only when a bucket inherits: a bucket's own enforcement already decides.
    if all(_prevention(b) == "enforced" for b in listed):
        return None
    return orgpolicy.public_access_prevention(ctx, rec)


def _prevention(props: Mapping[str, Any]) -> str:
    iam_config = props.get("iamConfiguration") or {}
    return str(iam_config.get("publicAccessPrevention") or "inherited")


def _batch(ctx: ProjectContext, buckets: Sequence[Mapping[str, Any]],
           shared: Shared) -> Iterator[Resource | CollectionError]:
    rec = Recorder(ctx.project_id)
    client = _client(ctx)  # one client per thread: its HTTP session is not shared
    for props in buckets:
        yield bucket_resource(ctx, rec, client.bucket(props["name"]), props, shared)
    yield from rec.drain()


def bucket_resource(ctx: ProjectContext, rec: Recorder, bucket: Any,
                    props: Mapping[str, Any], shared: Shared) -> Resource:
    """One ``bucket`` resource from its listed JSON plus its IAM policy and ACLs."""
    name = str(props["name"])
    iam_config = props.get("iamConfiguration") or {}
    uniform = bool((iam_config.get("uniformBucketLevelAccess") or {}).get("enabled"))
    prevention = _prevention(props)
    prevented = True if prevention == "enforced" else shared.prevented
    grants = _grants(ctx, rec, bucket, uniform, rec.scope(f"bucket {name}"))
    kms_key = (props.get("encryption") or {}).get("defaultKmsKeyName")
    log_bucket = (props.get("logging") or {}).get("logBucket")
    attrs: dict[str, Any] = {
        **exposure(grants, prevented),
        "encryption": {"enabled": True, "customer_managed_key": bool(kms_key)},
        "versioning": bool((props.get("versioning") or {}).get("enabled")),
        "acl_enabled": not uniform,
        "x_uniform_bucket_level_access": uniform,
        "x_public_access_prevention": prevention,
        "raw": {"bucket": without(props, "acl", "defaultObjectAcl"), **grants.raw},
    }
    if prevented is not None:
        attrs["public_access_block"] = prevented
    if shared.https_only is not None:
        attrs["tls_required"] = shared.https_only
    if log_bucket or shared.logged is not None:
        attrs["access_logging"] = bool(log_bucket) or bool(shared.logged)
    return make_resource(
        "bucket", name, name=name, project=ctx.project_id,
        region=str(props.get("location") or "").lower(),
        source=f"storage.googleapis.com/storage/v1/b/{name}", attributes=attrs,
        tags=labels(props.get("labels")))


def _grants(ctx: ProjectContext, rec: Recorder, bucket: Any, uniform: bool,
            scope: str) -> Grants:
    grants = Grants()
    timeout = ctx.options.timeout
    policy = rec.call("storage.buckets.getIamPolicy", scope, _iam_policy, bucket, timeout)
    if policy is FAILED:
        grants.complete = False
    else:
        grants.raw["iam_policy"] = policy
        grants.add_iam(policy)
    if uniform:
        return grants  # legacy ACLs are ignored (and unreadable) under uniform access
    for label, operation, acl in (
            ("acl", "storage.bucketAccessControls.list", bucket.acl),
            ("default_object_acl", "storage.defaultObjectAccessControls.list",
             bucket.default_object_acl)):
        entries = rec.call(operation, scope, _acl_entries, acl, timeout)
        if entries is FAILED:
            grants.complete = False
            continue
        grants.raw[label] = entries
        grants.add_acl(label, entries)
    return grants


def _iam_policy(bucket: Any, timeout: float) -> dict[str, Any]:
    policy: dict[str, Any] = bucket.get_iam_policy(requested_policy_version=3,
                                                   timeout=timeout).to_api_repr()
    return policy


def _acl_entries(acl: Any, timeout: float) -> list[dict[str, Any]]:
    acl.reload(timeout=timeout)
    return [{"entity": str(e.get("entity")), "role": str(e.get("role"))} for e in acl]
