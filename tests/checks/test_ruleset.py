"""Invalid rules are errors with file, line and key; valid ones load."""

from pathlib import Path

import pytest

from mamori.checks.errors import RuleError
from mamori.checks.ruleset import load_rules
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
    assert "no such rule file" in err.message


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
