from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from mamori.checks.operators import OPERATORS, CompileContext, age_days, same

AS_OF = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CTX = CompileContext(AS_OF)


def check(op: str, operand: Any, value: Any) -> bool | None:
    return OPERATORS[op].build(operand, CTX)(value)


def test_equality_does_not_confuse_bool_and_int() -> None:
    assert same(True, True)
    assert not same(True, 1)
    assert check("eq", 1, True) is False
    assert check("ne", False, 0) is True


@pytest.mark.parametrize(("op", "operand", "value", "expected"), [
    ("in", ["a", "b"], "a", True),
    ("in", ["a", "b"], "c", False),
    ("not_in", ["key", "none"], "ic_card", True),
    ("contains", "personal", ["payment", "personal"], True),
    ("contains", "personal", "personal", None),  # not a list: cannot decide
    ("contains_any", ["personal", "payment"], ["confidential"], False),
    ("matches", "^admin", "administrator", True),
    ("not_matches", "^admin", "alice", True),
    ("matches", "^admin", 3, None),
    ("gt", 0, 2, True),
    ("gte", 14, 14, True),
    ("lt", 14, 14, False),
    ("lte", 15, 16, False),
    ("lte", 15, "15", None),  # a string is not a number
    ("gt", 0, True, None),  # nor is a bool
])
def test_value_operators(op: str, operand: Any, value: Any, expected: bool | None) -> None:
    assert check(op, operand, value) is expected


def test_date_age_boundaries() -> None:
    # 2026-10-15 is exactly 45 days before 2026-11-29: within, not older.
    assert check("within_days", 45, date(2026, 10, 15)) is True
    assert check("older_than_days", 45, date(2026, 10, 15)) is False
    assert check("older_than_days", 45, date(2026, 10, 14)) is True
    assert check("within_days", 45, date(2026, 12, 31)) is True  # future date


def test_datetimes_are_exact_instants() -> None:
    jst = timezone(timedelta(hours=9))
    just_over = AS_OF - timedelta(days=30, minutes=1)
    assert check("older_than_days", 30, just_over) is True
    assert check("older_than_days", 30, (AS_OF - timedelta(days=29)).astimezone(jst)) is False


def test_never_is_neither_within_nor_older() -> None:
    assert check("within_days", 90, "never") is False
    assert check("older_than_days", 90, "never") is False
    assert check("eq", "never", "never") is True


def test_iso_strings_and_bad_dates() -> None:
    assert age_days("2026-11-19", AS_OF) == 10
    assert check("within_days", 5, "not a date") is None
    assert check("within_days", 5, datetime(2026, 11, 28)) is None  # naive: refused


@pytest.mark.parametrize(("op", "operand", "value", "expected"), [
    ("cidr_contains", ["0.0.0.0/0", "::/0"], "0.0.0.0/0", True),
    ("cidr_contains", ["0.0.0.0/0", "::/0"], "::/0", True),
    ("cidr_contains", ["0.0.0.0/0", "::/0"], "10.0.0.0/8", False),
    ("cidr_contains", "203.0.113.5", "203.0.113.0/24", True),
    ("cidr_within", ["10.0.0.0/8", "192.168.0.0/16"], "10.1.2.0/24", True),
    ("cidr_within", ["10.0.0.0/8"], "0.0.0.0/0", False),
    ("cidr_overlaps", "10.0.0.0/8", "10.200.0.0/16", True),
    ("cidr_contains", "0.0.0.0/0", "not-a-cidr", None),
])
def test_cidr_operators(op: str, operand: Any, value: Any, expected: bool | None) -> None:
    assert check(op, operand, value) is expected


@pytest.mark.parametrize(("operand", "value", "expected"), [
    ([22, 3389], [20, 30], True),
    ([22, 3389], [[80, 80], [443, 443]], False),
    ([22, 3389], [[80, 80], [3389, 3389]], True),
    (22, [0, 65535], True),
    (22, 22, True),
    (22, "22", None),
])
def test_port_covers(operand: Any, value: Any, expected: bool | None) -> None:
    assert check("port_covers", operand, value) is expected
