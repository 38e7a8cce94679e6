"""A report set never mixes two runs: staged, then moved into place as a whole."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import pytest

from mamori.checks.errors import UsageError
from mamori.checks.findings import ScanResult
from mamori.checks.model import Status
from mamori.checks.reporting import STAGING_PREFIX, write_reports
from mamori.ci.gate import GatePolicy, decide
from mamori.reports import registry
from mamori.reports.interface import Report
from mamori.reports.json_report import JsonRenderer
from tests.ci.conftest import finding, result


class InterruptedRenderer(JsonRenderer):
    """The JSON renderer, interrupted (Ctrl-C) after it has written part of the file."""

    name = "json"

    def render(self, report: Report, out: TextIO) -> None:
        out.write('{"partial": ')
        raise KeyboardInterrupt


class FailingRenderer(JsonRenderer):
    """The JSON renderer failing midway with a disk error."""

    name = "json"

    def render(self, report: Report, out: TextIO) -> None:
        out.write('{"partial": ')
        raise OSError(28, "No space left on device")


def run(res: ScanResult, formats: list[str], out: Path) -> list[Path]:
    return write_reports(res, decide(res, GatePolicy()), formats, out, "en")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


FIRST = result(finding("R-1", "first-run-host"))
SECOND = result(finding("R-1", "second-run-host", Status.PASS))


@pytest.mark.parametrize("broken", ["InterruptedRenderer", "FailingRenderer"])
def test_a_renderer_failing_midway_leaves_the_previous_set_whole(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, broken: str) -> None:
    out = tmp_path / "out"
    run(FIRST, ["csv", "html", "json"], out)
    before = snapshot(out)
    assert set(before) == {"mamori-report.csv", "mamori-report.html", "mamori-report.json"}

    # csv renders completely first, then json breaks: nothing of the second run may land
    monkeypatch.setitem(registry.RENDERERS, "json", f"tests.checks.test_reporting:{broken}")
    expected = KeyboardInterrupt if broken == "InterruptedRenderer" else UsageError
    with pytest.raises(expected):
        run(SECOND, ["csv", "json"], out)
    assert snapshot(out) == before
    assert b"first-run-host" in before["mamori-report.csv"]


def test_a_complete_run_replaces_the_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(FIRST, ["csv", "html", "json"], out)
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    written = run(SECOND, ["json"], out)
    assert written == [out / "mamori-report.json"]
    # the first run's CSV and HTML would mix two runs: gone; other files stay
    assert sorted(p.name for p in out.iterdir()) == ["mamori-report.json", "notes.txt"]
    assert b"second-run-host" in (out / "mamori-report.json").read_bytes()
    assert not any(p.name.startswith(STAGING_PREFIX) for p in out.iterdir())


def test_console_only_writes_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(FIRST, ["console"], tmp_path / "out") == []
    assert not (tmp_path / "out").exists()
    assert "first-run-host" in capsys.readouterr().out


def test_an_output_folder_that_cannot_be_made_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="cannot write the reports"):
        run(FIRST, ["json"], tmp_path / "file" / "out")
