"""The operator table: every test a rule can make on one attribute value.

Each operator declares the JSON Schema fragment of its operand and a builder that turns
the operand into a predicate once, at compile time. The rule schema and the compiler
are both assembled from this table, so the documented language and the implemented
one cannot drift.

A predicate returns True, False or None. None means "cannot decide": the value has the
wrong kind for the operator. (Absence is handled by the compiler before a predicate runs.)
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

Predicate = Callable[[Any], bool | None]
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class CompileContext:
    """What operators may depend on besides their operand: the scan's ``as_of``."""

    as_of: datetime


@dataclass(frozen=True)
class Operator:
    """One operator: its name, operand schema, meaning and predicate builder."""

    name: str
    schema: dict[str, Any]
    doc: str
    build: Callable[[Any, CompileContext], Predicate]


SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}
SCALARS: dict[str, Any] = {"type": "array", "items": SCALAR, "minItems": 1}
NUMBER: dict[str, Any] = {"type": "number"}
DAYS: dict[str, Any] = {"type": "integer", "minimum": 0}
CIDRS: dict[str, Any] = {"oneOf": [{"type": "string"},
                                   {"type": "array", "items": {"type": "string"}, "minItems": 1}]}
PORT: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": 65535}
PORTS: dict[str, Any] = {"oneOf": [PORT, {"type": "array", "items": PORT, "minItems": 1}]}


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def same(a: Any, b: Any) -> bool:
    """Equality that does not confuse True with 1 (YAML and CSV both produce bools)."""
    if _is_bool(a) != _is_bool(b):
        return False
    return bool(a == b)


def _number(v: Any) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v


def _eq(operand: Any, _: CompileContext) -> Predicate:
    if isinstance(operand, bool):
        return lambda v: v is operand  # True and False are singletons; 1 is not True
    if isinstance(operand, str):
        return lambda v: v == operand
    return lambda v: same(v, operand)


def _ne(operand: Any, ctx: CompileContext) -> Predicate:
    equal = _eq(operand, ctx)
    return lambda v: not equal(v)


def _in(operand: Any, _: CompileContext) -> Predicate:
    return lambda v: any(same(v, o) for o in operand)


def _not_in(operand: Any, _: CompileContext) -> Predicate:
    return lambda v: not any(same(v, o) for o in operand)


def _contains(operand: Any, _: CompileContext) -> Predicate:
    def pred(v: Any) -> bool | None:
        if not isinstance(v, list | tuple):
            return None
        return any(same(item, operand) for item in v)
    return pred


def _contains_any(operand: Any, _: CompileContext) -> Predicate:
    def pred(v: Any) -> bool | None:
        if not isinstance(v, list | tuple):
            return None
        return any(same(item, o) for item in v for o in operand)
    return pred


def _regex(negate: bool) -> Callable[[Any, CompileContext], Predicate]:
    def build(operand: Any, _: CompileContext) -> Predicate:
        pattern = re.compile(operand)

        def pred(v: Any) -> bool | None:
            if not isinstance(v, str):
                return None
            return (pattern.search(v) is None) if negate else (pattern.search(v) is not None)
        return pred
    return build


def _order(compare: Callable[[float, float], bool]) -> Callable[[Any, CompileContext], Predicate]:
    def build(operand: Any, _: CompileContext) -> Predicate:
        def pred(v: Any) -> bool | None:
            n = _number(v)
            return None if n is None else compare(n, operand)
        return pred
    return build


NEVER = "never"


