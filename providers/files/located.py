"""Parsed YAML/JSON containers that remember where each value was written.

The YAML and JSON readers build these instead of plain ``dict`` and ``list`` so that
every error about a record can name the line of the offending key or list item. They
also keep the source text of non-string scalars (``os_version: 10.10`` parses as the
float 10.1, ``id: 007`` as the int 7): a text attribute takes the text as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any


class LineMap(dict[str, Any]):
    """A mapping with the line of the mapping itself and of each key."""

    __slots__ = ("key_lines", "line", "texts")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.key_lines: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    def put(self, key: str, value: Any, line: int, text: str | None = None) -> None:
        """Store ``value`` under ``key``, written at ``line`` (as ``text`` if given)."""
        self[key] = value
        self.key_lines[key] = line
        if text is not None:
            self.texts[key] = text

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping when the key has none."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list with the line of the list itself and of each item."""

    __slots__ = ("item_lines", "line", "texts")

    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line
        self.item_lines: list[int] = []
        self.texts: dict[int, str] = {}

    def add(self, value: Any, line: int, text: str | None = None) -> None:
        """Append ``value``, written at ``line`` (as ``text`` if given)."""
        if text is not None:
            self.texts[len(self)] = text
        self.append(value)
        self.item_lines.append(line)

    def line_of(self, index: int) -> int:
        """The line of item ``index``, or of the list when unknown."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


def line_of(container: object, key: str | int, default: int) -> int:
    """The line of ``key`` in a located container, else ``default``."""
    if isinstance(container, LineMap) and isinstance(key, str):
        return container.key_lines.get(key, default)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.line_of(key)
    return default


def text_of(container: object, key: str | int) -> str | None:
    """The source text of a non-string scalar at ``key``, when the reader kept it."""
    if isinstance(container, LineMap) and isinstance(key, str):
        return container.texts.get(key)
    if isinstance(container, LineList) and isinstance(key, int):
        return container.texts.get(key)
    return None


def plain(value: Any) -> Any:
    """Copy ``value`` into plain dicts and lists (for free-form ``raw``/``x_`` values).

    Shared sub-values (YAML aliases) are copied once and shared again, so an alias-heavy
    document cannot blow up here.
    """
    memo: dict[int, Any] = {}

    def copy(item: Any) -> Any:
        if isinstance(item, dict | list):
            if id(item) in memo:
                return memo[id(item)]
            if isinstance(item, dict):
                out: Any = {}
                memo[id(item)] = out
                out.update((str(k), copy(v)) for k, v in item.items())
            else:
                out = []
                memo[id(item)] = out
                out.extend(copy(v) for v in item)
            return out
        if isinstance(item, str | int | float | bool | date) or item is None:
            return item
        return str(item)  # e.g. YAML !!binary: keep something printable, never bytes

    return copy(value)


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as read from a file, before it is checked against the vocabulary.

    ``line`` is the line of the record (YAML/JSON) or its spreadsheet row (CSV, where
    the header is row 1). ``type_hint`` is the type given by the document's ``type:`` or
    the file name; ``defaults`` are the document's ``provider``/``account``/``region``.
    """

    file: str
    line: int
    row: bool
    data: LineMap
    type_hint: str | None = None
    defaults: Mapping[str, str] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """``path:line``, or ``path:row N`` for a CSV row."""
        return f"{self.file}:row {self.line}" if self.row else f"{self.file}:{self.line}"

    def where(self) -> str:
        """A prefix for messages: ``row N: `` for CSV (a row is not a text line)."""
        return f"row {self.line}: " if self.row else ""
