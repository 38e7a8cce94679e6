"""The rule JSON Schema, assembled from the operator table and the vocabulary.

``rules/rule.schema.json`` is this schema written out for editors; a test fails when
the shipped file and the assembled one differ, so the documentation cannot drift.
"""

from __future__ import annotations

import json
from typing import Any

from mamori.checks.model import Cause, Framework, Severity
from mamori.checks.operators import (
    COMBINATORS,
    COUNT,
    COUNT_BOUND,
    COUNT_COMPARISONS,
    COUNT_WHERE,
    EXISTS,
    IGNORE_CASE,
    IGNORING,
    OPERATORS,
    QUANTIFIERS,
    Operator,
)
from mamori.checks.vocabulary import RESOURCE_TYPES

RULE_ID_PATTERN = r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$"
PARAM_NAME_PATTERN = r"^[a-z][a-z0-9_]*$"

_TEXT = {
    "type": "object",
    "properties": {"en": {"type": "string", "minLength": 1},
                   "ja": {"type": "string", "minLength": 1}},
    "required": ["en", "ja"],
    "additionalProperties": False,
}
_SCALAR = {"type": ["string", "number", "boolean"]}
_REF = {"$ref": "#/$defs/condition"}
_ATTR = {"type": "string", "description": "dotted attribute path, e.g. encryption.enabled"}
_IGNORE_CASE = {"type": "boolean",
                "description": "compare text without regard to case or full-/half-width "
                               "(NFKC + case folding)"}


def _one_key(key: str, value: dict[str, Any], with_attr: bool, doc: str,
             extra: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {key: value}
    if with_attr:
        props = {"attr": _ATTR, **props}
    props.update(extra or {})
    return {"type": "object", "description": doc, "properties": props, "required": [key],
            "additionalProperties": False}


def _modifiers(op: Operator) -> dict[str, Any]:
    """The optional keys that may stand next to ``op``."""
    extra: dict[str, Any] = {}
    if op.folds:
        extra[IGNORE_CASE] = _IGNORE_CASE
    if op.ignores:
        extra[IGNORING] = {"anyOf": [op.schema, {"$ref": "#/$defs/param"}],
                           "description": "networks whose addresses need not be covered "
                                          "(e.g. private and reserved ranges)"}
    return extra


def _count_schema(param: dict[str, Any]) -> dict[str, Any]:
    """The operand of ``count``: an optional ``where`` and exactly one comparison."""
    bound = {"anyOf": [COUNT_BOUND, param], "description": "a number of items"}
    props: dict[str, Any] = {COUNT_WHERE: {**_REF, "description": "the items to count"}}
    props.update({c: bound for c in COUNT_COMPARISONS})
    return {"type": "object", "properties": props, "additionalProperties": False,
            "oneOf": [{"required": [c]} for c in COUNT_COMPARISONS]}


def condition_schema() -> dict[str, Any]:
    """The schema of one condition: a combinator, a quantifier or an operator test."""
    param = {"$ref": "#/$defs/param"}
    branches = [
        _one_key("all", {"type": "array", "items": _REF, "minItems": 1}, False,
                 "every condition holds"),
        _one_key("any", {"type": "array", "items": _REF, "minItems": 1}, False,
                 "at least one condition holds"),
        _one_key("not", _REF, False, "the condition does not hold"),
    ]
    branches += [_one_key(q, _REF, True, f"'{q}' item of the list at attr satisfies it")
                 for q in QUANTIFIERS]
    branches.append(_one_key(COUNT, _count_schema(param), True,
                             "how many items of the list at attr satisfy 'where' (every item "
                             "without it), compared with exactly one of "
                             + ", ".join(COUNT_COMPARISONS)))
    branches.append(_one_key(EXISTS, {"anyOf": [{"type": "boolean"}, param]}, True,
                             "the attribute is present (true) or absent (false)"))
    branches += [_one_key(op.name, {"anyOf": [op.schema, param]}, True, op.doc, _modifiers(op))
                 for op in OPERATORS.values()]
    assert len(COMBINATORS) == 3
    return {"oneOf": branches}


def rule_schema(strict_conditions: bool = True) -> dict[str, Any]:
    """The full rule schema; without ``strict_conditions`` conditions are only objects.

    The loader validates the document shape with the lenient form and leaves the
    conditions to the compiler, whose errors point at the exact key.
    """
    condition: dict[str, Any] = _REF if strict_conditions else {"type": "object"}
    schema: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:mamori:schema:rule:1",
        "title": "mamori rule",
        "description": "One mamori rule (see docs/rule-language.md).",
        "type": "object",
        "required": ["id", "title", "severity", "causes", "resource", "assert", "remediation"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "pattern": RULE_ID_PATTERN},
            "title": _TEXT,
            "description": _TEXT,
            "remediation": _TEXT,
            "severity": {"enum": [s.value for s in Severity]},
            "causes": {"type": "array", "items": {"enum": [c.value for c in Cause]},
                       "minItems": 1, "uniqueItems": True},
            "frameworks": {
                "type": "object",
                "properties": {f.value: {"type": "array", "items": {"type": "string"}}
                               for f in Framework},
                "additionalProperties": False,
            },
            "resource": {"enum": list(RESOURCE_TYPES)},
            "when": condition,
            "assert": condition,
            "params": {
                "type": "object",
                "propertyNames": {"pattern": PARAM_NAME_PATTERN},
                "additionalProperties": {"anyOf": [_SCALAR,
                                                   {"type": "array", "items": _SCALAR}]},
            },
            "references": {"type": "array", "items": {"type": "string"}},
        },
    }
    if strict_conditions:
        schema["$defs"] = {
            "condition": condition_schema(),
            "param": {"type": "object", "properties": {"param": {"type": "string"}},
                      "required": ["param"], "additionalProperties": False},
        }
    return schema


def rule_schema_text() -> str:
    """The schema as the JSON text shipped in rules/rule.schema.json."""
    return json.dumps(rule_schema(), indent=2, ensure_ascii=False) + "\n"
