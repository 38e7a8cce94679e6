"""The safe reader: only regular files are read, in bounded time, and failures name the file.

Real FIFOs, devices, sockets and links; permission cases are skipped as root (CI runs
as root, where permissions do not apply), which is why the kinds that do not depend on
permissions are each tested too. Each test runs under an alarm: a regression that opens
a FIFO (waiting for a writer forever) or reads /dev/zero fails instead of hanging.
"""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest

from mamori.checks.errors import InventoryError, RuleError
from mamori.checks.inputs import read_input, read_text_input, walk_tree

ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


class Hung(Exception):
    pass


@pytest.fixture(autouse=True)
def deadline() -> Iterator[None]:
    def expire(signum: int, frame: FrameType | None) -> None:
        raise Hung("the reader blocked")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(10)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def refused(path: Path) -> str:
    with pytest.raises(InventoryError) as info:
        read_input(path, InventoryError)
    assert info.value.location is not None
    assert info.value.location.file.endswith(path.name)
    return info.value.message


def test_regular_file_and_link_to_one_are_read(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"id\nh1\n")
    (tmp_path / "link.csv").symlink_to("a.csv")
    assert read_input(tmp_path / "a.csv", InventoryError) == b"id\nh1\n"
    assert read_input(tmp_path / "link.csv", InventoryError) == b"id\nh1\n"


def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "hosts.csv")
    assert refused(tmp_path / "hosts.csv") == "cannot read: a named pipe (FIFO), not a regular file"


@pytest.mark.parametrize(("device", "kind"), [("/dev/zero", "a character device"),
                                              ("/dev/null", "a character device")])
def test_link_to_a_device_is_refused(tmp_path: Path, device: str, kind: str) -> None:
    (tmp_path / "hosts.yaml").symlink_to(device)
    assert refused(tmp_path / "hosts.yaml") == f"cannot read: {kind}, not a regular file"


def test_link_to_stdin_as_a_pipe_is_refused(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    try:
        (tmp_path / "users.json").symlink_to(f"/proc/self/fd/{read_end}")
        assert "named pipe" in refused(tmp_path / "users.json")
    finally:
        os.close(read_end)
        os.close(write_end)


def test_socket_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert "a socket" in refused(path)
    finally:
        server.close()


def test_folder_broken_link_and_link_loop_are_refused(tmp_path: Path) -> None:
    (tmp_path / "dir.yaml").mkdir()
    (tmp_path / "broken.yaml").symlink_to("nowhere.yaml")
    (tmp_path / "loop.yaml").symlink_to("loop.yaml")
    assert refused(tmp_path / "dir.yaml") == "cannot read: a folder, not a regular file"
    assert refused(tmp_path / "broken.yaml") == (
        "cannot read: a broken symbolic link (to 'nowhere.yaml', which does not exist)")
    assert "symbolic link loop" in refused(tmp_path / "loop.yaml")
    assert refused(tmp_path / "missing.yaml") == "cannot read: no such file or folder"


def test_a_file_larger_than_the_limit_is_refused(tmp_path: Path) -> None:
    (tmp_path / "big.csv").write_bytes(b"x" * 2048)
    with pytest.raises(InventoryError, match="larger than"):
        read_input(tmp_path / "big.csv", InventoryError, limit=1024)
    assert len(read_input(tmp_path / "big.csv", InventoryError, limit=2048)) == 2048


def test_the_callers_error_class_and_name_are_used(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "rule.yaml")
    with pytest.raises(RuleError) as info:
        read_input(tmp_path / "rule.yaml", RuleError, name="rules/rule.yaml")
    assert str(info.value).startswith("rules/rule.yaml: rule error: cannot read")


def test_text_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_bytes(b"a: 1\nb: \xff\n")
    with pytest.raises(InventoryError, match="not UTF-8") as info:
        read_text_input(tmp_path / "w.yaml", InventoryError)
    assert info.value.location is not None and info.value.location.line == 2


@pytest.mark.skipif(ROOT, reason="permissions do not apply to root")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_text("id\n", encoding="utf-8")
    path.chmod(0)
    try:
        assert refused(path) == "cannot read: permission denied"
    finally:
        path.chmod(0o600)


@pytest.mark.skipif(ROOT, reason="permissions do not apply to root")
def test_unlistable_folder_is_refused_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked").chmod(0)
    try:
        with pytest.raises(InventoryError, match="cannot read the folder: permission denied"):
            list(walk_tree(tmp_path, InventoryError, lambda p: True))
    finally:
        (tmp_path / "locked").chmod(0o700)


def test_walk_is_sorted_follows_links_once_and_yields_odd_entries(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.csv").write_text("", encoding="utf-8")
    (tmp_path / "a.csv").write_text("", encoding="utf-8")
    (tmp_path / "b" / "up").symlink_to("..")  # a loop back to the root
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text("", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe")
    found = [p.relative_to(tmp_path).as_posix()
             for p in walk_tree(tmp_path, InventoryError, lambda p: not p.name.startswith("."))]
    assert found == ["a.csv", "pipe", "b/x.csv"]


def test_walk_of_something_that_is_not_a_folder(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "inv")
    with pytest.raises(InventoryError, match="expected a folder, found a named pipe"):
        list(walk_tree(tmp_path / "inv", InventoryError, lambda p: True))
