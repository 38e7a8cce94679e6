"""The organisation config file (``mamori.yaml``).

It enables or disables rules and whole causes, overrides params and severities, and
adds rule folders. Every rule id, cause and param it names must exist: a typo is an
error with file, line and key, never a silently ignored setting.

    version: 1
    rule_dirs: [./our-rules]          # relative to this file
    builtin_rules: true
    rules:
      disable: [MAM-IAM-008]
      only: []                         # if non-empty, run only these
    causes:
      disable: [physical]
    severity:
      MAM-HOST-001: critical
    params:
      MAM-IAM-007: {dormant_days: 30}
    gate:
      fail_on: high                    # critical|high|medium|low|info|none
      allow_incomplete: false
      require_assessed: false          # true: NOT_ASSESSED findings make exit 3
    history: ./mamori.db               # SQLite file (relative to this file) or postgresql://
    hr_join:
      keys: [email, employee_id, account]   # how accounts are joined to HR person records
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.checks.errors import ConfigError, Location, RuleError, display_path, suggest
from mamori.checks.inputs import check_file, file_problem
from mamori.checks.model import Cause, Severity
from mamori.checks.ruleset import RuleSpec, compile_rule
from mamori.checks.text import is_blank, printable
from mamori.checks.typed import kind_name
from mamori.checks.validation import validate
from mamori.checks.yamlsrc import Document, load_documents

DEFAULT_NAME = "mamori.yaml"
_IDS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_CAUSES = {"type": "array", "items": {"enum": [c.value for c in Cause]}, "uniqueItems": True}
_THRESHOLDS = [s.value for s in Severity] + ["none"]

CONFIG_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:mamori:schema:config:1",
    "title": "mamori organisation config",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "version": {"const": 1},
        "rule_dirs": {"type": "array", "items": {"type": "string"}},
        "builtin_rules": {"type": "boolean"},
        "rules": {"type": "object", "additionalProperties": False,
                  "properties": {"disable": _IDS, "only": _IDS}},
        "causes": {"type": "object", "additionalProperties": False,
                   "properties": {"disable": _CAUSES}},
        "severity": {"type": "object",
                     "additionalProperties": {"enum": [s.value for s in Severity]}},
        "params": {"type": "object", "additionalProperties": {"type": "object"}},
        "gate": {"type": "object", "additionalProperties": False,
                 "properties": {"fail_on": {"enum": _THRESHOLDS},
                                "allow_incomplete": {"type": "boolean"},
                                "require_assessed": {
                                    "type": "boolean",
                                    "description": "NOT_ASSESSED findings make the run "
                                                   "incomplete (exit 3), as "
                                                   "--require-assessed does."}}},
        "history": {"type": "string", "minLength": 1,
                    "description": "Run history: a SQLite file (relative to this file) or "
                                   "a postgresql:// URL (prefer $MAMORI_HISTORY for secrets)."},
        "hr_join": {"type": "object", "additionalProperties": False,
                    "description": "How user accounts are joined to HR person records "
                                   "(docs/hr-join.md).",
                    "properties": {"keys": {"type": "array", "minItems": 1,
                                            "uniqueItems": True,
                                            "items": {"enum": ["email", "employee_id",
                                                               "account"]}}}},
    },
}


@dataclass(frozen=True)
class Config:
    """A validated organisation config. The empty Config changes nothing."""

    rule_dirs: tuple[Path, ...] = ()
    builtin_rules: bool = True
    disabled_rules: frozenset[str] = frozenset()
    only_rules: frozenset[str] = frozenset()
    disabled_causes: frozenset[Cause] = frozenset()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    params: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    fail_on: str | None = None
    allow_incomplete: bool | None = None
    #: ``gate.require_assessed``: NOT_ASSESSED findings make exit 3 (--require-assessed).
    require_assessed: bool | None = None
    #: ``history:``: a SQLite path (resolved against the config's folder) or a URL.
    history: str | None = None
    #: ``hr_join.keys``: which keys join user accounts to HR person records, in order.
    hr_keys: tuple[str, ...] = ("email", "employee_id", "account")
    doc: Document | None = None
    #: The config file this was read from (an input: outputs may not overwrite it).
    path: Path | None = None

    def enabled(self, spec: RuleSpec) -> bool:
        """Whether the config leaves this rule switched on."""
        rid = spec.info.id
        if rid in self.disabled_rules or (self.only_rules and rid not in self.only_rules):
            return False
        return not any(c in self.disabled_causes for c in spec.info.causes)


def load_config(path: Path) -> Config:
    """Read and validate a config file (rule references are checked by ``check_rules``)."""
    check_file(path, ConfigError)
    docs = load_documents(path, ConfigError)
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise ConfigError("the config must be a single YAML mapping", Location(display_path(path)))
    doc = docs[0]
    validate(doc, CONFIG_SCHEMA, ConfigError)
    data = doc.data
    base = path.parent
    gate = data.get("gate", {})
    return Config(
        rule_dirs=_rule_dirs(doc, base),
        builtin_rules=data.get("builtin_rules", True),
        disabled_rules=frozenset(data.get("rules", {}).get("disable", [])),
        only_rules=frozenset(data.get("rules", {}).get("only", [])),
        disabled_causes=frozenset(Cause(c) for c in data.get("causes", {}).get("disable", [])),
        severity={k: Severity(v) for k, v in data.get("severity", {}).items()},
        params=data.get("params", {}),
        fail_on=gate.get("fail_on"),
        allow_incomplete=gate.get("allow_incomplete"),
        require_assessed=gate.get("require_assessed"),
        history=_history_target(data.get("history"), base),
        hr_keys=tuple(data.get("hr_join", {}).get("keys", Config.hr_keys)),
        doc=doc,
        path=path,
    )


def _rule_dirs(doc: Document, base: Path) -> tuple[Path, ...]:
    """``rule_dirs`` relative to the config's folder; each must exist (config line)."""
    dirs = []
    for index, text in enumerate(doc.data.get("rule_dirs", [])):
        folder = base / text
        if is_blank(text) or not os.path.lexists(folder):
            raise ConfigError(f"rule folder {printable(text)!r} not found (relative to the "
                              "config file's folder)", doc.location(("rule_dirs", index)))
        dirs.append(folder)
    return tuple(dirs)


