"""Every built-in rule has a fixture folder, and its verdicts match, resource by resource.

Fixture folders live in tests/rules/fixtures/<RULE-ID>/ with inventory.yaml (on-prem
inventory format) and expected.yaml (as_of and the verdict per resource id, derived from
the rule's intent). See docs/rule-language.md.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import pytest
import yaml

from mamori.checks.engine import evaluate_rule
from mamori.checks.model import Resource
from mamori.checks.ruleset import RuleSpec, builtin_rules_dir, compile_rule, load_rules
from mamori.providers.files.provider import FilesProvider

FIXTURES = Path(__file__).parent / "fixtures"
VERDICTS = {"PASS", "FAIL", "ERROR", "NOT_APPLICABLE"}


@cache
def builtin() -> dict[str, RuleSpec]:
    return {s.info.id: s for s in load_rules([builtin_rules_dir()])}


def fixture_dirs() -> list[Path]:
    return sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


def test_library_is_not_empty() -> None:
    assert len(builtin()) >= 40


@pytest.mark.parametrize("rule_id", sorted(builtin()))
def test_every_rule_has_a_fixture(rule_id: str) -> None:
    folder = FIXTURES / rule_id
    assert (folder / "inventory.yaml").is_file(), f"{rule_id}: no fixture inventory"
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    verdicts = set(expected["expected"].values())
    assert {"PASS", "FAIL"} <= verdicts, f"{rule_id}: fixture needs a PASS and a FAIL"


@pytest.mark.parametrize("folder", fixture_dirs(), ids=lambda p: p.name)
def test_fixture_verdicts(folder: Path) -> None:
    spec = builtin().get(folder.name)
    assert spec is not None, f"fixture {folder.name} has no built-in rule"
    expected_doc = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    as_of = _as_of(expected_doc["as_of"])
    expected: dict[str, str] = {str(k): v for k, v in expected_doc["expected"].items()}
    assert set(expected.values()) <= VERDICTS
    rule = compile_rule(spec, as_of)
    resources = [r for r in FilesProvider([folder / "inventory.yaml"]).collect()
                 if isinstance(r, Resource)]
    assert {r.type for r in resources} == {spec.info.resource_type}
    actual = {}
    for res in resources:
        finding = evaluate_rule(rule, res)
        actual[res.id] = "NOT_APPLICABLE" if finding is None else finding.status.value
    assert actual == expected


def _as_of(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    assert isinstance(value, date)
    return datetime(value.year, value.month, value.day, tzinfo=UTC)
