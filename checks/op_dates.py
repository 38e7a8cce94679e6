"""Date operators: the age of a date against the scan's ``as_of``.

Dates are compared as dates (whole days), datetimes with zone as exact instants. Every
date attribute of the vocabulary records a past event, so a date after ``as_of`` by more
than :data:`CLOCK_SKEW` cannot be true: the operators cannot decide, and say why.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from mamori.checks.predicates import Builder, CompileContext, Outcome, Predicate, Undecided

#: How far after ``as_of`` a date may lie and still be taken as written: clocks and
#: time zones differ (a date-only value written in Tokyo can be "tomorrow" in UTC).
#: Beyond it, a date of a past event cannot be true and the operator cannot decide.
CLOCK_SKEW = timedelta(hours=24)

NEVER = "never"


def as_when(value: Any) -> date | None:
    """A date or aware datetime from ``value`` (also ISO text); None otherwise."""
    if isinstance(value, str) and value != NEVER:
        value = _parse_iso(value)
    if isinstance(value, datetime):
        return value if value.utcoffset() is not None else None
    return value if isinstance(value, date) else None


def age_days(value: Any, as_of: datetime) -> float | None:
    """Days between ``value`` and ``as_of``: whole days for dates, exact for datetimes.

    Returns None for values that are not dates (including "never"). Negative for a
    value after ``as_of``.
    """
    when = as_when(value)
    if isinstance(when, datetime):
        return (as_of - when).total_seconds() / 86400
    if when is not None:
        return (as_of.date() - when).days
    return None


@lru_cache(maxsize=4096)
def _parse_iso(text: str) -> date | datetime | None:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        return None


_SKEW_DAYS = CLOCK_SKEW / timedelta(days=1)
_SKEW_TEXT = f"{int(CLOCK_SKEW.total_seconds() // 3600)} hours"


def _impossible(when: date, as_of: datetime) -> Undecided:
    shown_as_of = as_of.isoformat() if isinstance(when, datetime) else as_of.date().isoformat()
    return Undecided(f"{when.isoformat()} is after as_of {shown_as_of}: a date that cannot be "
                     f"true (more than {_SKEW_TEXT} ahead)")


def _extreme_age(when: date, as_of: datetime) -> float:
    if isinstance(when, datetime):
        before = when.replace(tzinfo=None) < as_of.replace(tzinfo=None)
    else:
        before = when < as_of.date()
    return math.inf if before else -math.inf


def _dated(compare: Callable[[float, int], bool]) -> Builder:
    def build(operand: Any, ctx: CompileContext) -> Predicate:
        def pred(v: Any) -> Outcome:
            if isinstance(v, str) and v == NEVER:
                return False  # "never" is neither within nor older than N days
            when = as_when(v)
            if when is None:
                return None
            try:
                age = age_days(when, ctx.as_of)
            except OverflowError:  # at the ends of the calendar, shifted by a zone offset
                age = _extreme_age(when, ctx.as_of)
            if age is None:
                return None
            # Whole days for dates: one calendar day ahead is within the tolerance.
            if age < -_SKEW_DAYS:
                return _impossible(when, ctx.as_of)
            return compare(age, operand)
        return pred
    return build


older_than_days = _dated(lambda age, n: age > n)
within_days = _dated(lambda age, n: age <= n)
