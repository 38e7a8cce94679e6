"""Which report formats exist: a static map from format name to renderer class.

Every format is built in; ``--format`` takes one of :data:`FORMATS`. Classes are named
as "module:Class" and imported on first use, so a scan that asks for the console
report never imports the HTML template engine. A test checks that each class's
``name`` matches its key, so the map cannot drift.
"""

from __future__ import annotations

import importlib

from mamori.checks.errors import UsageError
from mamori.reports.interface import Renderer

#: Format name -> "module:Class" of its renderer.
RENDERERS: dict[str, str] = {
    "console": "mamori.reports.console:ConsoleRenderer",
    "json": "mamori.reports.json_report:JsonRenderer",
    "csv": "mamori.reports.csv_report:CsvRenderer",
    "html": "mamori.reports.html:HtmlRenderer",
    "junit": "mamori.reports.junit:JunitRenderer",
    "markdown": "mamori.reports.markdown:MarkdownRenderer",
    "sarif": "mamori.reports.sarif:SarifRenderer",
}

#: Every format name, in the order ``--help`` lists them.
FORMATS: tuple[str, ...] = tuple(RENDERERS)


def renderer_class(name: str) -> type[Renderer]:
    """The renderer class for format ``name``; UsageError (exit 2) when unknown."""
    if name not in RENDERERS:
        known = ", ".join(FORMATS)
        raise UsageError(f"unknown report format '{name}' (known: {known})")
    module_name, class_name = RENDERERS[name].split(":")
    cls: type[Renderer] = getattr(importlib.import_module(module_name), class_name)
    return cls


def renderer(name: str) -> Renderer:
    """A renderer for format ``name`` with default options."""
    return renderer_class(name)()
