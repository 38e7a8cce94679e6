"""Building vocabulary resources from plan instances: the envelope every mapper shares.

``id`` and ``source`` are the plan address (stable across plans, so fingerprints match
between the ``before`` and ``after`` sides); ``provider`` is ``terraform``; ``account``
is empty (a plan does not say which account it targets). ``tags`` come from ``tags``
(AWS, Azure) or ``labels`` (GCP). Two optional tags feed the APPI view, since a plan
cannot know what data a bucket will hold: ``mamori:data-classes`` (``personal,payment``)
and ``mamori:records`` (number of people), read by mamori.providers.tags.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from mamori.checks.model import Resource
from mamori.checks.network import (
    ProtocolError,
    SourceError,
    normalize_protocol,
    normalize_source,
)
from mamori.checks.text import printable
from mamori.providers.tags import data_classes, records
from mamori.providers.terraform.joins import Index
from mamori.providers.terraform.modules import TfResource
from mamori.providers.terraform.shape import PlanProblem
from mamori.providers.terraform.values import UNKNOWN, known_str

PROVIDER = "terraform"
INTERNET = ("0.0.0.0/0", "::/0")


Mapper = Callable[[TfResource, Index], Iterable[Resource]]


def tags_of(res: TfResource) -> dict[str, str]:
    """Known string tags (``tags``, else ``labels``); unknown values are left out."""
    for key in ("tags", "labels"):
        value = res.get(key)
        if isinstance(value, dict) and value:
            return {str(k): str(v) for k, v in value.items()
                    if v is not UNKNOWN and v is not None}
    return {}


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
        data_classes=data_classes(tags), records=records(tags), source=res.address,
        attributes=attributes)


def region_of(res: TfResource, index: Index) -> str:
    """The resource's region/location when known, else the provider block's constant."""
    for key in ("region", "location"):
        value = known_str(res.get(key))
        if value:
            return value
    return index.provider_regions.get(res.provider_key, "")


def cidrs(res: TfResource, path: tuple[str | int, ...], *values: Any) -> list[str] | None:
    """Known source networks from lists/strings, normalised; None when any is unknown.

    Each is read with :func:`mamori.checks.network.normalize_source` (``10.0.0.5/8`` →
    ``10.0.0.0/8``, bare ``0.0.0.0`` → the IPv4 internet); text that is no network is a
    PlanProblem at ``path`` of ``res``.
    """
    found: list[str] = []
    for value in values:
        items = value if isinstance(value, list) else [value]
        for item in items:
            if item is UNKNOWN:
                return None
            if isinstance(item, str) and item:
                try:
                    found += normalize_source(item)
                except SourceError as exc:
                    raise problem(res, f"{printable(item)!r}: {exc}", *path) from None
    return list(dict.fromkeys(found))


def put(attributes: dict[str, Any], key: str, value: Any) -> None:
    """Set ``key`` only when ``value`` is known (None and UNKNOWN stay absent)."""
    if value is not None and value is not UNKNOWN:
        attributes[key] = value


def problem(res: TfResource, message: str, *attr: str | int) -> PlanProblem:
    """A PlanProblem for the value at ``attr`` of ``res`` (exit 2 naming its address)."""
    return PlanProblem(message, (*res.origin, *attr), res.address, len(res.origin))


def protocol_of(res: TfResource, value: Any, *attr: str | int) -> str | None:
    """The vocabulary protocol for ``value`` (None when unknown or absent).

    A value outside the closed vocabulary (:func:`mamori.checks.network.normalize_protocol`)
    is a PlanProblem naming the resource: a protocol no rule recognises would otherwise
    be a silent non-match.
    """
    if value is UNKNOWN or value is None:
        return None
    try:
        return normalize_protocol(value)
    except ProtocolError as exc:
        raise problem(res, str(exc), *attr) from None


def port_range(res: TfResource, low: Any, high: Any, *attr: str | int,
               limit: int = 65535, what: str = "port") -> list[int]:
    """``[low, high]`` checked: whole numbers, ``0 <= low <= high <= limit``."""
    for value in (low, high):
        if isinstance(value, bool) or not isinstance(value, int | float) or \
                int(value) != value:
            raise problem(res, f"expected a {what} number (0-{limit}), found {value!r}", *attr)
    first, last = int(low), int(high)
    for value in (first, last):
        if not 0 <= value <= limit:
            raise problem(res, f"{what} {value} is outside 0-{limit}", *attr)
    if first > last:
        raise problem(res, f"reversed {what} range {first}-{last} (from is above to)", *attr)
    return [first, last]


def port_text(res: TfResource, text: str, *attr: str | int) -> list[int]:
    """A port range written as text (``22``, ``1000-2000``, ``*`` = all) checked."""
    word = text.strip()
    if word == "*":
        return [0, 65535]
    low, dash, high = word.partition("-")
    if not low.strip().isdecimal() or (dash and not high.strip().isdecimal()) \
            or not low.strip().isascii() or not high.strip().isascii():
        raise problem(res, f"expected a port or port range like 22 or 1000-2000, found "
                           f"{printable(text)!r}", *attr)
    return port_range(res, int(low), int(high if dash else low), *attr)


def covers_range(ranges: Iterable[tuple[int, int]], first: int, last: int) -> bool:
    """Whether the union of inclusive integer ``ranges`` covers ``first``..``last``."""
    reach = first
    for low, high in sorted(ranges):
        if low > reach:
            return False
        reach = max(reach, high + 1)
        if reach > last:
            return True
    return False
