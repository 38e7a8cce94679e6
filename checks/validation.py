"""JSON Schema validation of user YAML with errors that name file, line and key.

Used for rules, the organisation config and (later) waivers: one place turns the
most relevant jsonschema error into a located ``InputError`` with a plain message.
"""

from __future__ import annotations

from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from mamori.checks.errors import InputError, suggest
from mamori.checks.text import printable
from mamori.checks.yamlsrc import Document, KeyPath


def validate(doc: Document, schema: dict[str, Any], error: type[InputError]) -> None:
    """Raise ``error`` for the most relevant schema violation in ``doc``, if any.

    A mapping key that is not text (YAML allows ``1:`` or ``true:``) is refused first:
    no key of mamori's files is a number, and JSON Schema cannot describe one.
    """
    odd = _non_text_key(doc.data, ())
    if odd is not None:
        path, key = odd
        raise error(f"a key must be text, got {_shown(key)}", doc.location((*path, key)))
    validator = jsonschema.Draft202012Validator(schema)
    found = best_match(validator.iter_errors(doc.data))
    if found is None:
        return
    path, message = describe(found)
    raise error(message, doc.location(path))


def _non_text_key(data: Any, path: KeyPath) -> tuple[KeyPath, Any] | None:
    """The first mapping key that is not a string, with the path to its mapping."""
    stack: list[tuple[Any, KeyPath]] = [(data, path)]
    while stack:
        value, where = stack.pop()
        if isinstance(value, dict):
            for key in value:
                if not isinstance(key, str):  # also None: YAML's "~:" or "null:"
                    return where, key
            stack.extend(reversed([(item, (*where, k)) for k, item in value.items()]))
        elif isinstance(value, list):
            stack.extend(reversed([(item, (*where, i)) for i, item in enumerate(value)]))
    return None


def _shown(value: Any, limit: int = 60) -> str:
    """A value for a message: repr, control characters escaped, long ones cut."""
    text = printable(repr(value))
    return text if len(text) <= limit else text[:limit - 3] + "..."


def describe(err: ValidationError) -> tuple[KeyPath, str]:
    """The key path and a plain-language message for a jsonschema error."""
    path: KeyPath = tuple(err.absolute_path)
    instance = err.instance
    schema = err.schema if isinstance(err.schema, dict) else {}
    expected: Any = err.validator_value
    if err.validator == "additionalProperties" and isinstance(instance, dict):
        allowed = list(schema.get("properties", {}))
        extra = [k for k in instance if k not in allowed]
        if extra:
            key = str(extra[0])
            hint = suggest(key, allowed)
            return (*path, key), f"unknown key '{key}'{hint} (allowed: {', '.join(allowed)})"
    if err.validator == "required" and isinstance(instance, dict):
        missing = [k for k in expected if k not in instance]
        if missing:
            return path, f"missing required key '{missing[0]}'"
    if err.validator == "enum":
        choices = ", ".join(str(c) for c in expected)
        return path, f"{_shown(instance)} is not one of: {choices}"
    if err.validator == "type":
        return path, f"expected {expected}, got {type(instance).__name__} {_shown(instance)}"
    return path, _shown_message(err.message)


def _shown_message(message: str, limit: int = 200) -> str:
    text = printable(message)
    return text if len(text) <= limit else text[:limit - 3] + "..."
