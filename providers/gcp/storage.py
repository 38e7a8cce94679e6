"""Cloud Storage buckets → ``bucket`` resources, through google-cloud-storage.

Per bucket (``storage.buckets.list`` once per project, then batches in parallel):

- ``public`` / ``public_via``: every IAM binding to ``allUsers`` or
  ``allAuthenticatedUsers`` (``iam:allUsers:roles/storage.objectViewer``) and, while
  uniform bucket-level access is off, the legacy bucket ACL (``acl:allUsers:READER``)
  and default object ACL (``default_object_acl:allUsers:READER``: objects written later
  become public). Public access prevention ``enforced`` overrides every grant: Google
  refuses public access whatever is granted, so ``public`` is false and ``public_via``
  empty, and the blocked grants are kept in ``raw.public_via_blocked`` (as the AWS
  provider does).
  ``inherited`` (the default, or an organisation policy we do not read) is judged from
  the grants, so an organisation-level prevention can only make a bucket look more
  exposed, never less.
- A grant found makes the bucket public even when another read failed. With no grant
  found and a read denied, ``public`` and ``public_via`` stay absent (ERROR), and the
  failed call is reported.
- ``encryption.enabled`` is true for every bucket Google returns: Cloud Storage always
  encrypts at rest (Google-managed keys unless ``encryption.defaultKmsKeyName`` names a
  Cloud KMS key → ``encryption.customer_managed_key``).
- ``versioning`` from ``versioning.enabled``; ``access_logging`` true with usage logs
  (``logging.logBucket``) or Data Access audit logs (``DATA_READ`` for
  ``storage.googleapis.com`` or ``allServices`` in the project's IAM policy); absent
  when neither is set and the project policy could not be read.

Object-level ACLs are not enumerated (one call per object).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import labels, make_resource, without
from mamori.providers.runner import CollectedTask, Task

PUBLIC_MEMBERS = ("allUsers", "allAuthenticatedUsers")
BATCH = 25  # buckets per parallel task (each costs one to three calls)
TYPES = ("bucket",)


def collect(ctx: ProjectContext) -> Iterator[Resource | CollectionError | CollectedTask]:
    """List the project's buckets and hand them out in parallel batches."""
    rec = Recorder(ctx.project_id)
    client = _client(ctx)
    listed = rec.call("storage.buckets.list", rec.scope(), _list, client, ctx,
                      resource_types=TYPES)
    if listed is not FAILED:
        logged = _data_access_logged(ctx, rec)
        for start in range(0, len(listed), BATCH):
            chunk = listed[start:start + BATCH]
            yield Task(f"project {ctx.project_id}: storage buckets {start + 1}-"
                       f"{start + len(chunk)}", partial(_batch, ctx, chunk, logged),
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


def _data_access_logged(ctx: ProjectContext, rec: Recorder) -> bool | None:
    """Whether the project logs DATA_READ for Cloud Storage; None when unknown."""
    policy = ctx.policy(rec)
    if policy is FAILED:
        return None
    for config in policy.get("auditConfigs") or ():
        if config.get("service") not in ("allServices", "storage.googleapis.com"):
            continue
        if any(c.get("logType") == "DATA_READ" for c in config.get("auditLogConfigs") or ()):
            return True
    return False


def _batch(ctx: ProjectContext, buckets: Sequence[Mapping[str, Any]],
           logged: bool | None) -> Iterator[Resource | CollectionError]:
    rec = Recorder(ctx.project_id)
    client = _client(ctx)  # one client per thread: its HTTP session is not shared
    for props in buckets:
        yield bucket_resource(ctx, rec, client.bucket(props["name"]), props, logged)
    yield from rec.drain()


@dataclass
class Grants:
    """Public grants found on a bucket, and whether every source could be read."""

    found: list[str] = field(default_factory=list)
    complete: bool = True
    raw: dict[str, Any] = field(default_factory=dict)


def bucket_resource(ctx: ProjectContext, rec: Recorder, bucket: Any,
                    props: Mapping[str, Any], logged: bool | None) -> Resource:
    """One ``bucket`` resource from its listed JSON plus its IAM policy and ACLs."""
    name = str(props["name"])
    iam_config = props.get("iamConfiguration") or {}
    uniform = bool((iam_config.get("uniformBucketLevelAccess") or {}).get("enabled"))
    prevention = str(iam_config.get("publicAccessPrevention") or "inherited")
    grants = _grants(ctx, rec, bucket, uniform, rec.scope(f"bucket {name}"))
    kms_key = (props.get("encryption") or {}).get("defaultKmsKeyName")
    log_bucket = (props.get("logging") or {}).get("logBucket")
    exposure = _exposure(grants, prevention)
    attrs: dict[str, Any] = {
        **exposure,
        "encryption": {"enabled": True, "customer_managed_key": bool(kms_key)},
        "versioning": bool((props.get("versioning") or {}).get("enabled")),
        "x_uniform_bucket_level_access": uniform,
        "x_public_access_prevention": prevention,
        "raw": {"bucket": without(props, "acl", "defaultObjectAcl"), **grants.raw},
    }
    if log_bucket or logged is not None:
        attrs["access_logging"] = bool(log_bucket) or bool(logged)
    return make_resource(
        "bucket", name, name=name, project=ctx.project_id,
        region=str(props.get("location") or "").lower(),
        source=f"storage.googleapis.com/storage/v1/b/{name}", attributes=attrs,
        tags=labels(props.get("labels")))


def _exposure(grants: Grants, prevention: str) -> dict[str, Any]:
    if prevention == "enforced":
        # Google refuses every public grant: keep them as evidence, outside public_via.
        grants.raw["public_via_blocked"] = grants.found
        return {"public": False, "public_via": []}
    if grants.found:
        return {"public": True, "public_via": grants.found}
    if grants.complete:
        return {"public": False, "public_via": []}
    return {}  # nothing found, but a source could not be read: unknown


def _grants(ctx: ProjectContext, rec: Recorder, bucket: Any, uniform: bool,
            scope: str) -> Grants:
    grants = Grants()
    timeout = ctx.options.timeout
    policy = rec.call("storage.buckets.getIamPolicy", scope, _iam_policy, bucket, timeout)
    if policy is FAILED:
        grants.complete = False
    else:
        grants.raw["iam_policy"] = policy
        grants.found += _iam_grants(policy)
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
        grants.found += [f"{label}:{e['entity']}:{e['role']}" for e in entries
                         if e.get("entity") in PUBLIC_MEMBERS]
    return grants


def _iam_policy(bucket: Any, timeout: float) -> dict[str, Any]:
    policy: dict[str, Any] = bucket.get_iam_policy(requested_policy_version=3,
                                                   timeout=timeout).to_api_repr()
    return policy


def _iam_grants(policy: Mapping[str, Any]) -> list[str]:
    return [f"iam:{member}:{binding.get('role')}"
            for binding in policy.get("bindings") or ()
            for member in sorted(binding.get("members") or ())
            if member in PUBLIC_MEMBERS]


def _acl_entries(acl: Any, timeout: float) -> list[dict[str, Any]]:
    acl.reload(timeout=timeout)
    return [{"entity": str(e.get("entity")), "role": str(e.get("role"))} for e in acl]
