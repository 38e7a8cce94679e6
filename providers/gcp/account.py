"""Each project as an ``account``: audit logging, public-access prevention, sign-in policy.

GCP's account-level facts, each from Google's documentation or an API:

- ``audit_log.enabled`` true and ``audit_log.multi_region`` true: platform facts. Admin
  Activity audit logs "are always written; you can't configure, exclude, or disable
  them", and they are written per project for every location
  (https://cloud.google.com/logging/docs/audit#admin-activity).
- ``audit_log.retention_days``: the shortest retention among the buckets that hold the
  project's audit logs. The ``_Required`` bucket keeps Admin Activity and System Event
  logs 400 days and "you can't change" it; every other audit log (Data Access, which
  BigQuery writes by default, and Policy Denied) goes to the ``_Default`` bucket, kept
  30 days unless its ``retentionDays`` is raised
  (https://cloud.google.com/logging/docs/routing/overview#buckets). So it is
  min(400, ``_Default``'s ``retentionDays``) from the Logging API; logs that sinks
  route to other buckets are not followed.
- ``audit_log.data_access``: Data Access audit logs of kind DATA_READ and DATA_WRITE
  are on for Cloud Storage (``storage.googleapis.com`` or ``allServices``) in the
  project's effective audit configs (auditlogs.py); ``x_data_access_services`` lists
  every service with both on, ``x_data_access_exempted`` the exempted principals.
- ``public_access_block``: the organisation policy ``storage.publicAccessPrevention``
  enforced on the project (orgpolicy.py).
- ``password_policy.customer_configurable`` true: Cloud Identity / Workspace lets its
  administrators set the password length (8 to 100 characters,
  https://support.google.com/a/answer/139399). ``password_policy.min_length`` itself is
  out of reach (observes.py).
- ``root_mfa`` and ``mfa_enforced``: from the Workspace directory, when given
  (workspace.py); otherwise out of reach.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks.model import CollectionError, Resource
from mamori.providers.gcp import auditlogs, orgpolicy, workspace
from mamori.providers.gcp.errors import FAILED, ApiError, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.rest import Rest
from mamori.providers.gcp.values import GLOBAL, make_resource

REQUIRED_RETENTION_DAYS = 400  # the _Required bucket: fixed by Google
TYPES = ("account",)


def collect(ctx: ProjectContext) -> Iterator[Resource | CollectionError]:
    """The project's ``account`` resource, then what failed."""
    rec = Recorder(ctx.project_id)
    yield account_resource(ctx, rec)
    yield from rec.drain()


def account_resource(ctx: ProjectContext, rec: Recorder) -> Resource:
    """One ``account`` per project."""
    audit: dict[str, Any] = {"enabled": True, "multi_region": True}
    attrs: dict[str, Any] = {"audit_log": audit,
                             "password_policy": {"customer_configurable": True}}
    answer = auditlogs.logged(ctx, rec, auditlogs.STORAGE, auditlogs.DATA_TYPES)
    if answer.on is not None:
        audit["data_access"] = answer.on
    attrs["x_data_access_services"] = sorted(
        s for s in answer.configs.enabled if answer.configs.logs(s, auditlogs.DATA_TYPES))
    attrs["x_data_access_exempted"] = answer.configs.exemptions(auditlogs.STORAGE,
                                                                auditlogs.DATA_TYPES)
    attrs.update(_retention(ctx, rec, audit))
    prevention = orgpolicy.public_access_prevention(ctx, rec)
    if prevention is not None:
        attrs["public_access_block"] = prevention
    attrs.update(_workspace_facts(ctx))
    return make_resource(
        "account", f"projects/{ctx.project_id}", name=ctx.project_id,
        project=ctx.project_id, region=GLOBAL, attributes=attrs,
        source=f"cloudresourcemanager.googleapis.com/v3/projects/{ctx.project_id}")


def _retention(ctx: ProjectContext, rec: Recorder, audit: dict[str, Any]) -> dict[str, Any]:
    bucket = rec.call("logging.buckets.get", rec.scope("log bucket _Default"),
                      default_bucket, ctx.rest, ctx.project_id)
    out: dict[str, Any] = {"x_required_retention_days": REQUIRED_RETENTION_DAYS}
    if bucket is FAILED:
        return out
    days = bucket.get("retentionDays")
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        audit["retention_days"] = min(REQUIRED_RETENTION_DAYS, days)
        out["x_default_retention_days"] = days
    return out


def default_bucket(rest: Rest, project: str) -> Mapping[str, Any]:
    """The ``_Default`` log bucket: in ``global``, else wherever the organisation's
    default location put it (listed across locations); {} when there is none."""
    try:
        return rest.get("logging", f"v2/projects/{project}/locations/global/buckets/_Default")
    except ApiError as exc:
        if exc.http_status != 404:
            raise
    for bucket in rest.items("logging", f"v2/projects/{project}/locations/-/buckets",
                             "buckets"):
        if isinstance(bucket, Mapping) and str(bucket.get("name", "")).endswith(
                "/buckets/_Default"):
            return bucket
    return {}


def _workspace_facts(ctx: ProjectContext) -> dict[str, Any]:
    if ctx.workspace is None:
        return {}
    found = ctx.workspace.directory()
    return {} if found is FAILED else workspace.account_facts(found)
