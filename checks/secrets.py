"""What counts as a secret, and the one place where secrets are masked.

A value is **secret** when

- it is a documented attribute the vocabulary marks ``secret`` (``network_device.
  password_hash``); other documented attributes are never secret by name, whatever the
  name says (``password_policy.min_length`` is a number about passwords,
  ``default_credentials`` a yes/no), because their kind is fixed and documented;
- it sits under ``raw`` (the provider's raw payload may carry secrets under innocent
  names such as ``UserData`` or ``value``): it is never shown at all;
- or its key, or the key of any mapping above it, *says* secret (:func:`secret_name`):
  custom ``x_`` attributes at any depth, fields of list items (``access_keys[].
  x_secret_access_key``), tag names, and the keys of free-form values.

A key says secret when it contains one of ``vocabulary.SECRET_WORDS`` (case, ``_``,
``-``, spaces and camelCase do not matter: ``dbPassword``, ``client-secret``,
``APIKey``); ASCII entries of four letters or fewer (``pwd``, ``sas``, ``hash``, ``pin``)
must be a whole word, so ``spinner`` is not a PIN. A key whose *last* word says it is a
fact about a secret (:data:`ABOUT_WORDS`: ``password_policy``, ``token_expires``,
``secret_name``, ``hash_algorithm``) is not secret itself; keys below it are judged
on their own. ``true``/``false`` and null are never secret (they cannot carry one), so
``x_password_set: true`` and ``x_token: false`` stay visible.

:func:`mask_evidence` is what the engine applies to every finding's evidence, so every
renderer, the messages built from evidence, history and notifications only ever see
masked values. :func:`mask_attributes` is what a snapshot saves. Both use one walker.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Final

from mamori.checks import vocabulary as vocab
from mamori.checks.model import Resource

#: What a secret value is replaced by in evidence, messages and reports.
REDACTED: Final = "[redacted]"
#: What any value under ``raw`` is replaced by in evidence and reports.
RAW_HIDDEN: Final = "[raw value not shown]"

#: Last words that make a key a fact *about* a secret rather than the secret.
ABOUT_WORDS: frozenset[str] = frozenset({
    "policy", "policies", "length", "len", "min", "max", "minimum", "maximum", "age",
    "days", "count", "expiry", "expires", "expiration", "expired", "at", "date", "time",
    "rotated", "rotation", "changed", "updated", "created", "last", "used", "enabled",
    "disabled", "required", "set", "present", "exists", "type", "kind", "algorithm",
    "strength", "complexity", "history", "reuse", "status", "state", "name", "names", "arn",
})

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_SEPARATORS = re.compile(r"[\W_]+")
_INDEX = re.compile(r"\[\d*\]")
_SHORT = 4


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def name_words(name: str) -> tuple[str, ...]:
    """The words of a key: ``dbAdminPassword`` → ``('db', 'admin', 'password')``."""
    spaced = _CAMEL.sub("_", unicodedata.normalize("NFKC", name))
    return tuple(w for w in _SEPARATORS.split(_fold(spaced)) if w)


def _entries() -> tuple[frozenset[str], tuple[str, ...]]:
    folded = {"".join(name_words(w)) for w in vocab.SECRET_WORDS}
    # Short ASCII entries must be whole words; Japanese has no spaces between words, so
    # its entries match anywhere (サーバ秘密鍵).
    whole = frozenset(w for w in folded if len(w) <= _SHORT and w.isascii())
    return whole, tuple(sorted(folded - whole))


_WHOLE, _ANYWHERE = _entries()


@lru_cache(maxsize=8192)
def secret_name(name: str) -> bool:
    """True when a key's name says its value is a secret (see the module docstring)."""
    words = name_words(name)
    if not words or words[-1] in ABOUT_WORDS:
        return False
    if any(w in _WHOLE for w in words):
        return True
    joined = "".join(words)
    return any(entry in joined for entry in _ANYWHERE)


def _segments(path: str) -> list[str]:
    """``access_keys[0].x_secret`` → ``['access_keys', 'x_secret']``."""
    return [_INDEX.sub("", part) for part in path.split(".")]


# How the value at a path is shown (see _verdict).
_PLAIN, _RAW, _SECRET, _NAMED = range(4)


@lru_cache(maxsize=16384)
def _verdict(resource_type: str, path: str) -> int:
    """How the value at attribute ``path`` is shown (cached: the same paths recur).

    ``_RAW``: under ``raw``; ``_SECRET``: a documented secret (always hidden); ``_NAMED``:
    an undocumented key on the path says secret (hidden unless true/false/null);
    ``_PLAIN``: shown, with the secrets below it masked.
    """
    segments = _segments(path)
    if segments[0] == vocab.RAW_KEY:
        return _RAW
    for end in range(1, len(segments) + 1):
        field = vocab.lookup(resource_type, ".".join(segments[:end]))
        if field is not None:
            if field.secret:
                return _SECRET
        elif secret_name(segments[end - 1]):
            return _NAMED
    return _PLAIN


