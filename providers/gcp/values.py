"""Small pure helpers shared by the GCP collectors: times, CIDRs, ports, resources.

Labels also carry what Google cannot know: ``mamori-data-classes`` (``personal-payment``)
and ``mamori-records`` fill the envelope's ``data_classes`` and ``records``
(mamori.providers.tags). Nothing here talks to Google or imports an SDK.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.tags import data_classes, records

PROVIDER = "gcp"
GLOBAL = "global"

# RFC 3339 with up to nanosecond fractions (Google sends nine digits at times).
_RFC3339 = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$")


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from an RFC 3339 string, or None when absent or malformed."""
    if not isinstance(value, str):
        return None
    match = _RFC3339.match(value.strip())
    if match is None:
        return None
    base, fraction, zone = match.groups()
    text = base + ("." + (fraction + "000000")[:6] if fraction else "")
    text += "+00:00" if zone == "Z" else zone
    try:
        return datetime.fromisoformat(text).astimezone(UTC)
    except ValueError:
        return None


def normalize_cidr(value: str) -> str:
    """``1.2.3.4`` → ``1.2.3.4/32``; a malformed value is kept as is (rules then ERROR)."""
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        return value


def covers_everything(cidr: str) -> bool:
    """True for a network of prefix length 0 (``0.0.0.0/0`` or ``::/0``)."""
    try:
        return ipaddress.ip_network(cidr.strip(), strict=False).prefixlen == 0
    except ValueError:
        return False


def parse_ports(values: Iterable[Any]) -> list[list[int]] | None:
    """``["22", "20-30"]`` → ``[[22, 22], [20, 30]]``; None when any entry is malformed."""
    ranges: list[list[int]] = []
    for value in values:
        low, sep, high = str(value).strip().partition("-")
        if not low.isdigit() or (sep and not high.isdigit()):
            return None
        first, last = int(low), int(high) if sep else int(low)
        if not 0 <= first <= last <= 65535:
            return None
        ranges.append([first, last])
    return ranges


def last_segment(url_or_name: Any) -> str:
    """The last path segment of a selfLink or resource name (``zones/us-east1-b`` → zone)."""
    return str(url_or_name or "").rstrip("/").rsplit("/", 1)[-1]


def labels(value: Any) -> dict[str, str]:
    """Resource labels as plain string tags."""
    if not isinstance(value, Mapping):
        return {}
    return {str(k): str(v) for k, v in value.items()}


def without(data: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of ``data`` without ``keys`` (bulky or sensitive parts of a raw payload)."""
    return {k: v for k, v in data.items() if k not in keys}


def make_resource(rtype: str, rid: str, *, name: str, project: str, region: str,
                  source: str, attributes: Mapping[str, Any],
                  tags: Mapping[str, str] | None = None) -> Resource:
    """A ``Resource`` of the ``gcp`` provider; the account is the project id."""
    tags = dict(tags or {})
    return Resource(type=rtype, id=rid, provider=PROVIDER, name=name, account=project,
                    region=region, tags=tags, data_classes=data_classes(tags),
                    records=records(tags), source=source, attributes=dict(attributes))



