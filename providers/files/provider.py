"""The ``files`` provider: on-prem inventories in YAML, JSON and CSV (docs/inventory.md)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import ClassVar

from mamori.checks.errors import InventoryError, Location
from mamori.checks.model import Resource
from mamori.providers.files.readers import read_file
from mamori.providers.files.records import build_resource
from mamori.providers.files.walk import display, inventory_files
from mamori.providers.interface import Collected, Provider


class FilesProvider(Provider):
    """Reads inventory files and folders; yields one resource per record, in file order.

    Any invalid input (unknown attribute, bad value, duplicate id, unreadable file) raises
    ``InventoryError`` with file, line or row and key: an inventory is never half-read.
    """

    name: ClassVar[str] = "files"

    def __init__(self, paths: Sequence[Path | str] | Path | str,
                 exclude: Sequence[Path] = ()) -> None:
        if isinstance(paths, str | Path):  # a lone path, not a sequence of characters
            paths = [paths]
        self.paths = [Path(p) for p in paths]
        self.exclude = list(exclude)

    def describe(self) -> str:
        """``files: PATH, PATH``."""
        return f"{self.name}: {', '.join(display(p) for p in self.paths)}"

    def collect(self) -> Iterator[Collected]:
        """Stream resources file by file; a second record with the same identity fails."""
        seen: dict[tuple[str, str, str, str], str] = {}
        for path in inventory_files(self.paths, self.exclude):
            for record in read_file(path, display(path)):
                resource = build_resource(record)
                _check_unique(resource, seen, Location(record.file,
                                                       record.data.line_of("id"), "id"))
                yield resource


def _check_unique(resource: Resource, seen: dict[tuple[str, str, str, str], str],
                  location: Location) -> None:
    key = (resource.provider, resource.account, resource.type, resource.id)
    first = seen.get(key)
    if first is not None:
        raise InventoryError(
            f"duplicate {resource.type} id '{resource.id}' (provider {resource.provider}, "
            f"account '{resource.account}'): already defined at {first}; this one is at "
            f"{resource.source}", location)
    seen[key] = resource.source
