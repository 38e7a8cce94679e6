"""Small helpers over Resource Manager data: REST-shaped dicts, ids, dates, tags.

The Azure SDKs come in two generations (msrest models with ``serialize`` and newer
models that are mappings of the REST JSON). ``as_rest`` turns both into the JSON of
the REST API reference, so the service modules read one documented shape, the same
one the tests serve.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from mamori.checks.model import Resource
from mamori.providers.tags import data_classes, records

PROVIDER = "azure"
GLOBAL = "global"  # region label of tenant-wide objects (users, service principals)


def as_rest(value: Any) -> Any:
    """An SDK model (either generation) as its REST JSON; other values unchanged."""
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    as_dict = getattr(value, "as_dict", None)
    if isinstance(value, Mapping) and callable(as_dict):
        return as_dict()  # newer SDKs: the mapping *is* the REST JSON
    serialize = getattr(value, "serialize", None)
    if callable(serialize):
        return serialize(keep_readonly=True)  # msrest models: back to REST names
    return value


def props(item: Mapping[str, Any]) -> dict[str, Any]:
    """The ``properties`` object of an ARM resource (empty when missing)."""
    value = item.get("properties")
    return dict(value) if isinstance(value, Mapping) else {}


def resource_group(arm_id: str) -> str:
    """The resource group named in an ARM id, or ''."""
    parts = arm_id.split("/")
    lowered = [p.lower() for p in parts]
    if "resourcegroups" in lowered:
        index = lowered.index("resourcegroups")
        if index + 1 < len(parts):
            return parts[index + 1]
    return ""


def subscription_scope(subscription_id: str) -> str:
    """The ARM scope of a subscription, ``/subscriptions/<id>``."""
    return f"/subscriptions/{subscription_id}"


def parse_time(value: Any) -> datetime | None:
    """An aware datetime from an ISO 8601 string or datetime (naive means UTC)."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str) and value:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def parse_date(value: Any) -> date | datetime | None:
    """``parse_time``, also accepting plain dates."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_time(value)


def tags(item: Mapping[str, Any]) -> dict[str, str]:
    """An ARM resource's tags as str → str."""
    raw = item.get("tags")
    if not isinstance(raw, Mapping):
        return {}
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def resource(rtype: str, item: Mapping[str, Any], account: str,
             attributes: Mapping[str, Any]) -> Resource:
    """An ARM resource as a mamori ``Resource``: id, name, location and tags from the
    item; data classes and records from its ``mamori:data-classes`` / ``mamori:records``
    tags, read by the one shared reading (mamori.providers.tags) every provider uses."""
    arm_id = str(item.get("id", ""))
    found = tags(item)
    return Resource(type=rtype, id=arm_id, name=str(item.get("name", "")), provider=PROVIDER,
                    account=account, region=str(item.get("location", "")), tags=found,
                    data_classes=data_classes(found), records=records(found), source=arm_id,
                    attributes=attributes)


def lower_or_none(value: Any) -> str | None:
    """``value`` lower-cased when it is a non-empty string."""
    return value.lower() if isinstance(value, str) and value else None
