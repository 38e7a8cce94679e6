"""A snapshot line back into a resource or a collection error, validated like any inventory.

A snapshot is a file a person can edit, copy or be handed, so the reader trusts nothing
in it: every envelope key is checked (a known resource type, non-blank ``id`` and
``provider``, text without control characters or lone surrogates, known data classes, a
whole number of records), every attribute must be documented for the type (or live
under ``raw``/``x_``) and hold a value of its documented kind
(:func:`mamori.checks.typed.check_value`), and nesting is bounded. Values the writer
withheld (secrets, ``raw``) are removed and their paths recorded on a
:class:`~mamori.checks.secrets.WithheldResource`, so a rule that reads one is ERROR.

Problems raise :class:`SnapshotProblem` with the key they concern; the provider turns
it into an ``InventoryError`` with the file and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from mamori.checks import vocabulary as vocab
from mamori.checks.errors import suggest
from mamori.checks.model import CollectionError, DataClass, Resource
from mamori.checks.secrets import WithheldResource
from mamori.checks.tagged import WITHHELD, decode
from mamori.checks.text import input_problem, is_blank, printable
from mamori.checks.typed import check_value, free_form_problem, kind_name

#: Deepest nesting of objects and lists in one snapshot line (the same limit as every
#: YAML input): deeper is refused before anything is built from it.
MAX_DEPTH = 100
_DATA_CLASSES = tuple(d.value for d in DataClass)


class SnapshotProblem(ValueError):
    """What is wrong with one line, and the key it concerns (if any)."""

    def __init__(self, message: str, key: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.key = key


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """True when objects and lists nest more than ``limit`` levels (checked iteratively)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else (
            item if isinstance(item, list) else None)
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise SnapshotProblem(f"expected text, got {kind_name(value)}", key)
    problem = input_problem(value)
    if problem is not None:
        raise SnapshotProblem(problem, key)
    if required and is_blank(value):
        raise SnapshotProblem("must not be blank", key)
    return value


def _type(data: Mapping[str, Any], key: str = "type") -> str:
    rtype = _text(data, key, required=True)
    if rtype not in vocab.VOCABULARY:
        hint = suggest(rtype, vocab.RESOURCE_TYPES)
        raise SnapshotProblem(f"unknown resource type {printable(rtype)!r}{hint} (known: "
                              f"{', '.join(vocab.RESOURCE_TYPES)})", key)
    return rtype


