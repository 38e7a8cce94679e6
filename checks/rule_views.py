"""Text views of rules for ``mamori rules list`` and ``mamori rules show``."""

from __future__ import annotations

import json
from collections.abc import Sequence

import yaml
from tabulate import tabulate

from mamori.checks.ruleset import RuleSpec


def rule_table(specs: Sequence[RuleSpec], fmt: str = "table") -> str:
    """A table (or JSON list) of rules: id, severity, resource, causes, title."""
    rows = [{"id": s.info.id, "severity": s.info.severity.value,
             "resource": s.info.resource_type,
             "causes": ",".join(c.value for c in s.info.causes),
             "title": s.info.title.en, "title_ja": s.info.title.ja} for s in specs]
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False)
    table = tabulate([[r["id"], r["severity"], r["resource"], r["causes"], r["title"]]
                      for r in rows], headers=["id", "severity", "resource", "causes", "title"])
    return f"{table}\n\n{len(rows)} rule(s)"


def rule_detail(spec: RuleSpec) -> str:
    """The rule's document as YAML, headed by where it was defined."""
    body = yaml.safe_dump(spec.data, allow_unicode=True, sort_keys=False)
    return f"# {spec.info.source}\n{body}"
