"""Helpers every renderer shares: finding order, JSON-ready values, safe display text.

All renderers list findings in the same order (:func:`ordered_findings`), turn evidence
into plain JSON data the same way (:func:`jsonable`) and label resources the same way, so
the console, JSON and CSV reports of one scan can be read side by side.

Text from resources and cloud APIs may hold anything. No report carries a raw control
character other than TAB, LF and CR, a bidirectional control (which can make a line read
differently from what it says), a lone surrogate (UTF-8 cannot even encode it) or the
noncharacters U+FFFE/U+FFFF: they are written as the visible text ``\\uXXXX``.
:func:`doc_text` does it for plain text (CSV cells, XML, HTML), :func:`json_doc` for
serialized JSON (where ``\\`` must itself be escaped); the console and Markdown use the
stricter :func:`printable`, which escapes line breaks and invisible characters too.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from enum import Enum
from typing import Any

from mamori.checks.findings import Finding, Text
from mamori.checks.model import Resource, Status
from mamori.checks.summary import needs_text
from mamori.checks.text import printable as printable  # re-exported for the renderers

# What a document may not carry raw (see the module docstring). C0 controls, DEL, C1
# controls, bidi marks/embeddings/overrides/isolates, surrogates, U+FFFE and U+FFFF.
_NOT_IN_DOCUMENTS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def doc_text(text: str) -> str:
    """``text`` safe inside a document: unsafe characters as the visible text ``\\uXXXX``."""
    return _NOT_IN_DOCUMENTS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def json_doc(text: str) -> str:
    """Serialized JSON (``ensure_ascii=False``) with the same characters made visible.

    JSON already escapes C0 controls; any other unsafe character can only stand raw
    inside a string, where it becomes an escaped backslash and ``uXXXX``: the value
    reads back as the six characters ``\\uXXXX``, never as a lone surrogate.
    """
    return _NOT_IN_DOCUMENTS.sub(lambda m: f"\\\\u{ord(m.group()):04x}", text)


def finding_sort_key(finding: Finding) -> tuple[int, str, str, str, str, str]:
    """Order of findings in every report: priority, rule id, then resource identity."""
    res = finding.resource
    return (finding.priority, finding.rule.id, res.provider, res.account, res.id,
            finding.fingerprint)


def ordered_findings(findings: Iterable[Finding]) -> list[Finding]:
    """The findings in report order (see :func:`finding_sort_key`)."""
    return sorted(findings, key=finding_sort_key)


def jsonable(value: Any) -> Any:
    """Turn an evidence value into plain JSON data, deterministically.

    Dates and datetimes become ISO 8601 strings, enums their value, tuples and sets
    lists (sets sorted), mapping keys strings (sorted); non-finite floats become
    strings, and anything else unknown its ``str()``.
    """
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, Enum):
        return jsonable(value.value)
    if isinstance(value, str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        items = ((str(k), jsonable(v)) for k, v in value.items())
        return dict(sorted(items, key=lambda kv: kv[0]))
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((jsonable(v) for v in value), key=repr)
    return str(value)


def text_in(text: Text, lang: str) -> str:
    """The text in ``lang`` (``en`` or ``ja``), falling back to English when empty."""
    chosen = text.ja if lang == "ja" else text.en
    return chosen or text.en


def resource_label(resource: Resource) -> str:
    """``type/name/id``, or ``type/id`` when the name is empty or the id itself."""
    if resource.name and resource.name != resource.id:
        return f"{resource.type}/{resource.name}/{resource.id}"
    return f"{resource.type}/{resource.id}"


def resource_location(resource: Resource) -> str:
    """``provider/account/region`` with empty parts left out."""
    parts = (resource.provider, resource.account, resource.region)
    return "/".join(p for p in parts if p)


def short_hash(ruleset_hash: str) -> str:
    """The first 12 hex digits of a rule-set hash such as ``sha256:3f2a…``."""
    return ruleset_hash.split(":")[-1][:12]


def rule_status_counts(findings: Iterable[Finding]) -> dict[str, Counter[Status]]:
    """Findings per rule id, split by status."""
    table: dict[str, Counter[Status]] = {}
    for finding in findings:
        table.setdefault(finding.rule.id, Counter())[finding.status] += 1
    return table


def failures_by_provider(findings: Iterable[Finding]) -> dict[str, int]:
    """FAIL findings per provider, most first (ties by name)."""
    counts = Counter(f.resource.provider for f in findings if f.status is Status.FAIL)
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def needs_note(finding: Finding) -> str:
    """``not assessed: needs employment (give an HR inventory ...)`` for a NOT_ASSESSED
    finding (its message when it names no need)."""
    if not finding.needs:
        return finding.message
    return "not assessed: needs " + needs_text(finding.needs)


def has_changes(findings: Iterable[Finding]) -> bool:
    """True when any finding carries a ``change`` (a plan or a history was compared)."""
    return any(f.change is not None for f in findings)
