"""When service accounts and their keys last authenticated (Policy Analyzer).

The IAM API has no per-key "last used" field. Policy Analyzer's documented activity
types ``serviceAccountKeyLastAuthentication`` and ``serviceAccountLastAuthentication``
(``policyanalyzer.googleapis.com``, ``activities:query``) give the last
authentication of each key / service account that authenticated during the
observation period. So:

- found → ``access_keys[].last_used`` / ``last_active`` is that time;
- not found → left absent, not "never": the analyzer's data lags by up to about two
  days and an absence does not prove that a key was never used. Rules that need it
  give ERROR for such keys; the key's age (``created``) is always collected;
- the query fails (API not enabled, permission denied) → absent for all, and the
  failed call is reported.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from mamori.providers.gcp.errors import FAILED, Outcome, Recorder
from mamori.providers.gcp.projects import ProjectContext
from mamori.providers.gcp.values import last_segment, parse_time

KEYS = "serviceAccountKeyLastAuthentication"
ACCOUNTS = "serviceAccountLastAuthentication"


def last_authentications(ctx: ProjectContext, rec: Recorder,
                         activity_type: str) -> dict[str, datetime] | Outcome:
    """Last authentication per key id, or per service-account e-mail and unique id."""
    path = (f"v1/projects/{ctx.project_id}/locations/global/activityTypes/"
            f"{activity_type}/activities:query")
    activities = rec.call("policyanalyzer.activities.query", rec.scope(activity_type),
                          ctx.rest.all_items, "policyanalyzer", path, "activities")
    if activities is FAILED:
        return FAILED
    found: dict[str, datetime] = {}
    for item in activities:
        activity = item.get("activity") if isinstance(item, dict) else None
        if isinstance(activity, dict):
            _add(found, activity)
    return found


def _add(found: dict[str, datetime], activity: dict[str, Any]) -> None:
    when = parse_time(activity.get("lastAuthenticatedTime"))
    if when is None:
        return
    for subject in activity.values():
        if not isinstance(subject, dict):
            continue
        keys = {last_segment(subject.get("fullResourceName")),
                str(subject.get("serviceAccountId") or "")} - {""}
        for key in keys:
            if key not in found or found[key] < when:
                found[key] = when
