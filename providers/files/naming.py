"""Names: which resource type a file name stands for, and "did you mean" suggestions."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from pathlib import Path

from mamori.checks.vocabulary import RESOURCE_TYPES

# Irregular plurals; every other type takes a plain "s".
_PLURALS: dict[str, tuple[str, ...]] = {
    "facility": ("facilities",),
    "person": ("people", "persons"),
}


def _file_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for type_ in RESOURCE_TYPES:
        names[type_] = type_
        for plural in _PLURALS.get(type_, (type_ + "s",)):
            names[plural] = type_
    return names


#: File stem (type name or plural, ``_`` or ``-``) -> resource type.
FILE_TYPES: dict[str, str] = _file_names()


def type_from_file_name(path: Path) -> str | None:
    """The resource type a file is named after (``hosts.csv`` -> host), or None."""
    stem = path.stem.lower().replace("-", "_")
    return FILE_TYPES.get(stem)


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_").replace(" ", "_")


def suggest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate the user most likely meant by ``word``, or None.

    Tried in order: the same name spelled differently (``MFA``, ``encryption_enabled`` for
    ``encryption.enabled``); a candidate the word starts with (``mfa_enabled`` -> ``mfa``,
    where plain similarity would pick ``enabled``); then difflib's closest match.
    """
    options = sorted(set(candidates))
    wanted = _normal(word)
    by_normal = {_normal(c): c for c in options}
    if wanted in by_normal:
        return by_normal[wanted]
    prefixes = [c for c in options if wanted.startswith(_normal(c) + "_")]
    if prefixes:
        return max(prefixes, key=len)
    close = difflib.get_close_matches(wanted, list(by_normal), n=1, cutoff=0.6)
    return by_normal[close[0]] if close else None


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` or the empty string."""
    match = suggest(word, candidates)
    return f"; did you mean '{match}'?" if match else ""
