"""Property-based tests of the inventory readers: any input is a verdict-ready resource
or exit 2 with a location, never a traceback; accepted values have their documented kind.

Expectations come from docs/inventory.md ("Values", "What every file must hold").
"""

from __future__ import annotations

import json
import math
import string
from datetime import UTC, date, datetime, timedelta, timezone
from ipaddress import ip_network
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.checks.network import is_protocol
from mamori.checks.vocabulary import VOCABULARY, Field, Kind
from mamori.checks.words import NOT_ON_FILE_WORDS
from mamori.providers.files.provider import FilesProvider

SUFFIXES = ("yaml", "json", "csv")


def read(folder: Path, name: str, data: bytes) -> list[Resource] | InventoryError:
    """Read one file; the only exception allowed is a located InventoryError."""
    for old in folder.iterdir():
        old.unlink()
    path = folder / name
    path.write_bytes(data)
    try:
        return [r for r in FilesProvider([path]).collect() if isinstance(r, Resource)]
    except InventoryError as error:
        assert error.location is not None and error.location.file.endswith(name)
        return error


# --- anything at all ----------------------------------------------------------------------

@settings(max_examples=200)
@given(data=st.binary(max_size=300), suffix=st.sampled_from(SUFFIXES),
       type_=st.sampled_from(sorted(VOCABULARY)))
def test_any_bytes(tmp_path_factory: Any, data: bytes, suffix: str, type_: str) -> None:
    read(tmp_path_factory.mktemp("b"), f"{type_}.{suffix}", data)


_TEXT_PIECES = st.sampled_from([
    "id", "type", "host", "mfa", "records", ":", "- ", "\n", "  ", "{", "}", "[", "]", ",",
    '"', "'", "&a", "*a", "<<", "!!str", "!!binary", "null", "yes", "017", "22:22", ".nan",
    "1e400", "\\e", "\\u001b", "\\ud800", "\x1b", "\u200b", "\ufeff", "---", "#", "=",
    "2026-02-30", "2026-11-29", "0.0.0.0", "ports", "sources", "access_keys", "x_a", "raw",
])


@settings(max_examples=300)
@given(pieces=st.lists(st.one_of(_TEXT_PIECES, st.text(max_size=5)), max_size=40),
       suffix=st.sampled_from(SUFFIXES), type_=st.sampled_from(sorted(VOCABULARY)))
def test_structured_garbage(tmp_path_factory: Any, pieces: list[str], suffix: str,
                            type_: str) -> None:
    text = "".join(pieces)
    read(tmp_path_factory.mktemp("g"), f"{type_}s.{suffix}",
         text.encode("utf-8", "surrogatepass"))


# --- type confusion: any value of any kind for any attribute -------------------------------

JST = timezone(timedelta(hours=9))
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10, max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12), st.sampled_from(sorted(NOT_ON_FILE_WORDS)),
    st.sampled_from(["yes", "no", "はい", "なし", "never", "0.0.0.0/1", "::ffff:0.0.0.0/96",
                     "22-80", "80-22", "65536", "All traffic", "TCP/UDP", "SSH", "2026/11/29",
                     "2027-13-01", "\u200b", " ", "ic_card", "leaver", "[]"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1),
                 timezones=st.sampled_from([UTC, JST])),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["id", "active", "created",
                                                                  "last_used", "x_k", "a"]),
                                                 inner, max_size=3)), max_leaves=6)


def _attribute_keys(type_: str) -> st.SearchStrategy[str]:
    return st.sampled_from(sorted(VOCABULARY[type_]))


@st.composite
def records(draw: Any) -> tuple[str, dict[str, Any]]:
    type_ = draw(st.sampled_from(sorted(VOCABULARY)))
    record: dict[str, Any] = {"id": draw(st.one_of(st.text(min_size=1, max_size=8),
                                                   st.integers(0, 999)))}
    for key in draw(st.lists(_attribute_keys(type_), max_size=4, unique=True)):
        record[key] = draw(VALUES)
    return type_, record


def _yaml(record: dict[str, Any]) -> bytes:
    return yaml.safe_dump([record], allow_unicode=True).encode("utf-8", "surrogatepass")


def _json(record: dict[str, Any]) -> bytes:
    return json.dumps([record], default=str, ensure_ascii=False).encode("utf-8",
                                                                        "surrogatepass")


def _csv_cell(value: Any) -> str:
    text = json.dumps(value, default=str) if isinstance(value, list | dict) else str(value)
    return '"' + text.replace('"', '""') + '"'


def _csv(record: dict[str, Any]) -> bytes:
    header = ",".join(record)
    row = ",".join(_csv_cell(v) for v in record.values())
    return f"{header}\n{row}\n".encode("utf-8", "surrogatepass")


