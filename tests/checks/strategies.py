"""Hypothesis strategies for rule conditions shared by the property tests."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from mamori.checks.operators import IGNORE_CASE, IGNORING, OPERATORS

# Well-formed operands per operator, so that many generated rules compile and the
# schema agreement is exercised; fully random ones probe the error paths.
NAMES = st.lists(st.sampled_from(["sa", "root", "Admin", 1, True, 2.5]), min_size=1, max_size=3)
CIDR = st.sampled_from(["0.0.0.0/0", "::/0", "10.0.0.0/8", "::ffff:0:0/96", "203.0.113.5"])
RANGE = st.lists(st.integers(0, 65535), min_size=2, max_size=2).map(sorted)
GOOD_OPERANDS: dict[str, st.SearchStrategy[Any]] = {
    "eq": st.sampled_from(["sa", True, 3, "never"]), "ne": st.sampled_from([False, "x"]),
    "in": NAMES, "not_in": NAMES, "contains": st.just("personal"), "contains_any": NAMES,
    "matches": st.sampled_from(["^a", "(?i)x", "\\S", "."]), "not_matches": st.just("^$"),
    "gt": st.integers(), "gte": st.floats(-5, 5), "lt": st.just(0), "lte": st.just(15),
    "older_than_days": st.integers(0, 400), "within_days": st.just({"param": "days"}),
    "cidr_contains": CIDR, "cidr_within": st.lists(CIDR, min_size=1, max_size=2),
    "cidr_overlaps": CIDR, "cidr_union_covers": st.lists(CIDR, min_size=1, max_size=2),
    "port_covers": st.one_of(st.integers(0, 65535), st.just([22, 3389])),
    "port_union_covers": st.one_of(RANGE, st.lists(RANGE, min_size=1, max_size=2)),
    "exists": st.booleans(),
}
assert set(GOOD_OPERANDS) == {*OPERATORS, "exists"}
GOOD_ATTRS = st.sampled_from(["x_value", "enabled", "last_active", "created", "name"])


@st.composite
def good_tests(draw: st.DrawFn, attrs: st.SearchStrategy[str] = GOOD_ATTRS,
               ops: tuple[str, ...] = tuple(sorted(GOOD_OPERANDS))) -> dict[str, Any]:
    """A well-formed test ``{attr: A, OP: operand}`` (sometimes with ignore_case)."""
    op = draw(st.sampled_from(ops))
    cond = {"attr": draw(attrs), op: draw(GOOD_OPERANDS[op])}
    if op in OPERATORS and OPERATORS[op].folds and draw(st.booleans()):
        cond[IGNORE_CASE] = draw(st.booleans())
    if op in OPERATORS and OPERATORS[op].ignores and draw(st.booleans()):
        holes = st.sampled_from(["192.168.0.0/16", "224.0.0.0/4", "fc00::/7"])
        cond[IGNORING] = draw(st.lists(holes, min_size=1, max_size=2))
    return cond
