"""Which files are rule files: any case of .yaml/.yml/.json, never silently none."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from mamori.checks.errors import RuleError
from mamori.checks.ruleset import load_rules
from tests.checks.conftest import RULE_HEAD

ASSERT = "assert: {attr: mfa, eq: true}\n"


def rule_text(rule_id: str) -> str:
    return RULE_HEAD.format(id=rule_id, resource="user", severity="high",
                            causes="external_attack") + ASSERT


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["a.yaml", "a.YAML", "a.Yml", "a.yml", "a.YML"])
def test_yaml_suffix_in_any_case_is_read(tmp_path: Path, name: str) -> None:
    write(tmp_path / "rules" / name, rule_text("T-1"))
    assert [s.info.id for s in load_rules([tmp_path / "rules"])] == ["T-1"]


@pytest.mark.parametrize("name", ["a.json", "a.JSON"])
def test_json_rule_files_are_read(tmp_path: Path, name: str) -> None:
    rule = {"id": "T-J", "title": {"en": "t", "ja": "t"}, "remediation": {"en": "r", "ja": "r"},
            "severity": "low", "causes": ["insider"], "resource": "user",
            "assert": {"attr": "mfa", "eq": True}}
    write(tmp_path / "rules" / name, json.dumps(rule, indent=2))
    [spec] = load_rules([tmp_path / "rules"])
    assert spec.info.id == "T-J" and spec.info.source.endswith(f"{name}:1")


def test_every_rule_of_a_mixed_folder_is_read_in_a_stable_order(tmp_path: Path) -> None:
    write(tmp_path / "r" / "b.YAML", rule_text("T-B"))
    write(tmp_path / "r" / "a.yml", rule_text("T-A"))
    write(tmp_path / "r" / "sub" / "c.Yml", rule_text("T-C"))
    write(tmp_path / "r" / "README.md", "# not a rule")
    write(tmp_path / "r" / ".github" / "workflows" / "ci.yml", "on: push\n")  # dot-folder
    assert [s.info.id for s in load_rules([tmp_path / "r"])] == ["T-A", "T-B", "T-C"]


@pytest.mark.parametrize("files", [[], ["notes.md"], ["rule.yaml.bak", "rule.txt"],
                                   [".hidden.yaml"]])
def test_a_folder_without_rules_is_an_error(tmp_path: Path, files: list[str]) -> None:
    (tmp_path / "rules").mkdir()
    for name in files:
        write(tmp_path / "rules" / name, rule_text("T-1"))
    with pytest.raises(RuleError, match="no rule in this folder") as info:
        load_rules([tmp_path / "rules"])
    assert info.value.location is not None
    assert info.value.location.file.endswith("rules")


def test_an_empty_rule_file_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "rule.yaml", "# only a comment\n")
    with pytest.raises(RuleError, match="no rule in this file"):
        load_rules([path])


def test_each_path_must_hold_a_rule(tmp_path: Path) -> None:
    good = write(tmp_path / "good" / "a.yaml", rule_text("T-1")).parent
    (tmp_path / "empty").mkdir()
    with pytest.raises(RuleError, match="no rule in this folder") as info:
        load_rules([good, tmp_path / "empty"])
    assert info.value.location is not None
    assert info.value.location.file.endswith("empty")


@pytest.mark.parametrize("make", [
    lambda p: os.mkfifo(p),
    lambda p: p.symlink_to("/dev/zero"),
    lambda p: p.symlink_to("nowhere.yaml"),
    lambda p: p.symlink_to(p.name),
])
def test_a_rule_file_that_is_not_a_regular_file_is_an_error(
        tmp_path: Path, make: Callable[[Path], object]) -> None:
    write(tmp_path / "rules" / "good.yaml", rule_text("T-1"))
    make(tmp_path / "rules" / "odd.yaml")
    with pytest.raises(RuleError, match="cannot read") as info:
        load_rules([tmp_path / "rules"])
    assert info.value.location is not None
    assert info.value.location.file.endswith("odd.yaml")
    with pytest.raises(RuleError, match="cannot read"):
        load_rules([tmp_path / "rules" / "odd.yaml"])  # given directly
