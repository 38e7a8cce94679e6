"""Turn a record read from a file into a ``Resource``, or say exactly what is wrong.

Envelope keys are reserved; every other key must be an attribute of the record's type in
the vocabulary (``x_*`` and ``raw`` are free-form). Dotted keys and nested mappings both
build nested attributes. Null and empty values leave the attribute absent (unknown).
"""

from __future__ import annotations

from typing import Any

from mamori.checks.errors import InventoryError, Location
from mamori.checks.model import ENVELOPE_KEYS, DataClass, Resource
from mamori.checks.vocabulary import (
    CUSTOM_PREFIX,
    RAW_KEY,
    RESOURCE_TYPES,
    VOCABULARY,
    Field,
    Kind,
    is_secret,
)
from mamori.providers.files.coerce import (
    MISSING,
    ValueProblem,
    coerce,
    is_empty,
    to_bool_or_date,
    to_str,
)
from mamori.providers.files.located import LineMap, RawRecord, line_of, plain, text_of
from mamori.providers.files.naming import did_you_mean, suggest

DEFAULT_PROVIDER = "onprem"
TAGS = "tags"
TEXT_FIELD = Field(Kind.STR, "envelope text")
_COUNT = Field(Kind.INT, "number of people")
_LIST = Field(Kind.STR_LIST, "envelope list")
#: Envelope keys that name things: a whole number there is an identifier, kept as written
#: (``account: 012345678901``, ``id: 007``).
_IDENTIFIERS = frozenset({"id", "account", "region", "name", "provider"})


def is_free_form(path: str) -> bool:
    """``raw`` and ``x_*`` keys take any value and are not checked."""
    head = path.split(".", 1)[0]
    return head == RAW_KEY or head.startswith(CUSTOM_PREFIX)


def known_key(resource_type: str, path: str) -> bool:
    """Whether ``path`` may appear in a record of ``resource_type`` (flat or dotted)."""
    if path in ENVELOPE_KEYS or path.startswith(TAGS + ".") or is_free_form(path):
        return True
    return path in VOCABULARY[resource_type]


def unknown_key_message(resource_type: str, path: str) -> str:
    """``unknown attribute 'x' for type t; did you mean 'y'?`` with the best hint we have."""
    text = f"unknown attribute '{path}' for type {resource_type}"
    candidates = [*VOCABULARY[resource_type], *ENVELOPE_KEYS - {"source"}]
    match = suggest(path, candidates)
    if match:
        return f"{text}; did you mean '{match}'?"
    owners = [t for t in RESOURCE_TYPES if path in VOCABULARY[t]]
    if owners:
        return f"{text} ('{path}' is an attribute of {', '.join(owners)})"
    return f"{text} (custom attributes must start with '{CUSTOM_PREFIX}')"


def resolve_type(value: Any, text: str | None, location: Location) -> str:
    """A resource type name from a ``type`` value; unknown names are an error."""
    try:
        name = coerce(TEXT_FIELD, value, text)
    except ValueProblem as problem:
        raise InventoryError(f"type: {problem.message}", location) from None
    if name is None:
        raise InventoryError("type is empty", location)
    if name.lower() not in VOCABULARY:
        hint = did_you_mean(name, RESOURCE_TYPES)
        raise InventoryError(f"unknown resource type '{name}'{hint}", location)
    return str(name.lower())


