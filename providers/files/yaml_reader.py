"""Safe YAML loading that keeps line numbers and refuses duplicate keys.

Only ``yaml.SafeLoader`` constructors are used: no Python objects, no code. Mappings
become ``LineMap`` and sequences ``LineList`` so that errors can name lines. Keys are
always the text as written (``on:`` stays ``"on"``, never ``True``). A duplicate key in
one mapping is an error, and so is a document whose aliases would expand beyond
``MAX_NODES`` (the "billion laughs" attack).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from mamori.checks.yamlsrc import MAX_NODES, YamlTooLarge, check_expanded_size
from mamori.providers.files.located import LineList, LineMap


class YamlProblem(Exception):
    """A YAML document is invalid: a message and the 1-based line it refers to."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class LineConstructor(yaml.constructor.SafeConstructor):
    """SafeConstructor whose mappings and lists remember lines; duplicate keys are errors.

    Mixed into a safe loader below: only the safe constructors are ever registered.
    """

    def construct_document(self, node: yaml.Node) -> Any:
        """Refuse alias bombs before building anything."""
        _check_size(node)
        return super().construct_document(node)

    def construct_line_map(self, node: yaml.MappingNode) -> LineMap:
        """Build a ``LineMap``; keys are their source text."""
        _check_duplicates(node)
        self.flatten_mapping(node)  # `<<: *defaults` merges; explicit keys come last and win
        result = LineMap(_line(node))
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem("a mapping key must be a plain text key", _line(key_node))
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


def _check_duplicates(node: yaml.MappingNode) -> None:
    seen: dict[str, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge" or not isinstance(key_node, yaml.ScalarNode):
            continue
        key = str(key_node.value)
        if key in seen:
            raise YamlProblem(
                f"duplicate key '{key}' (first written at line {seen[key]})", _line(key_node))
        seen[key] = _line(key_node)


def _check_size(root: yaml.Node) -> None:
    """The shared alias-bomb guard, as a YamlProblem with the line."""
    try:
        check_expanded_size(root, MAX_NODES)
    except YamlTooLarge as exc:
        raise YamlProblem(exc.message, exc.line) from exc


class LineLoader(LineConstructor, yaml.SafeLoader):
    """The reference loader: PyYAML's pure-Python safe loader with line tracking."""


# libyaml parses about five times faster; its nodes carry the same marks, and the safe
# constructors above are the only ones it runs. Used when PyYAML was built with it.
_LOADERS: list[type[LineConstructor]] = [LineLoader]
FAST_LOADER: type[LineConstructor] = LineLoader
if getattr(yaml, "__with_libyaml__", False):
    class FastLineLoader(LineConstructor, yaml.CSafeLoader):
        """LineLoader on libyaml's parser."""

    _LOADERS.append(FastLineLoader)
    FAST_LOADER = FastLineLoader

_CONSTRUCTORS: dict[str, Any] = {
    "tag:yaml.org,2002:map": LineConstructor.construct_line_map,
    "tag:yaml.org,2002:seq": LineConstructor.construct_line_list,
    "tag:yaml.org,2002:timestamp": LineConstructor.construct_lenient_timestamp,
}
for _loader in _LOADERS:
    for _tag, _constructor in _CONSTRUCTORS.items():
        _loader.add_constructor(_tag, _constructor)


def load_documents(text: str, *, fast: bool = True) -> Iterator[Any]:
    """Yield each YAML document of ``text``; raise ``YamlProblem`` with a line.

    ``fast`` uses libyaml's parser when available (same results, same lines).
    """
    loader = FAST_LOADER if fast else LineLoader
    try:
        yield from yaml.load_all(text, Loader=loader)  # type: ignore[arg-type]
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
