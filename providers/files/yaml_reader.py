"""Safe YAML loading that keeps line numbers and refuses duplicate keys.

Only safe constructors are used: no Python objects, no code. Scalars mean what
``mamori.checks.yamlsafe`` says (decimal numbers only, no NaN or infinity, no control
characters). Mappings become ``LineMap`` and sequences ``LineList`` so that errors can
name lines. Keys are always the text as written (``on:`` stays ``"on"``, never ``True``).
A duplicate key in one mapping is an error, and so is a document that is too deep or
whose aliases would expand beyond ``MAX_NODES`` (the "billion laughs" attack).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import yaml

from mamori.checks import yamlsafe
from mamori.checks.text import input_problem
from mamori.providers.files.located import LineList, LineMap

MAX_NODES = yamlsafe.MAX_NODES


class YamlProblem(Exception):
    """A YAML document is invalid: a message and the 1-based line it refers to."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class LineConstructor(yamlsafe.StrictScalars):
    """Strict scalars, plus mappings and lists that remember lines; duplicate keys are errors.

    Mixed into the strict loaders below: only safe constructors are ever registered.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        """Refuse alias bombs and deep nesting before building anything."""
        try:
            yamlsafe.check_tree(node, MAX_NODES)
        except yamlsafe.YamlTooLarge as exc:
            raise YamlProblem(exc.message, exc.line) from exc
        return super().construct_document(node)

    def construct_line_map(self, node: yaml.MappingNode) -> LineMap:
        """Build a ``LineMap``; keys are their source text."""
        _check_keys(node)
        self.flatten_mapping(node)  # `<<: *defaults` merges; explicit keys come last and win
        result = LineMap(_line(node))
        for key_node, value_node in node.value:
            value = self.construct_object(value_node, deep=True)
            result.put(str(key_node.value), value, _line(key_node), _text(value_node, value))
        return result

    def construct_line_list(self, node: yaml.SequenceNode) -> LineList:
        """Build a ``LineList``."""
        result = LineList(_line(node))
        for item_node in node.value:
            value = self.construct_object(item_node, deep=True)
            result.add(value, _line(item_node), _text(item_node, value))
        return result

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        """A timestamp, or its text when it is no real date (2026-02-30): the attribute's
        coercion then reports it with its key and line, like any other bad date."""
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return str(node.value)


def _text(node: yaml.Node, value: Any) -> str | None:
    """The source text of a scalar that YAML resolved to something other than text."""
    if isinstance(node, yaml.ScalarNode) and not isinstance(value, str) and value is not None:
        return str(node.value)
    return None


def _check_keys(node: yaml.MappingNode) -> None:
    """Keys are plain text without control characters, each written once."""
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("a mapping key must be a plain text key", _line(key_node))
        key = str(key_node.value)
        problem = input_problem(key)
        if problem is not None:
            raise YamlProblem(f"key {problem}", _line(key_node))
        if key in seen:
            raise YamlProblem(
                f"duplicate key '{key}' (first written at line {seen[key]})", _line(key_node))
        seen[key] = _line(key_node)


class LineLoader(LineConstructor, yamlsafe.StrictLoader):
    """The reference loader: PyYAML's pure-Python parser with line tracking."""


FAST_LOADER: type[Any] = LineLoader
if yamlsafe.FastLoader is not yamlsafe.StrictLoader:
    class FastLineLoader(LineConstructor, yamlsafe.FastLoader):  # type: ignore[misc]
        """LineLoader on libyaml's parser (same results, same lines)."""

    FAST_LOADER = FastLineLoader

_CONSTRUCTORS: dict[str, Any] = {
    "tag:yaml.org,2002:map": LineConstructor.construct_line_map,
    "tag:yaml.org,2002:seq": LineConstructor.construct_line_list,
    "tag:yaml.org,2002:timestamp": LineConstructor.construct_lenient_timestamp,
}
for _tag, _constructor in _CONSTRUCTORS.items():
    LineConstructor.add_constructor(_tag, _constructor)


def load_documents(text: str, *, fast: bool = True) -> Iterator[Any]:
    """Yield each YAML document of ``text``; raise ``YamlProblem`` with a line.

    ``fast`` uses libyaml's parser when available (same results, same lines).
    """
    loader = FAST_LOADER if fast else LineLoader
    try:
        yield from yaml.load_all(text, Loader=cast("type[yaml.SafeLoader]", loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        problem = exc.problem or exc.context or "invalid YAML"
        what = "error" if isinstance(exc, yaml.constructor.ConstructorError) else "syntax error"
        raise YamlProblem(f"YAML {what}: {problem}", line) from exc
    except yaml.YAMLError as exc:
        raise YamlProblem(f"YAML error: {exc}", None) from exc
    except RecursionError as exc:
        raise YamlProblem("YAML nesting too deep", None) from exc
