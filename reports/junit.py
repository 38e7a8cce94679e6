"""The JUnit XML report: findings as test results for Jenkins, GitLab and other CI.

One ``<testsuite>`` per rule (named after the rule id, so CI trend graphs follow a rule
across runs), one ``<testcase>`` per finding: ``classname`` is the rule id and ``name``
the resource (``type/name/id @ provider/account/region``), which is built from ids and
stays stable. PASS is a plain testcase; FAIL carries ``<failure>`` with the message and
the evidence; ERROR carries ``<error>`` with the missing attributes; WAIVED is
``<skipped message="waived by ...">``; NOT_ASSESSED is ``<skipped type="NOT_ASSESSED"
message="not assessed: needs ...">`` naming each fact and the source that could supply
it (skipped, never passed: CI tools count it apart from the passes). Collection errors
form one more suite, ``mamori.collection``, with an ``<error>`` each, so an incomplete
scan is never green.

The layout follows the JUnit schema that Jenkins' xUnit plugin and GitLab accept
(``testsuites`` > ``testsuite`` > ``testcase``); the tests validate against it. Text that
XML 1.0 cannot carry (most control characters) is written as ``\\uXXXX``. The file is
written one testcase at a time.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import ClassVar, TextIO
from xml.sax.saxutils import escape, quoteattr

from mamori.checks.findings import Finding, RuleInfo, Text
from mamori.checks.model import CollectionError, Status
from mamori.checks.summary import needs_text
from mamori.reports._common import (
    doc_text,
    jsonable,
    needs_note,
    ordered_findings,
    resource_label,
    resource_location,
    rule_status_counts,
)
from mamori.reports._i18n import appi_tag, waiver_note
from mamori.reports.interface import Renderer, Report

COLLECTION_SUITE = "mamori.collection"


def xml_text(text: str) -> str:
    """``text`` escaped for element content; characters XML 1.0 cannot hold (most C0
    controls, lone surrogates, U+FFFE/U+FFFF) and bidi controls as ``\\uXXXX``."""
    return escape(doc_text(text))


def xml_attr(text: str) -> str:
    """``text`` as a quoted attribute value (newlines kept as ``&#10;``)."""
    return quoteattr(doc_text(text), {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})


def _both(text: Text) -> str:
    """English and Japanese side by side (CI tools show one text for everyone)."""
    return f"{text.en} / {text.ja}" if text.ja and text.ja != text.en else text.en


def case_name(finding: Finding) -> str:
    """The testcase name: the resource and where it lives."""
    res = finding.resource
    where = resource_location(res)
    return f"{resource_label(res)} @ {where}" if where else resource_label(res)


def _details(finding: Finding, lang: str) -> str:
    """Body of a failure or error: evidence, remediation, frameworks, APPI, source."""
    rule = finding.rule
    lines = [f"rule: {rule.id} — {_both(rule.title)}",
             f"severity: {rule.severity.value}  priority: P{finding.priority}",
             f"resource: {resource_label(finding.resource)}",
             f"source: {finding.resource.source}",
             "evidence: " + json.dumps(jsonable(finding.evidence), ensure_ascii=False,
                                       sort_keys=True)]
    if finding.missing:
        lines.append("missing: " + ", ".join(finding.missing))
    if finding.needs:
        lines.append("needs: " + needs_text(finding.needs))
    tag = appi_tag(finding.appi, lang)
    if tag:
        lines.append(tag)
    if finding.change:
        lines.append(f"change: {finding.change}")
    lines.append(f"remediation: {_both(rule.remediation)}")
    for framework, ids in sorted(rule.frameworks.items()):
        lines.append(f"{framework}: {', '.join(ids)}")
    lines.append(f"fingerprint: {finding.fingerprint}")
    return "\n".join(lines)


def testcase(finding: Finding, lang: str) -> str:
    """One ``<testcase>`` element."""
    head = (f'    <testcase classname={xml_attr(finding.rule.id)} '
            f'name={xml_attr(case_name(finding))} time="0"')
    status = finding.status
    if status is Status.PASS:
        return head + "/>\n"
    if status is Status.WAIVED:
        note = waiver_note(finding.waiver, lang) if finding.waiver else "waived"
        return f"{head}>\n      <skipped message={xml_attr(note)}/>\n    </testcase>\n"
    if status is Status.NOT_ASSESSED:
        note = needs_note(finding)
        return (f"{head}>\n      <skipped message={xml_attr(note)} type=\"NOT_ASSESSED\">"
                f"{xml_text(_details(finding, lang))}</skipped>\n    </testcase>\n")
    tag = "failure" if status is Status.FAIL else "error"
    kind = finding.rule.severity.value if status is Status.FAIL else "ERROR"
    body = xml_text(_details(finding, lang))
    return (f"{head}>\n      <{tag} message={xml_attr(finding.message)} type={xml_attr(kind)}>"
            f"{body}</{tag}>\n    </testcase>\n")


def _suite_open(name: str, counts: dict[Status, int], timestamp: str, extra: str = "") -> str:
    tests = sum(counts.values())
    skipped = counts.get(Status.WAIVED, 0) + counts.get(Status.NOT_ASSESSED, 0)
    return (f"  <testsuite name={xml_attr(name)} tests=\"{tests}\" "
            f"failures=\"{counts.get(Status.FAIL, 0)}\" errors=\"{counts.get(Status.ERROR, 0)}\" "
            f"skipped=\"{skipped}\" time=\"0\" timestamp={xml_attr(timestamp)}{extra}>\n")


def _properties(rule: RuleInfo) -> str:
    props = [("title_en", rule.title.en), ("title_ja", rule.title.ja),
             ("severity", rule.severity.value),
             ("causes", ",".join(c.value for c in rule.causes))]
    props += [(f"framework.{k}", ",".join(v)) for k, v in sorted(rule.frameworks.items())]
    items = "".join(f"      <property name={xml_attr(k)} value={xml_attr(v)}/>\n"
                    for k, v in props)
    return f"    <properties>\n{items}    </properties>\n"


def _collection_suite(errors: Sequence[CollectionError], timestamp: str) -> Iterator[str]:
    yield _suite_open(COLLECTION_SUITE, {Status.ERROR: len(errors)}, timestamp)
    for err in errors:
        name = f"{err.provider} {err.operation} {err.scope}"
        body = "\n".join([f"code: {err.code}", f"message: {err.message}",
                          "affected types: " + ", ".join(err.resource_types)])
        yield (f"    <testcase classname={xml_attr(COLLECTION_SUITE)} name={xml_attr(name)} "
               f"time=\"0\">\n      <error message={xml_attr(err.message)} "
               f"type={xml_attr(err.code)}>{xml_text(body)}</error>\n    </testcase>\n")
    yield "  </testsuite>\n"


class JunitRenderer(Renderer):
    """Writes JUnit XML: a suite per rule, a testcase per finding."""

    name: ClassVar[str] = "junit"
    extension: ClassVar[str] = "xml"

    def lines(self, report: Report) -> Iterator[str]:
        """The document, piece by piece."""
        result, lang = report.result, report.lang
        by_rule: dict[str, list[Finding]] = {}
        for finding in ordered_findings(result.findings):
            by_rule.setdefault(finding.rule.id, []).append(finding)
        counts = rule_status_counts(result.findings)
        timestamp = result.run.started.isoformat()
        failures = sum(c[Status.FAIL] for c in counts.values())
        errors = sum(c[Status.ERROR] for c in counts.values()) + len(result.errors)
        tests = len(result.findings) + len(result.errors)
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        yield (f'<testsuites name="mamori" tests="{tests}" failures="{failures}" '
               f'errors="{errors}" time="0">\n')
        for rule_id in sorted(by_rule):
            group = by_rule[rule_id]
            yield _suite_open(rule_id, dict(counts[rule_id]), timestamp)
            yield _properties(group[0].rule)
            for finding in group:
                yield testcase(finding, lang)
            yield "  </testsuite>\n"
        if result.errors:
            yield from _collection_suite(result.errors, timestamp)
        yield "</testsuites>\n"

    def render(self, report: Report, out: TextIO) -> None:
        """Write the XML document."""
        for piece in self.lines(report):
            out.write(piece)
