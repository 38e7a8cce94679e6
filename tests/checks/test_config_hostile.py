"""Property: any config file ends in a valid Config or a located ConfigError, never a crash.

Files are built from random YAML-ish structures around the real keys (so that the
validation past the schema is reached: rule ids, param overrides, compile-time checks)
with hostile scalars: NaN and infinities, huge integers, control characters, lone
surrogates, wrong kinds, deep nesting. Expected: ``load_config`` + ``check_rules``
succeed, or raise ``ConfigError`` that names the file (and where known the line).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from mamori.checks.config import check_rules, load_config
from mamori.checks.errors import ConfigError
from mamori.checks.ruleset import RuleSpec, builtin_rules_dir, load_rules

RULE_IDS = ["MAM-IAM-007", "MAM-NET-001", "MAM-HOST-001", "MAM-DB-004", "NOPE-1", "mam-iam-007"]
PARAMS = ["dormant_days", "admin_ports", "internet_cidrs", "max_patch_age_days",
          "default_admin_usernames", "nope"]
KEYS = ["version", "rule_dirs", "builtin_rules", "rules", "causes", "severity", "params",
        "gate", "history", "disable", "only", "fail_on", "allow_incomplete"]

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**6), 10**6),
    st.integers(min_value=10**18, max_value=10**60), st.floats(allow_nan=True),
    st.sampled_from(["high", "none", "physical", "22", "0.0.0.0/0", "", " ", "\u200b",
                     "\x1b[31m", "a\rb", "2026-11-29", "017", "22:22", "0x1F", ".nan"]),
    st.text(max_size=12),
)
KEY = st.one_of(st.sampled_from(KEYS + RULE_IDS + PARAMS), st.integers(), st.booleans(),
                st.text(max_size=6))
TREE = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(KEY, inner, max_size=4)),
                    max_leaves=12)


def deep(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


OVERRIDES = st.dictionaries(st.sampled_from(PARAMS), TREE, max_size=3)
CONFIG = st.fixed_dictionaries({}, optional={
    "version": SCALARS,
    "rule_dirs": st.lists(SCALARS, max_size=2),
    "builtin_rules": SCALARS,
    "rules": st.fixed_dictionaries({}, optional={"disable": st.lists(
        st.one_of(st.sampled_from(RULE_IDS), SCALARS), max_size=3), "only": TREE}),
    "causes": st.dictionaries(st.sampled_from(["disable", "enable"]), TREE, max_size=2),
    "severity": st.dictionaries(st.one_of(st.sampled_from(RULE_IDS), KEY), TREE, max_size=2),
    "params": st.dictionaries(st.one_of(st.sampled_from(RULE_IDS), KEY),
                              st.one_of(OVERRIDES, TREE), max_size=3),
    "gate": st.dictionaries(st.sampled_from(["fail_on", "allow_incomplete", "x"]), TREE,
                            max_size=2),
    "history": SCALARS,
    "extra": st.integers(50, 400).map(deep),
})
# Real rule ids and params of the built-in library with hostile values: reaches the
# per-param checks and the compile-at-config-time step past the schema.
REAL_PARAMS = [("MAM-IAM-007", "dormant_days"), ("MAM-NET-001", "admin_ports"),
               ("MAM-NET-001", "internet_cidrs"), ("MAM-DB-004", "default_admin_usernames"),
               ("MAM-HOST-001", "max_patch_age_days")]
VALUES = st.one_of(TREE, st.lists(SCALARS, max_size=3),
                   st.sampled_from([-5, 0, 30.0, 30.5, 10**9, [], [0], [65536], [22, -1],
                                    ["0.0.0.0/0", "nope"], ["", "sa"], [True], [[22]]]))
OVERRIDE = st.builds(lambda pair, value, disable: {
    "version": 1, "params": {pair[0]: {pair[1]: value}},
    **({"rules": {"disable": [pair[0]]}} if disable else {}),
}, st.sampled_from(REAL_PARAMS), VALUES, st.booleans())


@cache
def builtin_specs() -> tuple[RuleSpec, ...]:
    return tuple(load_rules([builtin_rules_dir()]))


def dump(data: Any) -> str | None:
    try:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    except (yaml.YAMLError, UnicodeEncodeError, RecursionError):
        return None


def check(path: Path, text: str) -> None:
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    try:
        check_rules(load_config(path), builtin_specs())
    except ConfigError as exc:
        assert exc.location is not None and exc.location.file.endswith("mamori.yaml")


@given(CONFIG)
def test_any_config_structure_is_valid_or_a_located_config_error(tmp_path: Path,
                                                                 data: dict[str, Any]) -> None:
    text = dump(data)
    if text is not None:
        check(tmp_path / "mamori.yaml", text)


@given(OVERRIDE)
def test_any_param_override_is_valid_or_a_located_config_error(tmp_path: Path,
                                                               data: dict[str, Any]) -> None:
    text = dump(data)
    assert text is not None
    check(tmp_path / "mamori.yaml", text)


@given(st.text(alphabet=st.sampled_from(list("{}[]:,- \n\t'\"&*!|>#%@`?\\0a\x1b\ud800")),
               max_size=80))
def test_any_text_is_valid_or_a_located_config_error(tmp_path: Path, text: str) -> None:
    check(tmp_path / "mamori.yaml", text)
