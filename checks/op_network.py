"""Network operators: CIDR tests on one network, unions of sources, port-range coverage.

Networks are compared as sets of addresses in one space where an IPv4 address and its
IPv4-mapped IPv6 form (``::ffff:a.b.c.d``) are the same address (see
:mod:`mamori.checks.network`). Port values are ``[from, to]`` ranges, a list of them,
or a single port; a list of ranges is judged by its union, so ``[[0, 32767],
[32768, 65535]]`` covers every port.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from mamori.checks.network import (
    Network,
    Span,
    address_span,
    merge_spans,
    spans_cover,
    subtract_spans,
)
from mamori.checks.predicates import Builder, CompileContext, Outcome, Predicate, Undecided

PORT_MAX = 65535


@lru_cache(maxsize=8192)
def parse_network(text: str) -> Network | None:
    """Parse a CIDR or bare address (cached: the same sources repeat across rules)."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def target_spans(operand: Any) -> list[Span]:
    """The address spans of a CIDR operand (one network or a list); ValueError if not."""
    spans = []
    for item in _items(operand):
        net = parse_network(item) if isinstance(item, str) else None
        if net is None:
            raise ValueError(f"not a CIDR network or address: {item!r}")
        spans.append(address_span(net))
    return spans


def _contains(span: Span, target: Span) -> bool:
    return span[0] <= target[0] and target[1] <= span[1]


def _within(span: Span, target: Span) -> bool:
    return _contains(target, span)


def _overlaps(span: Span, target: Span) -> bool:
    return span[0] <= target[1] and target[0] <= span[1]


def _cidr(relation: Callable[[Span, Span], bool]) -> Builder:
    def build(operand: Any, _: CompileContext) -> Predicate:
        targets = target_spans(operand)

        def pred(v: Any) -> Outcome:
            net = parse_network(v) if isinstance(v, str) else None
            if net is None:
                return None
            span = address_span(net)
            return any(relation(span, t) for t in targets)
        return pred
    return build


cidr_contains = _cidr(_contains)
cidr_within = _cidr(_within)
cidr_overlaps = _cidr(_overlaps)


def cidr_union_covers(operand: Any, _: CompileContext) -> Predicate:
    """(A list of networks) together hold every address of any of the operand's networks."""
    return _union_covers([[t] for t in target_spans(operand)])


def cidr_union_covers_ignoring(operand: Any, ignoring: Any) -> Predicate:
    """Like :func:`cidr_union_covers`, but holes inside ``ignoring`` do not count.

    Sources that cover all of 0.0.0.0/0 except private, reserved and multicast ranges
    admit the whole internet: ``ignoring`` names those ranges.
    """
    holes = merge_spans(target_spans(ignoring))
    wanted = []
    for item, target in zip(_items(operand), target_spans(operand), strict=True):
        left = subtract_spans(target, holes)
        if not left:
            raise ValueError(f"'ignoring' covers all of {item}: nothing would be left to check")
        wanted.append(left)
    return _union_covers(wanted)


def _items(operand: Any) -> list[Any]:
    return operand if isinstance(operand, list) else [operand]


def _union_covers(wanted: list[list[Span]]) -> Predicate:
    """True when the value's networks cover every span of at least one entry of ``wanted``."""
    def pred(v: Any) -> Outcome:
        items = [v] if isinstance(v, str) else v
        if not isinstance(items, list | tuple):
            return None
        spans = []
        unreadable = 0
        for item in items:
            net = parse_network(item) if isinstance(item, str) else None
            if net is None:
                unreadable += 1
            else:
                spans.append(address_span(net))
        merged = merge_spans(spans)
        if any(all(spans_cover(merged, *piece) for piece in pieces) for pieces in wanted):
            return True  # more items can only admit more: unreadable ones cannot undo this
        if unreadable:
            return Undecided(f"has {unreadable} item(s) that are not networks, so what "
                             "it admits is unknown")
        return False
    return pred


def _is_port(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= PORT_MAX


def _is_range(v: Any) -> bool:
    return (isinstance(v, list | tuple) and len(v) == 2 and _is_port(v[0]) and _is_port(v[1])
            and v[0] <= v[1])


def port_spans(v: Any) -> list[Span] | None:
    """The port ranges of a ports value (a port, ``[from, to]`` or a list of ranges).

    None when ``v`` is none of these (also for ports outside 0-65535 and reversed
    ranges): the operator cannot decide.
    """
    if _is_port(v):
        return [(v, v)]
    if _is_range(v):
        return [(v[0], v[1])]
    if isinstance(v, list | tuple) and all(_is_range(r) for r in v):
        return [(r[0], r[1]) for r in v]
    return None


def port_covers(operand: Any, _: CompileContext) -> Predicate:
    """(Ports) admit at least one of the operand's ports."""
    ports = operand if isinstance(operand, list) else [operand]

    def pred(v: Any) -> Outcome:
        spans = port_spans(v)
        if spans is None:
            return None
        merged = merge_spans(spans)
        return any(spans_cover(merged, p, p) for p in ports)
    return pred


def _wanted_ranges(operand: Any) -> Sequence[Span]:
    ranges = [operand] if _is_port(operand[0]) else operand
    for low, high in ranges:
        if low > high:
            raise ValueError(f"the range [{low}, {high}] starts above its end")
    return [(low, high) for low, high in ranges]


def port_union_covers(operand: Any, _: CompileContext) -> Predicate:
    """(Ports) together admit every port of at least one of the operand's ranges."""
    wanted = _wanted_ranges(operand)

    def pred(v: Any) -> Outcome:
        spans = port_spans(v)
        if spans is None:
            return None
        merged = merge_spans(spans)
        return any(spans_cover(merged, low, high) for low, high in wanted)
    return pred
