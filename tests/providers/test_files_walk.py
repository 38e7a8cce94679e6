"""Inventory paths that are not regular files: exit 2 naming them, in bounded time.

FIFOs, devices, sockets, broken links and link loops, given directly or found inside an
inventory folder, are InventoryErrors naming the entry; nothing is opened or skipped.
Permission cases are skipped as root (where they do not apply); a dangling link stands
in for an unreadable entry there. Every test runs under an alarm, so a regression that
blocks on a FIFO or reads /dev/zero fails instead of hanging the suite.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.providers.files.provider import FilesProvider

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
HOSTS = "id,os\nh1,linux\n"


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the inventory walk blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def collect(*paths: Path) -> list[Resource]:
    return [r for r in FilesProvider(list(paths)).collect() if isinstance(r, Resource)]


def refused(*paths: Path) -> InventoryError:
    with pytest.raises(InventoryError) as info:
        collect(*paths)
    return info.value


ODD: dict[str, Callable[[Path], object]] = {
    "fifo": os.mkfifo,
    "dev-zero": lambda p: p.symlink_to("/dev/zero"),
    "dev-null": lambda p: p.symlink_to("/dev/null"),
    "broken-link": lambda p: p.symlink_to("missing.csv"),
    "link-loop": lambda p: p.symlink_to(p.name),
}
MESSAGES = {"fifo": "named pipe", "dev-zero": "character device",
            "dev-null": "character device", "broken-link": "broken symbolic link",
            "link-loop": "symbolic link loop"}


@pytest.mark.parametrize("kind", list(ODD))
def test_odd_entry_inside_a_folder_is_an_error_naming_it(tmp_path: Path, kind: str) -> None:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "a_hosts.csv").write_text(HOSTS, encoding="utf-8")
    ODD[kind](tmp_path / "inv" / "hosts.csv")
    error = refused(tmp_path / "inv")
    assert MESSAGES[kind] in error.message
    assert error.location is not None and error.location.file.endswith("inv/hosts.csv")


@pytest.mark.parametrize("kind", list(ODD))
def test_odd_entry_without_an_inventory_suffix_names_what_it_is(tmp_path: Path,
                                                                kind: str) -> None:
    ODD[kind](tmp_path / "thing")
    assert MESSAGES[kind] in refused(tmp_path).message


@pytest.mark.parametrize("kind", list(ODD))
def test_odd_path_given_directly_is_an_error_naming_it(tmp_path: Path, kind: str) -> None:
    ODD[kind](tmp_path / "users.yaml")
    error = refused(tmp_path / "users.yaml")
    assert MESSAGES[kind] in error.message
    assert error.location is not None and error.location.file.endswith("users.yaml")


def test_odd_entries_that_are_skipped_or_ignored_are_never_opened(tmp_path: Path) -> None:
    (tmp_path / "hosts.csv").write_text(HOSTS, encoding="utf-8")
    os.mkfifo(tmp_path / "README")
    os.mkfifo(tmp_path / ".lock")
    (tmp_path / "scratch").mkdir()
    os.mkfifo(tmp_path / "scratch" / "pipe.csv")
    (tmp_path / "core.csv").symlink_to("/dev/zero")
    (tmp_path / ".mamoriignore").write_text("scratch/\ncore.csv\n", encoding="utf-8")
    assert [r.id for r in collect(tmp_path)] == ["h1"]


def test_an_ignore_file_that_is_not_a_regular_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "hosts.csv").write_text(HOSTS, encoding="utf-8")
    os.mkfifo(tmp_path / ".mamoriignore")
    error = refused(tmp_path)
    assert "named pipe" in error.message
    assert error.location is not None and error.location.file.endswith(".mamoriignore")


def test_a_folder_link_loop_ends_and_reads_each_file_once(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "hosts.csv").write_text(HOSTS, encoding="utf-8")
    (tmp_path / "sub" / "again").symlink_to("..")
    assert [r.id for r in collect(tmp_path)] == ["h1"]


def test_a_linked_folder_holding_a_device_is_refused(tmp_path: Path) -> None:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "dev").symlink_to("/dev")
    error = refused(tmp_path / "inv")
    assert "not a regular file" in error.message or "not an inventory file" in error.message


@pytest.mark.skipif(ROOT, reason="permissions do not apply to root")
def test_an_unreadable_folder_is_an_error_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "hosts.csv").write_text(HOSTS, encoding="utf-8")
    (tmp_path / "hr").mkdir()
    (tmp_path / "hr" / "users.csv").write_text("id\nu1\n", encoding="utf-8")
    (tmp_path / "hr").chmod(0)
    try:
        error = refused(tmp_path)
        assert "permission denied" in error.message
        assert error.location is not None and error.location.file.endswith("hr")
    finally:
        (tmp_path / "hr").chmod(0o700)


@pytest.mark.skipif(ROOT, reason="permissions do not apply to root")
def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text(HOSTS, encoding="utf-8")
    path.chmod(0)
    try:
        assert "permission denied" in refused(tmp_path).message
    finally:
        path.chmod(0o600)
