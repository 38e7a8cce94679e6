"""The shipped rule schema is the assembled one, and it accepts every built-in rule."""

from pathlib import Path

import jsonschema

from mamori.checks.rule_schema import rule_schema, rule_schema_text
from mamori.checks.ruleset import builtin_rules_dir, load_rules

SHIPPED = Path(__file__).resolve().parents[2] / "rules" / "rule.schema.json"


def test_shipped_schema_is_current() -> None:
    assert SHIPPED.read_text(encoding="utf-8") == rule_schema_text(), (
        "regenerate: mamori schema rule > rules/rule.schema.json")


def test_schema_accepts_builtin_rules() -> None:
    validator = jsonschema.Draft202012Validator(rule_schema())
    for spec in load_rules([builtin_rules_dir()]):
        errors = list(validator.iter_errors(spec.data))
        assert errors == [], f"{spec.info.id}: {errors[0].message if errors else ''}"


def test_schema_rejects_unknown_operator() -> None:
    validator = jsonschema.Draft202012Validator(rule_schema())
    rule = {"id": "T-1", "title": {"en": "a", "ja": "b"}, "remediation": {"en": "a", "ja": "b"},
            "severity": "low", "causes": ["insider"], "resource": "user",
            "assert": {"attr": "mfa", "equals": True}}
    assert not validator.is_valid(rule)
    rule["assert"] = {"attr": "mfa", "eq": True}
    assert validator.is_valid(rule)
