"""Which report formats exist: a static map from format name to renderer class.

Every format is built in; ``--format`` takes one of :data:`FORMATS`. A test checks
that each class's ``name`` matches its key, so the map cannot drift.
"""

from __future__ import annotations

from mamori.checks.errors import UsageError
from mamori.reports.console import ConsoleRenderer
from mamori.reports.csv_report import CsvRenderer
from mamori.reports.interface import Renderer
from mamori.reports.json_report import JsonRenderer

#: Format name -> renderer class.
RENDERERS: dict[str, type[Renderer]] = {
    "console": ConsoleRenderer,
    "json": JsonRenderer,
    "csv": CsvRenderer,
}

#: Every format name, in the order ``--help`` lists them.
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def renderer_class(name: str) -> type[Renderer]:
    """The renderer class for format ``name``; UsageError (exit 2) when unknown."""
    try:
        return RENDERERS[name]
    except KeyError:
        known = ", ".join(FORMATS)
        raise UsageError(f"unknown report format '{name}' (known: {known})") from None


def renderer(name: str) -> Renderer:
    """A renderer for format ``name`` with default options."""
    return renderer_class(name)()
