"""Writes the requested report formats: console to stdout, the others into ``--out``.

The files of one run are a set (JSON, CSV, HTML... of the same findings), and a folder
must never hold a set that mixes two runs. So every file is first rendered into a
staging folder inside ``--out``; only when all of them are complete are they moved into
place (``os.replace``, atomic per file, on the same filesystem) with SIGINT/SIGTERM held
back for the few microseconds of the moves, and the other ``mamori-report.*`` files
(formats this run did not write) are removed. An interruption or a failing renderer
before that leaves the previous run's set whole; the staging folder is removed.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mamori.checks.errors import UsageError, display_path
from mamori.checks.findings import ScanResult
from mamori.checks.inputs import os_problem
from mamori.checks.text import printable
from mamori.ci.gate import GateVerdict

if TYPE_CHECKING:
    from mamori.reports.interface import Report

REPORT_STEM = "mamori-report"
STAGING_PREFIX = ".mamori-staging-"
_DEFERRED = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP")
                  if hasattr(signal, name))


def parse_formats(text: str) -> list[str]:
    """Split ``--format a,b`` and check every name against the renderer registry."""
    from mamori.reports.registry import FORMATS

    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        shown = printable(repr(unknown[0])) if unknown else "'(empty)'"
        raise UsageError(f"--format: unknown format {shown}; choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def write_reports(result: ScanResult, verdict: GateVerdict, formats: Sequence[str],
                  out_dir: Path, lang: str) -> list[Path]:
    """Render every format (files as one set, see the module docstring), then the
    console report; return the files written."""
    from mamori.reports.interface import Report
    from mamori.reports.registry import renderer

    report = Report(result=result, verdict=verdict, lang=lang)
    written = _write_set(report, [n for n in formats if n != "console"], out_dir)
    if "console" in formats:
        renderer("console").render(report, sys.stdout)
    for path in written:
        click.echo(f"wrote {printable(display_path(path))}", err=True)
    return written


def _write_set(report: Report, formats: Sequence[str], out_dir: Path) -> list[Path]:
    from mamori.reports.registry import renderer

    if not formats:
        return []
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))
    except OSError as exc:
        raise UsageError(f"--out {display_path(out_dir)}: cannot write the reports: "
                         f"{os_problem(out_dir, exc)}") from None
    try:
        staged = []
        for name in formats:
            r = renderer(name)
            path = staging / f"{REPORT_STEM}.{r.extension}"
            r.write_file(report, path)
            staged.append(path)
        names = {p.name for p in staged}
        stale = [p for p in out_dir.glob(f"{REPORT_STEM}.*")
                 if p.name not in names and p.is_file()]
        with _signals_deferred():
            final = [_move(path, out_dir) for path in staged]
            for path in stale:
                path.unlink(missing_ok=True)
        return final
    except OSError as exc:
        raise UsageError(f"--out {display_path(out_dir)}: cannot write the reports: "
                         f"{os_problem(out_dir, exc)}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move(path: Path, out_dir: Path) -> Path:
    target = out_dir / path.name
    os.replace(path, target)
    return target


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold back interrupting signals (delivered right after), where the OS allows it."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not \
            threading.main_thread():
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _DEFERRED)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def report_schema_text() -> str:
    """The published JSON Schema of the JSON report."""
    return files("mamori.reports").joinpath("report.schema.json").read_text(encoding="utf-8")
