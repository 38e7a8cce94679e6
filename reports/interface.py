"""The renderer interface: what a report is made of, and what every renderer implements.

A :class:`Report` bundles the scan result with the gate's verdict. Renderers print the
verdict they are given; they never decide exit codes (that is :mod:`mamori.ci.gate`).
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, TextIO

from mamori.checks.errors import UsageError
from mamori.checks.findings import ScanResult
from mamori.ci.gate import GateVerdict

#: Languages a report can be written in (JSON and CSV always carry both).
LANGUAGES: tuple[str, ...] = ("en", "ja")


@dataclass(frozen=True)
class Report:
    """What a renderer renders: the result, the verdict, and the reader's language."""

    result: ScanResult
    verdict: GateVerdict
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise UsageError(
                f"unknown report language '{self.lang}' (known: {', '.join(LANGUAGES)})")


class Renderer(ABC):
    """Writes a :class:`Report` in one format to a text stream.

    Streams are text opened with ``encoding="utf-8"`` and ``newline=self.newline``;
    :meth:`write_file` does exactly that.
    """

    #: Format name on the command line (``--format NAME``).
    name: ClassVar[str]
    #: Usual file name extension, without the dot.
    extension: ClassVar[str]
    #: ``newline`` argument for :func:`open`: None translates ``\n``; CSV needs ``""``.
    newline: ClassVar[str | None] = None

    @abstractmethod
    def render(self, report: Report, out: TextIO) -> None:
        """Write the report to ``out``."""

    def write_file(self, report: Report, path: Path) -> None:
        """Render into ``path`` atomically: a failed render leaves no partial file."""
        tmp = path.with_name(path.name + ".tmp")
        try:
            with tmp.open("w", encoding="utf-8", newline=self.newline) as out:
                self.render(report, out)
            os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
