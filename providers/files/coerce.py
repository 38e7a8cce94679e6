"""Turn values as written in an inventory into the typed values of the vocabulary.

One function per ``Kind``. The same rules apply to YAML, JSON and CSV: a CSV cell is
just text, and text is accepted for every kind (``yes``, ``2026/11/29``, ``22;8000-8080``).
A value of another kind is refused, never converted: a boolean or a number where text
is expected (YAML's ``no`` or ``10.10``: quote it), text that is no date where a date is
expected, and so on. Empty text and null mean *unknown* and come back as None (the
attribute stays absent), never as False or 0 — except for "on file" attributes (a
certificate, a verifier), where a blank cell in a ledger means nothing is on file.
Anything that does not fit raises ``ValueProblem``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from mamori.checks.network import ProtocolError, SourceError, normalize_protocol, normalize_source
from mamori.checks.text import is_blank, strip_invisible
from mamori.checks.typed import kind_name
from mamori.checks.vocabulary import CUSTOM_PREFIX, Field, Kind
from mamori.checks.words import (
    FALSE_WORDS,
    TRUE_WORDS,
    fold,
    on_file_text,
)
from mamori.providers.files.json_reader import JsonProblem, load_json
from mamori.providers.files.located import line_of, plain, text_of
from mamori.providers.files.naming import did_you_mean

NEVER = "never"
MISSING: Any = object()  # "no value to show" in a ValueProblem

ALL_PORTS = "* or all"
PORT_MAX = 65535
#: Largest whole number an attribute may hold (a count or a duration).
INT_MAX = 2**63 - 1


class ValueProblem(Exception):
    """A value does not fit its kind. ``path`` continues the key (``[1].last_used``)."""

    def __init__(self, message: str, got: Any = MISSING, path: str = "",
                 line: int | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.got = got
        self.path = path
        self.line = line
        self.hint = hint  # "; did you mean 'x'?", shown after the value

    def inside(self, prefix: str, line: int | None) -> ValueProblem:
        """The same problem seen from the enclosing list or object."""
        return ValueProblem(self.message, self.got, prefix + self.path, self.line or line,
                            self.hint)


def is_empty(value: Any) -> bool:
    """Null, or text a person sees as blank (whitespace, zero-width spaces): unknown."""
    return value is None or (isinstance(value, str) and is_blank(value))


def coerce(field: Field, value: Any, text: str | None = None) -> Any:
    """The typed value of ``value`` for ``field``, or None when it is unknown.

    ``text`` is the source text of a non-string scalar (YAML ``007``), used where a
    whole number stands for an identifier.
    """
    if field.kind is Kind.ON_FILE:
        return to_on_file(field, value, text)
    if is_empty(value):
        return None
    return _COERCERS[field.kind](field, value, text)


_words = fold


def _wrong_kind(expected: str, value: Any) -> ValueProblem:
    hint = ""
    if isinstance(value, bool):
        hint = " (YAML reads yes/no/true/false/on/off as booleans: put the text in quotes)"
    elif isinstance(value, int | float | date):
        hint = " (put it in quotes to keep it as written)"
    return ValueProblem(f"expected {expected}, got {kind_name(value)}{hint}")


def to_bool(field: Field, value: Any, text: str | None) -> bool:
    """true/false, or a yes/no word in English or Japanese, or 1/0."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = _words(value)
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueProblem("expected true or false (also yes/no, y/n, 1/0, はい/いいえ, 有/無)",
                       value)


def to_bool_or_date(field: Field, value: Any) -> tuple[bool | None, date | None]:
    """For a BOOL with ``date_attr``: (the boolean, the date when one was written)."""
    if is_empty(value):
        return None, None
    try:
        return to_bool(field, value, None), None
    except ValueProblem:
        pass
    try:
        day = to_date(field, value, None)
    except ValueProblem:
        raise ValueProblem("expected yes/no or a date like 2026-11-29", value) from None
    if not isinstance(day, date):  # "never" is not a date at which something happened
        raise ValueProblem("expected yes/no or a date like 2026-11-29", value)
    return True, day


_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+")
_WHOLE = re.compile(r"[0-9]+(\.0*)?")


