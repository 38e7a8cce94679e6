"""The operator table: every test a rule can make on one attribute value.

Each operator declares the JSON Schema fragment of its operand and a builder that turns
the operand into a predicate once, at compile time. The rule schema and the compiler
are both assembled from this table, so the documented language and the implemented
one cannot drift.

A predicate returns True, False, or "cannot decide" (None for a value of the wrong kind,
:class:`Undecided` with a reason otherwise; see :mod:`mamori.checks.predicates`).
Absence is handled by the compiler before a predicate runs.

Text operators may ignore case (``ignore_case: true``): both sides are then compared
after NFKC normalisation and case folding, so ``SA``, ``sa`` and full-width ``ｓａ``
are one name. Regular expressions are RE2 (linear time, no backtracking).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import re2  # type: ignore[import-untyped]

from mamori.checks import op_dates, op_network
from mamori.checks.op_dates import CLOCK_SKEW as CLOCK_SKEW  # re-exported
from mamori.checks.op_dates import age_days as age_days  # re-exported
from mamori.checks.predicates import Builder, Outcome, Predicate, Undecided
from mamori.checks.predicates import CompileContext as CompileContext  # re-exported

#: Most items an operand list may hold (``in``, CIDR lists, ports...).
MAX_OPERAND_ITEMS = 10_000


@dataclass(frozen=True)
class Operator:
    """One operator: its name, operand schema, meaning and predicate builder.

    ``folds``: the operator compares text and accepts ``ignore_case``;
    ``ignores``: it accepts ``ignoring`` (networks whose holes do not count).
    """

    name: str
    schema: dict[str, Any]
    doc: str
    build: Builder
    folds: bool = False
    ignores: bool = False


SCALAR: dict[str, Any] = {"type": ["string", "number", "boolean"]}
SCALARS: dict[str, Any] = {"type": "array", "items": SCALAR, "minItems": 1,
                           "maxItems": MAX_OPERAND_ITEMS}
NUMBER: dict[str, Any] = {"type": "number"}
DAYS: dict[str, Any] = {"type": "integer", "minimum": 0}
CIDRS: dict[str, Any] = {"oneOf": [{"type": "string"},
                                   {"type": "array", "items": {"type": "string"}, "minItems": 1,
                                    "maxItems": MAX_OPERAND_ITEMS}]}
PORT: dict[str, Any] = {"type": "integer", "minimum": 0, "maximum": op_network.PORT_MAX}
PORTS: dict[str, Any] = {"oneOf": [PORT, {"type": "array", "items": PORT, "minItems": 1,
                                          "maxItems": MAX_OPERAND_ITEMS}]}
PORT_RANGE: dict[str, Any] = {"type": "array", "items": PORT, "minItems": 2, "maxItems": 2}
PORT_RANGES: dict[str, Any] = {"oneOf": [PORT_RANGE, {"type": "array", "items": PORT_RANGE,
                                                      "minItems": 1,
                                                      "maxItems": MAX_OPERAND_ITEMS}]}
REGEX: dict[str, Any] = {"type": "string",
                         "description": "an RE2 regular expression (docs/rule-language.md)"}


def _is_bool(v: Any) -> bool:
    return isinstance(v, bool)


def same(a: Any, b: Any) -> bool:
    """Equality that does not confuse True with 1 (YAML and CSV both produce bools)."""
    if _is_bool(a) != _is_bool(b):
        return False
    return bool(a == b)


def _key(v: Any) -> tuple[str, Any] | None:
    """What equality compares: kind and value (1 == 1.0, True != 1); None for non-scalars."""
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int | float):
        return ("n", v)
    if isinstance(v, str):
        return ("s", v)
    if isinstance(v, date):  # dates are scalars: `eq: never` on a date decides (false)
        return ("d", v)
    return None


def _eq(operand: Any, _: CompileContext) -> Predicate:
    wanted = _key(operand)

    def pred(v: Any) -> Outcome:
        key = _key(v)
        return None if key is None else key == wanted
    return pred


def _ne(operand: Any, ctx: CompileContext) -> Predicate:
    equal = _eq(operand, ctx)

    def pred(v: Any) -> Outcome:
        result = equal(v)
        return None if result is None else result is False
    return pred


def _in(operand: Any, _: CompileContext) -> Predicate:
    wanted = {_key(o) for o in operand}  # a set: a long list costs no more per value

    def pred(v: Any) -> Outcome:
        key = _key(v)
        return None if key is None else key in wanted
    return pred


def _not_in(operand: Any, ctx: CompileContext) -> Predicate:
    member = _in(operand, ctx)

    def pred(v: Any) -> Outcome:
        result = member(v)
        return None if result is None else result is False
    return pred


def _contains(operand: Any, ctx: CompileContext) -> Predicate:
    return _contains_any([operand], ctx)


def _contains_any(operand: Any, _: CompileContext) -> Predicate:
    wanted = {_key(o) for o in operand}

    def pred(v: Any) -> Outcome:
        if not isinstance(v, list | tuple):
            return None
        return any(_key(item) in wanted for item in v)
    return pred


def fold_text(text: str) -> str:
    """``text`` as compared with ``ignore_case``: NFKC, case-folded, NFKC again.

    The second NFKC is Unicode's recipe for caseless matching of compatibility forms:
    ``ＳＡ`` → ``SA`` → ``sa``; ``ß`` matches ``SS``.
    """
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def _folded(value: Any) -> Any:
    if isinstance(value, str):
        return fold_text(value)
    if isinstance(value, list | tuple):
        return [fold_text(v) if isinstance(v, str) else v for v in value]
    return value


def build_predicate(op: Operator, operand: Any, ctx: CompileContext,
                    ignore_case: bool = False, ignoring: Any = None) -> Predicate:
    """The predicate of ``op`` for ``operand``; with ``ignore_case`` text is folded.

    ``ignoring`` (networks) applies to ``cidr_union_covers``. Raises ValueError for an
    operand the operator cannot use (the message says why).
    """
    if ignoring is not None:
        if not op.ignores:
            raise ValueError(f"'{op.name}' does not take 'ignoring'")
        return op_network.cidr_union_covers_ignoring(operand, ignoring)
    if not ignore_case:
        return op.build(operand, ctx)
    if not op.folds:
        raise ValueError(f"'{op.name}' does not compare text: ignore_case does not apply")
    pred = op.build(_folded(operand), ctx)
    return lambda v: pred(_folded(v))


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.log_errors = False  # RE2 would print every refused pattern to stderr
_RE2_OPTIONS.never_capture = True  # rules only ask "does it match"


_NOT_RE2 = ("RE2 has no backreferences, lookahead/lookbehind, atomic groups or possessive "
            "quantifiers, and writes \\z for Python's \\Z")
_TOO_LARGE = "RE2 bounds the memory of each pattern: write a shorter one"


def compile_regex(pattern: str) -> Any:
    """``pattern`` compiled by RE2; ValueError saying why when RE2 cannot run it."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        detail = exc.args[0] if exc.args else exc
        if isinstance(detail, bytes):
            detail = detail.decode("utf-8", "replace")
        hint = (_TOO_LARGE if "too large" in str(detail) else _NOT_RE2)
        raise ValueError(f"not an RE2 regular expression ({detail}); {hint}") from None
    except UnicodeEncodeError:
        raise ValueError("the pattern contains a lone surrogate") from None