def describe(value: Any) -> str:
    """A short rendering of a bad value for an error message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


class _Builder:
    """Builds one resource; holds the record so helpers can say where things are."""

    def __init__(self, record: RawRecord) -> None:
        self.record = record
        self.data: LineMap = record.data
        self.type = self._type()
        self.fields = VOCABULARY[self.type]
        self.attributes: dict[str, Any] = {}
        self.tags: dict[str, str] = {}
        self.envelope: dict[str, Any] = {}

    def fail(self, message: str, line: int | None, key: str | None) -> InventoryError:
        location = Location(self.record.file, line or self.record.line, key)
        return InventoryError(self.record.where() + message, location)

    def _type(self) -> str:
        if "type" in self.data and not is_empty(self.data["type"]):
            location = Location(self.record.file, self.data.line_of("type"), "type")
            return resolve_type(self.data["type"], text_of(self.data, "type"), location)
        if self.record.type_hint is not None:
            return self.record.type_hint
        raise self.fail("cannot tell the resource type: add a 'type' key, name the file "
                        "after the type (hosts.csv), or write {type: host, records: [...]}",
                        self.record.line, None)

    def value(self, field: Field, key: str, container: Any, name: str | int,
              convert: Any = coerce) -> Any:
        """Coerce ``container[name]`` (written as ``key``); a bad value is an error."""
        try:
            return convert(field, container[name], text_of(container, name))
        except ValueProblem as problem:
            raise self.problem(problem, key, container, name) from None

    def problem(self, problem: ValueProblem, key: str, container: Any,
                name: str | int) -> InventoryError:
        """The InventoryError for a bad value; a secret's value is never echoed."""
        message = problem.message  # the key is in the location
        path = key + problem.path
        if problem.got is not MISSING and not (is_secret(self.type, key)
                                               or is_secret(self.type, path)):
            message += f", got {describe(problem.got)}"
        message += problem.hint
        return self.fail(message, problem.line or line_of(container, name, 0), path)

    def build(self) -> Resource:
        for key in self.data:
            if key == "type" or self._blank_cell(key):
                continue
            if key == "source":
                raise self.fail("'source' is filled in by mamori (file and line); "
                                "remove it", self.data.line_of(key), key)
            if key == TAGS or key.startswith(TAGS + "."):
                self._tags(key)
            elif key in _IDENTIFIERS:
                self.envelope[key] = self.value(TEXT_FIELD, key, self.data, key, identifier_text)
            elif key in ENVELOPE_KEYS:
                self.envelope[key] = self.value(_field_for(key), key, self.data, key)
            else:
                self._attribute(key, self.data, key)
        return self._resource()

    def _blank_cell(self, key: str) -> bool:
        """A blank CSV cell says nothing, except in an "on file" column: a blank
        certificate cell in a disposal ledger means no certificate is on file. (In a CSV
        with a ``type`` column, the columns of other types are blank in each row.)"""
        if not self.record.row or not is_empty(self.data[key]):
            return False
        field = self.fields.get(key)
        return field is None or field.kind is not Kind.ON_FILE

    def _tags(self, key: str) -> None:
        value = self.data[key]
        if key != TAGS:
            self._tag(key.partition(".")[2], key, self.data, key)
        elif isinstance(value, dict):
            for name in value:
                self._tag(str(name), f"{TAGS}.{name}", value, name)
        elif not is_empty(value):
            raise self.fail(f"expected a mapping of names to texts (CSV: {TAGS}.NAME "
                            f"columns), got {describe(value)}", self.data.line_of(key), key)

    def _tag(self, name: str, key: str, container: Any, item: str) -> None:
        text = self.value(TEXT_FIELD, key, container, item, identifier_text)
        if text is None:
            return
        if name in self.tags:
            raise self.fail(f"tag '{name}' is given twice", line_of(container, item, 0), key)
        self.tags[name] = text

    def _attribute(self, path: str, container: Any, key: str) -> None:
        value = container[key]
        line = line_of(container, key, 0)
        if is_free_form(path):
            if not is_empty(value):
                self._set(path, plain(value), line)
            return
        field = self.fields.get(path)
        if field is not None and field.date_attr:
            self._dated(field, path, container, key, line)
        elif field is not None:
            coerced = self.value(field, path, container, key)
            if coerced is not None:
                self._set(path, coerced, line)
        elif isinstance(value, dict) and any(p.startswith(path + ".") for p in self.fields):
            for sub_key in value:
                self._attribute(f"{path}.{sub_key}", value, sub_key)
        else:
            raise self.fail(unknown_key_message(self.type, path), line, path)

    def _dated(self, field: Field, path: str, container: Any, key: str, line: int) -> None:
        """A boolean that may be written as the date it became true (``disposed``)."""
        try:
            flag, day = to_bool_or_date(field, container[key])
        except ValueProblem as problem:
            raise self.problem(problem, path, container, key) from None
        if flag is not None:
            self._set(path, flag, line)
        if day is not None:
            if field.date_attr in self.data:
                raise self.fail(f"the date is given twice, in '{path}' and in "
                                f"'{field.date_attr}': keep one", line, path)
            self._set(field.date_attr, day, line)

    def _set(self, path: str, value: Any, line: int) -> None:
        """Store at a dotted path, nested; the same path given twice is an error."""
        *parents, leaf = path.split(".")
        node = self.attributes
        for index, part in enumerate(parents):
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                prefix = ".".join(parents[:index + 1])
                raise self.fail(f"'{path}' conflicts with '{prefix}', which is not a mapping",
                                line, path)
            node = child
        if leaf in node:
            raise self.fail(f"'{path}' is given twice (dotted and nested?)", line, path)
        node[leaf] = value

    def _resource(self) -> Resource:
        envelope = self.envelope
        if envelope.get("id") is None:
            raise self.fail("the record has no id (every record needs one)",
                            self.record.line, "id")
        defaults = self.record.defaults
        return Resource(
            type=self.type,
            id=envelope["id"],
            provider=envelope.get("provider") or defaults.get("provider") or DEFAULT_PROVIDER,
            name=envelope.get("name") or envelope["id"],
            account=envelope.get("account") or defaults.get("account", ""),
            region=envelope.get("region") or defaults.get("region", ""),
            tags=self.tags,
            data_classes=self._data_classes(),
            records=envelope.get("records"),
            source=self.record.source,
            attributes=self.attributes,
        )

    def _data_classes(self) -> tuple[DataClass, ...]:
        names: list[str] = self.envelope.get("data_classes") or []
        choices = [d.value for d in DataClass]
        out: list[DataClass] = []
        for name in names:
            if name.lower() not in choices:
                hint = did_you_mean(name, choices)
                raise self.fail(f"unknown data class '{name}' (expected "
                                f"{', '.join(choices)}){hint}",
                                self.data.line_of("data_classes"), "data_classes")
            if DataClass(name.lower()) not in out:
                out.append(DataClass(name.lower()))
        return tuple(out)


def identifier_text(field: Field, value: Any, text: str | None) -> str | None:
    """An envelope name: text, or a whole number kept as written (``account:
    012345678901``); booleans, fractions and dates are refused."""
    if isinstance(value, int) and not isinstance(value, bool):
        return text if text is not None else str(value)
    return None if is_empty(value) else to_str(field, value, text)


def _field_for(key: str) -> Field:
    if key == "records":
        return _COUNT
    if key == "data_classes":
        return _LIST
    return TEXT_FIELD


def build_resource(record: RawRecord) -> Resource:
    """The resource a record describes; raise ``InventoryError`` with file, line and key."""
    return _Builder(record).build()
