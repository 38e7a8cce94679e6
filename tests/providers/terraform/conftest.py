"""Helpers for the terraform provider tests: evaluate a plan side with the built-in rules."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.config import Config
from mamori.checks.engine import Engine, evaluate_rule
from mamori.checks.model import Resource
from mamori.checks.scan import compile_rules, load_rule_specs
from mamori.providers.terraform.provider import LoadedPlan, TerraformPlanProvider
from tests.providers.terraform.builder import PlanBuilder

AS_OF = datetime(2026, 11, 29, tzinfo=UTC)
RULES = compile_rules(load_rule_specs(Config()), Config(), AS_OF)
BY_ID = {r.info.id: r for r in RULES}


def resources(builder: PlanBuilder, side: str = "after", tmp: Path | None = None,
              tf_root: Path | None = None) -> dict[str, Resource]:
    """The mapped resources of one side, by id."""
    path = (tmp or Path("plan.json"))
    plan = LoadedPlan(path, builder.document())
    provider = TerraformPlanProvider(path, side, tf_root, plan=plan)
    return {r.id: r for r in provider.collect() if isinstance(r, Resource)}


def verdict(resource: Resource, rule_id: str) -> str:
    """PASS, FAIL, ERROR or NOT_APPLICABLE of one built-in rule on one resource."""
    finding = evaluate_rule(BY_ID[rule_id], resource)
    return "NOT_APPLICABLE" if finding is None else finding.status.value


def verdicts(resource: Resource) -> dict[str, str]:
    """Every applicable built-in rule's verdict on ``resource``."""
    return {f.rule.id: f.status.value for f in Engine(RULES).evaluate(resource)}


@pytest.fixture
def plan() -> PlanBuilder:
    return PlanBuilder()


Attrs = Callable[..., dict[str, Any]]
