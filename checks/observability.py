"""What each provider can observe, and who can tell what it cannot.

A rule that needs a fact no source of this scan can supply is **NOT_ASSESSED**, not
ERROR: ERROR means "a source that should have supplied the fact did not" (denied, timed
out, returned nothing), NOT_ASSESSED means "this source can never tell" (no cloud API
holds a person's employment status; ARM cannot see whether a VM's vendor default
password still works). The difference is declared, never guessed: each provider states,
per resource type it emits, which vocabulary attributes it supplies and, for the others,
why it cannot and which source could (:class:`Observability`).

The engine consults the declaration only for attributes that are absent. Absent and
declared ``supplies`` → ERROR. Absent and declared :class:`Elsewhere` → NOT_ASSESSED,
naming the fact and the source. Absent and not declared at all → ERROR (fail closed).
A provider that sometimes can tell (a Linux VM whose password sign-in is disabled cannot
have a default password) declares the fact ``Elsewhere`` and fills it when it can.

Declarations live in a light module per provider (no SDK import), registered in
``mamori.providers.registry.OBSERVABILITY``; a test checks them against what the
providers actually emit on their test estates, and docs/coverage.md is generated from
them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from mamori.checks.model import Resource
from mamori.checks.vocabulary import VOCABULARY

_INDEX = re.compile(r"\[\d*\]")


@dataclass(frozen=True)
class Elsewhere:
    """A fact a provider can never observe: why, and which source could supply it."""

    reason: str  # "IAM keeps no employment status"
    source: str  # "an HR inventory (person records) joined by e-mail"

    def describe(self, attr: str) -> str:
        """``employment: IAM keeps no employment status; give an HR inventory ...``."""
        return f"{attr}: {self.reason}; {self.source}"


@dataclass(frozen=True)
class Observability:
    """What one provider can tell, per resource type it emits.

    ``supplies[type]`` are the vocabulary attributes it reads from its source (absent =
    the read failed: ERROR); ``elsewhere[type][attr]`` are those it can never read, with
    who could (absent = NOT_ASSESSED). Attributes are vocabulary field names
    (``audit_log.enabled``, ``access_keys``); fields of list items count as their list.
    """

    provider: str
    supplies: Mapping[str, frozenset[str]]
    elsewhere: Mapping[str, Mapping[str, Elsewhere]] = field(default_factory=dict)

    def unobservable(self, resource_type: str, attr: str) -> Elsewhere | None:
        """The declaration for an absent attribute this provider never supplies, or None."""
        return self.elsewhere.get(resource_type, {}).get(field_of(resource_type, attr))

    def types(self) -> frozenset[str]:
        """The resource types this provider emits."""
        return frozenset(self.supplies) | frozenset(self.elsewhere)

    def undeclared(self) -> dict[str, list[str]]:
        """Vocabulary attributes of an emitted type that are neither supplied nor
        declared elsewhere (a declaration must cover its types completely)."""
        out: dict[str, list[str]] = {}
        for rtype in sorted(self.types()):
            known = self.supplies.get(rtype, frozenset()) | set(self.elsewhere.get(rtype, {}))
            missing = [a for a in VOCABULARY[rtype] if a not in known]
            if missing:
                out[rtype] = missing
        return out


def field_of(resource_type: str, path: str) -> str:
    """The vocabulary field a path belongs to: ``access_keys[0].last_used`` →
    ``access_keys``; ``encryption.enabled`` stays; unknown paths come back as given."""
    plain = _INDEX.sub("", path)
    fields = VOCABULARY.get(resource_type, {})
    if plain in fields:
        return plain
    head = plain.split(".", 1)[0]
    return head if head in fields else plain


def declared(provider: str, supplies: Mapping[str, Iterable[str]],
             elsewhere: Mapping[str, Mapping[str, Elsewhere]] | None = None) -> Observability:
    """Build a declaration; ``supplies`` may be given as lists."""
    return Observability(provider, {t: frozenset(a) for t, a in supplies.items()},
                         elsewhere or {})


#: How the engine finds a provider's declaration (None: no declaration, absent = ERROR).
Lookup = Callable[[str], Observability | None]


def no_declarations(provider: str) -> Observability | None:
    """The lookup when nothing is declared: every absent attribute is ERROR."""
    return None


def conformance(declaration: Observability, resources: Iterable[object]) -> list[str]:
    """Where a declaration and what the provider emitted disagree (empty: they agree).

    Checked: every emitted type is declared and fully classified; no emitted attribute
    is undeclared; every attribute declared ``supplies`` was emitted on at least one
    resource of its type (a complete test estate exercises every claim).
    """
    problems = [f"{t}: attribute(s) neither supplied nor declared elsewhere: {', '.join(a)}"
                for t, a in declaration.undeclared().items()]
    seen: dict[str, set[str]] = {}
    for resource in resources:
        if not isinstance(resource, Resource) or resource.provider != declaration.provider:
            continue
        if resource.type not in declaration.types():
            problems.append(f"{resource.type}: emitted but not declared")
            continue
        seen.setdefault(resource.type, set()).update(_present(resource))
    for rtype, attrs in sorted(seen.items()):
        known = declaration.supplies.get(rtype, frozenset()) | set(
            declaration.elsewhere.get(rtype, {}))
        extra = sorted(attrs - known)
        if extra:
            problems.append(f"{rtype}: emitted but not declared: {', '.join(extra)}")
        never = sorted(declaration.supplies.get(rtype, frozenset()) - attrs)
        if never:
            problems.append(f"{rtype}: declared supplied but never emitted: {', '.join(never)}")
    return problems


def _present(resource: Resource) -> set[str]:
    """The vocabulary fields a resource carries (nested dicts walked by dotted path)."""
    fields = VOCABULARY[resource.type]
    found: set[str] = set()

    def walk(node: Mapping[str, object], prefix: str) -> None:
        for key, value in node.items():
            path = f"{prefix}{key}"
            if path in fields:
                found.add(path)
            elif isinstance(value, Mapping):
                walk(value, path + ".")

    walk(resource.attributes, "")
    return found
