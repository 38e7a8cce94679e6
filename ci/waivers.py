"""Waivers: accepted risks that turn a FAIL into WAIVED until a fixed date.

A waivers file is YAML (docs/ci.md)::

    waivers:
      - rule: MAM-IAM-*              # rule id, or an anchored glob
        resource: web-*              # resource id, exact or an anchored glob
        provider: aws                # optional qualifiers: exact match
        account: "123456789012"
        reason: Legacy service account, replaced in Q1
        owner: alice@example.com
        ticket: SEC-1234
        expires: 2026-12-31          # required: a date
        match_all: true              # only for a waiver meant to cover every finding

Unlike Prowler's mutelist, patterns are anchored globs on ids (``*`` is the only
wildcard; ``MAM-IAM-*`` never matches ``XMAM-IAM-1``), every waiver expires, and a
malformed file is an error with file, line and key (exit 2), never an empty list.

A waiver that covers every finding switches the gate off, so it must say so
(``match_all: true``). It covers every finding when its rule pattern covers every rule
and its resource pattern every resource, with no provider or account qualifier. A rule
pattern covers every rule when it is made only of wildcard-looking characters (``*``,
``**``, ``*?*``, ``.*``) or, with ``*``, matches every rule id loaded for the run
(``MAM-*``, ``M*``: checked by :func:`check_against_rules`); a resource pattern when it
is made only of such characters. ``provider`` and ``account`` are exact values, so a
wildcard in them (which would match nothing) is refused too.

Boundary: a waiver that ``expires: D`` covers findings while the scan's ``as_of``,
taken as a UTC date, is on or before D. It stops covering on D + 1.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import cached_property
from pathlib import Path
from typing import Any

from mamori.checks.errors import Location, WaiverError, display_path
from mamori.checks.findings import Finding, ScanResult
from mamori.checks.inputs import check_file
from mamori.checks.model import Status, Waiver
from mamori.checks.text import is_blank, printable
from mamori.checks.validation import validate
from mamori.checks.yamlsrc import Document, load_documents

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WILD = frozenset("*?")
_WILDCARD_LOOKING = frozenset("*?.+^$ ")
_TEXT = {"type": "string", "minLength": 1}

WAIVER_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:mamori:schema:waivers:1",
    "title": "mamori waivers file",
    "type": "object",
    "additionalProperties": False,
    "required": ["waivers"],
    "properties": {
        "waivers": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["rule", "resource", "reason", "owner", "ticket", "expires"],
                "properties": {
                    "rule": {**_TEXT, "description": "Rule id or anchored glob (MAM-IAM-*)."},
                    "resource": {**_TEXT, "description": "Resource id or anchored glob."},
                    "provider": {**_TEXT, "description": "Only resources of this provider."},
                    "account": {**_TEXT, "description": "Only resources in this account."},
                    "reason": _TEXT,
                    "owner": _TEXT,
                    "ticket": _TEXT,
                    "expires": {"type": "string", "format": "date",
                                "description": "Last day (UTC) the waiver covers findings."},
                    "match_all": {"type": "boolean",
                                  "description": "Says that the waiver is meant to cover "
                                                 "every finding (required for one that "
                                                 "does)."},
                },
            },
        },
    },
}


def compile_glob(pattern: str) -> re.Pattern[str]:
    """An anchored, case-sensitive matcher where ``*`` is any run of characters.

    Every other character is literal: resource ids such as plan addresses contain
    ``[0]`` and ``?``, which fnmatch would read as pattern syntax.
    """
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)


@dataclass(frozen=True)
class WaiverEntry:
    """One validated waiver of a waivers file, with where it was written."""

    rule: str
    resource: str
    reason: str
    owner: str
    ticket: str
    expires: date
    location: Location
    provider: str | None = None
    account: str | None = None
    match_all: bool = False
    #: Where its ``rule`` key is written (errors about the pattern point there).
    rule_location: Location | None = None

    @cached_property
    def _rule_re(self) -> re.Pattern[str]:
        return compile_glob(self.rule)

    @cached_property
    def _resource_re(self) -> re.Pattern[str]:
        return compile_glob(self.resource)

    @property
    def where(self) -> str:
        """``file:line`` of the waiver in its file."""
        return str(Location(self.location.file, self.location.line))

    def names_rule(self, rule_id: str) -> bool:
        """Whether the rule pattern matches ``rule_id`` (whole id, case-sensitive)."""
        return self._rule_re.fullmatch(rule_id) is not None

    def matches(self, finding: Finding) -> bool:
        """Whether this waiver names the finding's rule and resource (ignores expiry)."""
        res = finding.resource
        if self.provider is not None and res.provider != self.provider:
            return False
        if self.account is not None and res.account != self.account:
            return False
        return self.names_rule(finding.rule.id) and self._resource_re.fullmatch(res.id) is not None

    def covers_everything(self, rule_ids: Collection[str]) -> bool:
        """Whether this waiver, unless it says ``match_all``, covers every finding of a
        run whose loaded rules are ``rule_ids`` (module docstring)."""
        if self.match_all or self.provider is not None or self.account is not None:
            return False
        if not only_wildcards(self.resource):
            return False
        if only_wildcards(self.rule):
            return True
        return ("*" in self.rule and bool(rule_ids)
                and all(self.names_rule(rule_id) for rule_id in rule_ids))

    def valid_on(self, as_of: datetime) -> bool:
        """True while ``as_of`` (as a UTC date) is on or before the expiry date."""
        return _utc_date(as_of) <= self.expires

    def to_waiver(self) -> Waiver:
        """The model's Waiver: expiry is the last second of the last covered UTC day."""
        return Waiver(owner=self.owner, reason=self.reason, ticket=self.ticket,
                      expires=datetime.combine(self.expires, time(23, 59, 59), tzinfo=UTC))

    def describe(self) -> str:
        """One line naming the waiver for notes: place, target, owner, ticket, expiry."""
        target = f"rule {self.rule}, resource {self.resource}"
        if self.provider is not None:
            target += f", provider {self.provider}"
        if self.account is not None:
            target += f", account {self.account}"
        return (f"{self.where} ({target}; owner {self.owner}, ticket {self.ticket}, "
                f"expires {self.expires.isoformat()})")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form for reports."""
        return {"rule": self.rule, "resource": self.resource, "provider": self.provider,
                "account": self.account, "reason": self.reason, "owner": self.owner,
                "ticket": self.ticket, "expires": self.expires.isoformat(),
                "match_all": self.match_all, "source": self.where}


@dataclass(frozen=True)
class WaiverOutcome:
    """What applying waivers did.

    ``reopened[i]`` counts the FAIL findings that ``expired[i]`` (first in file order)
    matched and no valid waiver covers: they are FAIL again.
    """

    result: ScanResult
    waived: int
    expired: tuple[WaiverEntry, ...]
    unused: tuple[WaiverEntry, ...]
    reopened: tuple[int, ...]


def _utc_date(moment: datetime) -> date:
    """The UTC calendar day of ``moment`` (a naive datetime is taken as UTC)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(UTC).date()