def age_days(value: Any, as_of: datetime) -> float | None:
    """Days between ``value`` and ``as_of``: whole days for dates, exact for datetimes.

    Returns None for values that are not dates (including "never").
    """
    if isinstance(value, str) and value != NEVER:
        value = _parse_iso(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return None
        return (as_of - value).total_seconds() / 86400
    if isinstance(value, date):
        return (as_of.date() - value).days
    return None


@lru_cache(maxsize=4096)
def _parse_iso(text: str) -> date | datetime | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _dated(compare: Callable[[float, int], bool]) -> Callable[[Any, CompileContext], Predicate]:
    def build(operand: Any, ctx: CompileContext) -> Predicate:
        def pred(v: Any) -> bool | None:
            if v == NEVER:
                return False  # "never" is neither within nor older than N days
            age = age_days(v, ctx.as_of)
            return None if age is None else compare(age, operand)
        return pred
    return build


@lru_cache(maxsize=8192)
def parse_network(text: str) -> Network | None:
    """Parse a CIDR or bare address (cached: the same sources repeat across rules)."""
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


def _networks(operand: Any) -> list[Network]:
    items = operand if isinstance(operand, list) else [operand]
    nets = [parse_network(str(i)) for i in items]
    bad = [i for i, n in zip(items, nets, strict=True) if n is None]
    if bad:
        raise ValueError(f"not a CIDR network or address: {bad[0]!r}")
    return [n for n in nets if n is not None]


def _cidr(
    relation: Callable[[Network, Network], bool],
) -> Callable[[Any, CompileContext], Predicate]:
    def build(operand: Any, _: CompileContext) -> Predicate:
        targets = _networks(operand)

        def pred(v: Any) -> bool | None:
            net = parse_network(v) if isinstance(v, str) else None
            if net is None:
                return None
            return any(net.version == t.version and relation(net, t) for t in targets)
        return pred
    return build


def _supernet(net: Network, target: Network) -> bool:
    return net.supernet_of(target)  # type: ignore[arg-type]


def _subnet(net: Network, target: Network) -> bool:
    return net.subnet_of(target)  # type: ignore[arg-type]


def _overlap(net: Network, target: Network) -> bool:
    return net.overlaps(target)


def _is_range(v: Any) -> bool:
    return (isinstance(v, list | tuple) and len(v) == 2
            and all(isinstance(p, int) and not isinstance(p, bool) for p in v))


def _port_covers(operand: Any, _: CompileContext) -> Predicate:
    ports = operand if isinstance(operand, list) else [operand]

    def covers(r: Any) -> bool:
        return any(r[0] <= p <= r[1] for p in ports)

    def pred(v: Any) -> bool | None:
        if _is_range(v):
            return covers(v)
        if isinstance(v, list | tuple) and all(_is_range(r) for r in v):
            return any(covers(r) for r in v)
        if isinstance(v, int) and not isinstance(v, bool):
            return v in ports
        return None
    return pred


_TABLE = [
    Operator("eq", SCALAR, "equals the value", _eq),
    Operator("ne", SCALAR, "differs from the value", _ne),
    Operator("in", SCALARS, "is one of the values", _in),
    Operator("not_in", SCALARS, "is none of the values", _not_in),
    Operator("contains", SCALAR, "(a list) contains the value", _contains),
    Operator("contains_any", SCALARS, "(a list) contains at least one of the values",
             _contains_any),
    Operator("matches", {"type": "string", "format": "regex"},
             "matches the regular expression (re.search)", _regex(False)),
    Operator("not_matches", {"type": "string", "format": "regex"},
             "does not match the regular expression", _regex(True)),
    Operator("gt", NUMBER, "is a number greater than the value", _order(lambda a, b: a > b)),
    Operator("gte", NUMBER, "is a number ≥ the value", _order(lambda a, b: a >= b)),
    Operator("lt", NUMBER, "is a number less than the value", _order(lambda a, b: a < b)),
    Operator("lte", NUMBER, "is a number ≤ the value", _order(lambda a, b: a <= b)),
    Operator("older_than_days", DAYS, "(a date) is more than N days before as_of",
             _dated(lambda age, n: age > n)),
    Operator("within_days", DAYS, "(a date) is at most N days before as_of",
             _dated(lambda age, n: age <= n)),
    Operator("cidr_contains", CIDRS, "(a network) contains any of the networks",
             _cidr(_supernet)),
    Operator("cidr_within", CIDRS, "(a network) lies inside any of the networks",
             _cidr(_subnet)),
    Operator("cidr_overlaps", CIDRS, "(a network) overlaps any of the networks",
             _cidr(_overlap)),
    Operator("port_covers", PORTS, "(a port range or list of ranges) covers any of the ports",
             _port_covers),
]

OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}

# Presence is not a value test: it is the one operator that is never unknown.
EXISTS = "exists"
COMBINATORS = ("all", "any", "not")
QUANTIFIERS = ("some", "every", "none")
ALL_KEYWORDS = (*COMBINATORS, *QUANTIFIERS, EXISTS, *OPERATORS)
