"""Safe YAML loading that remembers where every value came from.

Rules, configs and waivers are user files: an error in them must name the file, the
line and the key. PyYAML's constructed data forgets positions, so documents are built
from the composed node tree while a side table maps each key path to its line.
Duplicate keys in a mapping (silently last-wins in PyYAML) are an error here. Scalars
mean what mamori.checks.yamlsafe says (decimal numbers, no NaN, no control characters).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mamori.checks import yamlsafe
from mamori.checks.errors import InputError, Location, display_path
from mamori.checks.inputs import read_text_input
from mamori.checks.text import describe_char, unsafe_position

KeyPath = tuple[str | int, ...]
_Loader = yamlsafe.FastLoader


@dataclass(frozen=True)
class Document:
    """One YAML document: its data and the line of every key path in it."""

    data: Any
    file: str
    lines: dict[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath) -> int | None:
        """The line of ``path`` or of its closest parent that has one."""
        for end in range(len(path), -1, -1):
            found = self.lines.get(tuple(path[:end]))
            if found is not None:
                return found
        return None

    def location(self, path: KeyPath) -> Location:
        """A Location naming file, line and the dotted key path."""
        return Location(self.file, self.line(path), format_path(path) or None)


def format_path(path: KeyPath) -> str:
    """Render a key path like ``assert.all[1].attr``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _build(loader: Any, node: yaml.Node, path: KeyPath, doc: Document,
           error: type[InputError]) -> Any:
    doc.lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, list | dict):
                raise error("a mapping key must be a scalar",
                            Location(doc.file, key_node.start_mark.line + 1, format_path(path)))
            if key in result:
                raise error(f"duplicate key '{key}'",
                            Location(doc.file, key_node.start_mark.line + 1,
                                     format_path((*path, key))))
            child = (*path, key)
            doc.lines[child] = key_node.start_mark.line + 1
            result[key] = _build(loader, value_node, child, doc, error)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc, error) for i, item in enumerate(node.value)]
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. an impossible date such as 2026-02-30
        raise error(f"invalid value: {exc}",
                    Location(doc.file, node.start_mark.line + 1, format_path(path))) from exc


def parse_documents(text: str, file: str, error: type[InputError]) -> Iterator[Document]:
    """Yield every non-empty document of a YAML text, raising ``error`` with a line."""
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            try:
                yamlsafe.check_tree(node)
            except yamlsafe.YamlTooLarge as exc:
                raise error(f"invalid YAML: {exc.message}", Location(file, exc.line)) from exc
            doc = Document(data=None, file=file)
            data = _build(loader, node, (), doc, error)
            yield Document(data=data, file=file, lines=doc.lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(f"invalid YAML: {exc.problem or exc}", Location(file, line)) from exc
    except yaml.YAMLError as exc:
        raise error(f"invalid YAML: {exc}", Location(file)) from exc
    finally:
        loader.dispose()


def load_documents(path: Path, error: type[InputError]) -> list[Document]:
    """Read a UTF-8 YAML file (BOM allowed; a regular file only) into located documents."""
    name = display_path(path)
    text = read_text_input(path, error, name)
    bad = unsafe_position(text)
    if bad is not None:
        raise error(f"invalid YAML: the file contains {describe_char(text[bad])}, which mamori "
                    "does not accept in input", Location(name, text.count("\n", 0, bad) + 1))
    return list(parse_documents(text, name, error))
