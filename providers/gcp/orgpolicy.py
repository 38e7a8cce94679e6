"""Boolean organisation policy constraints in effect on a project.

Two Cloud Storage constraints decide bucket facts no bucket setting shows
(https://cloud.google.com/resource-manager/docs/organization-policy/org-policy-constraints):

- ``storage.publicAccessPrevention``: public access prevention for every bucket that
  inherits it (``public_access_block``; bucket_access.py);
- ``storage.secureHttpTransport`` ("Restrict unencrypted HTTP access"): when enforced,
  Cloud Storage refuses plain HTTP; otherwise its XML API accepts HTTP as well as HTTPS
  (https://cloud.google.com/storage/docs/request-endpoints) and there is no per-bucket
  setting, so a bucket only accepts TLS exactly when this constraint is enforced
  (``tls_required``).

Read with the Organization Policy API v2 (``projects/{p}/policies/{constraint}:
getEffectivePolicy``), which merges the policies of the project, its folders and its
organisation the way Google enforces them. For a boolean constraint the effective
policy's ``spec.rules`` hold ``enforce`` flags:

- enforced when a rule without a ``condition`` says ``enforce: true``; a conditional
  rule (tags) enforces only on some resources, so it does not make the whole project
  enforced;
- not enforced when no unconditional rule enforces it, or when no policy is set
  anywhere (no ``spec``: the constraint's default, which does not enforce);
- ``dryRunSpec`` is ignored (a dry run enforces nothing).

Google: "Even if a bucket does not have public access prevention explicitly enforced in
its settings, it might still inherit public access prevention, which occurs if the
organization policy constraint storage.publicAccessPrevention is set on the project,
folder, or organization" (https://cloud.google.com/storage/docs/public-access-prevention).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mamori.providers.gcp.errors import FAILED, Recorder
from mamori.providers.gcp.projects import ProjectContext

PUBLIC_ACCESS_PREVENTION = "storage.publicAccessPrevention"
SECURE_HTTP_TRANSPORT = "storage.secureHttpTransport"


def enforced(policy: Mapping[str, Any]) -> bool:
    """Whether an effective boolean policy enforces its constraint everywhere."""
    spec = policy.get("spec")
    rules = spec.get("rules") if isinstance(spec, Mapping) else None
    return any(isinstance(rule, Mapping) and rule.get("enforce") is True
               and not rule.get("condition") for rule in rules or ())


def public_access_prevention(ctx: ProjectContext, rec: Recorder) -> bool | None:
    """Public access prevention enforced on the project by policy; None when unknown."""
    return enforced_on(ctx, rec, PUBLIC_ACCESS_PREVENTION)


def https_only(ctx: ProjectContext, rec: Recorder) -> bool | None:
    """Cloud Storage refuses plain HTTP in the project; None when unknown."""
    return enforced_on(ctx, rec, SECURE_HTTP_TRANSPORT)


def enforced_on(ctx: ProjectContext, rec: Recorder, constraint: str) -> bool | None:
    """A boolean constraint enforced on the project (read once per project)."""
    return ctx.memo(f"org-policy:{constraint}", lambda: _read(ctx, rec, constraint))


def _read(ctx: ProjectContext, rec: Recorder, constraint: str) -> bool | None:
    name = f"projects/{ctx.project_id}/policies/{constraint}"
    answer = rec.call("orgpolicy.policies.getEffectivePolicy",
                      rec.scope(f"constraint {constraint}"), ctx.rest.get,
                      "orgpolicy", f"v2/{name}:getEffectivePolicy")
    return None if answer is FAILED else enforced(answer)