def secret_path(resource_type: str, path: str) -> bool:
    """True when the value at an attribute path must never be shown (``vocab.is_secret``).

    ``raw`` and everything under it counts as secret; so does a path with any key that
    says secret and is not a documented attribute.
    """
    return _verdict(resource_type, path) != _PLAIN


def _harmless(value: Any) -> bool:
    return value is None or isinstance(value, bool)


def _shown(resource_type: str, path: str, value: Any, hidden: Any, raw: Any) -> Any:
    """``value`` (found at ``path``) safe to show: secrets at or below it replaced."""
    verdict = _verdict(resource_type, path)
    if verdict == _RAW:
        return raw
    if verdict == _SECRET or (verdict == _NAMED and not _harmless(value)):
        return hidden
    if isinstance(value, Mapping):
        return {key: _shown(resource_type, f"{path}.{key}", item, hidden, raw)
                for key, item in value.items()}
    if isinstance(value, list | tuple):  # items share the list's path (access_keys.id)
        items = [_shown(resource_type, path, item, hidden, raw) for item in value]
        return items if isinstance(value, list) else tuple(items)
    return value


def mask_value(resource_type: str, path: str, value: Any, *, hidden: Any = REDACTED,
               raw: Any = RAW_HIDDEN) -> Any:
    """The value found at attribute ``path`` of a resource, safe to show.

    ``hidden`` replaces a secret, ``raw`` anything under ``raw``. Every key of the path
    counts: ``x_db.admin_password`` is hidden, and so is ``x_creds.user`` (below a
    secret key); ``x_db`` is shown with its ``admin_password`` hidden.
    """
    return _shown(resource_type, path, value, hidden, raw)


_SCALARS = frozenset({bool, int, float, str, type(None), date, datetime})


def mask_evidence(resource_type: str, evidence: Mapping[str, Any]) -> dict[str, Any]:
    """Evidence (attribute path → observed value) with every secret masked."""
    out = {}
    for path, value in evidence.items():
        # The hot path: a plain scalar at a path that is not secret is shown as it is.
        if type(value) in _SCALARS and _verdict(resource_type, path) == _PLAIN:
            out[path] = value
        else:
            out[path] = _shown(resource_type, path, value, REDACTED, RAW_HIDDEN)
    return out


def mask_attributes(resource_type: str, attributes: Mapping[str, Any], *,
                    hidden: Any = REDACTED, raw: Any = RAW_HIDDEN) -> dict[str, Any]:
    """A resource's attributes with every secret (and ``raw``) replaced."""
    return {key: mask_value(resource_type, key, value, hidden=hidden, raw=raw)
            for key, value in attributes.items()}


def mask_tags(tags: Mapping[str, str], hidden: Any = REDACTED) -> dict[str, Any]:
    """Tags with the values of secret-named tags replaced."""
    return {name: hidden if secret_name(name) else value for name, value in tags.items()}


def safe_resource(resource: Resource) -> Resource:
    """The resource as findings carry it: secret tag values masked (the rest unchanged).

    Reports show a resource's envelope (type, id, name, location, tags) and never its
    attributes; the attributes a rule read reach reports only as masked evidence.
    """
    if not resource.tags or not any(secret_name(name) for name in resource.tags):
        return resource
    return dataclasses.replace(resource, tags=mask_tags(resource.tags))


def overlapping(reads: Iterable[str], withheld: Iterable[str]) -> list[str]:
    """The read paths that are, contain or lie inside a withheld path."""
    kept = [_segments(w) for w in withheld]
    out = []
    for read in reads:
        parts = _segments(read)
        if any(parts[:len(w)] == w or w[:len(parts)] == parts for w in kept):
            out.append(read)
    return list(dict.fromkeys(out))


@dataclasses.dataclass(frozen=True, slots=True)
class WithheldResource(Resource):
    """A resource some of whose values were not kept (read back from a snapshot).

    ``withheld`` lists the attribute paths (``password_hash``, ``raw``, ``tags.token``)
    whose values the snapshot did not save. A rule that reads one of them is ERROR on
    replay, never PASS: see :func:`withheld_reads` and docs/snapshot.md.
    """

    withheld: tuple[str, ...] = ()


def withheld_reads(resource: Resource, reads: Iterable[str]) -> list[str]:
    """The paths among ``reads`` whose values this resource does not hold because they
    were withheld (always empty for a resource collected live)."""
    if not isinstance(resource, WithheldResource) or not resource.withheld:
        return []
    return overlapping(reads, resource.withheld)
