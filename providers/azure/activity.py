"""The Activity Log of one subscription: how long its records are kept.

The Activity Log records every control-plane operation of a subscription in every region;
it cannot be turned off, and Azure keeps its events for 90 days (Microsoft, "Azure Monitor
activity log": "Activity log events are retained in Azure for 90 days and then deleted").
A diagnostic setting at subscription scope exports it; the export keeps the records as
long as its destination does:

- a Log Analytics workspace: the ``AzureActivity`` table's total retention
  (``totalRetentionInDays``, else its ``retentionInDays``), else the workspace's
  ``retentionInDays`` (a table that does not exist yet gets the workspace default);
- a storage account: the shortest lifecycle-management rule that deletes append blobs
  under ``insights-activity-logs`` (and the legacy per-category ``retentionPolicy`` when
  enabled); an account with no such rule keeps them until someone deletes them,
  reported as ``KEPT_FOREVER`` days (as the AWS provider reports a bucket without expiry);
- an event hub streams and keeps nothing.

Only settings that export the ``Administrative`` category (or the ``allLogs``/``audit``
group) count. The subscription's retention is the longest of 90 days and its exports'.
An export whose destination could not be read leaves the retention unknown, unless
another export already keeps the records forever.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mamori.checks.model import CollectionError
from mamori.providers.azure import clients
from mamori.providers.azure.arm import props, subscription_scope
from mamori.providers.azure.errors import FAILED, Outcome, Scope, call_errors, error_code
from mamori.providers.azure.options import AzureOptions
from mamori.providers.azure.subscriptions import Subscription

ACTIVITY_LOG_DAYS = 90
KEPT_FOREVER = 36500  # days: "no expiry" as a number any retention threshold accepts
DIAGNOSTICS_API = "2021-05-01-preview"
WORKSPACE_API = "2023-09-01"
TABLE_API = "2022-10-01"
LIFECYCLE_API = "2023-05-01"
_CONTAINER = "insights-activity-logs"
_DELETE_AFTER = ("daysAfterModificationGreaterThan", "daysAfterCreationGreaterThan",
                 "daysAfterLastAccessTimeGreaterThan")


@dataclass(frozen=True)
class AuditFacts:
    """How long one subscription's Activity Log records are kept (None: unknown)."""

    subscription: str
    retention_days: int | None
    exports: tuple[str, ...] = ()  # evidence: "workspace <id>: 365 days"


def collect(sub: Subscription, credential: Any,
            options: AzureOptions) -> Iterator[AuditFacts | CollectionError]:
    """The subscription's audit facts, then its collection errors."""
    scope = Scope("subscription", sub.id)
    client = clients.subscription_client(credential, options)
    path = f"{subscription_scope(sub.id)}/providers/Microsoft.Insights/diagnosticSettings"
    settings = scope.call("Microsoft.Insights/diagnosticSettings/read", clients.arm_pages,
                          client, path, DIAGNOSTICS_API, options.arm_base_url)
    if settings is FAILED or not isinstance(settings, list):
        yield AuditFacts(sub.id, None)
    else:
        yield retention(sub.id, settings, client, scope)
    yield from scope.drain()


def retention(subscription: str, settings: list[Any], client: Any,
              scope: Scope) -> AuditFacts:
    """Combine the exports of the subscription's diagnostic settings."""
    known: list[int] = [ACTIVITY_LOG_DAYS]
    unknown = False
    evidence: list[str] = []
    for setting in settings:
        if not isinstance(setting, Mapping) or not _exports_audit(setting):
            continue
        p = props(setting)
        for kind, target, days in _destinations(p, client, scope):
            evidence.append(f"{kind} {target}: {'unknown' if days is None else days} days")
            if days is None:
                unknown = True
            else:
                known.append(days)
    if unknown and max(known) != KEPT_FOREVER:
        return AuditFacts(subscription, None, tuple(evidence))
    return AuditFacts(subscription, max(known), tuple(evidence))


def _exports_audit(setting: Mapping[str, Any]) -> bool:
    for log in props(setting).get("logs") or []:
        if not isinstance(log, Mapping) or log.get("enabled") is not True:
            continue
        if str(log.get("category") or "").lower() == "administrative":
            return True
        if str(log.get("categoryGroup") or "").lower() in ("alllogs", "audit"):
            return True
    return False


