"""Building vocabulary resources from plan instances: the envelope every mapper shares.

``id`` and ``source`` are the plan address (stable across plans, so fingerprints match
between the ``before`` and ``after`` sides); ``provider`` is ``terraform``; ``account``
is empty (a plan does not say which account it targets). ``tags`` come from ``tags``
(AWS, Azure) or ``labels`` (GCP). Two optional tags feed the APPI view, since a plan
cannot know what data a bucket will hold: ``data_classes`` (comma- or space-separated,
e.g. ``personal,payment``) and ``records`` (number of people), also spelled with a
``mamori:`` prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mamori.checks.model import DataClass, Resource
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.values import UNKNOWN, known_str

PROVIDER = "terraform"
INTERNET = ("0.0.0.0/0", "::/0")

_CLASSES = {d.value: d for d in DataClass}

Mapper = Callable[[TfResource, Index], Iterable[Resource]]


def tags_of(res: TfResource) -> dict[str, str]:
    """Known string tags (``tags``, else ``labels``); unknown values are left out."""
    for key in ("tags", "labels"):
        value = res.get(key)
        if isinstance(value, dict) and value:
            return {str(k): str(v) for k, v in value.items()
                    if v is not UNKNOWN and v is not None}
    return {}


def _data_classes(tags: Mapping[str, str]) -> tuple[DataClass, ...]:
    text = tags.get("mamori:data_classes", tags.get("data_classes", ""))
    if not text:
        return ()
    return tuple(_CLASSES[w] for w in re.split(r"[\s,;]+", text) if w in _CLASSES)


def _records(tags: Mapping[str, str]) -> int | None:
    text = tags.get("mamori:records", tags.get("records", ""))
    return int(text) if text.isdigit() else None


def make(res: TfResource, rtype: str, attributes: dict[str, Any], index: Index, *,
         name: str | None = None, suffix: str = "", raw: Mapping[str, Any] | None = None,
         region: str | None = None) -> Resource:
    """A resource of vocabulary type ``rtype`` for the plan instance ``res``."""
    tags = tags_of(res)
    attributes["raw"] = {"terraform_type": res.type, "address": res.address,
                         "actions": list(res.actions), **(raw or {})}
    if index.locate is not None:
        attributes["raw"]["location"] = index.locate(res)
    return Resource(
        type=rtype, id=res.address + suffix, provider=PROVIDER,
        name=name or known_str(res.get("name")) or res.address + suffix,
        region=region if region is not None else region_of(res, index), tags=tags,
        data_classes=_data_classes(tags), records=_records(tags), source=res.address,
        attributes=attributes)


def region_of(res: TfResource, index: Index) -> str:
    """The resource's region/location when known, else the provider block's constant."""
    for key in ("region", "location"):
        value = known_str(res.get(key))
        if value:
            return value
    return index.provider_regions.get(res.provider_key, "")


def cidrs(*values: Any) -> list[str] | None:
    """Known CIDR strings from lists/strings; None when any part is unknown."""
    found: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is UNKNOWN:
                return None
            if isinstance(item, str) and item:
                found.append(item)
    return found


def tri_any(values: Iterable[bool | None]) -> bool | None:
    """True if any is True, else None if any is unknown, else False."""
    seen = list(values)
    if True in seen:
        return True
    return None if None in seen else False


def tri_all(values: Iterable[bool | None]) -> bool | None:
    """False if any is False, else None if any is unknown, else True."""
    seen = list(values)
    if False in seen:
        return False
    return None if None in seen else True


def put(attributes: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when ``value`` is known (None and UNKNOWN stay absent)."""
    if value is not None and value is not UNKNOWN:
        attributes[key] = value
