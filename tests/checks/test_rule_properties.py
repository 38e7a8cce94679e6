"""Property: any rule document loads as a RuleSpec or fails as a located RuleError.

Random mappings, lists and scalars in condition positions, random operator names and
operands, random modifiers: loading never raises anything else (no KeyError, TypeError,
RecursionError...). And whatever the compiler accepts, the published JSON Schema accepts
too, so an editor never flags a rule that mamori runs.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import yaml
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.errors import RuleError
from mamori.checks.operators import ALL_KEYWORDS, IGNORE_CASE, IGNORING, OPERATORS
from mamori.checks.rule_schema import rule_schema
from mamori.checks.ruleset import RuleSpec, parse_rule
from mamori.checks.yamlsrc import Document, parse_documents
from tests.checks.strategies import good_tests

ATTRS = ["mfa", "enabled", "last_active", "access_keys", "x_custom", "raw.Foo", "name",
         "tags.env", "bad attr", "", "mfa_enabled", "active", "created"]
KEYS = [*ALL_KEYWORDS, "attr", IGNORE_CASE, IGNORING, "param", "equals", "nott", "ALL"]
TEXT = st.one_of(st.sampled_from(["sa", "0.0.0.0/0", "::/0", "^(a+)+$", "(a)\\1", "(?i)x",
                                  "[", "never", "2026-11-29", "tcp", "22", "true"]),
                 st.text(max_size=12))
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-70_000, 70_000),
                    st.floats(allow_nan=True, allow_infinity=True), TEXT)
PLAIN = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(KEYS), inner, max_size=3)),
    max_leaves=8)
OPERAND = st.one_of(PLAIN, st.builds(lambda name: {"param": name},
                                     st.one_of(st.sampled_from(["days", "names", "nope"]),
                                               PLAIN)),
                    st.lists(st.integers(0, 65535), min_size=2, max_size=2))


def _test(attr: Any, op: str, operand: Any, extra: dict[str, Any]) -> dict[str, Any]:
    cond: dict[str, Any] = {op: operand, **extra}
    if attr is not None:
        cond["attr"] = attr
    return cond


TESTS = st.builds(_test, st.one_of(st.none(), st.sampled_from(ATTRS), PLAIN),
                  st.sampled_from(KEYS), OPERAND,
                  st.dictionaries(st.sampled_from(["attr", IGNORE_CASE, IGNORING, "eq", "extra"]),
                                  PLAIN, max_size=2))


def _extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.builds(lambda cs: {"all": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda cs: {"any": cs}, st.lists(inner, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
        st.builds(lambda q, a, c: {"attr": a, q: c}, st.sampled_from(["some", "every", "none"]),
                  st.sampled_from(["access_keys", "x_list", "mfa"]), inner),
        st.builds(lambda c, k, v: {**c, k: v} if isinstance(c, dict) else c, inner,
                  st.sampled_from(KEYS), PLAIN),
    )


CONDITIONS = st.recursive(st.one_of(good_tests(), good_tests(), TESTS, PLAIN), _extend,
                          max_leaves=12)


def _rule(assertion: Any, when: Any, params: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "T-PROP-1", "title": {"en": "t", "ja": "t"}, "remediation": {"en": "r", "ja": "r"},
        "severity": "low", "causes": ["insider"], "resource": "user", "assert": assertion}
    if when is not None:
        data["when"] = when
    if params is not None:
        data["params"] = params
    return data


PARAMS = st.one_of(st.none(), st.dictionaries(st.sampled_from(["days", "names", "Bad-Name"]),
                                              PLAIN, max_size=2),
                   st.just({"days": 30, "names": ["sa", "root"]}))
RULES = st.builds(_rule, CONDITIONS, st.one_of(st.none(), CONDITIONS), PARAMS)
SCHEMA = jsonschema.Draft202012Validator(rule_schema())


def load(data: Any) -> RuleSpec | RuleError:
    try:
        return parse_rule(Document(data=data, file="rule.yaml", lines={(): 1}))
    except RuleError as err:
        return err


@given(RULES)
def test_any_rule_document_loads_or_is_a_located_rule_error(data: dict[str, Any]) -> None:
    outcome = load(data)
    if isinstance(outcome, RuleError):
        assert outcome.location is not None and outcome.location.file == "rule.yaml"
        assert outcome.message
    else:
        # The compiler accepted it: the published schema must accept it too.
        errors = list(SCHEMA.iter_errors(data))
        assert errors == [], errors[0].message


@given(RULES)
def test_rule_text_through_yaml_loads_or_is_a_located_rule_error(data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    try:
        for doc in parse_documents(text, "rule.yaml", RuleError):
            parse_rule(doc)
    except RuleError as err:
        assert err.location is not None and err.location.file == "rule.yaml"


@given(st.sampled_from(sorted(OPERATORS)), OPERAND, st.sampled_from(ATTRS))
def test_every_operator_with_any_operand(op: str, operand: Any, attr: str) -> None:
    outcome = load(_rule({"attr": attr, op: operand}, None, {"days": 30, "names": ["sa"]}))
    assert isinstance(outcome, RuleSpec | RuleError)
    if isinstance(outcome, RuleError):
        assert outcome.location is not None
        assert outcome.location.key is not None and outcome.location.key.startswith("assert")
