"""Read YAML, JSON and CSV inventory files into ``RawRecord`` objects.

Text is UTF-8 (with or without BOM) or Shift_JIS as Excel writes it (cp932), detected
per file. YAML and JSON keep the line of every key; a CSV row keeps its spreadsheet row
number (header = row 1), so every later error can say where it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from mamori.checks.errors import InventoryError, Location
from mamori.checks.inputs import read_input
from mamori.checks.text import describe_char, is_blank, unsafe_position
from mamori.checks.vocabulary import RESOURCE_TYPES
from mamori.providers.files.coerce import ValueProblem
from mamori.providers.files.json_reader import JsonProblem, load_json
from mamori.providers.files.located import LineList, LineMap, RawRecord, text_of
from mamori.providers.files.naming import did_you_mean, type_from_file_name
from mamori.providers.files.records import (
    TEXT_FIELD,
    identifier_text,
    known_key,
    resolve_type,
    unknown_key_message,
)
from mamori.providers.files.yaml_reader import YamlProblem, load_documents

SUFFIXES = (".yaml", ".yml", ".json", ".csv")
RECORDS = "records"
#: Keys of a ``{type: ..., records: [...]}`` document; the last three are defaults.
DOCUMENT_KEYS = ("type", RECORDS, "provider", "account", "region")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Python's cp932 decodes the single bytes 0x80, 0xA0 and 0xFD-0xFF, which Shift_JIS
# text never holds, to these: seeing one means the file is not Shift_JIS after all.
_NOT_SHIFT_JIS = frozenset("\x80\uf8f0\uf8f1\uf8f2\uf8f3")


def decode(data: bytes, file: str) -> str:
    """UTF-8 (a BOM is dropped), else cp932; anything else is an error with its line."""
    if data.startswith(_UTF16_BOMS):
        raise InventoryError("the file is UTF-16; save it as UTF-8 (Excel: 'CSV UTF-8') "
                             "or Shift_JIS", Location(file))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        line = data.count(b"\n", 0, utf8_error.start) + 1
        if data.startswith(b"\xef\xbb\xbf"):  # says UTF-8, so Shift_JIS would be a guess
            raise InventoryError("the file starts with a UTF-8 BOM but is not valid UTF-8",
                                 Location(file, line)) from None
        try:
            text = data.decode("cp932")
            if not _NOT_SHIFT_JIS.isdisjoint(text):
                raise UnicodeDecodeError("cp932", data, 0, 1, "not Shift_JIS text")
        except UnicodeDecodeError:
            raise InventoryError("the file is neither UTF-8 nor Shift_JIS (cp932): byte "
                                 f"0x{data[utf8_error.start]:02x} cannot be decoded",
                                 Location(file, line)) from None
    bad = unsafe_position(text)
    if bad is not None:
        line = text.count("\n", 0, bad) + 1
        what = "NUL characters (binary?)" if text[bad] == "\x00" else describe_char(text[bad])
        raise InventoryError(f"the file contains {what}, which mamori does not accept in "
                             "input", Location(file, line))
    return text


def read_file(path: Path, file: str) -> Iterator[RawRecord]:
    """The records of one inventory file; ``file`` is how to name it in messages."""
    try:
        text = decode(read_input(path, InventoryError, file), file)
    except OSError as exc:
        raise InventoryError(f"cannot read the file: {exc.strerror}", Location(file)) from None
    hint = type_from_file_name(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        yield from read_csv(text, file, hint)
    elif suffix == ".json":
        try:
            document = load_json(text)
        except JsonProblem as problem:
            raise InventoryError(problem.message, Location(file, problem.line)) from None
        yield from records_of(document, file, hint)
    else:
        try:
            for document in load_documents(text):
                yield from records_of(document, file, hint)
        except YamlProblem as problem:
            raise InventoryError(problem.message, Location(file, problem.line)) from None


def records_of(document: Any, file: str, hint: str | None) -> Iterator[RawRecord]:
    """The records of one parsed document: a list, ``{records: [...]}`` or one record."""
    if document is None:  # an empty YAML document
        return
    if isinstance(document, LineList):
        yield from _list_records(document, file, hint, {})
    elif isinstance(document, LineMap) and isinstance(document.get(RECORDS), list):
        hint, defaults = _document_header(document, file, hint)
        yield from _list_records(document[RECORDS], file, hint, defaults)
    elif isinstance(document, LineMap):
        yield RawRecord(file, document.line, False, document, hint)
    else:
        raise InventoryError("expected a list of records, {records: [...]} or one record "
                             f"(a mapping), not {type(document).__name__}", Location(file))


def _list_records(items: LineList, file: str, hint: str | None,
                  defaults: dict[str, str]) -> Iterator[RawRecord]:
    for index, item in enumerate(items):
        if not isinstance(item, LineMap):
            raise InventoryError(f"record {index + 1} is not a mapping of keys to values",
                                 Location(file, items.line_of(index)))
        yield RawRecord(file, item.line, False, item, hint, defaults)


def _document_header(document: LineMap, file: str,
                     hint: str | None) -> tuple[str | None, dict[str, str]]:
    """The type and default provider/account/region of a ``{records: [...]}`` document."""
    defaults: dict[str, str] = {}
    for key, value in document.items():
        location = Location(file, document.line_of(key), key)
        if key not in DOCUMENT_KEYS:
            raise InventoryError(f"unknown key '{key}' next to 'records' (allowed: "
                                 f"{', '.join(DOCUMENT_KEYS)}){did_you_mean(key, DOCUMENT_KEYS)}",
                                 location)
        if key == "type" and value is not None:
            hint = resolve_type(value, text_of(document, key), location)
        elif key in ("provider", "account", "region") and value is not None:
            try:
                text = identifier_text(TEXT_FIELD, value, text_of(document, key))
            except ValueProblem as problem:
                raise InventoryError(problem.message, location) from None
            if text:
                defaults[key] = text
    return hint, defaults


def read_csv(text: str, file: str, hint: str | None) -> Iterator[RawRecord]:
    """One record per row; empty cells are left out (unknown)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            return
        columns = [cell.strip() for cell in header]
        check_columns(columns, file, hint)
        for row_number, row in enumerate(reader, start=2):
            record = _row_record(row, columns, file, row_number, hint)
            if record is not None:
                yield record
    except csv.Error as exc:
        raise InventoryError(f"CSV syntax error: {exc}", Location(file, reader.line_num)) from None


