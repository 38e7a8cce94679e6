"""CloudTrail trails summarised into the account's ``audit_log`` attributes.

``ListTrails`` names every trail of the account whatever its home region; each is
described and asked for its status in its home region. ``enabled``: some trail is
logging. ``multi_region``: a multi-region trail is logging. ``retention_days``: how
long the logs of those trails are kept, from the S3 lifecycle of the trail's bucket
(the shortest enabled expiration that applies to the ``AWSLogs/`` prefix); a bucket
without such an expiration keeps logs indefinitely, reported as ``KEPT_FOREVER``
days. Values that depend on a failed call are absent, except where another trail
already settles the answer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED, Scope
from mamori.providers.aws.session import Account

KEPT_FOREVER = 36500  # days: "no expiry" as a number any retention threshold accepts


@dataclass(frozen=True)
class Trail:
    """What matters about one trail; None where a call failed."""

    arn: str
    multi_region: bool | None
    logging: bool | None
    bucket: str | None
    prefix: str


def _any(values: list[bool | None]) -> bool | None:
    if True in values:
        return True
    return None if None in values else False


def _all(*values: bool | None) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def audit_log(account: Account, scope: Scope) -> dict[str, Any]:
    """The ``audit_log`` attributes that could be established (maybe none)."""
    trails = _trails(account, scope)
    if trails is None:
        return {}
    result: dict[str, Any] = {}
    enabled = _any([t.logging for t in trails])
    multi = _any([_all(t.logging, t.multi_region) for t in trails])
    for key, value in (("enabled", enabled), ("multi_region", multi)):
        if value is not None:
            result[key] = value
    counted = [t for t in trails if t.logging and (t.multi_region or not multi)]
    retention = [_retention(account, t, scope) for t in counted]
    known = [r for r in retention if r is not None]
    if known and (len(known) == len(retention) or max(known) == KEPT_FOREVER):
        result["retention_days"] = max(known)
    elif enabled is False:
        result["retention_days"] = 0  # nothing is recorded, so nothing is kept
    return result


def _trails(account: Account, scope: Scope) -> list[Trail] | None:
    client = account.clients.get("cloudtrail", account.home_region)
    before = len(scope.errors)
    listed = list(scope.pages("cloudtrail:ListTrails", client, "list_trails", "Trails",
                              resource_types=()))
    if len(scope.errors) > before:
        return None
    by_region: dict[str, list[str]] = defaultdict(list)
    for item in listed:
        by_region[str(item.get("HomeRegion") or account.home_region)].append(
            str(item["TrailARN"]))
    trails: list[Trail] = []
    for region, arns in by_region.items():
        trails += _describe(account, region, arns, scope)
    return trails


def _describe(account: Account, region: str, arns: list[str], scope: Scope) -> list[Trail]:
    client = account.clients.get("cloudtrail", region)
    answer = scope.call("cloudtrail:DescribeTrails", client.describe_trails,
                        trailNameList=arns, includeShadowTrails=False)
    details = {} if answer is FAILED else {
        str(t.get("TrailARN")): t for t in answer.get("trailList", [])}
    trails = []
    for trail_arn in arns:
        status = scope.call("cloudtrail:GetTrailStatus", client.get_trail_status,
                            Name=trail_arn)
        detail = details.get(trail_arn)
        trails.append(Trail(
            arn=trail_arn,
            multi_region=None if detail is None else bool(detail.get("IsMultiRegionTrail")),
            logging=None if status is FAILED else bool(status.get("IsLogging")),
            bucket=None if detail is None else detail.get("S3BucketName"),
            prefix="" if detail is None else str(detail.get("S3KeyPrefix") or "")))
    return trails


def _retention(account: Account, trail: Trail, scope: Scope) -> int | None:
    if not trail.bucket:
        return None
    s3 = account.clients.get("s3", account.home_region)
    answer = scope.call("s3:GetBucketLifecycleConfiguration",
                        s3.get_bucket_lifecycle_configuration, Bucket=trail.bucket,
                        not_configured=frozenset({"NoSuchLifecycleConfiguration"}))
    if answer is FAILED:
        return None
    if answer is NOT_CONFIGURED:
        return KEPT_FOREVER
    logs = f"{trail.prefix.strip('/')}/AWSLogs/".lstrip("/")
    days = [int(rule["Expiration"]["Days"]) for rule in answer.get("Rules", [])
            if rule.get("Status") == "Enabled" and "Days" in rule.get("Expiration", {})
            and _applies(rule, logs)]
    return min(days) if days else KEPT_FOREVER


def _applies(rule: dict[str, Any], logs: str) -> bool:
    """True when a lifecycle rule can expire objects under the ``logs`` prefix."""
    rule_filter = rule.get("Filter", {})
    if "Tag" in rule_filter or rule_filter.get("And", {}).get("Tags"):
        return False  # CloudTrail does not tag its log objects
    prefix = str(rule_filter.get("Prefix") or rule_filter.get("And", {}).get("Prefix")
                 or rule.get("Prefix") or "")
    return logs.startswith(prefix) or prefix.startswith(logs)
