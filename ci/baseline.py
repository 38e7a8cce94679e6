"""Baselines: findings accepted as they are today, reported but kept out of the gate.

``mamori baseline create`` writes the FAIL and ERROR findings of a scan as JSON::

    {"mamori_baseline": 1, "created": "...", "as_of": "...", "tool_version": "0.1.0",
     "findings": [{"fingerprint": "...", "rule_id": "MAM-IAM-001", "provider": "onprem",
                   "account": "", "resource_id": "u-1", "status": "FAIL"}]}

Entries are matched by fingerprint (rule id + provider + account + resource id, never
names), sorted so that the file diffs well in review. A FAIL entry baselines the same
finding while it still FAILs. An ERROR entry baselines nothing: an undecided finding
cannot be accepted, and if it later turns FAIL that failure was never seen, so it gates.
An entry whose rule ran but whose finding no longer fails is **stale** (fixed, or the
resource is gone): reported so the baseline can be refreshed, never gating. A finding that
is NOT_ASSESSED now was not re-checked, so its entry is not stale either; NOT_ASSESSED
findings are never recorded (nothing was decided to accept) and never baselined.

Unlike Checkov's baseline, a malformed file is an error (exit 2) with file, line and key
(NaN, control characters, nesting too deep included), and every entry names its rule,
provider, account and resource: a fingerprint that does not match them (a hand edit)
is refused, so what an entry accepts is always what it says.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.checks.errors import Location, UsageError, WaiverError, display_path
from mamori.checks.findings import Finding, ScanResult
from mamori.checks.inputs import os_problem, read_text_input
from mamori.checks.model import Status, fingerprint
from mamori.checks.text import input_problem
from mamori.checks.validation import validate
from mamori.checks.yamlsrc import Document, parse_documents

FORMAT_VERSION = 1
_RECORDED = (Status.FAIL, Status.ERROR)
#: Not known to be fixed: still failing, undecided, waived, or not re-checked this run.
_STILL_FAILING = frozenset({Status.FAIL, Status.ERROR, Status.WAIVED, Status.NOT_ASSESSED})
_TEXT = {"type": "string"}

BASELINE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:mamori:schema:baseline:1",
    "title": "mamori baseline file",
    "type": "object",
    "additionalProperties": False,
    "required": ["mamori_baseline", "findings"],
    "properties": {
        "mamori_baseline": {"const": FORMAT_VERSION},
        "created": _TEXT,
        "as_of": _TEXT,
        "tool_version": _TEXT,
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["fingerprint", "rule_id", "provider", "account", "resource_id",
                             "status"],
                "properties": {
                    "fingerprint": {"type": "string", "pattern": "^[0-9a-f]{32}$"},
                    "rule_id": {"type": "string", "minLength": 1},
                    "provider": _TEXT,
                    "account": _TEXT,
                    "resource_id": {"type": "string", "minLength": 1},
                    "status": {"enum": [s.value for s in _RECORDED]},
                },
            },
        },
    },
}


@dataclass(frozen=True)
class BaselineEntry:
    """One accepted finding."""

    fingerprint: str
    rule_id: str
    resource_id: str
    status: Status
    provider: str | None = None
    account: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (the file's and the reports')."""
        return {"fingerprint": self.fingerprint, "rule_id": self.rule_id,
                "provider": self.provider, "account": self.account,
                "resource_id": self.resource_id, "status": self.status.value}

    def describe(self) -> str:
        """One line for notes."""
        where = "/".join(p for p in (self.provider, self.account) if p)
        resource = f"{where}:{self.resource_id}" if where else self.resource_id
        return f"{self.rule_id} on {resource} ({self.status.value}, {self.fingerprint})"


@dataclass(frozen=True)
class Baseline:
    """A loaded baseline file."""

    entries: tuple[BaselineEntry, ...]
    source: str = ""
    created: str | None = None
    as_of: str | None = None


@dataclass(frozen=True)
class BaselineOutcome:
    """What applying a baseline did: findings marked, entries that are stale."""

    result: ScanResult
    baselined: int
    stale: tuple[BaselineEntry, ...]


def _entry(finding: Finding) -> BaselineEntry:
    res = finding.resource
    return BaselineEntry(fingerprint=finding.fingerprint, rule_id=finding.rule.id,
                         resource_id=res.id, status=finding.status, provider=res.provider,
                         account=res.account)


def baseline_from(result: ScanResult, created: datetime | None = None) -> dict[str, Any]:
    """The baseline document for a result: its FAIL and ERROR findings, sorted, unique."""
    entries = {f.fingerprint: _entry(f) for f in result.findings if f.status in _RECORDED}
    ordered = sorted(entries.values(), key=lambda e: (e.rule_id, e.provider or "",
                                                      e.account or "", e.resource_id))
    return {
        "mamori_baseline": FORMAT_VERSION,
        "created": (created or datetime.now(UTC)).isoformat(timespec="seconds"),
        "as_of": result.run.as_of.isoformat(),
        "tool_version": result.run.tool_version,
        "findings": [e.to_dict() for e in ordered],
    }


def write_baseline(result: ScanResult, path: Path) -> int:
    """Write the baseline of ``result`` to ``path`` (atomically: an interrupted write
    leaves the previous file); return the number of entries."""
    doc = baseline_from(result)
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        raise UsageError(f"{display_path(path)}: cannot write the baseline: "
                         f"{os_problem(path, exc)}") from None
    finally:
        partial.unlink(missing_ok=True)
    return len(doc["findings"])


