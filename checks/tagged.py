"""JSON for values JSON has no type for, so they come back as the same type.

Dates are ``{"$date": "2026-11-29"}``, datetimes ``{"$datetime": "...+09:00"}`` (a zone is
required), tuples ``{"$tuple": [...]}``, a mapping whose own keys start with ``$``
``{"$map": {...}}``, and a value a writer chose not to keep ``{"$withheld": true}``. Used
by snapshots (mamori.providers.snapshot) and by the scan's store of passing findings
(mamori.checks.finding_log).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

from mamori.checks.text import printable
from mamori.checks.typed import kind_name

_TAGS = ("$date", "$datetime", "$tuple", "$map", "$withheld")


class _Withheld:
    """Stands where the writer withheld a value (``{"$withheld": true}`` in the file)."""

    _instance: _Withheld | None = None

    def __new__(cls) -> _Withheld:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<withheld>"


#: The one withheld marker.
WITHHELD: Final = _Withheld()


def encode(value: Any) -> Any:
    """JSON-ready form of an attribute value, dates, tuples and withheld values tagged."""
    if value is WITHHELD:
        return {"$withheld": True}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, tuple):
        return {"$tuple": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, Mapping):
        if not all(isinstance(k, str) for k in value):
            raise TypeError("a snapshot can only save mappings with text keys")
        out = {k: encode(v) for k, v in value.items()}
        return {"$map": out} if any(k.startswith("$") for k in out) else out
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a snapshot cannot save a value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The value ``encode`` was given; raise ``ValueError`` for a bad ``$`` tag."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1 and next(iter(value)) in _TAGS:
        return _tagged(*next(iter(value.items())))
    if any(k.startswith("$") for k in value):
        raise ValueError(f"unknown tagged value {sorted(printable(k) for k in value)}")
    return {k: decode(v) for k, v in value.items()}


def _tagged(tag: str, inner: Any) -> Any:
    if tag == "$withheld":
        if inner is not True:
            raise ValueError("'$withheld' must be true")
        return WITHHELD
    if tag in ("$date", "$datetime"):
        if not isinstance(inner, str):
            raise ValueError(f"'{tag}' must hold text, not {kind_name(inner)}")
        if tag == "$date":
            return date.fromisoformat(inner)
        moment = datetime.fromisoformat(inner)
        if moment.utcoffset() is None:
            raise ValueError(f"'$datetime' {printable(inner)!r} has no time zone")
        return moment
    if tag == "$tuple":
        if not isinstance(inner, list):
            raise ValueError(f"'$tuple' must hold a list, not {kind_name(inner)}")
        return tuple(decode(v) for v in inner)
    if not isinstance(inner, dict):
        raise ValueError(f"'$map' must hold an object, not {kind_name(inner)}")
    return {k: decode(v) for k, v in inner.items()}