def _strip(value: Any, path: str, withheld: list[str]) -> Any:
    """``value`` without withheld markers; their paths are added to ``withheld``."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            if item is WITHHELD:
                withheld.append(child)
            else:
                out[key] = _strip(item, child, withheld)
        return out
    if isinstance(value, list | tuple):
        if any(item is WITHHELD for item in value):
            raise SnapshotProblem("a withheld marker may only stand for a value of a key", path)
        items = [_strip(item, path, withheld) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def _tags(data: Mapping[str, Any], withheld: list[str]) -> dict[str, str]:
    tags = data["tags"]
    if not isinstance(tags, dict):
        raise SnapshotProblem(f"expected an object of tag names and values, got "
                              f"{kind_name(tags)}", "tags")
    out = {}
    for name, value in tags.items():
        key = f"tags.{printable(name)}"
        problem = input_problem(name)
        if problem is None and value == {"$withheld": True}:
            withheld.append(f"tags.{name}")
            continue
        if problem is None:
            problem = (input_problem(value) if isinstance(value, str)
                       else f"expected text, got {kind_name(value)}")
        if problem is not None:
            raise SnapshotProblem(problem, key)
        out[name] = value
    return out


def _records(data: Mapping[str, Any]) -> int | None:
    records = data["records"]
    if records is None:
        return None
    if isinstance(records, bool) or not isinstance(records, int) or records < 0:
        raise SnapshotProblem(f"expected a whole number >= 0 or null, got "
                              f"{kind_name(records)}", "records")
    return records


def _data_classes(data: Mapping[str, Any]) -> tuple[DataClass, ...] | None:
    classes = data["data_classes"]
    if classes is None:  # could not be read when the snapshot was taken
        return None
    if not isinstance(classes, list):
        raise SnapshotProblem(f"expected a list, got {kind_name(classes)}", "data_classes")
    for index, item in enumerate(classes):
        if item not in _DATA_CLASSES:
            raise SnapshotProblem(f"expected one of {', '.join(_DATA_CLASSES)}",
                                  f"data_classes[{index}]")
    return tuple(DataClass(item) for item in classes)


def attribute_problems(rtype: str, attributes: Mapping[str, Any],
                       prefix: str = "") -> Iterator[tuple[str, str]]:
    """(key path, problem) for every attribute that is unknown or of the wrong kind."""
    fields = vocab.VOCABULARY[rtype]
    for key, value in attributes.items():
        path = f"{prefix}{key}"
        if not prefix and (key == vocab.RAW_KEY or key.startswith(vocab.CUSTOM_PREFIX)):
            problem = free_form_problem(value)
        elif path in fields:
            problem = check_value(fields[path], value)
        elif isinstance(value, dict) and any(f.startswith(path + ".") for f in fields):
            yield from attribute_problems(rtype, value, path + ".")
            continue
        elif key.startswith(vocab.CUSTOM_PREFIX):
            problem = free_form_problem(value)
        else:
            hint = suggest(path, fields)
            problem = (f"unknown attribute for resource type {rtype}{hint} (custom "
                       f"attributes start with '{vocab.CUSTOM_PREFIX}')")
        if problem is not None:
            yield printable(path), problem


def resource(data: Mapping[str, Any]) -> Resource:
    """The resource a ``kind: resource`` line describes (keys already checked)."""
    rtype = _type(data)
    withheld: list[str] = []
    tags = _tags(data, withheld)
    raw_attributes = data["attributes"]
    if not isinstance(raw_attributes, dict):
        raise SnapshotProblem(f"expected an object, got {kind_name(raw_attributes)}",
                              "attributes")
    try:
        attributes = _strip(decode(raw_attributes), "", withheld)
    except (TypeError, ValueError) as exc:
        raise SnapshotProblem(f"invalid value: {exc}", "attributes") from None
    for key in attributes:
        if not isinstance(key, str) or input_problem(key):
            raise SnapshotProblem(input_problem(key) or "keys must be text", "attributes")
    for path, problem in attribute_problems(rtype, attributes):
        raise SnapshotProblem(problem, f"attributes.{path}")
    fields = {"type": rtype, "id": _text(data, "id", required=True),
              "provider": _text(data, "provider", required=True),
              "name": _text(data, "name"), "account": _text(data, "account"),
              "region": _text(data, "region"), "tags": tags,
              "data_classes": _data_classes(data), "records": _records(data),
              "source": _text(data, "source"), "attributes": attributes}
    if withheld:
        return WithheldResource(**fields, withheld=tuple(withheld))
    return Resource(**fields)


def collection_error(data: Mapping[str, Any]) -> CollectionError:
    """The collection error a ``kind: error`` line describes (keys already checked)."""
    types = data["resource_types"]
    if not isinstance(types, list):
        raise SnapshotProblem(f"expected a list of resource types, got {kind_name(types)}",
                              "resource_types")
    checked = tuple(_type({f"resource_types[{i}]": t}, f"resource_types[{i}]")
                    for i, t in enumerate(types))
    return CollectionError(
        provider=_text(data, "provider", required=True), operation=_text(data, "operation"),
        scope=_text(data, "scope"), code=_text(data, "code"), message=_text(data, "message"),
        resource_types=checked, account=_text(data, "account"), region=_text(data, "region"))


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise SnapshotProblem(f"duplicate key {printable(key)!r} in one object", key)
        out[key] = value
    return out


def _no_constant(name: str) -> Any:
    raise SnapshotProblem(f"{name} is not a number JSON allows")


def _finite(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise SnapshotProblem(f"the number {text[:40]} is too large")
    return number


def parse_line(raw: bytes) -> Any:
    """One line of a snapshot as JSON data: strict UTF-8 and RFC 8259 JSON, no duplicate
    keys, no NaN or infinities, nesting at most :data:`MAX_DEPTH` deep."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SnapshotProblem(f"not UTF-8 text (byte {exc.start + 1} of the line)") from None
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant,
                          parse_float=_finite)
    except json.JSONDecodeError as exc:
        raise SnapshotProblem(f"not a JSON line: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise SnapshotProblem(f"nested more than {MAX_DEPTH} levels deep") from None
    except SnapshotProblem:
        raise
    except ValueError as exc:  # an integer with more digits than Python converts
        raise SnapshotProblem(f"not a JSON line: {exc}") from None
    if too_deep(data):
        raise SnapshotProblem(f"nested more than {MAX_DEPTH} levels deep")
    return data
