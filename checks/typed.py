"""Is a value already typed the way the vocabulary says? One checker per ``Kind``.

Inventory readers turn what people wrote into typed values (``providers.files.coerce``);
this module checks values that claim to be typed already: a snapshot read back, a
provider's output in a test. :func:`check_value` returns the problem, worded for an
error message (``expected true or false, got text``), or None. It never echoes the
value itself, which may be a secret.

The typed forms are the ones the readers produce: ``bool``; ``int`` >= 0 (never a
``bool``); text; a ``date`` or a ``datetime`` with a zone (or ``"never"``
where the field allows it); one of an enum's choices; lists of texts, of networks that
parse, of ``[from, to]`` port ranges in 0..65535 with from <= to; lists of objects whose
fields are checked in turn (``x_`` fields are free); an on-file value (``True``/``False``
or a reference); a protocol of the closed vocabulary. Text may not contain control
characters or lone surrogates anywhere (:func:`mamori.checks.text.input_problem`).
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from mamori.checks.network import PROTOCOLS, is_protocol
from mamori.checks.text import input_problem, is_blank, printable
from mamori.checks.vocabulary import CUSTOM_PREFIX, Field, Kind
from mamori.checks.words import on_file_text

PORT_MAX = 65535
NEVER = "never"

Checker = Callable[[Field, Any], str | None]


def kind_name(value: Any, *, mapping: str = "a mapping") -> str:
    """How a value of the wrong kind is named in a message (``a boolean``, ``text``).

    ``mapping`` names a dict (JSON documents say ``an object``). The one naming every
    reader and checker uses.
    """
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, datetime | date):
        return "a date"
    if isinstance(value, Mapping):
        return mapping
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, str):
        return "text"
    if value is None:
        return "null"
    return f"a value of type {type(value).__name__}"


def _expected(what: str, value: Any) -> str:
    return f"expected {what}, got {kind_name(value)}"


def inside(prefix: str, problem: str | None) -> str | None:
    """``problem`` seen from the enclosing list or object: ``[1].last_used: expected…``."""
    if problem is None:
        return None
    return prefix + problem if problem.startswith((".", "[")) else f"{prefix}: {problem}"


def _text(value: Any, what: str = "text") -> str | None:
    if not isinstance(value, str):
        return _expected(what, value)
    if is_blank(value):
        return f"expected {what}, got blank text (leave an unknown value out instead)"
    return input_problem(value)


def _bool(field: Field, value: Any) -> str | None:
    return None if isinstance(value, bool) else _expected("true or false", value)


def _int(field: Field, value: Any) -> str | None:
    if isinstance(value, float):
        return "expected a whole number >= 0, got a number with a decimal point"
    if isinstance(value, bool) or not isinstance(value, int):
        return _expected("a whole number >= 0", value)
    return None if value >= 0 else "expected a whole number >= 0, got a negative number"


def _str(field: Field, value: Any) -> str | None:
    # Blank text is text: some providers say "" for "none" (an unattached volume).
    if isinstance(value, str) and is_blank(value):
        return input_problem(value)
    return _text(value)


def _date(field: Field, value: Any) -> str | None:
    if isinstance(value, datetime):
        return None if value.utcoffset() is not None else (
            "expected a datetime with a time zone, got one without")
    if isinstance(value, date):
        return None
    if value == NEVER:
        return None if field.never else "'never' is not allowed for this attribute"
    return _expected("a date or a datetime with a time zone", value)


def _enum(field: Field, value: Any) -> str | None:
    choices = ", ".join(field.choices)
    if not isinstance(value, str):
        return _expected(f"one of {choices}", value)
    return None if value in field.choices else f"expected one of {choices}"


def _items(value: Any, check: Callable[[Any], str | None]) -> str | None:
    if not isinstance(value, list | tuple):
        return _expected("a list", value)
    for index, item in enumerate(value):
        problem = check(item)
        if problem is not None:
            return inside(f"[{index}]", problem)
    return None


def _str_list(field: Field, value: Any) -> str | None:
    return _items(value, _text)


def _network(item: Any) -> str | None:
    problem = _text(item, "a network such as 10.0.0.0/8 or ::/0")
    if problem is not None:
        return problem
    try:
        ipaddress.ip_network(item, strict=False)
    except ValueError:
        return "expected a network such as 10.0.0.0/8 or ::/0, got text that is none"
    return None


def _cidr_list(field: Field, value: Any) -> str | None:
    return _items(value, _network)


def _port(item: Any) -> bool:
    return isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= PORT_MAX


def _port_range(item: Any) -> str | None:
    if not isinstance(item, list | tuple) or len(item) != 2:
        return _expected("a port range [from, to]", item)
    if not (_port(item[0]) and _port(item[1])):
        return f"expected ports that are whole numbers 0-{PORT_MAX}"
    return None if item[0] <= item[1] else "expected a range whose start is not above its end"


def _port_ranges(field: Field, value: Any) -> str | None:
    return _items(value, _port_range)


def _object(fields: Mapping[str, Field], item: Any) -> str | None:
    if not isinstance(item, Mapping):
        return _expected("an object", item)
    for key, value in item.items():
        if not isinstance(key, str) or (key not in fields and not key.startswith(CUSTOM_PREFIX)):
            return (f".{printable(str(key))}: unknown field (known: {', '.join(fields)}; "
                    f"custom fields start with '{CUSTOM_PREFIX}')")
        problem = (check_value(fields[key], value) if key in fields
                   else free_form_problem(value))
        if problem is not None:
            return inside(f".{printable(key)}", problem)
    return None


def _object_list(field: Field, value: Any) -> str | None:
    return _items(value, lambda item: _object(field.item, item))


def _on_file(field: Field, value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    problem = _text(value, "a reference (document number, name) or true/false")
    if problem is not None:
        return problem
    # A reference is valid only if the readers would keep it as written: "N/A", "なし",
    # "-"... mean not on file (mamori.checks.words).
    if on_file_text(value) != value:
        return "expected a reference, got a word that means 'not on file' (write false)"
    return None


def _protocol(field: Field, value: Any) -> str | None:
    if not isinstance(value, str):
        return _expected(f"a protocol ({', '.join(PROTOCOLS)})", value)
    if is_protocol(value):
        return None
    return f"expected a protocol ({', '.join(PROTOCOLS)}, or an IP protocol number 0-255)"


def _any(field: Field, value: Any) -> str | None:
    return free_form_problem(value)


CHECKERS: dict[Kind, Checker] = {
    Kind.BOOL: _bool,
    Kind.INT: _int,
    Kind.STR: _str,
    Kind.DATE: _date,
    Kind.ENUM: _enum,
    Kind.STR_LIST: _str_list,
    Kind.CIDR_LIST: _cidr_list,
    Kind.PORT_RANGES: _port_ranges,
    Kind.OBJECT_LIST: _object_list,
    Kind.ON_FILE: _on_file,
    Kind.PROTOCOL: _protocol,
    Kind.ANY: _any,
}


def check_value(field: Field, value: Any) -> str | None:
    """Why ``value`` is not a typed value of ``field``'s kind, or None when it is."""
    checker = CHECKERS.get(field.kind)
    if checker is None:  # a kind added to the vocabulary without a checker: fail closed
        return f"mamori cannot check values of kind {field.kind}"
    return checker(field, value)


def free_form_problem(value: Any) -> str | None:
    """For free-form values (``x_`` attributes, ``raw``): plain JSON-like data only,
    finite numbers, text without control characters or lone surrogates."""
    if value is None or isinstance(value, bool | int | date):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else "expected a finite number, got NaN or infinity"
    if isinstance(value, str):
        return input_problem(value)
    if isinstance(value, list | tuple):
        return _items(value, free_form_problem)
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                return "keys must be text"
            problem = inside(f".{printable(key)}", input_problem(key) or free_form_problem(item))
            if problem is not None:
                return problem
        return None
    return _expected("plain data (text, number, true/false, list, mapping)", value)
