"""A small, fast shape checker for plan documents: the validated shape mappers rely on.

A plan is checked against a declared shape before anything is mapped (the plan envelope
in :mod:`plan_shape`, the attributes each mapper reads in :mod:`attributes`), so mapping
code never meets a list where it expects an object, a string where it expects a number,
or a boolean where a port belongs. A value of the wrong kind is a :class:`PlanProblem`
naming its place in the document, which the provider turns into exit 2 with the file,
line and key. JSON Schema would say the same, but validating every resource of a large
plan with it costs more than mapping the plan; these checks are plain ``isinstance``.

Every field may be absent or ``null`` (Terraform writes ``null`` for unset arguments and
leaves unknown-after-apply values out) unless the object names it as required.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mamori.checks.text import printable
from mamori.checks.typed import kind_name

Path = tuple[str | int, ...]


class PlanProblem(Exception):
    """A plan value that does not have the shape mamori relies on."""

    def __init__(self, message: str, path: Path = (), address: str | None = None,
                 origin: int = 0) -> None:
        super().__init__(message)
        self.message = message
        #: the full path in the document (for the line number).
        self.path = path
        #: the resource the value belongs to, and where its values start in ``path``.
        self.address = address
        self.origin = origin

    def key(self) -> str:
        """The place in the document: ``ADDRESS: attr.path`` or ``json.path[0]``."""
        if self.address:
            attribute = render_path(self.path[self.origin:])
            return f"{self.address}: {attribute}" if attribute else self.address
        return render_path(self.path)


def render_path(path: Path) -> str:
    """``resource_changes[0].change.after`` for a path of keys and indexes."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text


def kind_of(value: Any) -> str:
    """How a JSON value is named in messages (``an object``, ``text``)."""
    return kind_name(value, mapping="an object")


class Spec:
    """A declared shape; :meth:`check` raises PlanProblem at the first mismatch."""

    expected = "a value"

    def check(self, value: Any, path: Path) -> None:
        """Raise PlanProblem when ``value`` (not null) does not fit."""
        raise NotImplementedError

    def fail(self, value: Any, path: Path) -> PlanProblem:
        """The problem for ``value`` at ``path``."""
        return PlanProblem(f"expected {self.expected}, found {kind_of(value)}", path)


@dataclass(frozen=True)
class Scalar(Spec):
    """Text, an integer, a number or a boolean (booleans are never numbers)."""

    kinds: tuple[type, ...]
    expected: str = "a value"

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is of one of the kinds."""
        if value is None:
            return
        if isinstance(value, bool):
            if bool not in self.kinds:
                raise self.fail(value, path)
            return
        if isinstance(value, float) and int in self.kinds and float not in self.kinds:
            if not value.is_integer():  # JSON has one number type: 22.0 is 22, 22.5 no port
                raise self.fail(value, path)
            return
        if not isinstance(value, self.kinds):
            raise self.fail(value, path)


STR = Scalar((str,), "text")
INT = Scalar((int,), "a whole number")
NUM = Scalar((int, float), "a number")
BOOL = Scalar((bool,), "true or false")
KEY = Scalar((str, int), "an instance key (number or text)")


class Timestamp(Spec):
    """Text holding an RFC 3339 date-time with a zone (``2026-11-28T09:00:00Z``)."""

    expected = "an RFC 3339 date-time"

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is such a date-time."""
        if value is None:
            return
        if not isinstance(value, str):
            raise self.fail(value, path)
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            raise PlanProblem(f"expected {self.expected}, found {_shown(value)}", path)


TIMESTAMP = Timestamp()


@dataclass(frozen=True)
class Enum(Spec):
    """One of a closed list of texts."""

    values: frozenset[str]

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is one of the texts."""
        if value is None:
            return
        if not isinstance(value, str) or value not in self.values:
            shown = ", ".join(sorted(self.values))
            raise PlanProblem(f"expected one of {shown}, found {_shown(value)}", path)


@dataclass(frozen=True)
class Arr(Spec):
    """A list whose items all fit ``item``."""

    item: Spec
    min_items: int = 0
    expected: str = "a list"
    #: whether items may be null (attribute lists: an unknown element is null in
    #: ``after``); the plan's own lists of entries may not.
    null_items: bool = True

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is a list of fitting items."""
        if value is None:
            return
        if not isinstance(value, list):
            raise self.fail(value, path)
        if len(value) < self.min_items:
            raise PlanProblem(f"expected at least {self.min_items} item(s), found none", path)
        for i, item in enumerate(value):
            if item is None and not self.null_items:
                raise PlanProblem(f"expected {self.item.expected}, found null", (*path, i))
            self.item.check(item, (*path, i))


@dataclass(frozen=True)
class Obj(Spec):
    """An object with known fields (others are allowed and not checked)."""

    fields: Mapping[str, Spec] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    expected: str = "an object"

    def __post_init__(self) -> None:
        # Text and boolean fields, the most common, are checked inline (plans are large).
        simple = {name: spec for name, spec in self.fields.items() if spec in (STR, BOOL)}
        object.__setattr__(self, "_simple", tuple(simple.items()))
        object.__setattr__(self, "_nested", tuple((name, spec) for name, spec in
                                                  self.fields.items() if name not in simple))

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is an object whose known fields fit."""
        if value is None:
            return
        if not isinstance(value, dict):
            raise self.fail(value, path)
        for name in self.required:
            if value.get(name) is None:
                raise PlanProblem(f"missing required key '{name}'", (*path, name))
        for name, spec in self._simple:  # type: ignore[attr-defined]
            item = value.get(name)
            if item is not None and item.__class__ is not spec.kinds[0]:
                spec.check(item, (*path, name))
        for name, spec in self._nested:  # type: ignore[attr-defined]
            item = value.get(name)
            if item is not None:
                spec.check(item, (*path, name))


@dataclass(frozen=True)
class Map(Spec):
    """An object with any keys whose values all fit ``value``."""

    value: Spec
    expected: str = "an object"
    null_values: bool = True

    def check(self, value: Any, path: Path) -> None:
        """Raise unless ``value`` is an object of fitting values."""
        if value is None:
            return
        if not isinstance(value, dict):
            raise self.fail(value, path)
        for key, item in value.items():
            if item is None and not self.null_values:
                raise PlanProblem(f"expected {self.value.expected}, found null", (*path, key))
            self.value.check(item, (*path, key))


@dataclass(frozen=True)
class Either(Spec):
    """Fits when one of the options fits."""

    options: tuple[Spec, ...]

    def check(self, value: Any, path: Path) -> None:
        """Raise unless one option accepts ``value`` (the deepest problem otherwise)."""
        found: PlanProblem | None = None
        for option in self.options:
            try:
                option.check(value, path)
                return
            except PlanProblem as problem:
                if found is None or len(problem.path) > len(found.path):
                    found = problem
        if found is not None:
            raise found


@dataclass(frozen=True)
class Lazy(Spec):
    """A shape defined later (recursive module trees)."""

    make: Callable[[], Spec]

    def check(self, value: Any, path: Path) -> None:
        """Check ``value`` against the shape ``make`` returns."""
        self.make().check(value, path)


class Anything(Spec):
    """Any JSON value."""

    def check(self, value: Any, path: Path) -> None:
        """Accept everything."""


ANY = Anything()


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return repr(printable(value[:60]))
    return kind_of(value)