@settings(max_examples=400)
@given(data=records(), suffix=st.sampled_from(SUFFIXES))
def test_type_confusion(tmp_path_factory: Any, data: tuple[str, dict[str, Any]],
                        suffix: str) -> None:
    type_, record = data
    encode = {"yaml": _yaml, "json": _json, "csv": _csv}[suffix]
    result = read(tmp_path_factory.mktemp("t"), f"{type_}.{suffix}", encode(record))
    if isinstance(result, InventoryError):
        return
    [resource] = result
    for key, field in VOCABULARY[type_].items():
        value = _get(resource.attributes, key)
        if value is not None:
            assert conforms(field, value), (key, value)


def _get(attributes: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(attributes, dict):
            return None
        attributes = attributes.get(part)
    return attributes


def conforms(field: Field, value: Any) -> bool:
    """Whether an accepted value has the kind docs/inventory.md documents."""
    kind = field.kind
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.INT:
        return isinstance(value, int) and not isinstance(value, bool) and value >= 0
    if kind in (Kind.STR, Kind.ENUM):
        return isinstance(value, str) and value == value.strip() and value != "" and (
            kind is Kind.STR or value in field.choices)
    if kind is Kind.DATE:
        return (value == "never" and field.never) or (
            isinstance(value, date) and (not isinstance(value, datetime)
                                         or value.tzinfo is not None))
    if kind is Kind.ON_FILE:
        return isinstance(value, bool) or (isinstance(value, str) and value.strip() != ""
                                           and value.casefold() not in NOT_ON_FILE_WORDS)
    if kind is Kind.PROTOCOL:
        return is_protocol(value)
    if kind is Kind.STR_LIST:
        return isinstance(value, list) and all(isinstance(v, str) and v for v in value)
    if kind is Kind.CIDR_LIST:
        return isinstance(value, list) and all(str(ip_network(v)) == v for v in value)
    if kind is Kind.PORT_RANGES:
        return isinstance(value, list) and all(
            isinstance(r, list) and len(r) == 2 and 0 <= r[0] <= r[1] <= 65535
            and not any(isinstance(p, bool) for p in r) for r in value)
    if kind is Kind.OBJECT_LIST:
        return isinstance(value, list) and all(
            isinstance(item, dict) and all(
                k.startswith("x_") or (k in field.item and conforms(field.item[k], v))
                for k, v in item.items()) for item in value)
    return True


# --- what a person wrote ------------------------------------------------------------------

@given(digits=st.text(alphabet=string.digits, min_size=1, max_size=6),
       zeros=st.integers(0, 3))
def test_numbers_are_the_decimal_written(tmp_path_factory: Any, digits: str,
                                         zeros: int) -> None:
    written = "0" * zeros + digits
    result = read(tmp_path_factory.mktemp("n"), "hosts.yaml",
                  f"- {{id: h, missing_critical_patches: {written}}}\n".encode())
    assert not isinstance(result, InventoryError)
    assert result[0].attributes["missing_critical_patches"] == int(written, 10)


@given(written=st.sampled_from(["22:22", "1:00:00", "0x1F", "0o17", "0b101", "1_000", "+0x10",
                                "190:20:30", ".inf", ".nan", "-.inf", "1e400"]))
def test_yaml_1_1_number_forms_are_refused(tmp_path_factory: Any, written: str) -> None:
    result = read(tmp_path_factory.mktemp("y"), "endpoints.yaml",
                  f"- id: e\n  screen_lock_minutes: {written}\n".encode())
    assert isinstance(result, InventoryError)
    assert result.location is not None and result.location.line == 2


_PADDING = st.sampled_from(["", " ", "\u200b", "\ufeff", "\u3000", "\t"])


@given(word=st.sampled_from(sorted(NOT_ON_FILE_WORDS)), before=_PADDING, after=_PADDING,
       upper=st.booleans(), suffix=st.sampled_from(["csv", "yaml"]))
def test_not_on_file_words_are_never_a_reference(tmp_path_factory: Any, word: str,
                                                 before: str, after: str, upper: bool,
                                                 suffix: str) -> None:
    cell = before + (word.upper() if upper else word) + after
    if suffix == "csv":
        data = f'id,disposed,certificate\nd1,yes,"{cell}"\n'
    else:
        data = f"- id: d1\n  disposed: yes\n  certificate: {json.dumps(cell)}\n"
    result = read(tmp_path_factory.mktemp("o"), f"media_disposal.{suffix}",
                  data.encode("utf-8"))
    assert not isinstance(result, InventoryError)
    assert result[0].attributes["certificate"] is False


@given(value=st.floats(allow_nan=False, allow_infinity=False))
def test_finite_floats_never_become_whole_numbers_silently(tmp_path_factory: Any,
                                                           value: float) -> None:
    result = read(tmp_path_factory.mktemp("f"), "hosts.json",
                  json.dumps([{"id": "h", "missing_critical_patches": value}]).encode())
    if isinstance(result, InventoryError):
        assert not (value.is_integer() and 0 <= value <= 2**63 - 1)
        return
    got = result[0].attributes["missing_critical_patches"]
    assert math.isclose(got, value) and value.is_integer()