def _regex(negate: bool) -> Builder:
    def build(operand: Any, _: CompileContext) -> Predicate:
        pattern = compile_regex(operand)

        def pred(v: Any) -> Outcome:
            if not isinstance(v, str):
                return None
            try:
                found = pattern.search(v) is not None
            except UnicodeEncodeError:
                return Undecided("contains a lone surrogate, which no pattern can read")
            return found is not negate
        return pred
    return build


def _number(v: Any) -> float | int | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return v if math.isfinite(v) else None


def _order(compare: Callable[[float, float], bool]) -> Builder:
    def build(operand: Any, _: CompileContext) -> Predicate:
        def pred(v: Any) -> Outcome:
            n = _number(v)
            return None if n is None else compare(n, operand)
        return pred
    return build


_TABLE = [
    Operator("eq", SCALAR, "equals the value", _eq, folds=True),
    Operator("ne", SCALAR, "differs from the value", _ne, folds=True),
    Operator("in", SCALARS, "is one of the values", _in, folds=True),
    Operator("not_in", SCALARS, "is none of the values", _not_in, folds=True),
    Operator("contains", SCALAR, "(a list) contains the value", _contains, folds=True),
    Operator("contains_any", SCALARS, "(a list) contains at least one of the values",
             _contains_any, folds=True),
    Operator("matches", REGEX, "(text) matches the RE2 regular expression anywhere; anchor "
             "with ^...$", _regex(False)),
    Operator("not_matches", REGEX, "(text) does not match the RE2 regular expression",
             _regex(True)),
    Operator("gt", NUMBER, "is a number greater than the value", _order(lambda a, b: a > b)),
    Operator("gte", NUMBER, "is a number ≥ the value", _order(lambda a, b: a >= b)),
    Operator("lt", NUMBER, "is a number less than the value", _order(lambda a, b: a < b)),
    Operator("lte", NUMBER, "is a number ≤ the value", _order(lambda a, b: a <= b)),
    Operator("older_than_days", DAYS, "(a date) is more than N days before as_of",
             op_dates.older_than_days),
    Operator("within_days", DAYS, "(a date) is at most N days before as_of",
             op_dates.within_days),
    Operator("cidr_contains", CIDRS, "(a network) contains any of the networks",
             op_network.cidr_contains),
    Operator("cidr_within", CIDRS, "(a network) lies inside any of the networks",
             op_network.cidr_within),
    Operator("cidr_overlaps", CIDRS, "(a network) overlaps any of the networks",
             op_network.cidr_overlaps),
    Operator("cidr_union_covers", CIDRS, "(a list of networks) together cover every address "
             "of any of the networks (holes inside 'ignoring' do not count)",
             op_network.cidr_union_covers, ignores=True),
    Operator("port_covers", PORTS, "(a port range or list of ranges) covers any of the ports",
             op_network.port_covers),
    Operator("port_union_covers", PORT_RANGES, "(a port range or list of ranges) together "
             "cover every port of any of the ranges [from, to]", op_network.port_union_covers),
]

OPERATORS: dict[str, Operator] = {op.name: op for op in _TABLE}

# Presence is not a value test: it is the one operator that is never unknown.
EXISTS = "exists"
COMBINATORS = ("all", "any", "not")
QUANTIFIERS = ("some", "every", "none")
#: ``{attr: LIST, count: {where: c, lte: N}}``: how many items satisfy ``where`` (every
#: item without it), compared with exactly one of COUNT_COMPARISONS.
COUNT = "count"
COUNT_WHERE = "where"
COUNT_COMPARISONS = ("eq", "ne", "gt", "gte", "lt", "lte")
COUNT_BOUND: dict[str, Any] = {"type": "integer", "minimum": 0}
ALL_KEYWORDS = (*COMBINATORS, *QUANTIFIERS, COUNT, EXISTS, *OPERATORS)
#: Keys that qualify a test rather than being one.
IGNORE_CASE = "ignore_case"
IGNORING = "ignoring"
MODIFIERS = ("attr", IGNORE_CASE, IGNORING)
