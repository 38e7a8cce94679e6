"""Property: compiled conditions on any resource give True, False or unknown, never raise.

Attribute values are drawn from every Python type the readers and providers produce
(bool, int, float, str, date, aware datetime, lists and dicts of them). And the promise
behind ERROR: an absent value, or a value of a kind the operator does not judge, never
yields PASS. The kinds each operator judges are written here from docs/rule-language.md,
not read from the implementation.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.compiler import Evaluation
from mamori.checks.engine import evaluate_rule
from mamori.checks.model import Resource, Status
from mamori.checks.operators import OPERATORS
from mamori.checks.ruleset import CompiledRule, compile_rule, parse_rule
from mamori.checks.yamlsrc import Document
from tests.checks.strategies import GOOD_OPERANDS, good_tests

AS_OF = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
ZONES = st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-14 * 60, 14 * 60))
SCALARS = st.one_of(
    st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=10),
    st.sampled_from(["never", "SA", "ＳＡ", "tcp", "0.0.0.0/0", "::ffff:0:0/96", "2026-11-28",
                     "2027-01-05", "2026-11-29T10:00:00+09:00", "x\ud800", "a" * 50 + "!"]),
    st.dates(), st.datetimes(timezones=ZONES),
    st.dates(date(2026, 10, 1), date(2027, 2, 1)),
)
RANGES = st.lists(st.lists(st.integers(-2, 65537), min_size=2, max_size=2), max_size=3)
VALUES = st.one_of(SCALARS, RANGES, st.recursive(
    SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                     st.dictionaries(st.text(max_size=4), inner, max_size=3)),
    max_leaves=6))
ATTRS = ("x_a", "x_b")


def conditions(attrs: tuple[str, ...], ops: tuple[str, ...]) -> st.SearchStrategy[Any]:
    """Trees of all/any/not/some/every/none over tests that read only ``attrs``."""
    names = st.sampled_from(attrs)

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.builds(lambda cs: {"all": cs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1, max_size=3)),
            st.builds(lambda c: {"not": c}, inner),
            st.builds(lambda q, a, c: {"attr": a, q: c},
                      st.sampled_from(["some", "every", "none"]), names, inner),
        )
    return st.recursive(good_tests(attrs=names, ops=ops), extend, max_leaves=8)


def compiled(condition: Any) -> CompiledRule:
    data = {"id": "T-EVAL-1", "title": {"en": "t", "ja": "t"},
            "remediation": {"en": "r", "ja": "r"}, "severity": "low", "causes": ["insider"],
            "resource": "host", "assert": condition, "params": {"days": 30}}
    spec = parse_rule(Document(data=data, file="rule.yaml", lines={(): 1}))
    return compile_rule(spec, AS_OF)


def resource(**attrs: Any) -> Resource:
    return Resource(type="host", id="h1", provider="onprem", attributes=attrs)


ALL_OPS = tuple(sorted(GOOD_OPERANDS))
VALUE_OPS = tuple(sorted(OPERATORS))  # every operator but exists


@given(conditions(ATTRS, ALL_OPS), VALUES, VALUES)
def test_evaluation_is_three_valued_and_never_raises(cond: Any, a: Any, b: Any) -> None:
    rule = compiled(cond)
    ev = Evaluation()
    assert rule.check.node(resource(x_a=a, x_b=b), ev, "") in (True, False, None)
    finding = evaluate_rule(rule, resource(x_a=a, x_b=b))
    assert finding is not None and finding.status in (Status.PASS, Status.FAIL, Status.ERROR)
    assert finding.message


@given(conditions(("x_a",), VALUE_OPS))
def test_absent_attribute_never_passes(cond: Any) -> None:
    # Every test of the tree reads x_a (or items of it); none is `exists`. Absent: ERROR.
    finding = evaluate_rule(compiled(cond), resource(x_b=1))
    assert finding is not None and finding.status is Status.ERROR


@given(conditions(("x_a",), VALUE_OPS), st.dictionaries(st.text(max_size=3), SCALARS,
                                                        max_size=2))
def test_a_mapping_is_the_wrong_kind_for_every_operator(cond: Any, value: Any) -> None:
    finding = evaluate_rule(compiled(cond), resource(x_a=value))
    assert finding is not None and finding.status is Status.ERROR


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


# What each operator judges, from docs/rule-language.md. A value outside it is unknown.
JUDGES: dict[str, Any] = {
    **dict.fromkeys(("eq", "ne", "in", "not_in"),
                    lambda v: isinstance(v, bool | int | float | str | date)),
    **dict.fromkeys(("contains", "contains_any"), lambda v: isinstance(v, list)),
    **dict.fromkeys(("matches", "not_matches"), lambda v: isinstance(v, str)),
    **dict.fromkeys(("gt", "gte", "lt", "lte"), _number),
    **dict.fromkeys(("older_than_days", "within_days"), lambda v: isinstance(v, str | date)),
    **dict.fromkeys(("cidr_contains", "cidr_within", "cidr_overlaps"),
                    lambda v: isinstance(v, str)),
    "cidr_union_covers": lambda v: isinstance(v, str | list),
    **dict.fromkeys(("port_covers", "port_union_covers"),
                    lambda v: _number(v) or isinstance(v, list)),
}
assert set(JUDGES) == set(OPERATORS)


@given(st.sampled_from(VALUE_OPS), st.data(), VALUES)
def test_a_value_of_another_kind_never_passes(op: str, data: st.DataObject, value: Any) -> None:
    operand = data.draw(GOOD_OPERANDS[op])
    finding = evaluate_rule(compiled({"attr": "x_a", op: operand}), resource(x_a=value))
    assert finding is not None
    if not JUDGES[op](value):
        assert finding.status is Status.ERROR, finding.message
        assert "x_a" in finding.message
    negated = evaluate_rule(compiled({"not": {"attr": "x_a", op: operand}}), resource(x_a=value))
    assert negated is not None
    if finding.status is Status.ERROR:
        assert negated.status is Status.ERROR  # not(unknown) is unknown, never a pass


LATE = st.one_of(
    st.dates(AS_OF.date() + timedelta(days=2), date(9999, 12, 31)),
    st.datetimes(datetime(2026, 11, 30, 12, 0, 1), timezones=st.just(UTC)),
    st.datetimes(datetime(2026, 11, 30, 21, 0, 1), timezones=st.just(timezone(timedelta(hours=9)))),
)


@given(st.sampled_from(["within_days", "older_than_days"]), st.integers(0, 10_000), LATE)
def test_a_date_after_as_of_is_never_recent_nor_old(op: str, days: int, when: date) -> None:
    # The date of a past event (a patch, a sign-in) more than 24 hours after as_of cannot be
    # true: ERROR with the reason, also under `not`.
    for cond in ({"attr": "x_a", op: days}, {"not": {"attr": "x_a", op: days}}):
        finding = evaluate_rule(compiled(cond), resource(x_a=when))
        assert finding is not None and finding.status is Status.ERROR
        assert "a date that cannot be true" in finding.message
