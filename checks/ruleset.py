"""Loading, validating and compiling rules.

Loading validates everything (document shape against the rule schema, every condition
through the compiler, regexes, params, duplicate ids across all files) and raises
``RuleError`` with file, line and key on the first problem: a broken rule is never
skipped. Compiling binds a rule to the scan's ``as_of`` and the organisation's
overrides, once per scan.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from mamori.checks.compiler import Compiled, CompileEnv, compile_condition
from mamori.checks.errors import Location, RuleError, display_path
from mamori.checks.findings import RuleInfo, Text
from mamori.checks.inputs import check_file, walk_tree
from mamori.checks.model import Cause, Severity
from mamori.checks.operators import CompileContext
from mamori.checks.rule_schema import rule_schema
from mamori.checks.validation import validate
from mamori.checks.yamlsrc import Document, load_documents

#: Suffixes of rule files in a rule folder, compared in lower case.
RULE_SUFFIXES = (".yaml", ".yml", ".json")
_SHAPE_SCHEMA = rule_schema(strict_conditions=False)


@dataclass(frozen=True)
class RuleSpec:
    """A validated rule as written, before binding to a scan."""

    info: RuleInfo
    doc: Document

    @property
    def data(self) -> dict[str, Any]:
        """The rule document."""
        result: dict[str, Any] = self.doc.data
        return result


@dataclass(frozen=True)
class CompiledRule:
    """A rule bound to one scan: conditions compiled, overrides applied."""

    info: RuleInfo
    when: Compiled | None
    check: Compiled
    #: The message of every PASS of this rule: one string, shared by its findings.
    passed: str = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "passed", f"meets: {self.check.text}")

    def canonical(self) -> dict[str, Any]:
        """What identifies the rule's behaviour, for the rule-set hash."""
        return {"id": self.info.id, "severity": self.info.severity.value,
                "resource": self.info.resource_type, "params": dict(self.info.params),
                "when": self.when.text if self.when else None, "assert": self.check.text,
                "causes": [c.value for c in self.info.causes]}


def builtin_rules_dir() -> Path:
    """The folder of the built-in rule library inside the installed package."""
    return Path(str(files("mamori.rules").joinpath("library")))


def is_rule_file(path: Path) -> bool:
    """Whether a file found in a rule folder is a rule file: ``.yaml``, ``.yml`` or
    ``.json`` in any case (``.YAML`` from Windows editors), and not a dotfile."""
    return path.suffix.lower() in RULE_SUFFIXES and not path.name.startswith(".")


def find_rule_files(path: Path) -> list[Path]:
    """Rule files under ``path`` (a file or a folder, recursively), sorted.

    Dot-folders (``.git``, ``.github``) are skipped. Anything that is not a regular file
    (a FIFO, a device, a broken link) is an error naming it, never skipped or opened.
    """
    if not path.is_dir():
        check_file(path, RuleError)
        return [path]
    found = [p for p in walk_tree(path, RuleError, _keep_folder) if is_rule_file(p)]
    for file in found:
        check_file(file, RuleError)
    return sorted(found, key=lambda p: p.parts)


def _keep_folder(folder: Path) -> bool:
    return not folder.name.startswith(".")


def load_rules(paths: Iterable[Path]) -> list[RuleSpec]:
    """Load and fully validate every rule under ``paths``; ids must be unique.

    Every path must hold at least one rule: a folder of ``.yml`` files that were never
    read, or an empty file, is an error rather than a scan with fewer rules.
    """
    specs: list[RuleSpec] = []
    seen: dict[str, RuleSpec] = {}
    for path in paths:
        before = len(specs)
        for file in find_rule_files(path):
            for doc in load_documents(file, RuleError):
                spec = parse_rule(doc)
                if spec.info.id in seen:
                    first = seen[spec.info.id].info.source
                    raise RuleError(f"duplicate rule id '{spec.info.id}' (first defined at "
                                    f"{first})", doc.location(("id",)))
                seen[spec.info.id] = spec
                specs.append(spec)
        if len(specs) == before:
            raise RuleError(_no_rule(path), Location(display_path(path)))
    return specs


def _no_rule(path: Path) -> str:
    if path.is_dir():
        return ("no rule in this folder: rule files end in .yaml, .yml or .json (in any "
                "case), outside dot-folders")
    return "no rule in this file (it holds no YAML document)"


def parse_rule(doc: Document) -> RuleSpec:
    """Validate one rule document and return its spec."""
    if not isinstance(doc.data, dict):
        raise RuleError("a rule must be a mapping (id, title, severity, ...)",
                        doc.location(()))
    validate(doc, _SHAPE_SCHEMA, RuleError)
    data = doc.data
    info = RuleInfo(
        id=data["id"],
        title=_text(data["title"]),
        remediation=_text(data["remediation"]),
        severity=Severity(data["severity"]),
        causes=tuple(Cause(c) for c in data["causes"]),
        frameworks={k: tuple(v) for k, v in data.get("frameworks", {}).items()},
        resource_type=data["resource"],
        source=f"{doc.file}:{doc.line(())}",
        params=dict(data.get("params", {})),
    )
    spec = RuleSpec(info=info, doc=doc)
    compile_rule(spec, datetime.now(UTC))  # validates conditions and param references
    return spec


def _text(value: Mapping[str, str]) -> Text:
    return Text(en=value["en"], ja=value["ja"])


def compile_rule(spec: RuleSpec, as_of: datetime, params: Mapping[str, Any] | None = None,
                 severity: Severity | None = None) -> CompiledRule:
    """Bind ``spec`` to a scan: effective params and severity, compiled conditions."""
    effective = {**spec.info.params, **(params or {})}
    info = replace(spec.info, params=effective, severity=severity or spec.info.severity)
    env = CompileEnv(spec.doc, effective, info.resource_type, CompileContext(as_of))
    data = spec.data
    when = compile_condition(data["when"], ("when",), env) if "when" in data else None
    check = compile_condition(data["assert"], ("assert",), env)
    return CompiledRule(info=info, when=when, check=check)


def ruleset_hash(rules: Sequence[CompiledRule]) -> str:
    """A hash of the effective rule set, printed in every report for reproducibility."""
    canon = [r.canonical() for r in sorted(rules, key=lambda r: r.info.id)]
    blob = json.dumps(canon, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(blob).hexdigest()
