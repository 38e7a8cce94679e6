"""Saved inventories: write what providers collected, scan it again offline.

A snapshot is JSON Lines (UTF-8)::

    {"mamori_snapshot": 2, "saved": "2026-11-29T09:00:00+00:00", "tool_version": "0.1.0"}
    {"kind": "resource", "type": "host", "id": ..., <envelope>, "attributes": {...}}
    {"kind": "error", "provider": "aws", "operation": ..., <CollectionError fields>}
    {"kind": "end", "resources": 1, "errors": 1}

Values JSON has no type for are tagged so that they come back exactly: ``{"$date":
"2026-11-29"}``, ``{"$datetime": "2026-11-29T09:00:00+09:00"}``, ``{"$tuple": [...]}``, and
``{"$map": {...}}`` for a mapping whose own keys start with ``$``. The ``end`` line makes
a truncated snapshot an error instead of a silently smaller inventory. The writer fills a
temporary file and renames it into place only when the scan finished.

**What is not kept** (docs/snapshot.md): secret values (``password_hash``, anything whose
key says secret, secret-named tags; :mod:`mamori.checks.secrets`) and the provider's
``raw`` payload are written as ``{"$withheld": true}``. Read back, they are absent and
recorded as withheld, so a rule that reads one is ERROR on replay, never PASS.

The reader validates a snapshot like any inventory (:mod:`mamori.providers.snapshot_check`)
and reads format 1 (before values were withheld) and 2.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any, ClassVar

from mamori.checks import __version__
from mamori.checks.errors import InventoryError, Location, display_path
from mamori.checks.inputs import check_file, os_problem
from mamori.checks.model import Resource
from mamori.checks.secrets import mask_attributes, mask_tags
from mamori.checks.tagged import WITHHELD, decode, encode
from mamori.checks.text import input_problem, printable
from mamori.providers.interface import Collected, Provider
from mamori.providers.snapshot_check import (
    SnapshotProblem,
    collection_error,
    parse_line,
    resource,
)

__all__ = ["FORMAT", "SnapshotProvider", "SnapshotWriter", "decode", "encode",
           "partial_path", "resource_line"]

FORMAT = 2
READABLE_FORMATS = (1, 2)
HEADER_KEY = "mamori_snapshot"
#: Longest line the reader accepts (bytes): a damaged or hostile file cannot exhaust memory.
MAX_LINE = 64 * 1024 * 1024
_RESOURCE_KEYS = frozenset({"kind", "type", "id", "name", "provider", "account", "region",
                            "tags", "data_classes", "records", "source", "attributes"})
_ERROR_KEYS = frozenset({"kind", "provider", "operation", "scope", "code", "message",
                         "resource_types", "account", "region"})


def resource_line(resource: Resource) -> dict[str, Any]:
    """The snapshot line of a resource: secrets and ``raw`` withheld."""
    envelope = resource.envelope()
    envelope["tags"] = encode(mask_tags(resource.tags, hidden=WITHHELD))
    attributes = mask_attributes(resource.type, resource.attributes, hidden=WITHHELD,
                                 raw=WITHHELD)
    return {"kind": "resource", **envelope, "attributes": encode(attributes)}


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
        # A lone surrogate (which UTF-8 cannot encode) is written as the JSON escape
        # \udXXX: the scan never crashes on it, and the reader refuses it by line.
        self._file = self._partial.open("w", encoding="utf-8", newline="\n",
                                        errors="backslashreplace")
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

    def _open(self) -> IO[bytes]:
        """The snapshot opened for reading: a regular file only, never a FIFO or device.

        ``check_file`` decides by ``stat`` before opening (as for every input); the file
        is then opened without blocking and checked again, in case it was swapped.
        It is streamed line by line rather than read whole (``read_input``), so memory
        stays bounded by the longest line.
        """
        check_file(self.path, InventoryError, self.file)
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise self._fail(f"cannot read: {os_problem(self.path, exc)}", None) from None
        stream = os.fdopen(fd, "rb")
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            stream.close()
            raise self._fail("cannot read: not a regular file", None)
        return stream

    def _lines(self) -> Iterator[tuple[int, dict[str, Any]]]:
        number = 0
        with self._open() as stream:
            while True:
                try:
                    raw = stream.readline(MAX_LINE + 1)
                except OSError as exc:
                    raise self._fail(f"cannot read the snapshot: {exc.strerror}",
                                     number + 1) from None
                if not raw:
                    break
                number += 1
                if len(raw) > MAX_LINE:
                    raise self._fail(f"line longer than {MAX_LINE} bytes", number)
                yield number, self._parse(raw, number)
        if number == 0:
            raise self._fail("the snapshot is empty", None)

    def _parse(self, raw: bytes, number: int) -> dict[str, Any]:
        try:
            data = parse_line(raw)
        except SnapshotProblem as problem:
            raise self._fail(problem.message, number, problem.key) from None
        if not isinstance(data, dict):
            raise self._fail("expected a JSON object", number)
        return data

    def _check_header(self, data: dict[str, Any]) -> dict[str, Any]:
        version = data.get(HEADER_KEY)
        if not isinstance(version, int) or isinstance(version, bool):
            raise self._fail("not a mamori snapshot (the first line has no "
                             f"'{HEADER_KEY}' format number)", 1)
        if version not in READABLE_FORMATS:
            raise self._fail(f"snapshot format {version} is not supported (this mamori "
                             f"reads formats {', '.join(map(str, READABLE_FORMATS))})", 1,
                             HEADER_KEY)
        for key in ("saved", "tool_version"):
            if key in data and (not isinstance(data[key], str) or input_problem(data[key])):
                raise self._fail("expected text without control characters", 1, key)
        return data

    def _check_end(self, data: dict[str, Any], counts: dict[str, int], number: int) -> None:
        expected = {"kind": "end", **counts}
        if data != expected:
            raise self._fail(f"the end line says {printable(repr(data))}, but the snapshot "
                             f"holds {counts['resources']} resources and {counts['errors']} "
                             "errors", number)

    def _item(self, data: dict[str, Any], number: int) -> Collected:
        kind = data.get("kind")
        keys = {"resource": _RESOURCE_KEYS, "error": _ERROR_KEYS}.get(str(kind))
        if keys is None:
            raise self._fail(f"unknown kind {printable(repr(kind))} (expected resource, "
                             "error or end)", number, "kind")
        if set(data) != keys:
            odd = sorted(printable(k) for k in set(data) ^ keys)
            raise self._fail(f"{kind} line has missing or unknown keys: {', '.join(odd)}",
                             number, odd[0])
        try:
            return resource(data) if kind == "resource" else collection_error(data)
        except SnapshotProblem as problem:
            raise self._fail(f"invalid {kind}: {problem.message}", number,
                             problem.key) from None
