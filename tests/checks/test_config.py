"""mamori.yaml: overrides apply, and every name in it must exist (file:line on typos)."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from mamori.checks.config import check_rules, discover, load_config, param_problem
from mamori.checks.errors import ConfigError
from mamori.checks.model import Cause, Severity
from mamori.checks.ruleset import RuleSpec, builtin_rules_dir, load_rules
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
    (tmp_path / "our-rules").mkdir()
    config = load_config(write(tmp_path, "rule_dirs: [our-rules]\n"))
    assert config.rule_dirs == (tmp_path / "our-rules",)
    assert config.path == tmp_path / "mamori.yaml"


def test_missing_rule_dir_is_the_configs_error(tmp_path: Path) -> None:
    (tmp_path / "our-rules").mkdir()
    with pytest.raises(ConfigError, match="rule folder 'nope' not found") as info:
        load_config(write(tmp_path, "version: 1\nrule_dirs:\n  - our-rules\n  - nope\n"))
    assert info.value.location is not None
    assert (info.value.location.line, info.value.location.key) == (4, "rule_dirs[1]")


# --- thresholds are finite, in range, of the default's kind, and compile ----------------
# Errors name the CONFIG file, line and key (not the built-in rule file where the param
# is used): each overridden rule is compiled when the config is checked.

def builtin() -> list[RuleSpec]:
    return load_rules([builtin_rules_dir()])


@pytest.mark.parametrize(("rule", "param", "value", "needle"), [
    ("MAM-IAM-007", "dormant_days", "-5", "must not be negative"),
    ("MAM-IAM-007", "dormant_days", "30.5", "expects a whole number"),
    ("MAM-IAM-007", "dormant_days", "1000001", "must be at most 1,000,000"),
    ("MAM-IAM-007", "dormant_days", "thirty", "expects a number"),
    ("MAM-IAM-007", "dormant_days", "true", "expects a number, got True"),
    ("MAM-IAM-007", "dormant_days", "[30]", "expects a number"),
    ("MAM-NET-001", "admin_ports", "[]", "expects a non-empty list"),
    ("MAM-NET-001", "admin_ports", "22", "expects a list"),
    ("MAM-NET-001", "admin_ports", "['22']", "item 1 expects a number"),
    ("MAM-NET-001", "admin_ports", "[22, 70000]", "port_covers"),
    ("MAM-NET-001", "internet_cidrs", "[0.0.0.0/0, not-a-cidr]", "not-a-cidr"),
    ("MAM-NET-001", "internet_cidrs", "['']", "must not be blank"),
])
def test_bad_thresholds_are_config_errors_at_the_config_line(
        tmp_path: Path, rule: str, param: str, value: str, needle: str) -> None:
    path = write(tmp_path, f"version: 1\nparams:\n  {rule}:\n    {param}: {value}\n")
    with pytest.raises(ConfigError) as info:
        check_rules(load_config(path), builtin())
    assert needle in info.value.message
    assert info.value.location is not None
    assert info.value.location.file.endswith("mamori.yaml")
    assert (info.value.location.line, info.value.location.key) == (
        4, f"params.{rule}.{param}")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", "1e400"])
def test_nan_and_infinity_are_refused_with_the_config_line(tmp_path: Path, value: str) -> None:
    path = write(tmp_path, f"params:\n  MAM-IAM-007:\n    dormant_days: {value}\n")
    with pytest.raises(ConfigError) as info:
        check_rules(load_config(path), builtin())
    assert info.value.location is not None and info.value.location.line == 3


def test_good_thresholds_compile(tmp_path: Path) -> None:
    path = write(tmp_path, "params:\n  MAM-IAM-007: {dormant_days: 0}\n"
                           "  MAM-NET-001: {admin_ports: [22, 2222]}\n")
    check_rules(load_config(path), builtin())


def test_param_problem_is_what_a_person_would_expect() -> None:
    assert param_problem(30, 45) is None
    assert param_problem(1.5, 2.0) is None  # a float default takes floats
    assert param_problem(float("nan"), 2.0) == "expects a finite number, got nan"
    assert param_problem(-1, -5) is None  # a negative default allows negatives


@pytest.mark.parametrize("text", ["severity: {1: high}\n", "params: {true: {}}\n",
                                  "rules: {disable: [MAM-IAM-001]}\nseverity: {~: high}\n"])
def test_keys_that_are_not_text_are_located_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError, match="a key must be text") as info:
        check_rules(load_config(write(tmp_path, text)), builtin())
    assert info.value.location is not None and info.value.location.line is not None


def test_a_config_that_is_not_a_regular_file_is_an_error(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.yaml")
    with pytest.raises(ConfigError, match="named pipe"):
        discover(tmp_path / "fifo.yaml", tmp_path)
    (tmp_path / "mamori.yaml").symlink_to("gone.yaml")  # found, but not readable
    with pytest.raises(ConfigError, match="broken symbolic link"):
        discover(None, tmp_path)
