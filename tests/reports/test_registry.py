"""The format registry and the Report value type."""

from __future__ import annotations

import inspect

import pytest

from mamori.checks.errors import UsageError
from mamori.reports import registry
from mamori.reports.interface import LANGUAGES, Renderer, Report


def test_formats_are_the_registered_names() -> None:
    assert registry.FORMATS[:3] == ("console", "json", "csv")
    assert tuple(registry.RENDERERS) == registry.FORMATS


@pytest.mark.parametrize("name", registry.FORMATS)
def test_every_renderer_is_concrete_and_named_after_its_key(name: str) -> None:
    cls = registry.renderer_class(name)
    assert issubclass(cls, Renderer)
    assert not inspect.isabstract(cls)
    assert cls.name == name
    assert cls.extension and not cls.extension.startswith(".")
    assert isinstance(registry.renderer(name), cls)


def test_unknown_format_is_a_usage_error_listing_the_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        registry.renderer("nope")
    message = str(info.value)
    assert "'nope'" in message
    assert "console, json, csv" in message
    assert info.value.exit_code == 2


def test_unknown_language_is_a_usage_error(report: Report) -> None:
    assert LANGUAGES == ("en", "ja")
    with pytest.raises(UsageError, match="fr"):
        Report(report.result, report.verdict, lang="fr")
