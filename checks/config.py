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
    history: ./mamori.db               # SQLite file (relative to this file) or postgresql://
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mamori.checks.errors import ConfigError, Location, display_path, suggest
from mamori.checks.model import Cause, Severity
from mamori.checks.ruleset import RuleSpec
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
                                "allow_incomplete": {"type": "boolean"}}},
        "history": {"type": "string", "minLength": 1,
                    "description": "Run history: a SQLite file (relative to this file) or "
                                   "a postgresql:// URL (prefer $MAMORI_HISTORY for secrets)."},
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
    #: ``history:``: a SQLite path (resolved against the config's folder) or a URL.
    history: str | None = None
    doc: Document | None = None

    def enabled(self, spec: RuleSpec) -> bool:
        """Whether the config leaves this rule switched on."""
        rid = spec.info.id
        if rid in self.disabled_rules or (self.only_rules and rid not in self.only_rules):
            return False
        return not any(c in self.disabled_causes for c in spec.info.causes)


def load_config(path: Path) -> Config:
    """Read and validate a config file (rule references are checked by ``check_rules``)."""
    docs = load_documents(path, ConfigError)
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise ConfigError("the config must be a single YAML mapping", Location(display_path(path)))
    doc = docs[0]
    validate(doc, CONFIG_SCHEMA, ConfigError)
    data = doc.data
    base = path.parent
    gate = data.get("gate", {})
    return Config(
        rule_dirs=tuple(base / d for d in data.get("rule_dirs", [])),
        builtin_rules=data.get("builtin_rules", True),
        disabled_rules=frozenset(data.get("rules", {}).get("disable", [])),
        only_rules=frozenset(data.get("rules", {}).get("only", [])),
        disabled_causes=frozenset(Cause(c) for c in data.get("causes", {}).get("disable", [])),
        severity={k: Severity(v) for k, v in data.get("severity", {}).items()},
        params=data.get("params", {}),
        fail_on=gate.get("fail_on"),
        allow_incomplete=gate.get("allow_incomplete"),
        history=_history_target(data.get("history"), base),
        doc=doc,
    )


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
        if rid not in by_id:
            raise ConfigError(f"unknown rule id '{rid}'{suggest(rid, by_id)}",
                              config.doc.location(path))
    for rid, overrides in config.params.items():
        _check_params(config.doc, by_id[rid], overrides)


def _check_params(doc: Document, spec: RuleSpec, overrides: Mapping[str, Any]) -> None:
    defaults = spec.info.params
    for name, value in overrides.items():
        where = doc.location(("params", spec.info.id, name))
        if name not in defaults:
            known = ", ".join(sorted(defaults)) or "none"
            raise ConfigError(f"rule {spec.info.id} has no param '{name}' (params: {known})",
                              where)
        if _kind(value) != _kind(defaults[name]):
            raise ConfigError(f"param '{name}' of {spec.info.id} expects "
                              f"{_kind(defaults[name])}, got {value!r}", where)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    return "a string"


def discover(explicit: Path | None, cwd: Path) -> Config:
    """The config to use: ``--config`` if given, else ./mamori.yaml if present."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("config file not found", Location(display_path(explicit)))
        return load_config(explicit)
    default = cwd / DEFAULT_NAME
    return load_config(default) if default.is_file() else Config()
