"""Expired or unused waivers and stale baseline entries reach every human-facing report."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest

from mamori.checks.findings import GateNote
from mamori.reports.interface import Report
from mamori.reports.registry import renderer
from tests.reports.conftest import build_report

NOTE = GateNote("waiver_expired", "waivers.yaml:12",
                "waiver for MAM-NET-001 on <sg-bastion> expired on 2026-10-31")


def with_note(lang: str) -> Report:
    report = build_report(lang)
    return replace(report, result=replace(report.result, gate_notes=(NOTE,)))


def render(fmt: str, report: Report) -> str:
    out = io.StringIO()
    renderer(fmt).render(report, out)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["console", "markdown", "html"])
def test_note_is_shown(fmt: str) -> None:
    text = render(fmt, with_note("en"))
    assert "waivers.yaml:12" in text
    assert "expired on 2026-10-31" in text


def test_html_escapes_the_note() -> None:
    text = render("html", with_note("ja"))
    assert "&lt;sg-bastion&gt;" in text and "<sg-bastion>" not in text


def test_json_lists_the_note() -> None:
    doc = json.loads(render("json", with_note("en")))
    assert doc["gate_notes"] == [NOTE.to_dict()]


def test_no_note_no_section() -> None:
    assert "waivers.yaml" not in render("markdown", build_report("en"))
