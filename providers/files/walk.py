"""Which files an inventory path stands for, in a stable order.

A folder is read recursively. Dotfiles and dot-folders, ``README*``, ``*.md`` and the
organisation config (``mamori.yaml``/``mamori.yml``, often kept next to the inventory) are
skipped, and so is whatever a ``.mamoriignore`` file in the folder lists (a listed folder
with everything in it); any other file that is not YAML, JSON or CSV is an error, so that
an inventory is never half-read. So is anything that is not a regular file once links
are followed (a FIFO, a device, a socket, a broken link, a link loop) and a folder that
cannot be listed: they are found while walking, before any file is read
(:mod:`mamori.checks.inputs`).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Sequence
from fnmatch import fnmatch
from pathlib import Path, PurePosixPath

from mamori.checks.errors import InventoryError, Location
from mamori.checks.inputs import check_file, read_text_input, walk_tree
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

    ``exclude`` names files and folders never read (for library callers; the CLI refuses
    an output inside an input instead, see :mod:`mamori.checks.outputs`).
    """
    excluded = frozenset(os.path.realpath(p) for p in exclude)
    for given in paths:
        if given.is_dir():
            yield from _walk(given, excluded)
        else:
            check_file(given, InventoryError, display(given))
            _check_kind(given)
            yield given


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
    if not os.path.lexists(ignore):
        return []
    text = read_text_input(ignore, InventoryError, display(ignore))
    return [line.strip() for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


def _ignored(relative: PurePosixPath, patterns: list[str]) -> bool:
    """A pattern matches the relative path, or the name of the file or of a folder in it."""
    for pattern in patterns:
        bare = pattern.rstrip("/")
        if fnmatch(relative.as_posix(), bare) or any(fnmatch(p, bare) for p in relative.parts):
            return True
    return False


def _walk(root: Path, excluded: frozenset[str] = frozenset()) -> Iterator[Path]:
    patterns = _ignore_patterns(root)

    def relative(path: Path) -> PurePosixPath:
        return PurePosixPath(path.relative_to(root).as_posix())

    def keep_folder(folder: Path) -> bool:
        return (not folder.name.startswith(".") and not _ignored(relative(folder), patterns)
                and os.path.realpath(folder) not in excluded)

    found: list[PurePosixPath] = []
    # Each entry is checked as it is found, so a bad one fails the run before any file
    # is read (and before a walk into, say, a linked /dev goes any further).
    for path in walk_tree(root, InventoryError, keep_folder, display):
        rel = relative(path)
        if (_skipped(path.name) or _ignored(rel, patterns)
                or os.path.realpath(path) in excluded):
            continue
        check_file(path, InventoryError, display(path))
        _check_kind(path)
        found.append(rel)
    for rel in sorted(found, key=lambda p: p.parts):
        yield root.joinpath(*rel.parts)
