"""CloudTrail trails summarised into the account's ``audit_log`` attributes.

``ListTrails`` names every trail of the account whatever its home region; each is
described and asked for its status in its home region. ``enabled``: some trail is
logging. ``multi_region``: a multi-region trail is logging. ``retention_days``: how
long the logs of those trails are kept, from the S3 lifecycle of the trail's bucket
(the shortest enabled expiration that applies to the ``AWSLogs/`` prefix); a bucket
without such an expiration keeps logs indefinitely, reported as ``KEPT_FOREVER``
days. ``data_access``: a logging multi-region trail records S3 data events that include
reads for every bucket (``GetEventSelectors``: a classic selector of ``ReadWriteType``
``All``/``ReadOnly`` with the data resource ``AWS::S3::Object`` ``arn:aws:s3`` (all
buckets), or an advanced selector of ``eventCategory`` ``Data`` and ``resources.type``
``AWS::S3::Object`` narrowed by nothing but ``readOnly`` ``true`` or a
``resources.ARN`` prefix of all of S3). Values that depend on a failed call are absent,
except where another trail already settles the answer.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mamori.checks.tri import tri_all, tri_any
from mamori.providers.aws.errors import FAILED, NOT_CONFIGURED, Scope
from mamori.providers.aws.session import Account

KEPT_FOREVER = 36500  # days: "no expiry" as a number any retention threshold accepts
S3_OBJECT = "AWS::S3::Object"
_ALL_BUCKETS = re.compile(r"^arn:aws[a-z-]*:s3(:::)?$")


@dataclass(frozen=True)
class Trail:
    """What matters about one trail; None where a call failed."""

    arn: str
    multi_region: bool | None
    logging: bool | None
    bucket: str | None
    prefix: str
    region: str = ""


def audit_log(account: Account, scope: Scope) -> dict[str, Any]:
    """The ``audit_log`` attributes that could be established (maybe none)."""
    trails = _trails(account, scope)
    if trails is None:
        return {}
    result: dict[str, Any] = {}
    enabled = tri_any([t.logging for t in trails])
    multi = tri_any([tri_all([t.logging, t.multi_region]) for t in trails])
    data = tri_any([_data_access(account, t, scope) for t in trails])
    for key, value in (("enabled", enabled), ("multi_region", multi), ("data_access", data)):
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
            prefix="" if detail is None else str(detail.get("S3KeyPrefix") or ""),
            region=region))
    return trails


def _data_access(account: Account, trail: Trail, scope: Scope) -> bool | None:
    """Whether this trail logs S3 data reads of every bucket in every region."""
    if (recording := tri_all([trail.logging, trail.multi_region])) is False:
        return False
    client = account.clients.get("cloudtrail", trail.region or account.home_region)
    answer = scope.call("cloudtrail:GetEventSelectors", client.get_event_selectors,
                        TrailName=trail.arn)
    return tri_all([recording, None if answer is FAILED else logs_s3_reads(answer)])


def logs_s3_reads(answer: Mapping[str, Any]) -> bool:
    """True when a GetEventSelectors answer logs S3 object reads of every bucket."""
    classic = any(
        str(sel.get("ReadWriteType", "All")) in ("All", "ReadOnly")
        and any(res.get("Type") == S3_OBJECT
                and any(_ALL_BUCKETS.match(str(v)) for v in res.get("Values") or [])
                for res in sel.get("DataResources") or [])
        for sel in answer.get("EventSelectors") or [])
    return classic or any(_advanced_covers(sel.get("FieldSelectors") or [])
                          for sel in answer.get("AdvancedEventSelectors") or [])


def _advanced_covers(fields: list[dict[str, Any]]) -> bool:
    by_field: dict[str, dict[str, Any]] = {}
    for selector in fields:
        name = str(selector.get("Field", ""))
        if name in by_field:
            return False  # the same field twice: read as narrowing
        by_field[name] = {k: v for k, v in selector.items() if k != "Field" and v}
    category = by_field.pop("eventCategory", {})
    kind = by_field.pop("resources.type", {})
    read_only = by_field.pop("readOnly", {})
    arns = by_field.pop("resources.ARN", {})
    return (category == {"Equals": ["Data"]} and set(kind) == {"Equals"}
            and S3_OBJECT in kind["Equals"]
            and read_only in ({}, {"Equals": ["true"]})
            and (arns == {} or (set(arns) == {"StartsWith"} and any(
                _ALL_BUCKETS.match(str(v).rstrip("/")) for v in arns["StartsWith"])))
            and not by_field)  # any other field narrows what is logged


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
