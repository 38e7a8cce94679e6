"""Invalid rules are errors with file, line and key; valid ones load."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.compiler import MAX_DEPTH
from mamori.checks.errors import RuleError
from mamori.checks.operators import MAX_OPERAND_ITEMS
from mamori.checks.ruleset import compile_rule, load_rules, parse_rule
from mamori.checks.yamlsrc import Document
from tests.checks.conftest import WriteRule


def error_of(path: Path) -> RuleError:
    with pytest.raises(RuleError) as info:
        load_rules([path])
    return info.value


def test_valid_rule_loads(write_rule: WriteRule) -> None:
    path = write_rule("assert: {attr: mfa, eq: true}\n")
    [spec] = load_rules([path])
    assert spec.info.id == "T-RULE-1"
    assert spec.info.source.endswith("rule.yaml:1")


def test_unknown_top_level_key(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa, eq: true}\nseverty: high\n"))
    assert err.location is not None
    assert (err.location.line, err.location.key) == (8, "severty")
    assert "unknown key 'severty'" in err.message


def test_unknown_operator_names_line_and_key(write_rule: WriteRule) -> None:
    err = error_of(write_rule("""\
        assert:
          all:
            - {attr: enabled, eq: true}
            - {attr: mfa, equal: true}
        """))
    assert err.location is not None
    assert err.location.line == 10
    assert err.location.key == "assert.all[1].equal"
    assert "did you mean 'eq'" in err.message


def test_wrong_value_type(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: last_active, within_days: soon}\n"))
    assert err.location is not None
    assert err.location.key == "assert.within_days"
    assert "integer" in err.message


def test_bad_regex(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: admin_username, not_matches: '(admin'}\n",
                              resource="database"))
    assert "invalid operand for 'not_matches'" in err.message


def test_unknown_cause_and_resource_type(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa, eq: true}\n", causes="hackers"))
    assert err.location is not None and err.location.key == "causes[0]"
    err = error_of(write_rule("assert: {attr: mfa, eq: true}\n", resource="printer"))
    assert err.location is not None and err.location.key == "resource"


def test_unknown_attribute_with_suggestion(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa_enabled, eq: true}\n"))
    assert "unknown attribute 'mfa_enabled'" in err.message
    assert "did you mean" in err.message


def test_custom_and_envelope_attributes_allowed(write_rule: WriteRule) -> None:
    path = write_rule("when: {attr: tags.env, eq: prod}\n"
                      "assert: {all: [{attr: x_badge, eq: true}, {attr: raw.Foo, exists: true}]}\n")
    assert load_rules([path])


def test_undeclared_param(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: last_active, within_days: {param: days}}\n"))
    assert "unknown param 'days'" in err.message


def test_duplicate_id_across_files(write_rule: WriteRule) -> None:
    first = write_rule("assert: {attr: mfa, eq: true}\n", name="a.yaml")
    write_rule("assert: {attr: mfa, eq: true}\n", name="b.yaml")
    err = error_of(first.parent)
    assert "duplicate rule id 'T-RULE-1'" in err.message
    assert err.location is not None and err.location.file.endswith("b.yaml")


def test_duplicate_yaml_key(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa, eq: true}\nassert: {attr: mfa, eq: false}\n"))
    assert "duplicate key 'assert'" in err.message
    assert err.location is not None and err.location.line == 8


def test_two_operators_in_one_test(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa, eq: true, ne: false}\n"))
    assert "exactly one operator" in err.message


def test_combinator_must_be_alone(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {all: [{attr: mfa, eq: true}], attr: mfa}\n"))
    assert "'all' must be the only key" in err.message


def test_yaml_syntax_error_has_line(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: mfa, eq: true\n"))
    assert err.location is not None and err.location.line is not None


def test_missing_rule_folder(tmp_path: Path) -> None:
    err = error_of(tmp_path / "nope")
    assert "no such" in err.message


def test_impossible_date_is_located(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: created, eq: 2026-02-30}\n"))
    assert "invalid value" in err.message
    assert err.location is not None and err.location.line == 7


def test_alias_bomb_is_refused(tmp_path: Path) -> None:
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1},"
               f" *a{i-1}, *a{i-1}, *a{i-1}]" for i in range(1, 9)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(levels) + "\n", encoding="utf-8")
    err = error_of(path)
    assert "too large once aliases are expanded" in err.message


def test_ignore_case_loads_next_to_text_operators(write_rule: WriteRule) -> None:
    path = write_rule("assert: {attr: admin_username, not_in: [sa, root], ignore_case: true}\n",
                      resource="database")
    [spec] = load_rules([path])
    rule = compile_rule(spec, datetime(2026, 11, 29, tzinfo=UTC))
    assert rule.check.text == "admin_username not_in ['sa', 'root'] ignoring case"


@pytest.mark.parametrize(("body", "key", "message"), [
    ("assert: {attr: admin_username, matches: '^sa$', ignore_case: true}\n",
     "assert.ignore_case", "applies only to text comparisons (eq, ne, in, not_in, contains, "
     "contains_any), not to 'matches'"),
    ("assert: {attr: admin_username, exists: true, ignore_case: true}\n",
     "assert.ignore_case", "not to 'exists'"),
    ("assert: {attr: admin_username, eq: sa, ignore_case: yes please}\n",
     "assert.ignore_case", "expects true or false"),
    ("assert: {all: [{attr: admin_username, eq: sa}], ignore_case: true}\n",
     "assert", "'all' must be the only key"),
    ("assert: {attr: admin_username, ignore_case: true}\n", "assert", "found no operator"),
])
def test_ignore_case_misuse_is_located(write_rule: WriteRule, body: str, key: str,
                                       message: str) -> None:
    err = error_of(write_rule(body, resource="database"))
    assert err.location is not None
    assert (err.location.line, err.location.key) == (7, key)
    assert message in err.message


def test_pattern_re2_cannot_run_is_located(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert:\n  all:\n    - {attr: engine, eq: mysql}\n"
                              "    - {attr: admin_username, not_matches: '^(?!app_)'}\n",
                              resource="database"))
    assert err.location is not None
    assert (err.location.line, err.location.key) == (10, "assert.all[1].not_matches")
    assert "not an RE2 regular expression (invalid perl operator: (?!)" in err.message
    assert "lookahead" in err.message


def test_backreference_is_refused(write_rule: WriteRule) -> None:
    err = error_of(write_rule(r"assert: {attr: admin_username, matches: '(a)\1'}" + "\n",
                              resource="database"))
    assert "backreferences" in err.message


def _rule_doc(condition: Any) -> Document:
    data = {"id": "T-DEEP-1", "title": {"en": "t", "ja": "t"},
            "remediation": {"en": "r", "ja": "r"}, "severity": "low", "causes": ["insider"],
            "resource": "user", "assert": condition}
    return Document(data=data, file="deep.yaml", lines={(): 1, ("assert",): 7})


def _nested_not(levels: int) -> Any:
    cond: Any = {"attr": "mfa", "eq": True}
    for _ in range(levels):
        cond = {"not": cond}
    return cond


def test_deep_nesting_is_a_rule_error_not_a_recursion_error() -> None:
    with pytest.raises(RuleError) as info:
        parse_rule(_rule_doc(_nested_not(10_000)))
    err = info.value
    assert f"nested more than {MAX_DEPTH} levels deep" in err.message
    assert err.location is not None and err.location.file == "deep.yaml"
    assert err.location.key == "assert" + ".not" * MAX_DEPTH


def test_nesting_up_to_the_limit_loads() -> None:
    parse_rule(_rule_doc(_nested_not(MAX_DEPTH - 1)))
    with pytest.raises(RuleError):
        parse_rule(_rule_doc(_nested_not(MAX_DEPTH)))


def test_depth_counts_lists_and_quantifiers() -> None:
    cond: Any = {"attr": "active", "eq": True}
    for _ in range(MAX_DEPTH):
        cond = {"attr": "x_items", "some": {"all": [cond]}}
    # some + all are two levels each: half the limit of them is too deep already.
    with pytest.raises(RuleError, match="nested more than"):
        parse_rule(_rule_doc(cond))
    shallow: Any = {"attr": "active", "eq": True}
    for _ in range(MAX_DEPTH // 2 - 1):
        shallow = {"attr": "x_items", "some": {"all": [shallow]}}
    parse_rule(_rule_doc(shallow))


def test_deep_nesting_in_a_file_is_located(write_rule: WriteRule) -> None:
    levels = MAX_DEPTH + 5  # deeper than the rule limit, within YAML's own nesting limit
    body = "assert: " + "{not: " * levels + "{attr: mfa, eq: true}" + "}" * levels + "\n"
    err = error_of(write_rule(body))
    assert "nested more than" in err.message
    assert err.location is not None and err.location.line == 7


def test_huge_operand_list_is_refused(write_rule: WriteRule) -> None:
    names = ", ".join(f"u{i}" for i in range(MAX_OPERAND_ITEMS + 1))
    err = error_of(write_rule(f"assert: {{attr: admin_username, in: [{names}]}}\n",
                              resource="database"))
    assert err.location is not None and err.location.key == "assert.in"


def test_non_finite_operand_is_refused() -> None:
    with pytest.raises(RuleError, match="finite numbers") as info:
        parse_rule(_rule_doc({"attr": "x_score", "gt": float("nan")}))
    assert info.value.location is not None
    assert info.value.location.key == "assert.gt"


def test_param_name_must_be_text(write_rule: WriteRule) -> None:
    err = error_of(write_rule("assert: {attr: last_active, within_days: {param: [days]}}\n"
                              "params: {days: 5}\n"))
    assert err.location is not None and err.location.key == "assert.within_days.param"
    assert "expects a param name" in err.message


def test_operand_echo_is_terminal_safe() -> None:
    # Documents from JSON or a provider's data can hold control characters: an echoed
    # operand is escaped, so it cannot repaint the terminal.
    with pytest.raises(RuleError) as info:
        parse_rule(_rule_doc({"attr": "mfa", "gt": "\x1b[2J" + "x" * 500}))
    assert "\x1b" not in info.value.message
    assert "\\x1b[2J" in info.value.message  # shown escaped
    assert len(info.value.message) < 200  # long operands are shortened


def test_ignoring_loads_with_a_param(write_rule: WriteRule) -> None:
    path = write_rule("assert: {attr: sources, cidr_union_covers: ['0.0.0.0/0'],"
                      " ignoring: {param: private}}\nparams: {private: ['10.0.0.0/8']}\n",
                      resource="firewall_rule")
    [spec] = load_rules([path])
    rule = compile_rule(spec, datetime(2026, 11, 29, tzinfo=UTC))
    assert rule.check.text == "sources cidr_union_covers ['0.0.0.0/0'] ignoring {param: private}"


@pytest.mark.parametrize(("body", "key", "message"), [
    ("assert: {attr: sources, some: {cidr_contains: '0.0.0.0/0'}, ignoring: ['10.0.0.0/8']}\n",
     "assert.ignoring", "applies only to cidr_union_covers, not to 'some'"),
    ("assert: {attr: sources, exists: true, ignoring: ['10.0.0.0/8']}\n",
     "assert.ignoring", "not to 'exists'"),
    ("assert: {attr: sources, cidr_union_covers: ['0.0.0.0/0'], ignoring: [ten]}\n",
     "assert.ignoring", "invalid 'ignoring': not a CIDR network or address: 'ten'"),
    ("assert: {attr: sources, cidr_union_covers: ['0.0.0.0/0'], ignoring: 5}\n",
     "assert.ignoring", "'ignoring' expects a string or a list of a string"),
    ("assert: {attr: sources, cidr_union_covers: '10.1.0.0/16', ignoring: 10.0.0.0/8}\n",
     "assert.cidr_union_covers", "'ignoring' covers all of 10.1.0.0/16"),
])
def test_ignoring_misuse_is_located(write_rule: WriteRule, body: str, key: str,
                                    message: str) -> None:
    err = error_of(write_rule(body, resource="firewall_rule"))
    assert err.location is not None
    assert (err.location.line, err.location.key) == (7, key)
    assert message in err.message
