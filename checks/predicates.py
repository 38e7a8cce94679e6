"""What an operator's predicate is: the types every operator module shares.

A predicate takes one attribute value and answers True, False, or "cannot decide".
Cannot decide comes in two forms: ``None`` when the value has the wrong kind for the
operator (the compiler names the kind and the operator), and :class:`Undecided` when
the predicate knows a more precise reason ("2027-01-05 is after as_of ...").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Undecided:
    """A predicate cannot decide, and says why (shown in the ERROR finding)."""

    reason: str

    def __bool__(self) -> bool:
        # "Cannot decide" must never be mistaken for true (a false PASS) or false:
        # callers test ``is True`` / ``is False``, and a truth test is a bug.
        raise TypeError("Undecided is neither true nor false")


Outcome = bool | Undecided | None
Predicate = Callable[[Any], Outcome]


@dataclass(frozen=True)
class CompileContext:
    """What operators may depend on besides their operand: the scan's ``as_of``."""

    as_of: datetime


Builder = Callable[[Any, CompileContext], Predicate]
