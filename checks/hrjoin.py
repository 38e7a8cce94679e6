"""The HR join: what only HR knows, decided for the accounts of every provider.

No cloud API knows whether the person behind an account has left. An HR export (``person``
records with ``employment``, ``left_on``, ``emails``, ``employee_id``, ``accounts``) does.
When a scan holds such records, every ``user`` of every provider (AWS, Azure, GCP, on-prem)
is joined to them before its rules run:

- keys (configurable, ``hr_join.keys`` in mamori.yaml; all three by default), compared
  without regard to case, full-width forms or surrounding space:
  ``email``: the user's ``email``, else its id or name when they are an e-mail address
  (``user:`` prefixes as GCP writes them are dropped), against the person's ``emails``;
  ``employee_id``: the user's ``employee_id`` against the person's; ``account``: the
  user's id and name against the person's ``accounts`` (other sign-in names);
- a matched user gets ``hr_matched: true`` and the person's ``employment``: ``leaver``
  when ``left_on`` is on or before ``as_of``, else the person's status; when the user's
  own record also states an employment and either says ``leaver``, it stays ``leaver``
  (the cautious reading); evidence of the match is kept as ``x_hr_person``;
- a user no person matches gets ``hr_matched: false`` and, when it states none,
  ``employment: unknown``: an account nobody owns is a finding of its own;
- one key value claimed by two people (the same e-mail on two records) is an input error
  naming both: the join would be a guess.

Without such records, ``user.hr_matched`` is out of every provider's reach (NOT_ASSESSED,
naming the HR inventory as the source), and ``employment`` stays as the providers
declared it.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mamori.checks.errors import InventoryError, Location
from mamori.checks.model import Resource
from mamori.checks.observability import Elsewhere, Lookup, Observability, declared

KEYS = ("email", "employee_id", "account")
#: Where HR facts come from when no HR inventory is in the scan.
HR_SOURCE = Elsewhere(
    "only HR records say who owns an account",
    "give an HR inventory (person records with emails, employee_id or accounts) to join "
    "accounts to people (docs/hr-join.md)")


@dataclass(frozen=True)
class Person:
    """What the join needs of one person record."""

    id: str
    source: str
    employment: str | None
    left_on: date | None


@dataclass
class HrIndex:
    """Person records by join key value; empty when no person carries a key."""

    keys: tuple[str, ...] = KEYS
    by_key: dict[str, dict[str, Person]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.by_key.values())

    def add(self, resource: Resource) -> None:
        """Index a ``person`` resource by its key values; a value claimed twice fails."""
        person = Person(resource.id, resource.source,
                        _text(resource.attributes.get("employment")),
                        _day(resource.attributes.get("left_on")))
        for key, values in _person_keys(resource.attributes).items():
            if key not in self.keys:
                continue
            table = self.by_key.setdefault(key, {})
            for value in values:
                first = table.get(value)
                if first is not None and first.id != person.id:
                    raise InventoryError(
                        f"HR join: {key} '{value}' belongs to two people: {first.id} "
                        f"({first.source}) and {person.id} ({person.source}); an account "
                        "can be joined to one person only", _location(resource.source))
                table[value] = person

    def match(self, user: Resource) -> Person | None:
        """The person owning ``user``, or None (several matches by different keys: the
        first key in ``keys`` wins, and so does the first value)."""
        for key, values in _user_keys(user).items():
            table = self.by_key.get(key, {})
            for value in values:
                if value in table:
                    return table[value]
        return None


def join(user: Resource, index: HrIndex, as_of: datetime) -> Resource:
    """``user`` with the HR facts the index holds for it."""
    person = index.match(user)
    attributes: dict[str, Any] = dict(user.attributes)
    own = _text(attributes.get("employment"))
    if person is None:
        attributes["hr_matched"] = False
        attributes.setdefault("employment", "unknown")
        return dataclasses.replace(user, attributes=attributes)
    hr = person.employment
    if person.left_on is not None and person.left_on <= as_of.date():
        hr = "leaver"
    attributes["hr_matched"] = True
    attributes["x_hr_person"] = person.id
    if own == "leaver" or hr == "leaver":
        attributes["employment"] = "leaver"
    elif hr is not None:
        attributes["employment"] = hr
    return dataclasses.replace(user, attributes=attributes)


def with_hr_facts(base: Lookup, joined: bool) -> Lookup:
    """The providers' declarations, plus: without an HR inventory, ``user.hr_matched``
    is out of every provider's reach (NOT_ASSESSED naming the HR inventory)."""
    if joined:
        return base
    memo: dict[str, Observability] = {}

    def lookup(provider: str) -> Observability | None:
        if provider not in memo:
            memo[provider] = _plus_hr(base(provider), provider)
        return memo[provider]
    return lookup


def _plus_hr(found: Observability | None, provider: str) -> Observability:
    if found is None:
        return declared(provider, {}, {"user": {"hr_matched": HR_SOURCE}})
    elsewhere = {t: dict(a) for t, a in found.elsewhere.items()}
    elsewhere.setdefault("user", {})["hr_matched"] = HR_SOURCE
    return dataclasses.replace(found, elsewhere=elsewhere)


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _day(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _values(value: Any) -> list[str]:
    items: Iterable[Any] = value if isinstance(value, list | tuple) else [value]
    return [_fold(v) for v in items if isinstance(v, str) and v.strip()]


def _person_keys(attributes: Mapping[str, Any]) -> dict[str, list[str]]:
    return {"email": _values(attributes.get("emails")),
            "employee_id": _values(attributes.get("employee_id")),
            "account": _values(attributes.get("accounts"))}


def _email_of(text: str) -> str | None:
    folded = _fold(text)
    if folded.startswith("user:"):
        folded = folded[5:]
    return folded if "@" in folded else None


def _user_keys(user: Resource) -> dict[str, list[str]]:
    emails = _values(user.attributes.get("email"))
    emails += [e for e in (_email_of(user.id), _email_of(user.name)) if e]
    return {"email": list(dict.fromkeys(emails)),
            "employee_id": _values(user.attributes.get("employee_id")),
            "account": list(dict.fromkeys(_values([user.id, user.name])))}


def _location(source: str) -> Location:
    file, _, rest = source.rpartition(":")
    line = rest.removeprefix("row ").strip()
    if file and line.isdigit():
        return Location(file, int(line))
    return Location(source)


def build_index(persons: Sequence[Resource], keys: Sequence[str] = KEYS) -> HrIndex:
    """The index of the scan's person records."""
    index = HrIndex(tuple(keys))
    for person in persons:
        index.add(person)
    return index
