"""Which files an inventory path stands for, in a stable order.

A folder is read recursively. Dotfiles and dot-folders, ``README*``, ``*.md`` and the
organisation config (``mamori.yaml``/``mamori.yml``, often kept next to the inventory) are
skipped, and so is whatever a ``.mamoriignore`` file in the folder lists; any other file
that is not YAML, JSON or CSV is an error, so that an inventory is never half-read.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from mamori.checks.errors import InventoryError, Location
from mamori.providers.files.readers import SUFFIXES

IGNORE_FILE = ".mamoriignore"
CONFIG_FILES = frozenset({"mamori.yaml", "mamori.yml"})
_HINTS = {
    ".xlsx": "save the sheet as CSV (UTF-8) first",
    ".xls": "save the sheet as CSV (UTF-8) first",
    ".tsv": "save it as comma-separated CSV",
    ".txt": "name it .csv, .yaml or .json after its content, or list it in .mamoriignore",
}


def display(path: Path) -> str:
    """How a file is named in sources and messages: as given, relative to the working
    folder when it was given as an absolute path inside it, with ``/`` separators."""
    if path.is_absolute():
        with contextlib.suppress(ValueError):
            path = path.relative_to(Path.cwd())
    return path.as_posix()


def inventory_files(paths: Sequence[Path], exclude: Sequence[Path] = ()) -> Iterator[Path]:
    """Every inventory file under ``paths``, folders walked recursively and sorted.

    ``exclude`` names files and folders never read: mamori's own report folder and
    snapshot, which a user may well keep inside the inventory folder.
    """
    excluded = frozenset(os.path.realpath(p) for p in exclude)
    for given in paths:
        if given.is_dir():
            yield from _walk(given, excluded)
        elif given.is_file():
            _check_kind(given)
            yield given
        else:
            raise InventoryError("no such file or folder", Location(display(given)))


def _check_kind(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        hint = _HINTS.get(suffix, "list it in .mamoriignore if it belongs there")
        kind = f"'{suffix}'" if suffix else "without a suffix"
        raise InventoryError(f"not an inventory file ({kind}); mamori reads "
                             f"{', '.join(SUFFIXES)}: {hint}", Location(display(path)))


def _skipped(name: str) -> bool:
    lower = name.lower()
    return (name.startswith(".") or lower.startswith("readme") or lower.endswith(".md")
            or lower in CONFIG_FILES)


def _ignore_patterns(root: Path) -> list[str]:
    ignore = root / IGNORE_FILE
    if not ignore.is_file():
        return []
    lines = ignore.read_text(encoding="utf-8-sig").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _ignored(relative: PurePosixPath, patterns: list[str]) -> bool:
    """A pattern matches the relative path, or the name of the file or of a folder in it."""
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if fnmatch(relative.as_posix(), bare) or any(fnmatch(p, bare) for p in relative.parts):
            return True
    return False


def _walk(root: Path, excluded: frozenset[str] = frozenset()) -> Iterator[Path]:
    patterns = _ignore_patterns(root)
    found: list[PurePosixPath] = []
    visited: set[str] = set()
    # Linked folders are followed (skipping them silently would half-read the inventory);
    # each real folder is read once, so a link loop ends.
    for folder, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited or real in excluded:
            dirs[:] = []
            continue
        visited.add(real)
        base = PurePosixPath(Path(folder).relative_to(root).as_posix())
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(base / name for name in files if not _skipped(name)
                     and os.path.realpath(os.path.join(folder, name)) not in excluded)
    for relative in sorted(found, key=lambda p: p.parts):
        if not _ignored(relative, patterns):
            path = root.joinpath(*relative.parts)
            _check_kind(path)
            yield path
