"""docs/rule-language.md documents every operator and modifier of the rule language."""

from pathlib import Path

import pytest

from mamori.checks.compiler import MAX_DEPTH
from mamori.checks.operators import CLOCK_SKEW, MAX_OPERAND_ITEMS, MODIFIERS, OPERATORS

DOC = (Path(__file__).resolve().parents[2] / "docs" / "rule-language.md").read_text("utf-8")


@pytest.mark.parametrize("name", [*OPERATORS, *MODIFIERS])
def test_operator_is_documented(name: str) -> None:
    assert f"`{name}`" in DOC


def test_limits_are_documented() -> None:
    assert f"**{MAX_DEPTH} levels**" in DOC
    assert f"**{MAX_OPERAND_ITEMS:,} items**" in DOC
    assert f"clock-skew tolerance of {int(CLOCK_SKEW.total_seconds() // 3600)} hours" in DOC
    assert "RE2" in DOC