def to_int(field: Field, value: Any, text: str | None) -> int:
    """A whole number >= 0 (every documented int is a count or a duration)."""
    number: int | None = None
    if isinstance(value, bool):
        raise _wrong_kind("a whole number >= 0", value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and math.isfinite(value) and value.is_integer():
        number = int(value)
    elif isinstance(value, str):
        digits = _words(value)
        if _GROUPED.fullmatch(digits):  # Excel's 52,000
            digits = digits.replace(",", "")
        if _WHOLE.fullmatch(digits) and len(digits) <= 30:
            number = int(digits.split(".")[0])
    if number is None or number < 0:
        raise ValueProblem("expected a whole number >= 0", value)
    if number > INT_MAX:
        raise ValueProblem(f"expected a whole number up to {INT_MAX}", value)
    return number


def to_str(field: Field, value: Any, text: str | None) -> str:
    """Text as written, without surrounding whitespace or invisible characters."""
    if isinstance(value, str):
        return strip_invisible(value)
    raise _wrong_kind("text", value)


def to_enum(field: Field, value: Any, text: str | None) -> str:
    """One of the field's choices (case and ``-``/space vs ``_`` do not matter)."""
    if not isinstance(value, str):
        raise _wrong_kind(f"one of {', '.join(field.choices)}", value)
    word = _words(value).replace("-", "_").replace(" ", "_")
    if word in field.choices:
        return word
    if _words(value) in field.synonyms:
        return field.synonyms[_words(value)]
    raise ValueProblem(f"expected one of {', '.join(field.choices)}", value,
                       hint=did_you_mean(word, field.choices))


def to_on_file(field: Field, value: Any, text: str | None) -> bool | str:
    """False when nothing is on file; True for a bare yes; else the reference as written.

    "no", "none", "なし", "N/A", "-", "0", "TBD", "#N/A", blank, whitespace or a
    zero-width space mean *not on file*: they are never taken for a reference.
    """
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, int):  # a numeric document number, as written
        return text if text is not None else str(value)
    if isinstance(value, date):  # a dated document: on file
        return value.isoformat()
    if not isinstance(value, str):
        raise _wrong_kind("a reference (document number, name) or yes/no", value)
    return on_file_text(value)


def to_protocol(field: Field, value: Any, text: str | None) -> str:
    """One of the closed vocabulary of ``mamori.checks.network``."""
    try:
        return normalize_protocol(value)
    except ProtocolError as exc:  # the message quotes the value
        raise ValueProblem(str(exc)) from None


