"""Writes the requested report formats: console to stdout, the others into ``--out``."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

import click

from mamori.checks.errors import UsageError, display_path
from mamori.checks.findings import ScanResult
from mamori.ci.gate import GateVerdict

REPORT_STEM = "mamori-report"


def parse_formats(text: str) -> list[str]:
    """Split ``--format a,b`` and check every name against the renderer registry."""
    from mamori.reports.registry import FORMATS

    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise UsageError(f"--format: unknown format {unknown[0] if unknown else '(empty)'!r}; "
                         f"choose from {', '.join(FORMATS)}")
    return list(dict.fromkeys(names))


def write_reports(result: ScanResult, verdict: GateVerdict, formats: Sequence[str],
                  out_dir: Path, lang: str) -> list[Path]:
    """Render every format; return the files written."""
    from mamori.reports.interface import Report
    from mamori.reports.registry import renderer

    report = Report(result=result, verdict=verdict, lang=lang)
    written = []
    for name in formats:
        r = renderer(name)
        if name == "console":
            r.render(report, sys.stdout)
            continue
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{REPORT_STEM}.{r.extension}"
        r.write_file(report, path)
        written.append(path)
        click.echo(f"wrote {display_path(path)}", err=True)
    return written


def report_schema_text() -> str:
    """The published JSON Schema of the JSON report."""
    return files("mamori.reports").joinpath("report.schema.json").read_text(encoding="utf-8")
