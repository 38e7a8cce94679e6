"""No traceback, ever: every failure of ``mamori`` is one escaped line and an exit code."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks.cli import cli
from mamori.checks.cli_safety import DEBUG_ENV, run
from mamori.checks.errors import InventoryError, Location
from tests.checks.test_cli import INVENTORY, mamori


def raising(exc: BaseException) -> Callable[[], object]:
    def main() -> object:
        raise exc
    return main


def deep_recursion() -> object:
    return deep_recursion()


def test_an_unexpected_exception_is_exit_2_naming_it_without_its_text(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DEBUG_ENV, raising=False)
    assert run(raising(KeyError("password=hunter2"))) == 2
    err = capsys.readouterr().err
    assert err.startswith("mamori: internal error: KeyError at test_cli_safety.py:")
    assert "this is a bug, please report it" in err and f"{DEBUG_ENV}=1" in err
    assert "hunter2" not in err and "Traceback" not in err  # the text may quote a value
    assert err.count("\n") == 1


def test_debug_shows_the_text_and_the_traceback(capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DEBUG_ENV, "1")
    assert run(raising(ValueError("odd"))) == 2
    err = capsys.readouterr().err
    assert "internal error: ValueError: odd at" in err and "Traceback" in err


def test_recursion_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(deep_recursion) == 2
    assert "nested too deeply" in capsys.readouterr().err


def test_memory_error_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(raising(MemoryError())) == 2
    assert "out of memory" in capsys.readouterr().err


@pytest.mark.parametrize(("exc", "code"), [
    (KeyboardInterrupt(), 130), (click.exceptions.Abort(), 130),
    (click.ClickException("generic"), 2),  # click would say 1: "a FAIL was found"
    (click.BadParameter("bad"), 2), (SystemExit(3), 3), (SystemExit(None), 0),
])
def test_exit_codes(exc: BaseException, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(raising(exc)) == code
    assert "Traceback" not in capsys.readouterr().err


def test_messages_are_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    error = InventoryError("bad value '\x1b]0;pwned\x07'\r\nok: 0 errors",
                           Location("inv/\x1b[2Jhosts.csv", 3))
    assert run(raising(error)) == 2
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\r" not in err and err.count("\n") == 1
    assert "\\u001b[2Jhosts.csv" in err and "\\u000d\\u000aok: 0 errors" in err


# --- the real command ------------------------------------------------------------------

@pytest.fixture
def estate(tmp_path: Path) -> Path:
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "users.yaml").write_text(INVENTORY, encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    return tmp_path


HOSTILE = [
    ["scan", "--inventory", "inv", "--as-of", "\x1b[2J2026"],
    ["scan", "--inventory", "inv\x1b]0;x\x07"],
    ["scan", "--inventory", "inv", "--format", "json,\x1b[31mpdf"],
    ["scan", "--inventory", "inv", "--format", ",,,"],
    ["scan", "--inventory", "inv", "--format", "json", "--out", "afile"],
    ["scan", "--inventory", "inv", "--out", "inv", "--format", "csv"],
    ["scan", "--inventory", "inv", "--save-inventory", "inv"],
    ["scan", "--inventory", "inv", "--config", "/dev/zero"],
    ["scan", "--inventory", "inv", "--config", "inv"],
    ["scan", "--inventory", "inv", "--waivers", "/dev/null"],
    ["scan", "--inventory", "inv", "--baseline", "inv"],
    ["scan", "--inventory", "inv", "--rules", "/dev/zero"],
    ["scan", "--snapshot", "inv/users.yaml"],
    ["scan", "--inventory", "inv", "--gcp-endpoint", "nope"],
    ["scan", "--inventory", "inv", "--fail-on-new"],
    ["scan", "--inventory", "inv", "--notify", "file:///etc/passwd"],
    ["scan", "--inventory", "inv", "--cause", "x" * 10_000],
    ["rules", "show", "\x1b[31mMAM"],
    ["rules", "validate", "/dev/stdin"],
    ["rules", "list", "--config", "afile/x"],
    ["baseline", "create", "--inventory", "inv", "-o", "afile/b.json"],
    ["plan", "inv"],
    ["plan", "/dev/zero"],
    ["plan", "inv/users.yaml", "--tf-root", "afile"],
    ["inventory", "validate", "/dev/zero"],
    ["history", "list", "--history", "afile/x.db"],
    ["ci", "init", "github", "--dir", "afile"],
    ["schema", "nope"],
    ["--no-such-option"],
]


@pytest.mark.parametrize("args", HOSTILE, ids=[" ".join(a)[:40] for a in HOSTILE])
def test_hostile_arguments_end_in_exit_2_with_one_message(
        estate: Path, args: list[str], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    # in-process through the same backstop as ``main`` (a subprocess per case is slow)
    monkeypatch.chdir(estate)
    code = run(lambda: cli.main(args, prog_name="mamori", standalone_mode=False))
    out = capsys.readouterr()
    assert code == 2, out.out + out.err
    assert "Traceback" not in out.err and "this is a bug" not in out.err
    assert "\x1b" not in out.err and out.err.strip()


def test_a_plan_that_is_a_fifo_is_exit_2_quickly(estate: Path) -> None:
    os.mkfifo(estate / "tfplan.json")
    proc = subprocess.run([sys.executable, "-m", "mamori.checks.cli", "plan", "tfplan.json"],
                          cwd=estate, capture_output=True, text=True, timeout=5, check=False)
    assert proc.returncode == 2 and "named pipe" in proc.stderr


def test_a_closed_output_pipe_exits_quietly_with_141(estate: Path) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "mamori.checks.cli", "rules", "list"],
                            cwd=estate, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # like `| head` that has read enough
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == 141
    assert err == b""


def test_a_terminal_that_cannot_encode_japanese_is_no_crash(estate: Path) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    proc = subprocess.run([sys.executable, "-m", "mamori.checks.cli", "scan", "--inventory",
                           "inv", "--lang", "ja", "--cause", "telework", "--as-of",
                           "2026-11-29"], cwd=estate, capture_output=True, env=env,
                          timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr  # u-nomfa fails MFA
    assert b"\\u" in proc.stdout and b"Traceback" not in proc.stderr


def test_usage_errors_are_escaped_and_still_show_usage(estate: Path) -> None:
    proc = mamori("scan", "--lang", "\x1b[31mxx", cwd=estate)
    assert proc.returncode == 2
    assert proc.stderr.startswith("Usage: mamori scan [OPTIONS]")
    assert "\x1b" not in proc.stderr


FLAGS = ["--inventory", "--snapshot", "--rules", "--config", "--waivers", "--baseline",
         "--out", "--save-inventory", "--format", "--as-of", "--cause", "--fail-on",
         "--lang", "--history"]
VALUES = ["inv", "inv/users.yaml", "afile", "afile/x", "/dev/null", "/dev/zero", "", ".",
          "json,csv", "console", "2026-11-29", "\x1b[2J", "telework", "none", "ja",
          "out", "nope/deeper"]


@settings(max_examples=40)
@given(st.lists(st.tuples(st.sampled_from(FLAGS), st.sampled_from(VALUES)), max_size=5),
       st.sampled_from(["--allow-incomplete", "--no-builtin-rules", "-q", "--fail-on-new"]))
def test_random_scan_options_never_crash(estate: Path, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str],
                                         options: list[tuple[str, str]], flag: str) -> None:
    monkeypatch.chdir(estate)
    args = ["scan", flag, *(part for option in options for part in option)]
    code = run(lambda: cli.main(args, prog_name="mamori", standalone_mode=False))
    err = capsys.readouterr().err
    assert code in (0, 1, 2, 3), err
    assert "this is a bug" not in err and "Traceback" not in err and "\x1b" not in err
    if code == 2:
        assert err.strip()
