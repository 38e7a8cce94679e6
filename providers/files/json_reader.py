"""A small JSON parser that keeps line numbers (the stdlib parser forgets them).

It accepts exactly RFC 8259 JSON (scalars are decoded by the stdlib decoder itself, with
``raw_decode`` at each position), builds ``LineMap``/``LineList`` containers, keeps the
source text of numbers and booleans, and treats a duplicate key in one object as an
error, like the YAML reader does. Like every reader of user input it also refuses what
RFC 8259 allows but mamori does not: text holding control characters or lone surrogates
(written as ``\u001b`` or ``\ud800`` escapes), numbers too large to be finite
(``1e400``) or longer than ``MAX_INT_DIGITS``, and nesting deeper than ``MAX_DEPTH``.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from typing import Any

from mamori.checks.text import input_problem
from mamori.checks.yamlsafe import MAX_DEPTH, MAX_INT_DIGITS
from mamori.providers.files.located import LineList, LineMap

_WS = re.compile(r"[ \t\n\r]*")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


_SCALARS = json.JSONDecoder(parse_constant=_no_constants)


class JsonProblem(Exception):
    """A JSON document is invalid: a message and the 1-based line it refers to."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


class _Parser:
    """Recursive descent over one JSON text; positions become lines by bisection."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.depth = 0

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def fail(self, message: str, pos: int) -> JsonProblem:
        return JsonProblem(f"JSON syntax error: {message}", self.line(pos))

    def skip(self, pos: int) -> int:
        match = _WS.match(self.text, pos)
        return match.end() if match else pos

    def document(self) -> Any:
        pos = self.skip(0)
        value, _, pos = self.value(pos)
        pos = self.skip(pos)
        if pos != len(self.text):
            raise self.fail("extra data after the end of the document", pos)
        return value

    def value(self, pos: int) -> tuple[Any, str | None, int]:
        """Parse the value at ``pos``: (value, source text if a number/boolean, end)."""
        char = self.text[pos:pos + 1]
        if char in ("{", "["):
            return self.container(char, pos)
        try:
            scalar, end = _SCALARS.raw_decode(self.text, pos)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None
        except ValueError as exc:  # NaN, Infinity, an integer of thousands of digits
            if "digits" in str(exc):
                raise JsonProblem(f"integer with more than {MAX_INT_DIGITS} digits",
                                  self.line(pos)) from None
            raise self.fail(str(exc), pos) from None
        text = None if isinstance(scalar, str) or scalar is None else self.text[pos:end]
        self.check_scalar(scalar, pos, end)
        return scalar, text, end

    def container(self, char: str, pos: int) -> tuple[Any, str | None, int]:
        """A mapping or list, no deeper than MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise JsonProblem(f"nested more than {MAX_DEPTH} levels deep", self.line(pos))
        value, end = self.mapping(pos) if char == "{" else self.sequence(pos)
        self.depth -= 1
        return value, None, end

    def check_scalar(self, scalar: Any, pos: int, end: int) -> None:
        """Refuse text with control characters, infinite and overlong numbers."""
        if isinstance(scalar, str):
            problem = input_problem(scalar)
            if problem is not None:
                raise JsonProblem(f"text {problem}", self.line(pos))
        elif isinstance(scalar, float) and not math.isfinite(scalar):
            raise JsonProblem(f"number {self.text[pos:end]} is too large", self.line(pos))
        elif isinstance(scalar, int) and end - pos > MAX_INT_DIGITS + 1:
            raise JsonProblem(f"integer with more than {MAX_INT_DIGITS} digits", self.line(pos))

    def mapping(self, start: int) -> tuple[LineMap, int]:
        result = LineMap(self.line(start))
        pos = self.skip(start + 1)
        if self.text.startswith("}", pos):
            return result, pos + 1
        while True:
            if not self.text.startswith('"', pos):
                raise self.fail("expecting a property name in double quotes", pos)
            key_line = self.line(pos)
            key, _, pos = self.value(pos)
            if key in result:
                raise JsonProblem(f"duplicate key '{key}' (first written at line "
                                  f"{result.key_lines[key]})", key_line)
            pos = self.skip(pos)
            if not self.text.startswith(":", pos):
                raise self.fail("expecting ':' after a property name", pos)
            value, text, pos = self.value(self.skip(pos + 1))
            result.put(key, value, key_line, text)
            pos = self.skip(pos)
            if self.text.startswith("}", pos):
                return result, pos + 1
            if not self.text.startswith(",", pos):
                raise self.fail("expecting ',' or '}'", pos)
            pos = self.skip(pos + 1)

    def sequence(self, start: int) -> tuple[LineList, int]:
        result = LineList(self.line(start))
        pos = self.skip(start + 1)
        if self.text.startswith("]", pos):
            return result, pos + 1
        while True:
            item_line = self.line(pos)
            value, text, pos = self.value(pos)
            result.add(value, item_line, text)
            pos = self.skip(pos)
            if self.text.startswith("]", pos):
                return result, pos + 1
            if not self.text.startswith(",", pos):
                raise self.fail("expecting ',' or ']'", pos)
            pos = self.skip(pos + 1)


def load_json(text: str) -> Any:
    """Parse one JSON document into located containers; raise ``JsonProblem``."""
    parser = _Parser(text)
    try:
        return parser.document()
    except RecursionError as exc:
        raise JsonProblem("JSON nesting too deep", 1) from exc
