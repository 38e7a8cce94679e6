"""Reading a ``terraform show -json`` plan file, strictly.

Accepted encodings: UTF-8 (with or without BOM) and UTF-16 LE/BE with a BOM, as
PowerShell's ``>`` writes them (UTF-16 without BOM is recognised by its NUL bytes).
Accepted documents: a JSON object with ``format_version`` of major version 0 or 1
(Terraform 0.12 wrote "0.1"/"0.2", 1.x writes "1.0" … "1.2") that has at least one of
``planned_values``, ``resource_changes`` or ``prior_state``, in the shape
:mod:`plan_shape` describes. Refused, as an
:class:`~mamori.checks.errors.InventoryError` naming the file, the line where one can be
told and the key (exit 2) — a plan that cannot be read must never look like a clean plan:

- a binary plan, a state file, truncated JSON, a future major format;
- JSON that Python would accept but RFC 8259 does not: ``NaN``/``Infinity``, and an
  object with the same key twice (which value would Terraform have meant?);
- nesting deeper than :data:`MAX_DEPTH` levels (Terraform's own output stays far below);
- control characters (other than tab and line breaks) or lone surrogates in any string,
  written raw or as ``\\u`` escapes (:func:`mamori.checks.text.input_problem`);
- sections, entries or values of the wrong kind (:mod:`plan_shape`).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

from mamori.checks.errors import InventoryError, Location, display_path
from mamori.checks.inputs import read_input
from mamori.checks.text import input_problem, printable
from mamori.providers.files.json_reader import JsonProblem, load_json
from mamori.providers.files.located import line_of
from mamori.providers.terraform.plan_shape import check_plan
from mamori.providers.terraform.shape import Path as DocPath
from mamori.providers.terraform.shape import PlanProblem, render_path

SUPPORTED_MAJORS = frozenset({0, 1})
#: Deepest nesting of objects and lists accepted in a plan file.
MAX_DEPTH = 100
_PLAN_KEYS = ("planned_values", "resource_changes", "prior_state")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))
_VERSION = re.compile(r"^[0-9]+(?:\.[0-9]+)*$")
# Candidates for refused characters: raw ones (C1, DEL) and \u escapes of C0/C1 controls,
# DEL and surrogates. A hit is confirmed on the parsed strings (an escaped backslash or a
# valid surrogate pair is not a problem).
_RAW_UNSAFE = re.compile("[\x7f-\x9f]")
_ESCAPED_UNSAFE = re.compile(r"\\u(?:00[01]|007f|00[89]|d[89a-f])", re.IGNORECASE)
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_DEPTH = {"[": 1, "{": 1, "]": -1, "}": -1}


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class _Constant(ValueError):
    pass


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return result


def _constant(name: str) -> Any:
    raise _Constant(name)


def _float(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise _Constant(f"{text[:20]} (too large)")
    return value


def read_plan(path: Path) -> dict[str, Any]:
    """The plan document at ``path``, validated; InventoryError when it is not one."""
    return read_plan_text(path)[0]


def read_plan_text(path: Path) -> tuple[dict[str, Any], str]:
    """The validated plan document at ``path`` and its decoded text (for error lines)."""
    where = display_path(path)
    # A regular file only, bounded: a FIFO or /dev/zero named as the plan is exit 2.
    data = read_input(path, InventoryError, where)
    text = decode(data, where) if data[:2] != b"PK" else ""
    return parse_plan(data, where, text), text


def parse_plan(data: bytes, where: str, text: str | None = None) -> dict[str, Any]:
    """Decode, parse and validate plan bytes; ``where`` names the file in errors."""
    if data[:2] == b"PK":
        raise _error(where, "this is a binary plan file; convert it with "
                            "'terraform show -json PLANFILE > plan.json'")
    if text is None:
        text = decode(data, where)
    document = _load(text, where)
    if not isinstance(document, dict):
        raise _error(where, "not a Terraform plan: the document is not a JSON object")
    _check_depth(text, where)
    _check_strings(document, text, where)
    check_document(document, where)
    try:
        check_plan(document)
    except PlanProblem as problem:
        raise located(problem, where, text) from None
    return document


def _load(text: str, where: str) -> Any:
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant,
                          parse_float=_float)
    except json.JSONDecodeError as exc:
        raise InventoryError(f"not valid JSON ({exc.msg}, column {exc.colno}); "
                             "the plan file may be truncated or corrupted",
                             Location(where, exc.lineno)) from exc
    except RecursionError:
        raise _error(where, f"JSON nested deeper than {MAX_DEPTH} levels") from None
    except _DuplicateKey as exc:
        raise InventoryError(f"the key '{printable(exc.key)}' is written twice in one "
                             "object; a plan has each key once",
                             Location(where, _problem_line(text))) from None
    except _Constant as exc:
        raise InventoryError(f"{exc} is not a JSON number; the plan file is corrupted",
                             Location(where, _problem_line(text))) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise _error(where, f"not valid JSON ({exc}); the plan file is corrupted") from None


def _problem_line(text: str) -> int | None:
    """The line the located JSON reader reports for a duplicate key or NaN."""
    try:
        load_json(text)
    except JsonProblem as problem:
        return problem.line
    return None


def _check_depth(text: str, where: str) -> None:
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    depth = max(accumulate(map(_DEPTH.__getitem__, brackets)), default=0)
    if depth > MAX_DEPTH:
        raise _error(where, f"JSON nested {depth} levels deep; mamori reads plans nested at "
                            f"most {MAX_DEPTH} levels")


def _check_strings(document: Any, text: str, where: str) -> None:
    """Refuse control characters and lone surrogates in any key or value."""
    if _RAW_UNSAFE.search(text) is None and _ESCAPED_UNSAFE.search(text) is None:
        return
    _walk_strings(document, (), where, text)


def _walk_strings(value: Any, path: DocPath, where: str, text: str) -> None:
    # Document order, so the line the located reader finds is this string's line.
    if isinstance(value, str):
        _refuse(value, path, where, text)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse(key, (*path, key), where, text, key=True)
            _walk_strings(item, (*path, key), where, text)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _walk_strings(item, (*path, i), where, text)


def _refuse(value: str, path: DocPath, where: str, text: str, key: bool = False) -> None:
    problem = input_problem(value)
    if problem is not None:
        what = "the key" if key else "the value"
        # The located reader refuses the same first string: its line is this one's.
        raise InventoryError(f"{what} {problem}",
                             Location(where, _problem_line(text), render_path(path) or None))


def located(problem: PlanProblem, where: str, text: str | None) -> InventoryError:
    """The InventoryError for ``problem``: file, line (when the text is at hand), key."""
    line = line_at(text, problem.path) if text else None
    return InventoryError(problem.message, Location(where, line, problem.key() or None))


def line_at(text: str, path: DocPath) -> int | None:
    """The line where the value at ``path`` is written (error paths only: slow)."""
    try:
        node: Any = load_json(text)
    except JsonProblem:
        return None
    line: int | None = getattr(node, "line", None)
    for step in path:
        found = (isinstance(node, dict) and isinstance(step, str) and step in node) or (
            isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node))
        if not found:
            break
        line = line_of(node, step, line or 1)
        node = node[step]
    return line


def decode(data: bytes, where: str) -> str:
    """Text from bytes in UTF-8 or UTF-16 (BOM-marked, or recognised by NUL bytes)."""
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    else:
        if len(data) >= 2 and data[0] == 0 and data[1] != 0:
            encoding = "utf-16-be"
        elif len(data) >= 2 and data[1] == 0 and data[0] != 0:
            encoding = "utf-16-le"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _error(where, f"cannot decode the file as {encoding}: {exc.reason} at byte "
                            f"{exc.start}; save the plan as UTF-8 or UTF-16") from exc


def check_document(document: Mapping[str, Any], where: str) -> None:
    """Raise InventoryError unless ``document`` is a plan of a supported format."""
    version = document.get("format_version")
    if not isinstance(version, str) or not _VERSION.match(version):
        hint = ""
        if "resources" in document and "version" in document:
            hint = " (this looks like a raw state file)"
        raise _error(where, f"not a Terraform plan: no 'format_version'{hint}; expected the "
                            "output of 'terraform show -json PLANFILE'", "format_version")
    major = int(version.split(".")[0])
    if major not in SUPPORTED_MAJORS:
        raise _error(where, f"unsupported plan format_version {version!r}: this mamori reads "
                            "major versions 0 and 1", "format_version")
    if not any(key in document for key in _PLAN_KEYS):
        hint = " (this looks like 'terraform show -json' of a state, not of a plan)" \
            if "values" in document else ""
        raise _error(where, "not a Terraform plan: none of planned_values, resource_changes, "
                            f"prior_state{hint}")
    for key in ("planned_values", "prior_state", "configuration", "resource_changes"):
        wanted = list if key == "resource_changes" else dict
        if document.get(key) is not None and not isinstance(document[key], wanted):
            raise _error(where, f"not a Terraform plan: '{key}' should be "
                                f"{'a list' if wanted is list else 'an object'}", key)


def _error(where: str, message: str, key: str | None = None) -> InventoryError:
    return InventoryError(message, Location(where, None, key))