def check_columns(columns: Sequence[str], file: str, hint: str | None) -> None:
    """Check the header (row 1), so a typo is found even in a column of empty cells."""
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            raise InventoryError(f"row 1: column '{column}' appears twice",
                                 Location(file, 1, column))
        if column:
            seen.add(column)
    if "type" in seen:  # each row names its type: a column must fit at least one type
        for column in seen:
            if not any(known_key(t, column) for t in RESOURCE_TYPES):
                raise InventoryError(f"row 1: unknown column '{column}' (no resource type "
                                     "has it)", Location(file, 1, column))
        return
    if hint is None:
        if seen:
            raise InventoryError("row 1: cannot tell the resource type: add a 'type' column "
                                 "or name the file after the type (hosts.csv)", Location(file, 1))
        return
    for column in columns:
        if column and not known_key(hint, column):
            raise InventoryError("row 1: " + unknown_key_message(hint, column),
                                 Location(file, 1, column))


def _row_record(row: list[str], columns: list[str], file: str, row_number: int,
                hint: str | None) -> RawRecord | None:
    """A row's cells by column. Blank cells are kept (as ""): for most attributes they
    mean unknown, but in an "on file" column (a certificate) they mean nothing is."""
    if all(is_blank(cell) for cell in row):  # e.g. the trailing ",,,," rows Excel writes
        return None
    data = LineMap(row_number)
    for index, cell in enumerate(row):
        if index >= len(columns) or not columns[index]:
            if is_blank(cell):
                continue
            raise InventoryError(f"row {row_number}: cell {index + 1} has no column name in "
                                 "the header", Location(file, row_number))
        data.put(columns[index], cell.strip(), row_number)
    return RawRecord(file, row_number, True, data, hint)
