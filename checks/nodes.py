"""The run-time side of compiled rules: the closures conditions compile into.

A node is ``node(obj, ev, label) -> True | False | None``: ``obj`` is the resource (at
the root) or a list item, ``ev`` collects the evidence, what was missing and why a value
could not be judged, and ``label`` is the path of ``obj`` in the evidence
(``access_keys[0]``). None means unknown, and unknown propagates by three-valued logic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mamori.checks.model import ENVELOPE_KEYS, Resource
from mamori.checks.predicates import Predicate, Undecided

REDACTED = "[redacted]"
#: What a getter returns for an absent attribute (None is absent too).
MISSING: Any = object()


@dataclass
class Evaluation:
    """Mutable scratch space for evaluating one rule on one resource."""

    evidence: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    record: bool = True


Node = Callable[[Any, Evaluation, str], bool | None]


def all_of(nodes: list[Node]) -> Node:
    """``all``: false if any part is false, else unknown if any part is unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        unknown = False
        for child in nodes:
            result = child(obj, ev, label)
            if result is False:
                return False
            if result is None:
                unknown = True
        return None if unknown else True
    return node


def any_of(nodes: list[Node]) -> Node:
    """``any``: true if any part is true, else unknown if any part is unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        unknown = False
        for child in nodes:
            result = child(obj, ev, label)
            if result is True:
                return True
            if result is None:
                unknown = True
        return None if unknown else False
    return node


def negate(inner: Node) -> Node:
    """``not``: unknown stays unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        result = inner(obj, ev, label)
        return None if result is None else not result
    return node


def getter(attr: str | None, at_root: bool) -> Callable[[Any], Any]:
    """Reads ``attr`` (dotted) from a resource or list item; MISSING when absent.

    Without ``attr`` (a list item tested itself) the item is the value.
    """
    if attr is None:
        return lambda obj: MISSING if obj is None else obj
    parts = attr.split(".")
    if at_root and parts[0] in ENVELOPE_KEYS:
        return _envelope_getter(parts)

    def get(obj: Any) -> Any:
        cur = obj.attributes if at_root else obj
        for part in parts:
            # dict first: the abstract Mapping check is slow on the hot path
            if type(cur) is not dict and not isinstance(cur, Mapping):
                return MISSING
            cur = cur.get(part)
            if cur is None:
                return MISSING
        return cur
    return get


def _envelope_getter(parts: list[str]) -> Callable[[Any], Any]:
    head, rest = parts[0], parts[1:]

    def get(res: Resource) -> Any:
        value: Any = getattr(res, head)
        if head == "data_classes" and value is not None:  # None: could not be read
            value = [d.value for d in value]
        for part in rest:
            value = value.get(part) if isinstance(value, Mapping) else None
        return MISSING if value is None else value
    return get


def _label(label: str, attr: str | None) -> str:
    if attr is None:
        return label
    return f"{label}.{attr}" if label else attr


def _note(ev: Evaluation, where: str, value: Any, secret: bool) -> None:
    if ev.record:
        ev.evidence[where] = REDACTED if secret else value


def value_test(attr: str | None, get: Callable[[Any], Any], pred: Predicate, op: str,
                secret: bool) -> Node:
    """A test of one value: absent is unknown (named), a predicate's "cannot decide" too.

    The reason an :class:`Undecided` gives is kept for the message, unless the value is
    secret (a reason may quote it).
    """
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        where = _label(label, attr)
        value = get(obj)
        if value is MISSING:
            ev.missing.append(where)
            return None
        _note(ev, where, value, secret)
        result = pred(value)
        if result is True or result is False:
            return result
        if isinstance(result, Undecided) and secret:  # a reason may quote the value
            ev.problems.append(f"{where} cannot be judged by '{op}' (secret: reason withheld)")
        elif isinstance(result, Undecided):
            ev.problems.append(f"{where} {result.reason}")
        else:
            ev.problems.append(f"{where} has a value of the wrong kind "
                               f"({type(value).__name__}) for '{op}'")
        return None
    return node


def exists_test(attr: str | None, get: Callable[[Any], Any], wanted: bool,
                secret: bool) -> Node:
    """``exists``: presence is never unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        value = get(obj)
        present = value is not MISSING
        if present:
            _note(ev, _label(label, attr), value, secret)
        return present == wanted
    return node


def quantifier(kind: str, attr: str, get: Callable[[Any], Any], inner: Node,
                secret: bool) -> Node:
    """``some`` / ``every`` / ``none`` over the list at ``attr``; not a list is unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        where = _label(label, attr)
        items = get(obj)
        if items is MISSING:
            ev.missing.append(where)
            return None
        if not isinstance(items, list | tuple):
            ev.problems.append(f"{where} is not a list")
            return None
        _note(ev, where, items, secret)
        saved, ev.record = ev.record, False
        try:
            results = [inner(item, ev, f"{where}[{i}]") for i, item in enumerate(items)]
        finally:
            ev.record = saved
        return fold(kind, results)
    return node


def fold(kind: str, results: list[bool | None]) -> bool | None:
    """Combine the per-item results of ``some`` / ``every`` / ``none``."""
    if kind == "some":
        return True if True in results else (None if None in results else False)
    if kind == "every":
        return False if False in results else (None if None in results else True)
    return False if True in results else (None if None in results else True)  # none


def count_verdict(comparison: str, bound: int, matched: int, unknown: int) -> bool | None:
    """``count <comparison> bound`` when ``matched`` items surely match and ``unknown``
    more may: the count lies in [matched, matched + unknown], and the verdict is the one
    every count in that range gives, or None when two counts in it disagree."""
    low, high = matched, matched + unknown
    if comparison in ("eq", "ne"):
        if low == high == bound:
            equal: bool | None = True
        elif bound < low or bound > high:
            equal = False
        else:
            equal = None
        return equal if comparison == "eq" or equal is None else not equal
    holds = _ORDER[comparison]
    at_low, at_high = holds(low, bound), holds(high, bound)
    # gt/gte/lt/lte are monotone in the count: the ends of the range decide for all of it.
    return at_low if at_low == at_high else None


_ORDER: dict[str, Callable[[int, int], bool]] = {
    "gt": lambda n, b: n > b, "gte": lambda n, b: n >= b,
    "lt": lambda n, b: n < b, "lte": lambda n, b: n <= b,
}


def counter(attr: str, get: Callable[[Any], Any], where: Node | None, comparison: str,
            bound: int, secret: bool) -> Node:
    """``count``: how many items of the list at ``attr`` satisfy ``where`` (every item
    without it), compared with ``bound``. Items whose match is unknown make the result
    unknown only when they could change it; not a list is unknown."""
    def node(obj: Any, ev: Evaluation, label: str) -> bool | None:
        where_ = _label(label, attr)
        items = get(obj)
        if items is MISSING:
            ev.missing.append(where_)
            return None
        if not isinstance(items, list | tuple):
            ev.problems.append(f"{where_} is not a list")
            return None
        _note(ev, where_, items, secret)
        if where is None:
            return count_verdict(comparison, bound, len(items), 0)
        saved, ev.record = ev.record, False
        try:
            results = [where(item, ev, f"{where_}[{i}]") for i, item in enumerate(items)]
        finally:
            ev.record = saved
        return count_verdict(comparison, bound, results.count(True), results.count(None))
    return node
