"""mamori.yaml: overrides apply, and every name in it must exist (file:line on typos)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mamori.checks.config import check_rules, discover, load_config
from mamori.checks.errors import ConfigError
from mamori.checks.model import Cause, Severity
from mamori.checks.ruleset import load_rules
from mamori.checks.scan import compile_rules, select_rules
from tests.checks.conftest import WriteRule

DORMANT = """\
params: {dormant_days: 45}
assert: {attr: last_active, within_days: {param: dormant_days}}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "mamori.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_params_severity_and_disables(tmp_path: Path, write_rule: WriteRule) -> None:
    specs = load_rules([write_rule(DORMANT, causes="insider")])
    config = load_config(write(tmp_path, "version: 1\nparams:\n  T-RULE-1: {dormant_days: 30}\n"
                                         "severity: {T-RULE-1: critical}\n"))
    check_rules(config, specs)
    [rule] = compile_rules(select_rules(specs, config, None), config,
                           datetime(2026, 11, 29, tzinfo=UTC))
    assert rule.info.params == {"dormant_days": 30}
    assert rule.info.severity is Severity.CRITICAL
    assert "within_days 30" in rule.check.text


def test_disable_rule_and_cause(tmp_path: Path, write_rule: WriteRule) -> None:
    specs = load_rules([write_rule(DORMANT, causes="insider")])
    by_rule = load_config(write(tmp_path, "rules: {disable: [T-RULE-1]}\n"))
    assert select_rules(specs, by_rule, None) == []
    by_cause = load_config(write(tmp_path, "causes: {disable: [insider]}\n"))
    assert select_rules(specs, by_cause, None) == []
    assert select_rules(specs, load_config(write(tmp_path, "version: 1\n")),
                        frozenset({Cause.PHYSICAL})) == []


@pytest.mark.parametrize(("text", "line", "needle"), [
    ("version: 1\nrulez: {}\n", 2, "unknown key 'rulez'"),
    ("causes:\n  disable: [hackers]\n", 2, "is not one of"),
    ("gate: {fail_on: urgent}\n", 1, "is not one of"),
    ("version: 1\nparams:\n  T-RULE-2: {dormant_days: 30}\n", 3, "unknown rule id 'T-RULE-2'"),
    ("params:\n  T-RULE-1:\n    dormant_dayz: 30\n", 3, "has no param 'dormant_dayz'"),
    ("params:\n  T-RULE-1:\n    dormant_days: thirty\n", 3, "expects a number"),
    ("rules:\n  disable:\n    - T-RULE-9\n", 3, "unknown rule id 'T-RULE-9'"),
])
def test_config_errors_are_located(tmp_path: Path, write_rule: WriteRule, text: str, line: int,
                                   needle: str) -> None:
    specs = load_rules([write_rule(DORMANT, causes="insider")])
    with pytest.raises(ConfigError) as info:
        check_rules(load_config(write(tmp_path, text)), specs)
    assert needle in info.value.message
    assert info.value.location is not None and info.value.location.line == line


def test_discover(tmp_path: Path) -> None:
    assert discover(None, tmp_path).doc is None  # no file: defaults
    write(tmp_path, "gate: {fail_on: high}\n")
    assert discover(None, tmp_path).fail_on == "high"
    with pytest.raises(ConfigError, match="not found"):
        discover(tmp_path / "other.yaml", tmp_path)


def test_rule_dirs_are_relative_to_the_config(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "rule_dirs: [our-rules]\n"))
    assert config.rule_dirs == (tmp_path / "our-rules",)