def _history_target(value: str | None, base: Path) -> str | None:
    """A URL as given; a file path relative to the config file's folder."""
    if value is None or "://" in value:
        return value
    return str(base / value)


def check_rules(config: Config, specs: Sequence[RuleSpec]) -> None:
    """Every rule id and param the config names must exist, with a matching value type."""
    if config.doc is None:
        return
    by_id = {s.info.id: s for s in specs}
    data = config.doc.data
    named: list[tuple[str, tuple[str | int, ...]]] = []
    for section in ("disable", "only"):
        ids = data.get("rules", {}).get(section, [])
        named += [(rid, ("rules", section, i)) for i, rid in enumerate(ids)]
    for section in ("severity", "params"):
        named += [(rid, (section, rid)) for rid in data.get(section, {})]
    for rid, path in named:
        if not isinstance(rid, str):
            raise ConfigError(f"a rule id must be text, got {_shown(rid)}",
                              config.doc.location(path))
        if rid not in by_id:
            raise ConfigError(f"unknown rule id '{rid}'{suggest(rid, by_id)}",
                              config.doc.location(path))
    for rid, overrides in config.params.items():
        _check_params(config.doc, by_id[rid], overrides)


#: Largest magnitude of a numeric param (days, minutes, lengths): far above any policy,
#: and small enough that date arithmetic on it cannot overflow.
MAX_PARAM = 1_000_000


def _check_params(doc: Document, spec: RuleSpec, overrides: Mapping[str, Any]) -> None:
    """Each override has the default's kind and a sane value, and the rule compiles with
    it: an operator's own limits (ports, CIDRs, regexes...) are reported here, at the
    config's line, not later in the built-in rule file."""
    defaults = spec.info.params
    for name, value in overrides.items():
        where = doc.location(("params", spec.info.id, name))
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            raise ConfigError(f"rule {spec.info.id} has no param '{name}' (params: {known})",
                              where)
        problem = param_problem(value, defaults[name])
        if problem is not None:
            raise ConfigError(f"param '{name}' of {spec.info.id} {problem}", where)
        try:
            compile_rule(spec, datetime.now(UTC), {name: value})
        except RuleError as exc:
            raise ConfigError(f"param '{name}' of {spec.info.id}: {exc.message}", where) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise ConfigError(f"param '{name}' of {spec.info.id} cannot be used by the rule: "
                              f"{exc}", where) from None


def param_problem(value: Any, default: Any) -> str | None:
    """Why ``value`` cannot replace the param ``default`` (``expects ...``), or None."""
    if kind_name(value) != kind_name(default):
        return f"expects {kind_name(default)}, got {_shown(value)}"
    if isinstance(value, list):
        if default and not value:
            return ("expects a non-empty list (to switch the rule off, list it under "
                    "rules.disable)")
        for index, item in enumerate(value):
            problem = param_problem(item, default[0]) if default else None
            if problem is not None:
                return f"item {index + 1} {problem}"
        return None
    if isinstance(value, str):
        return "must not be blank" if is_blank(value) else None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _number_problem(value, default)
    return None


def _number_problem(value: float, default: float) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"expects a finite number, got {value!r}"
    if isinstance(default, int) and not isinstance(value, int):
        return f"expects a whole number, got {value!r}"
    if default >= 0 > value:
        return f"must not be negative, got {value!r}"
    if abs(value) > MAX_PARAM:
        return f"must be at most {MAX_PARAM:,}, got {value!r}"
    return None


def _shown(value: Any) -> str:
    shown = printable(repr(value))
    return shown if len(shown) <= 60 else shown[:57] + "..."


def discover(explicit: Path | None, cwd: Path) -> Config:
    """The config to use: ``--config`` if given, else ./mamori.yaml if present.

    A ``mamori.yaml`` that exists but is not a readable file (a FIFO, a broken link, a
    folder) is an error, not "no config": settings must never be silently dropped.
    """
    if explicit is not None:
        problem = file_problem(explicit)
        if problem is not None:
            if not os.path.lexists(explicit):
                problem = "config file not found"
            raise ConfigError(problem, Location(display_path(explicit)))
        return load_config(explicit)
    default = cwd / DEFAULT_NAME
    return load_config(default) if os.path.lexists(default) else Config()
