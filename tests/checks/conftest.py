"""Helpers to write small rule files for engine tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

RULE_HEAD = """\
id: {id}
title: {{en: Test rule, ja: テストルール}}
remediation: {{en: Fix it., ja: 直してください。}}
severity: {severity}
causes: [{causes}]
resource: {resource}
"""

WriteRule = Callable[..., Path]


@pytest.fixture
def write_rule(tmp_path: Path) -> WriteRule:
    def write(body: str, *, id: str = "T-RULE-1", resource: str = "user",
              severity: str = "high", causes: str = "external_attack",
              name: str = "rule.yaml") -> Path:
        head = RULE_HEAD.format(id=id, resource=resource, severity=severity, causes=causes)
        path = tmp_path / name
        path.write_text(head + textwrap.dedent(body), encoding="utf-8")
        return path
    return write