_DATE = re.compile(
    r"(?P<y>[0-9]{4})(?P<sep>[-/])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"(?:[T ](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<f>[0-9]{1,6})[0-9]*)?)?"
    r" *(?P<tz>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?",
    re.IGNORECASE,
)
_JA_DATE = re.compile(r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日")
DATE_EXPECTED = "expected a date like 2026-11-29 or 2026/11/29, or a datetime like " \
                "2026-11-29T09:00:00+09:00"


def to_date(field: Field, value: Any, text: str | None) -> date | str:
    """A ``date``, an aware ``datetime`` (naive means UTC), or ``"never"`` where allowed."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise _wrong_kind("a date like 2026-11-29", value)
    word = _words(value)
    if word == NEVER:
        if field.never:
            return NEVER
        raise ValueProblem("expected a date ('never' is not allowed for this attribute)", value)
    try:
        parsed = _parse_date(word)
    except (ValueError, OverflowError) as exc:  # well-formed but impossible: 2026-02-30
        raise ValueProblem(f"expected a real date ({exc})", value) from exc
    if parsed is None:
        raise ValueProblem(DATE_EXPECTED, value)
    return parsed


def _parse_date(word: str) -> date | None:
    match = _DATE.fullmatch(word) or _JA_DATE.fullmatch(word)
    if match is None:
        return None
    parts = match.groupdict()
    day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
    if parts.get("H") is None:
        return day
    micro = int((parts["f"] or "0").ljust(6, "0"))
    return datetime(day.year, day.month, day.day, int(parts["H"]), int(parts["M"]),
                    int(parts["S"] or 0), micro, tzinfo=_zone(parts["tz"]))


def _zone(text: str | None) -> timezone:
    if text is None or text.upper() == "Z":
        return UTC
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
    if offset >= timedelta(hours=24):
        raise ValueError("the time zone offset is beyond 24 hours")
    return timezone(-offset if text[0] == "-" else offset)


def _items(value: Any, text: str | None) -> Iterator[tuple[int, Any, str | None, int | None]]:
    """The items of a list value: (index, item, source text, line).

    Text is split on ``;`` (full-width ``；`` too); ``[]`` is an empty list (the only way
    to say "known to be empty" in a CSV cell); a lone scalar is a list of one.
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            if not is_empty(item):
                yield index, item, text_of(value, index), line_of(value, index, 0) or None
    elif isinstance(value, str):
        if value.strip() == "[]":
            return
        parts = [part.strip() for part in re.split("[;；]", value)]
        yield from ((i, part, None, None) for i, part in enumerate(parts) if not is_blank(part))
    elif isinstance(value, dict):
        raise ValueProblem("expected a list", value)
    else:
        yield 0, value, text, None


def _each(value: Any, text: str | None, convert: Callable[[Any, str | None], Any]) -> list[Any]:
    out = []
    for index, item, item_text, line in _items(value, text):
        try:
            out.append(convert(item, item_text))
        except ValueProblem as problem:
            raise problem.inside(f"[{index}]", line) from None
    return out


def to_str_list(field: Field, value: Any, text: str | None) -> list[str]:
    """A list of texts (``;``-separated in a cell)."""
    return _each(value, text, lambda item, t: to_str(field, item, t))


def _network(item: Any, text: str | None) -> tuple[str, ...]:
    try:
        return normalize_source(item)
    except SourceError as exc:
        raise ValueProblem(str(exc), item) from None


def to_cidr_list(field: Field, value: Any, text: str | None) -> list[str]:
    """Networks normalized by ``ipaddress`` (a bare address becomes /32 or /128; ``any``,
    ``*``, ``internet``, bare ``0.0.0.0`` and ``::`` are the internet)."""
    networks = (net for nets in _each(value, text, _network) for net in nets)
    return list(dict.fromkeys(networks))


def _port(item: Any) -> int:
    if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= PORT_MAX:
        return item
    if isinstance(item, str) and item.strip().isascii() and item.strip().isdigit():
        return _port(int(item.strip()))
    raise ValueProblem(f"expected a port 0-{PORT_MAX}, a range like 8000-8080, or {ALL_PORTS} "
                       "(separate several with ';')", item)


def _port_range(item: Any, text: str | None) -> list[int]:
    if isinstance(item, list):
        if len(item) != 2:
            raise ValueProblem("expected a range [from, to] of two ports", item)
        low, high = _port(item[0]), _port(item[1])
    elif isinstance(item, str) and _words(item) in ("*", "all", "any"):
        low, high = 0, PORT_MAX
    elif isinstance(item, str) and "-" in item.strip()[1:]:
        first, _, second = _words(item).partition("-")
        low, high = _port(first), _port(second)
    else:
        low = high = _port(_words(item) if isinstance(item, str) else item)
    if low > high:
        raise ValueProblem("expected a range whose start is not above its end", item)
    return [low, high]


def to_port_ranges(field: Field, value: Any, text: str | None) -> list[list[int]]:
    """A list of ``[from, to]`` (``22`` -> [22, 22]; ``*``/``all`` -> [0, 65535])."""
    return _each(value, text, _port_range)


def to_object_list(field: Field, value: Any, text: str | None) -> list[dict[str, Any]]:
    """Objects checked field by field against ``field.item`` (JSON text in a cell).

    A cell is parsed like a JSON file: duplicate keys, NaN and control characters are
    refused. Its text is never echoed (it may hold a key's secret).
    """
    if isinstance(value, str):
        try:
            value = load_json(value)
        except JsonProblem as problem:
            raise ValueProblem(f"expected JSON text (a list of objects): {problem.message}"
                               ) from None
    if not isinstance(value, list):
        raise ValueProblem("expected a list of objects", value)
    out = []
    for index, item in enumerate(value):
        line = line_of(value, index, 0) or None
        if not isinstance(item, dict):
            raise ValueProblem("expected an object", item, f"[{index}]", line)
        try:
            out.append(_object(field.item, item))
        except ValueProblem as problem:
            raise problem.inside(f"[{index}]", line) from None
    return out


def _object(fields: Mapping[str, Field], item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        line = line_of(item, key, 0) or None
        if key.startswith(CUSTOM_PREFIX):
            out[key] = plain(value)
            continue
        if key not in fields:
            raise ValueProblem(f"unknown field{did_you_mean(key, fields)}", path=f".{key}",
                               line=line)
        try:
            coerced = coerce(fields[key], value, text_of(item, key))
        except ValueProblem as problem:
            raise problem.inside(f".{key}", line) from None
        if coerced is not None:
            out[key] = coerced
    return out


def to_any(field: Field, value: Any, text: str | None) -> Any:
    """Free-form (``raw``): kept as plain data."""
    return plain(value)


_COERCERS: dict[Kind, Callable[[Field, Any, str | None], Any]] = {
    Kind.BOOL: to_bool,
    Kind.INT: to_int,
    Kind.STR: to_str,
    Kind.DATE: to_date,
    Kind.ENUM: to_enum,
    Kind.STR_LIST: to_str_list,
    Kind.CIDR_LIST: to_cidr_list,
    Kind.PORT_RANGES: to_port_ranges,
    Kind.OBJECT_LIST: to_object_list,
    Kind.ON_FILE: to_on_file,
    Kind.PROTOCOL: to_protocol,
    Kind.ANY: to_any,
}
