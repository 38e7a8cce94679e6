"""Small helpers shared by the AWS service modules: ARNs, tags, resources, batches.

Tags also carry what AWS cannot know: ``mamori:data-classes`` and ``mamori:records``
fill the envelope's ``data_classes`` and ``records`` (mamori.providers.tags).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

from mamori.checks.model import Resource
from mamori.providers.aws.errors import PROVIDER
from mamori.providers.tags import data_classes, records

T = TypeVar("T")


def partition(region: str) -> str:
    """The ARN partition of a region (``aws``, ``aws-cn``, ``aws-us-gov``)."""
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def arn(service: str, region: str, account: str, resource: str) -> str:
    """An ARN for a resource that AWS does not hand us one for."""
    return f"arn:{partition(region)}:{service}:{region}:{account}:{resource}"


def tag_map(tags: Iterable[Mapping[str, Any]] | None) -> dict[str, str]:
    """AWS ``[{"Key": k, "Value": v}]`` tags as a dict."""
    return {str(t.get("Key")): str(t.get("Value", "")) for t in tags or () if "Key" in t}


def name_tag(tags: Mapping[str, str], default: str) -> str:
    """The ``Name`` tag, else ``default``."""
    return tags.get("Name") or default


def resource(type_: str, id_: str, *, name: str, account: str, region: str, source: str,
             attributes: Mapping[str, Any], tags: Mapping[str, str] | None = None,
             labels_known: bool = True) -> Resource:
    """A ``Resource`` of this provider; data classes and records come from tags.

    ``labels_known`` False (the tags could not be read): what data the resource holds is
    unknown, ``data_classes`` and ``records`` are None, never "untagged".
    """
    tags = dict(tags or {})
    if not labels_known:
        return Resource(type=type_, id=id_, provider=PROVIDER, name=name, account=account,
                        region=region, tags={}, data_classes=None, records=None,
                        source=source, attributes=attributes)
    return Resource(type=type_, id=id_, provider=PROVIDER, name=name, account=account,
                    region=region, tags=tags, data_classes=data_classes(tags),
                    records=records(tags), source=source, attributes=attributes)


def utc(value: Any) -> datetime | None:
    """An aware UTC datetime from botocore's datetimes or ISO text; None otherwise."""
    when: datetime
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    else:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC)


def batches(items: list[T], size: int) -> Iterator[list[T]]:
    """``items`` in lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
