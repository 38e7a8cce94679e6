"""Counting list items: ``{attr: LIST, count: {where: c, lte: N}}``.

The verdict is three-valued: items whose match is unknown make the count unknown only
when they could change the verdict. The reference the properties compare against is
written here from docs/rule-language.md: try every way the unknown items could turn
out, and the verdict is decided exactly when all of them agree.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.engine import evaluate_rule
from mamori.checks.errors import RuleError
from mamori.checks.model import Resource, Status
from mamori.checks.nodes import count_verdict
from mamori.checks.observability import Elsewhere, declared
from mamori.checks.operators import COUNT_COMPARISONS
from mamori.checks.rule_schema import rule_schema
from mamori.checks.ruleset import CompiledRule, RuleSpec, compile_rule, parse_rule
from mamori.checks.yamlsrc import Document
from tests.checks.strategies import good_tests

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
SCHEMA = jsonschema.Draft202012Validator(rule_schema())
DOC = (Path(__file__).resolve().parents[2] / "docs" / "rule-language.md").read_text("utf-8")
COMPARE = {"eq": lambda n, b: n == b, "ne": lambda n, b: n != b, "gt": lambda n, b: n > b,
           "gte": lambda n, b: n >= b, "lt": lambda n, b: n < b, "lte": lambda n, b: n <= b}
assert set(COMPARE) == set(COUNT_COMPARISONS)


def rule_data(assertion: Any, resource: str = "user",
              params: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"id": "T-COUNT-1", "title": {"en": "t", "ja": "t"},
            "remediation": {"en": "r", "ja": "r"}, "severity": "low", "causes": ["insider"],
            "resource": resource, "assert": assertion, "params": params or {"n": 1}}


def load(assertion: Any, resource: str = "user",
         params: dict[str, Any] | None = None) -> RuleSpec:
    return parse_rule(Document(data=rule_data(assertion, resource, params), file="rule.yaml",
                               lines={(): 1}))


def compiled(assertion: Any, **kw: Any) -> CompiledRule:
    return compile_rule(load(assertion, **kw), AS_OF)


def user(**attrs: Any) -> Resource:
    return Resource(type="user", id="u1", provider="aws", attributes=attrs)


def onprem(rtype: str, **attrs: Any) -> Resource:
    return Resource(type=rtype, id="r1", provider="onprem", attributes=attrs)


def keys(*active: bool | None) -> list[dict[str, Any]]:
    """Access keys whose ``active`` is the given value (None: not collected)."""
    return [{"id": f"AKIA{i:04d}"} | ({} if a is None else {"active": a})
            for i, a in enumerate(active)]


def active_keys(op: str, bound: Any) -> dict[str, Any]:
    return {"attr": "access_keys", "count": {"where": {"attr": "active", "eq": True}, op: bound}}


def status(rule: CompiledRule, resource: Resource) -> Status:
    finding = evaluate_rule(rule, resource)
    assert finding is not None
    return finding.status


# -- what the language says --------------------------------------------------------------

@pytest.mark.parametrize(("active", "expected"), [
    ((), Status.PASS),                        # no keys: none active
    ((True,), Status.PASS),                   # one active key
    ((True, False), Status.PASS),             # rotated: the old key is inactive
    ((True, True), Status.FAIL),              # two active keys
    ((True, None), Status.ERROR),             # the unknown key could be the second
    ((False, None), Status.PASS),             # at most one can be active
    ((None,), Status.PASS),                   # one key: at most one active either way
    ((None, None), Status.ERROR),             # zero, one or two active
    ((True, True, None), Status.FAIL),        # already two: the unknown cannot help
])
def test_at_most_one_active_key(active: tuple[bool | None, ...], expected: Status) -> None:
    rule = compiled(active_keys("lte", {"param": "n"}))
    assert status(rule, user(access_keys=keys(*active))) is expected


def test_without_where_every_item_counts() -> None:
    rule = compiled({"attr": "sources", "count": {"lte": 2}}, resource="firewall_rule")
    few = onprem("firewall_rule", sources=["10.0.0.0/8"])
    many = onprem("firewall_rule", sources=["1.0.0.0/8"] * 3)
    assert (status(rule, few), status(rule, many)) == (Status.PASS, Status.FAIL)


def test_where_on_plain_items_has_no_attr() -> None:
    rule = compiled({"attr": "sources", "count": {"where": {"cidr_within": "10.0.0.0/8"},
                                                  "gte": 1}}, resource="firewall_rule")
    inside = onprem("firewall_rule", sources=["10.1.0.0/16"])
    outside = onprem("firewall_rule", sources=["8.8.8.8/32"])
    assert (status(rule, inside), status(rule, outside)) == (Status.PASS, Status.FAIL)


def test_absent_list_and_not_a_list_are_unknown() -> None:
    rule = compiled(active_keys("lte", 1))
    absent = evaluate_rule(rule, user(enabled=True))
    assert absent is not None and absent.status is Status.ERROR
    assert absent.missing == ("access_keys",)
    scalar = evaluate_rule(rule, user(access_keys="AKIA0001"))
    assert scalar is not None and scalar.status is Status.ERROR
    assert "access_keys is not a list" in scalar.message


def test_undecided_count_names_the_items_it_could_not_judge() -> None:
    finding = evaluate_rule(compiled(active_keys("lte", 1)), user(access_keys=keys(True, None)))
    assert finding is not None and finding.status is Status.ERROR
    assert finding.missing == ("access_keys[1].active",)


def test_fail_shows_the_list_and_the_requirement() -> None:
    finding = evaluate_rule(compiled(active_keys("lte", 1)), user(access_keys=keys(True, True)))
    assert finding is not None and finding.status is Status.FAIL
    assert "AKIA0001" in finding.message
    assert "access_keys count(where active eq true) lte 1" in finding.message


def test_secret_fields_of_counted_items_are_masked() -> None:
    items = [{"id": "AKIA0", "active": True, "x_secret_access_key": "wJalrXUtnFEMI/K7MDENG"},
             {"id": "AKIA1", "active": True, "x_secret_access_key": "bPxRfiCYEXAMPLEKEY"}]
    finding = evaluate_rule(compiled(active_keys("lte", 1)), user(access_keys=items))
    assert finding is not None and finding.status is Status.FAIL
    assert "wJalrXUtnFEMI" not in finding.message and "bPxRfiCY" not in repr(finding.evidence)


def test_an_out_of_reach_list_is_not_assessed() -> None:
    # Counting composes with declarations: items whose fields a provider declares out of
    # reach make the finding NOT_ASSESSED, naming the source that could tell.
    source = Elsewhere("this API does not list keys", "give a key inventory")
    lookup = declared("aws", {"user": []}, {"user": {"access_keys": source}})
    finding = evaluate_rule(compiled(active_keys("lte", 1)), user(access_keys=keys(True, None)),
                            lambda provider: lookup if provider == "aws" else None)
    assert finding is not None and finding.status is Status.NOT_ASSESSED
    assert finding.needs == {"access_keys[1].active": "give a key inventory"}


def test_count_reads_the_list_attribute() -> None:
    rule = compiled(active_keys("lte", 1))
    assert rule.check.reads == ("access_keys",)


# -- mistakes are rule errors at their key ------------------------------------------------

@pytest.mark.parametrize(("assertion", "key", "words"), [
    ({"count": {"lte": 1}}, "assert", "'attr' is required here"),
    ({"attr": "access_keys", "count": 1}, "assert.count", "expects a mapping"),
    ({"attr": "access_keys", "count": {"where": {"attr": "active", "eq": True}}},
     "assert.count", "exactly one comparison"),
    ({"attr": "access_keys", "count": {"lte": 1, "gte": 0}}, "assert.count",
     "found lte, gte"),
    ({"attr": "access_keys", "count": {"at_most": 1}}, "assert.count.at_most", "unknown key"),
    ({"attr": "access_keys", "count": {"whre": {"attr": "active", "eq": True}, "lte": 1}},
     "assert.count.whre", "did you mean 'where'"),
    ({"attr": "access_keys", "count": {"lte": -1}}, "assert.count.lte", "0 or more"),
    ({"attr": "access_keys", "count": {"lte": 1.5}}, "assert.count.lte", "whole number"),
    ({"attr": "access_keys", "count": {"lte": True}}, "assert.count.lte", "whole number"),
    ({"attr": "access_keys", "count": {"lte": "1"}}, "assert.count.lte", "whole number"),
    ({"attr": "access_keys", "count": {"lte": {"param": "nope"}}}, "assert.count.lte",
     "unknown param 'nope'"),
    ({"attr": "access_keys", "count": {"where": {"attr": "actve", "eq": True}, "lte": 1}},
     "assert.count.where.attr", "unknown attribute 'actve'"),
    ({"attr": "access_keys", "count": {"lte": 1}, "ignore_case": True}, "assert.ignore_case",
     "applies only to text comparisons"),
])
def test_count_mistakes_are_located(assertion: Any, key: str, words: str) -> None:
    with pytest.raises(RuleError) as info:
        load(assertion)
    assert info.value.location is not None and info.value.location.key == key
    assert words in info.value.message


@pytest.mark.parametrize("operand", [
    1, {"where": {"attr": "active", "eq": True}}, {"lte": 1, "gte": 0}, {"at_most": 1},
    {"lte": -1}, {"lte": 1.5}, {"lte": True}, {"lte": "1"}])
def test_the_schema_refuses_count_shapes_the_compiler_refuses(operand: Any) -> None:
    assert not SCHEMA.is_valid(rule_data({"attr": "access_keys", "count": operand}))
    assert SCHEMA.is_valid(rule_data(active_keys("lte", 1)))


def test_a_param_bound_of_the_wrong_kind_is_refused() -> None:
    with pytest.raises(RuleError, match="whole number"):
        load(active_keys("lte", {"param": "n"}), params={"n": "one"})


def test_count_counts_one_nesting_level() -> None:
    cond: Any = {"attr": "x_v", "eq": 1}
    for _ in range(64):
        cond = {"attr": "x_items", "count": {"where": cond, "gte": 1}}
    with pytest.raises(RuleError, match="nested more than 64 levels"):
        load(cond)


def test_count_and_where_are_documented() -> None:
    assert "`count`" in DOC and "`where`" in DOC
    for op in COUNT_COMPARISONS:
        assert f"`{op}`" in DOC


# -- properties ---------------------------------------------------------------------------

def reference(op: str, bound: int, results: list[bool | None]) -> bool | None:
    """Every way the unknown items could turn out; decided when all agree."""
    unknown = [i for i, r in enumerate(results) if r is None]
    verdicts = set()
    for guess in itertools.product((True, False), repeat=len(unknown)):
        filled = list(results)
        for i, g in zip(unknown, guess, strict=True):
            filled[i] = g
        verdicts.add(COMPARE[op](sum(1 for r in filled if r), bound))
    return verdicts.pop() if len(verdicts) == 1 else None


STATES = st.lists(st.sampled_from([True, False, None]), max_size=7)


@given(st.sampled_from(COUNT_COMPARISONS), st.integers(0, 8), STATES)
def test_count_verdict_is_the_verdict_of_every_completion(op: str, bound: int,
                                                          results: list[bool | None]) -> None:
    assert count_verdict(op, bound, results.count(True), results.count(None)) == reference(
        op, bound, results)


@given(st.sampled_from(COUNT_COMPARISONS), st.integers(0, 8), STATES)
def test_compiled_count_is_decided_exactly_when_the_unknowns_cannot_matter(
        op: str, bound: int, results: list[bool | None]) -> None:
    expected = reference(op, bound, results)
    found = status(compiled(active_keys(op, bound)), user(access_keys=keys(*results)))
    assert found is {True: Status.PASS, False: Status.FAIL, None: Status.ERROR}[expected]
    negated = status(compiled({"not": active_keys(op, bound)}), user(access_keys=keys(*results)))
    assert negated is {True: Status.FAIL, False: Status.PASS, None: Status.ERROR}[expected]


ITEM_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 2), st.text(max_size=3),
                        st.lists(st.integers(0, 3), max_size=2),
                        st.dictionaries(st.sampled_from(["x_v", "x_w"]), st.integers(0, 2),
                                        max_size=2))
NAMES = st.sampled_from(["x_v", "x_w"])


def count_trees() -> st.SearchStrategy[Any]:
    """Conditions over x_items whose items are tested by counts, quantifiers and tests."""
    leaves = good_tests(attrs=NAMES, ops=("eq", "ne", "in", "gt", "lte", "exists"))

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        count = st.builds(lambda c, op, n, w: {"attr": "x_items",
                                               "count": ({"where": c} if w else {}) | {op: n}},
                          inner, st.sampled_from(COUNT_COMPARISONS), st.integers(0, 3),
                          st.booleans())
        return st.one_of(count, st.builds(lambda cs: {"any": cs}, st.lists(inner, min_size=1,
                                                                           max_size=2)),
                         st.builds(lambda c: {"not": c}, inner),
                         st.builds(lambda c: {"attr": "x_items", "every": c}, inner))
    return st.recursive(leaves, extend, max_leaves=6)


@given(count_trees(), st.lists(st.dictionaries(NAMES, ITEM_VALUES, max_size=2), max_size=4))
def test_trees_with_counts_are_three_valued_and_never_raise(cond: Any,
                                                            items: list[Any]) -> None:
    root = {"attr": "x_items", "count": {"where": cond, "gte": 1}}
    spec = load(root, resource="host")
    assert SCHEMA.is_valid(spec.data)  # what the compiler runs, editors accept
    rule = compile_rule(spec, AS_OF)
    finding = evaluate_rule(rule, onprem("host", x_items=items))
    assert finding is not None and finding.status in (Status.PASS, Status.FAIL, Status.ERROR)
    absent = evaluate_rule(rule, onprem("host", x_other=1))
    assert absent is not None and absent.status is Status.ERROR  # no list: never a PASS


OPERANDS = st.one_of(
    st.dictionaries(st.sampled_from(["where", *COUNT_COMPARISONS, "at_most", "n"]),
                    st.one_of(st.integers(-1, 3), st.floats(allow_nan=True), st.booleans(),
                              st.text(max_size=3), st.just({"param": "n"}),
                              st.just({"attr": "active", "eq": True}), st.just({})),
                    max_size=3),
    st.integers(), st.text(max_size=3), st.lists(st.integers(), max_size=2), st.none())


@given(OPERANDS, st.sampled_from(["access_keys", "x_items", "mfa", None]))
def test_any_count_operand_loads_or_is_a_located_rule_error(operand: Any, attr: Any) -> None:
    assertion = {"count": operand} | ({} if attr is None else {"attr": attr})
    try:
        spec = load(assertion)
    except RuleError as err:
        assert err.location is not None and err.location.key is not None
        assert err.location.key.startswith("assert")
        return
    assert SCHEMA.is_valid(spec.data)