def load_waivers(path: Path) -> list[WaiverEntry]:
    """Read and validate a waivers file; any problem is a WaiverError (exit 2)."""
    name = display_path(path)
    check_file(path, WaiverError)  # never open a FIFO or a device
    try:
        docs = load_documents(path, WaiverError)
    except RecursionError:
        raise WaiverError("nested too deeply", Location(name)) from None
    except ValueError as exc:
        # PyYAML raises a bare ValueError for impossible dates such as 2026-02-30.
        raise WaiverError(f"invalid value: {exc}", Location(name)) from exc
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        raise WaiverError("a waivers file must be one YAML mapping with a 'waivers:' list",
                          Location(name))
    doc = docs[0]
    validate(Document(_dates_as_text(doc.data), doc.file, doc.lines), WAIVER_SCHEMA, WaiverError)
    return [_entry(doc, i, item) for i, item in enumerate(doc.data["waivers"])]


def _dates_as_text(data: dict[str, Any]) -> dict[str, Any]:
    """A copy where YAML dates are ISO text, so the schema sees what JSON editors see."""
    items = data.get("waivers")
    if not isinstance(items, list):
        return data
    out = []
    for item in items:
        value = item.get("expires") if isinstance(item, dict) else None
        if isinstance(value, date):
            item = {**item, "expires": value.isoformat()}
        out.append(item)
    return {**data, "waivers": out}


def _entry(doc: Document, index: int, item: dict[str, Any]) -> WaiverEntry:
    """Build one waiver after the schema passed: dates, blank texts, match-everything."""
    for key in ("rule", "resource", "provider", "account", "reason", "owner", "ticket"):
        if key in item and is_blank(item[key]):
            raise WaiverError(f"'{key}' must not be blank", doc.location(("waivers", index, key)))
    for key in ("provider", "account"):
        if key in item and set(item[key]) & _WILD:
            raise WaiverError(f"'{key}' is an exact value, not a pattern: leave it out to "
                              f"match every {key}", doc.location(("waivers", index, key)))
    entry = WaiverEntry(
        rule=item["rule"], resource=item["resource"], reason=item["reason"],
        owner=item["owner"], ticket=item["ticket"],
        expires=_expiry(doc, index, item["expires"]),
        location=doc.location(("waivers", index)),
        provider=item.get("provider"), account=item.get("account"),
        match_all=item.get("match_all", False),
        rule_location=doc.location(("waivers", index, "rule")),
    )
    if entry.covers_everything(()):
        raise _match_all_error(entry, "its rule and resource patterns match anything")
    return entry


