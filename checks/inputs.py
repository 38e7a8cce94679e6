"""Reading what a user gives mamori: regular files only, bounded, and named on failure.

Every user input (inventories, rules, the config, waivers, baselines, snapshots, plans)
is read through :func:`read_input` (or :func:`open_input` to stream it), and every
folder of them walked with :func:`walk_tree`, so that the same promises hold for all:

- only a regular file is read, after following symbolic links. A named pipe (FIFO), a
  device (``/dev/zero``, ``/dev/stdin`` as a terminal or pipe), a socket, a folder where
  a file is expected, a broken link or a link loop is an error naming the path, decided
  by ``stat`` before anything is opened: opening a FIFO for reading would wait for a
  writer forever, and reading ``/dev/zero`` never ends;
- the file is opened with ``O_NONBLOCK`` and checked again on the open descriptor, so a
  file swapped for a FIFO between the check and the open cannot block the run either;
- a file larger than :data:`MAX_INPUT_BYTES` is refused instead of filling the memory;
- a folder that cannot be listed (permission denied) is an error, never silently
  skipped: ``os.walk`` ignores such folders unless told otherwise.

Errors are the caller's ``InputError`` subclass (``InventoryError``, ``RuleError``...)
with the file as its location, so every message says which input is wrong (exit 2).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from mamori.checks.errors import InputError, Location, display_path

#: Largest input file mamori reads (1 GiB): far above any real inventory export.
MAX_INPUT_BYTES = 1 << 30

_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def kind_of(mode: int) -> str:
    """What a file of this ``st_mode`` is, in words (``a named pipe (FIFO)``)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def os_problem(path: Path | str, exc: OSError) -> str:
    """Why ``path`` could not be opened or listed, in words (no traceback, no errno)."""
    code = exc.errno
    if code == errno.ELOOP:
        return "a symbolic link loop (the link points back to itself)"
    if code == errno.ENOENT and os.path.islink(path):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return f"a broken symbolic link (to {target!r}, which does not exist)"
    if code == errno.ENOENT:
        return "no such file or folder"
    if code in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if code == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return exc.strerror or type(exc).__name__


def file_problem(path: Path | str) -> str | None:
    """Why ``path`` is not a readable regular file (links followed), or None."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return os_problem(path, exc)
    except ValueError:  # a NUL byte in the name
        return "the name contains a NUL character"
    if stat.S_ISREG(mode):
        return None
    return f"{kind_of(mode)}, not a regular file"


def check_file(path: Path, error: type[InputError], name: str | None = None) -> None:
    """Raise ``error`` naming ``path`` unless it is a regular file (links followed)."""
    problem = file_problem(path)
    if problem is not None:
        raise error(f"cannot read: {problem}", Location(name or display_path(path)))


def open_input(path: Path, error: type[InputError], name: str | None = None) -> BinaryIO:
    """The user's file ``path`` opened for binary reading (for streaming readers), or
    ``error`` naming it: a regular file only, never blocking on a FIFO."""
    where = Location(name or display_path(path))
    check_file(path, error, where.file)
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise error(f"cannot read: {os_problem(path, exc)}", where) from None
    stream = os.fdopen(fd, "rb")
    try:
        mode = os.fstat(stream.fileno()).st_mode
    except OSError as exc:
        stream.close()
        raise error(f"cannot read: {os_problem(path, exc)}", where) from None
    if not stat.S_ISREG(mode):  # replaced between the check and the open
        stream.close()
        raise error(f"cannot read: {kind_of(mode)}, not a regular file", where)
    return stream


def read_input(path: Path, error: type[InputError], name: str | None = None,
               limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the user's file ``path``, or ``error`` naming it (module docstring).

    ``name`` is how to call the file in messages (default: relative to the working
    folder). Never blocks on a FIFO, never reads a device, never reads past ``limit``.
    """
    where = Location(name or display_path(path))
    with open_input(path, error, where.file) as stream:
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            raise error(f"cannot read: {os_problem(path, exc)}", where) from None
    if len(data) > limit:
        raise error(f"the file is larger than {limit // (1 << 20)} MiB; mamori does not read "
                    "files this large", where)
    return data


def read_text_input(path: Path, error: type[InputError], name: str | None = None) -> str:
    """A UTF-8 text file (BOM allowed) through :func:`read_input`."""
    where = name or display_path(path)
    data = read_input(path, error, where)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(f"not UTF-8 text ({exc.reason} at byte {exc.start})",
                    Location(where, line)) from None


def check_folder(path: Path, error: type[InputError], name: str | None = None) -> None:
    """Raise ``error`` unless ``path`` is a folder that can be listed."""
    where = Location(name or display_path(path))
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise error(f"cannot read: {os_problem(path, exc)}", where) from None
    if not stat.S_ISDIR(mode):
        raise error(f"expected a folder, found {kind_of(mode)}", where)


def walk_tree(root: Path, error: type[InputError], keep_folder: Callable[[Path], bool],
              name: Callable[[Path], str] | None = None) -> Iterator[Path]:
    """Every entry under ``root`` that is not a folder, in a stable order.

    Folders are listed in sorted order, files before subfolders; ``keep_folder`` (given
    the folder's path) prunes subfolders. Linked folders are followed (skipping them
    silently would half-read an input) and each real folder is read once, so a link
    loop ends. A folder that cannot be listed raises ``error``. Entries are yielded
    whatever they are (FIFOs, broken links...): the caller decides, usually with
    :func:`check_file`, because a name it skips should not be an error.
    """
    label = name or display_path

    def fail(exc: OSError) -> None:
        folder = Path(exc.filename) if exc.filename else root
        raise error(f"cannot read the folder: {os_problem(folder, exc)}", Location(label(folder)))

    check_folder(root, error, label(root))
    visited: set[str] = set()
    for folder, dirs, files in os.walk(root, onerror=fail, followlinks=True):
        real = os.path.realpath(folder)
        if real in visited:
            dirs[:] = []
            continue
        visited.add(real)
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if keep_folder(here / d))
        for file_name in sorted(files):
            yield here / file_name
