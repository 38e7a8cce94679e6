"""Saved inventories: write what providers collected, scan it again offline.

A snapshot is JSON Lines (UTF-8)::

    {"mamori_snapshot": 1, "saved": "2026-11-29T09:00:00+00:00", "tool_version": "0.1.0"}
    {"kind": "resource", "type": "host", "id": ..., <envelope>, "attributes": {...}}
    {"kind": "error", "provider": "aws", "operation": ..., <CollectionError fields>}
    {"kind": "end", "resources": 1, "errors": 1}

Values JSON has no type for are tagged so that they come back exactly: ``{"$date":
"2026-11-29"}``, ``{"$datetime": "2026-11-29T09:00:00+09:00"}``, ``{"$tuple": [...]}``, and
``{"$map": {...}}`` for a mapping whose own keys start with ``$``. The ``end`` line makes
a truncated snapshot an error instead of a silently smaller inventory. The writer fills a
temporary file and renames it into place only when the scan finished.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar

from mamori.checks import __version__
from mamori.checks.errors import InventoryError, Location, display_path
from mamori.checks.model import CollectionError, DataClass, Resource
from mamori.providers.interface import Collected, Provider

FORMAT = 1
HEADER_KEY = "mamori_snapshot"
_TAGS = ("$date", "$datetime", "$tuple", "$map")
_RESOURCE_KEYS = frozenset({"kind", "type", "id", "name", "provider", "account", "region",
                            "tags", "data_classes", "records", "source", "attributes"})
_ERROR_KEYS = frozenset({"kind", "provider", "operation", "scope", "code", "message",
                         "resource_types", "account", "region"})


def encode(value: Any) -> Any:
    """JSON-ready form of an attribute value, dates and tuples tagged."""
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a snapshot can only save mappings with text keys")
        out = {k: encode(v) for k, v in value.items()}
        return {"$map": out} if any(k.startswith("$") for k in out) else out
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a snapshot cannot save a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The value ``encode`` was given; raise ``ValueError`` for an unknown ``$`` tag."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and next(iter(value)) in _TAGS:
        tag, inner = next(iter(value.items()))
        if tag == "$date":
            return date.fromisoformat(inner)
        if tag == "$datetime":
            return datetime.fromisoformat(inner)
        if tag == "$tuple":
            return tuple(decode(v) for v in inner)
        return {k: decode(v) for k, v in inner.items()}
    if any(k.startswith("$") for k in value):
        raise ValueError(f"unknown tagged value {sorted(value)}")
    return {k: decode(v) for k, v in value.items()}


def resource_line(resource: Resource) -> dict[str, Any]:
    """The snapshot line of a resource."""
    return {"kind": "resource", **resource.envelope(),
            "attributes": encode(resource.attributes)}


def partial_path(path: Path) -> Path:
    """Where a snapshot is written until it is complete (then renamed to ``path``)."""
    return path.with_name(path.name + ".partial")


class SnapshotWriter:
    """Writes a snapshot; use as a context manager around the scan.

    Nothing appears at ``path`` unless the ``with`` block ends without an exception.
    """

    def __init__(self, path: Path | str, *, saved: datetime | None = None) -> None:
        self.path = Path(path)
        self.saved = saved or datetime.now(UTC)
        self._partial = partial_path(self.path)
        self._file: IO[str] | None = None
        self.resources = 0
        self.errors = 0

    def __enter__(self) -> SnapshotWriter:
        self._file = self._partial.open("w", encoding="utf-8", newline="\n")
        self._line({HEADER_KEY: FORMAT, "saved": self.saved.isoformat(),
                    "tool_version": __version__})
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._file is None:
            return
        try:
            if exc is None:
                self._line({"kind": "end", "resources": self.resources, "errors": self.errors})
        finally:
            self._file.close()
            self._file = None
        if exc is None:
            os.replace(self._partial, self.path)
        else:
            self._partial.unlink(missing_ok=True)

    def _line(self, data: Mapping[str, Any]) -> None:
        if self._file is None:
            raise RuntimeError("SnapshotWriter.write() outside its 'with' block")
        self._file.write(json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n")

    def write(self, item: Collected) -> None:
        """Save one resource or collection error."""
        if isinstance(item, Resource):
            self._line(resource_line(item))
            self.resources += 1
        else:
            self._line({"kind": "error", **item.to_dict()})
            self.errors += 1

    def tee(self, items: Iterable[Collected]) -> Iterator[Collected]:
        """Save each item and pass it on, so a scan can save as it goes."""
        for item in items:
            self.write(item)
            yield item


class SnapshotProvider(Provider):
    """Streams a saved snapshot back: the same resources and errors, in the same order."""

    name: ClassVar[str] = "snapshot"

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.file = display_path(self.path)
        self.header: dict[str, Any] = {}

    def describe(self) -> str:
        """``snapshot: PATH``."""
        return f"{self.name}: {self.file}"

    def collect(self) -> Iterator[Collected]:
        """Yield every saved item; a bad or truncated snapshot raises ``InventoryError``."""
        counts = {"resources": 0, "errors": 0}
        ended = False
        for number, data in self._lines():
            if number == 1:
                self.header = self._check_header(data)
            elif ended:
                raise self._fail("content after the end line", number)
            elif data.get("kind") == "end":
                self._check_end(data, counts, number)
                ended = True
            else:
                item = self._item(data, number)
                counts["resources" if isinstance(item, Resource) else "errors"] += 1
                yield item
        if not ended:
            raise self._fail("the snapshot is truncated (no end line): it was not "
                             "completely written", None)

    def _fail(self, message: str, line: int | None, key: str | None = None) -> InventoryError:
        return InventoryError(message, Location(self.file, line, key))

    def _lines(self) -> Iterator[tuple[int, dict[str, Any]]]:
        number = 0
        try:
            with self.path.open(encoding="utf-8") as stream:
                for number, text in enumerate(stream, start=1):
                    yield number, self._parse(text, number)
        except UnicodeDecodeError:
            raise self._fail("not UTF-8 text", number + 1) from None
        except OSError as exc:
            raise self._fail(f"cannot read the snapshot: {exc.strerror}", None) from None
        if number == 0:
            raise self._fail("the snapshot is empty", None)

    def _parse(self, text: str, number: int) -> dict[str, Any]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise self._fail(f"not a JSON line: {exc.msg}", number) from None
        if not isinstance(data, dict):
            raise self._fail("expected a JSON object", number)
        return data

    def _check_header(self, data: dict[str, Any]) -> dict[str, Any]:
        version = data.get(HEADER_KEY)
        if not isinstance(version, int) or isinstance(version, bool):
            raise self._fail("not a mamori snapshot (the first line has no "
                             f"'{HEADER_KEY}' format number)", 1)
        if version != FORMAT:
            raise self._fail(f"snapshot format {version} is not supported (this mamori "
                             f"reads format {FORMAT})", 1, HEADER_KEY)
        return data

    def _check_end(self, data: dict[str, Any], counts: dict[str, int], number: int) -> None:
        expected = {"kind": "end", **counts}
        if data != expected:
            raise self._fail(f"the end line says {data}, but the snapshot holds "
                             f"{counts['resources']} resources and {counts['errors']} "
                             "errors", number)

    def _item(self, data: dict[str, Any], number: int) -> Collected:
        kind = data.get("kind")
        keys = {"resource": _RESOURCE_KEYS, "error": _ERROR_KEYS}.get(str(kind))
        if keys is None:
            raise self._fail(f"unknown kind {kind!r} (expected resource, error or end)",
                             number, "kind")
        if set(data) != keys:
            odd = sorted(set(data) ^ keys)
            raise self._fail(f"{kind} line has missing or unknown keys: {', '.join(odd)}",
                             number, odd[0])
        try:
            return _resource(data) if kind == "resource" else _error(data)
        except (TypeError, ValueError, AttributeError) as exc:
            raise self._fail(f"invalid {kind}: {exc}", number) from None


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise TypeError(f"'{key}' must be text, not {type(value).__name__}")
    return value


def _resource(data: dict[str, Any]) -> Resource:
    records = data["records"]
    if records is not None and (not isinstance(records, int) or isinstance(records, bool)):
        raise TypeError("'records' must be a whole number or null")
    if not isinstance(data["data_classes"], list):
        raise TypeError("'data_classes' must be a list")
    tags = data["tags"]
    if not isinstance(tags, dict) or not all(isinstance(v, str) for v in tags.values()):
        raise TypeError("'tags' must map names to texts")
    attributes = decode(data["attributes"])
    if not isinstance(attributes, dict):
        raise TypeError("'attributes' must be an object")
    return Resource(
        type=_text(data, "type"), id=_text(data, "id"), provider=_text(data, "provider"),
        name=_text(data, "name"), account=_text(data, "account"),
        region=_text(data, "region"), tags=tags,
        data_classes=tuple(DataClass(d) for d in data["data_classes"]),
        records=records, source=_text(data, "source"), attributes=attributes)


def _error(data: dict[str, Any]) -> CollectionError:
    types = data["resource_types"]
    if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
        raise TypeError("'resource_types' must be a list of texts")
    return CollectionError(
        provider=_text(data, "provider"), operation=_text(data, "operation"),
        scope=_text(data, "scope"), code=_text(data, "code"),
        message=_text(data, "message"), resource_types=tuple(types),
        account=_text(data, "account"), region=_text(data, "region"))