def load_baseline(path: Path) -> Baseline:
    """Read and validate a baseline file; any problem is a WaiverError (exit 2)."""
    name = display_path(path)
    text = read_text_input(path, WaiverError, name)
    data = _parse_json(text, name)
    if not _plainly_valid(data):
        # Only now pay for jsonschema (seconds for 100k entries): it names the problem.
        try:
            validate(Document(data, name), BASELINE_SCHEMA, WaiverError)
        except WaiverError:
            _raise_with_line(text, name)
            raise
    entries = tuple(_load_entry(data, i, text, name) for i in range(len(data["findings"])))
    return Baseline(entries=entries, source=name, created=data.get("created"),
                    as_of=data.get("as_of"))


_ENTRY_KEYS = frozenset(BASELINE_SCHEMA["properties"]["findings"]["items"]["properties"])
_REQUIRED = frozenset(BASELINE_SCHEMA["properties"]["findings"]["items"]["required"])
_FINGERPRINT = re.compile("[0-9a-f]{32}")
_STATUSES = frozenset(s.value for s in _RECORDED)


def _plainly_valid(data: Any) -> bool:
    """A fast check that accepts only what BASELINE_SCHEMA accepts (maybe less)."""
    top = BASELINE_SCHEMA["properties"]
    if (not isinstance(data, dict) or not set(data) <= set(top)
            or type(data.get("mamori_baseline")) is not int
            or data["mamori_baseline"] != FORMAT_VERSION
            or not all(isinstance(data.get(k, ""), str) for k in ("created", "as_of",
                                                                  "tool_version"))
            or not isinstance(data.get("findings"), list)):
        return False
    return all(_plain_entry(item) for item in data["findings"])


def _plain_entry(item: Any) -> bool:
    return (isinstance(item, dict) and _REQUIRED <= item.keys() <= _ENTRY_KEYS
            and all(isinstance(v, str) for v in item.values())
            and _FINGERPRINT.fullmatch(item["fingerprint"]) is not None
            and bool(item["rule_id"]) and bool(item["resource_id"])
            and item["status"] in _STATUSES)


class _Constant(ValueError):
    """NaN or an infinity in the JSON text (Python's json accepts them; JSON does not)."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


def _parse_json(text: str, name: str) -> Any:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("duplicate key")
        return dict(pairs)

    def no_constants(word: str) -> Any:
        raise _Constant(word)

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except json.JSONDecodeError as exc:
        raise WaiverError(f"invalid JSON: {exc.msg}", Location(name, exc.lineno)) from exc
    except RecursionError:
        raise WaiverError("invalid baseline: nested too deeply", Location(name)) from None
    except _Constant as exc:
        raise WaiverError(f"invalid JSON: {exc.word} is not a number JSON allows",
                          Location(name, _line_of(text, exc.word))) from None
    except ValueError as exc:
        _raise_with_line(text, name)  # names the duplicate key and its line
        raise WaiverError(f"invalid baseline: {exc}", Location(name)) from exc


def _raise_with_line(text: str, name: str) -> None:
    """Re-check through the line-tracking YAML loader (JSON is YAML) to name the line.

    Only done once something is wrong, so a large valid baseline is parsed once, by json.
    """
    try:
        docs = list(parse_documents(text, name, WaiverError))
    except (ValueError, RecursionError):
        return
    if len(docs) == 1:
        validate(docs[0], BASELINE_SCHEMA, WaiverError)


def _load_entry(data: dict[str, Any], index: int, text: str, name: str) -> BaselineEntry:
    item = data["findings"][index]
    for key, value in item.items():
        problem = input_problem(value)
        if problem is not None:
            line = _line_of(text, f'"{item["fingerprint"]}"')
            raise WaiverError(f"'{key}' {problem}",
                              Location(name, line, f"findings[{index}].{key}"))
    entry = BaselineEntry(fingerprint=item["fingerprint"], rule_id=item["rule_id"],
                          resource_id=item["resource_id"], status=Status(item["status"]),
                          provider=item["provider"], account=item["account"])
    expected = fingerprint(entry.rule_id, item["provider"], item["account"], entry.resource_id)
    if expected != entry.fingerprint:
        # A hand-edited id would otherwise silently accept some other finding.
        raise WaiverError("fingerprint does not match rule_id, provider, account and "
                          "resource_id (edit the baseline with `mamori baseline create`)",
                          Location(name, _line_of(text, entry.fingerprint),
                                   f"findings[{index}].fingerprint"))
    return entry


def _line_of(text: str, needle: str) -> int | None:
    """1-based line of the first occurrence of ``needle`` in ``text``."""
    at = text.find(needle)
    return None if at < 0 else text.count("\n", 0, at) + 1


def apply_baseline(result: ScanResult, baseline: Baseline) -> BaselineOutcome:
    """Mark FAIL findings accepted by a FAIL entry as baselined; list stale entries."""
    accepted = {e.fingerprint for e in baseline.entries if e.status is Status.FAIL}
    findings: list[Finding] = []
    baselined = 0
    for finding in result.findings:
        if finding.status is Status.FAIL and finding.fingerprint in accepted:
            finding = replace(finding, baselined=True)
            baselined += 1
        findings.append(finding)
    return BaselineOutcome(result=replace(result, findings=findings), baselined=baselined,
                           stale=tuple(stale_entries(baseline.entries, result)))


def stale_entries(entries: Iterable[BaselineEntry], result: ScanResult) -> Sequence[BaselineEntry]:
    """Entries whose rule ran in this scan but whose finding no longer fails.

    Entries of rules that did not run (another --cause, a disabled rule) are not stale:
    nothing was learnt about them.
    """
    ran = {rule.id for rule in result.rules}
    failing = {f.fingerprint for f in result.findings if f.status in _STILL_FAILING}
    return [e for e in entries if e.rule_id in ran and e.fingerprint not in failing]