def _destinations(p: Mapping[str, Any], client: Any,
                  scope: Scope) -> Iterator[tuple[str, str, int | None]]:
    if p.get("workspaceId"):
        workspace = str(p["workspaceId"])
        yield "workspace", workspace, _workspace_days(client, scope, workspace)
    if p.get("storageAccountId"):
        account = str(p["storageAccountId"])
        days = _storage_days(client, scope, account)
        legacy = _legacy_days(p)
        if days is not None and legacy is not None:
            days = min(days, legacy)
        yield "storage account", account, days


def _get(client: Any, scope: Scope, operation: str, path: str, api: str,
         missing: str = "") -> Mapping[str, Any] | Outcome | None:
    """GET an ARM path; None when it does not exist (404, with the error code ``missing``
    when one is given), FAILED on other failures."""
    try:
        answer = clients.arm_get(client, path, api)
    except call_errors() as exc:
        if getattr(exc, "status_code", None) == 404 and (
                not missing or error_code(exc).lower() == missing.lower()):
            return None
        scope.record(operation, exc)
        return FAILED
    return answer if isinstance(answer, Mapping) else {}


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 \
        else None


def _workspace_days(client: Any, scope: Scope, workspace: str) -> int | None:
    answer = _get(client, scope, "Microsoft.OperationalInsights/workspaces/read", workspace,
                  WORKSPACE_API)
    if answer is None:
        return 0  # the export points at a workspace that is gone: it keeps nothing
    if isinstance(answer, Outcome):
        return None
    default = _positive(props(answer).get("retentionInDays"))
    table = _get(client, scope, "Microsoft.OperationalInsights/workspaces/tables/read",
                 f"{workspace}/tables/AzureActivity", TABLE_API)
    if isinstance(table, Outcome):
        return None
    if table is not None:
        t = props(table)
        days = _positive(t.get("totalRetentionInDays")) or _positive(t.get("retentionInDays"))
        if days is not None:
            return days
    return default


def _storage_days(client: Any, scope: Scope, account: str) -> int | None:
    answer = _get(client, scope, "Microsoft.Storage/storageAccounts/managementPolicies/read",
                  f"{account}/managementPolicies/default", LIFECYCLE_API,
                  missing="ManagementPolicyNotFound")
    if isinstance(answer, Outcome):
        return None
    if answer is None:
        return KEPT_FOREVER  # no lifecycle policy: nothing deletes the exported logs
    rules = ((props(answer).get("policy") or {}).get("rules")) or []
    days = [d for d in (_deletes_after(r) for r in rules if isinstance(r, Mapping))
            if d is not None]
    return min(days) if days else KEPT_FOREVER


def _deletes_after(rule: Mapping[str, Any]) -> int | None:
    """Days after which an enabled rule deletes activity-log blobs (None: it does not)."""
    if rule.get("enabled") is False:
        return None
    definition = rule.get("definition") or {}
    filters = definition.get("filters") or {}
    types = {str(t).lower() for t in filters.get("blobTypes") or []}
    if types and "appendblob" not in types:
        return None  # exported activity logs are append blobs
    prefixes = [str(p).lower() for p in filters.get("prefixMatch") or []]
    if prefixes and not any(_CONTAINER.startswith(p) or p.startswith(_CONTAINER)
                            for p in prefixes):
        return None
    delete = ((definition.get("actions") or {}).get("baseBlob") or {}).get("delete") or {}
    days = [d for d in (_positive(delete.get(key)) for key in _DELETE_AFTER) if d is not None]
    return min(days) if days else None


def _legacy_days(p: Mapping[str, Any]) -> int | None:
    """The deprecated per-category retention of the export, when enabled (0: forever)."""
    days: list[int] = []
    for log in p.get("logs") or []:
        policy = log.get("retentionPolicy") if isinstance(log, Mapping) else None
        if isinstance(policy, Mapping) and policy.get("enabled") is True:
            value = _positive(policy.get("days"))
            if value is not None:
                days.append(value)
    return min(days) if days else None