def only_wildcards(pattern: str) -> bool:
    """Whether ``pattern`` reads as "anything": only ``*``, ``?``, ``.``, ``+``, ``^``,
    ``$`` and spaces, with at least one ``*`` or ``?`` (``*``, ``**``, ``*?*``, ``.*``)."""
    text = pattern.strip()
    return bool(set(text) & _WILD) and set(text) <= _WILDCARD_LOOKING


def check_against_rules(waivers: Sequence[WaiverEntry], rule_ids: Collection[str]) -> None:
    """Refuse a waiver that covers every finding of a run with these rules loaded
    (``MAM-*`` when every rule id starts with ``MAM-``) unless it says ``match_all``."""
    for waiver in waivers:
        if waiver.covers_everything(rule_ids):
            raise _match_all_error(waiver, f"its rule pattern '{printable(waiver.rule)}' "
                                           f"matches all {len(rule_ids)} loaded rules and its "
                                           "resource pattern any resource")


def _match_all_error(waiver: WaiverEntry, why: str) -> WaiverError:
    return WaiverError(f"this waiver would cover every finding ({why}), switching the gate "
                       "off; name the rules or resources it is for, or add "
                       "'match_all: true' if that is really meant",
                       waiver.rule_location or waiver.location)


def _expiry(doc: Document, index: int, value: object) -> date:
    """``expires`` as a date: a YAML date or 'YYYY-MM-DD' text; never a datetime."""
    where = doc.location(("waivers", index, "expires"))
    if isinstance(value, datetime):
        raise WaiverError(f"expected a date like 2026-12-31 (the waiver covers that whole day, "
                          f"UTC), got a date and time {value.isoformat()!r}", where)
    if isinstance(value, date):
        return value
    text = str(value)
    try:
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError as exc:
        raise WaiverError(f"invalid date {text!r}: {exc}", where) from exc
    raise WaiverError(f"expected a date like 2026-12-31, got {text!r}", where)


def apply_waivers(result: ScanResult, waivers: Sequence[WaiverEntry],
                  as_of: datetime) -> WaiverOutcome:
    """Turn FAIL findings covered by a valid waiver into WAIVED (first match in file order).

    ERROR findings are never waived: an undecided finding cannot be accepted.
    Expired waivers hide nothing; they and the waivers that covered nothing are listed.
    """
    valid = _Index([w for w in waivers if w.valid_on(as_of)])
    expired = _Index([w for w in waivers if not w.valid_on(as_of)])
    used: set[int] = set()
    reopened = [0] * len(expired.entries)
    waived = 0
    findings: list[Finding] = []
    for finding in result.findings:
        index = valid.first_match(finding) if finding.status is Status.FAIL else None
        if index is None:
            old = expired.first_match(finding) if finding.status is Status.FAIL else None
            if old is not None:
                reopened[old] += 1
            findings.append(finding)
            continue
        used.add(index)
        waived += 1
        findings.append(replace(finding, status=Status.WAIVED,
                                waiver=valid.entries[index].to_waiver()))
    return WaiverOutcome(
        result=replace(result, findings=findings), waived=waived,
        expired=tuple(expired.entries),
        unused=tuple(w for i, w in enumerate(valid.entries) if i not in used),
        reopened=tuple(reopened),
    )


class _Index:
    """Waivers grouped by the rule ids they name, so a finding is tested only against
    the waivers of its rule (a scan has few rules and possibly many findings)."""

    def __init__(self, entries: list[WaiverEntry]) -> None:
        self.entries = entries
        self._by_rule: dict[str, list[int]] = {}

    def first_match(self, finding: Finding) -> int | None:
        """Position of the first waiver in file order that matches ``finding``."""
        rule_id = finding.rule.id
        candidates = self._by_rule.get(rule_id)
        if candidates is None:
            candidates = [i for i, w in enumerate(self.entries) if w.names_rule(rule_id)]
            self._by_rule[rule_id] = candidates
        return next((i for i in candidates if self.entries[i].matches(finding)), None)
