from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from mamori.checks.operators import (
    CLOCK_SKEW,
    OPERATORS,
    CompileContext,
    age_days,
    build_predicate,
    compile_regex,
    fold_text,
    same,
)
from mamori.checks.predicates import Outcome, Undecided

AS_OF = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
CTX = CompileContext(AS_OF)


def check(op: str, operand: Any, value: Any) -> Outcome:
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


# --- dates that cannot be true -------------------------------------------------------------

@pytest.mark.parametrize("op", ["within_days", "older_than_days"])
def test_dates_after_as_of_beyond_the_tolerance_are_undecided(op: str) -> None:
    # A last patch, sign-in or assessment records a past event: one a month after as_of
    # cannot be true, so it is neither "recent" nor "old".
    result = check(op, 30, date(2026, 12, 31))
    assert isinstance(result, Undecided)
    assert result.reason == ("2026-12-31 is after as_of 2026-11-29: a date that cannot be "
                             "true (more than 24 hours ahead)")
    late = check(op, 30, AS_OF + timedelta(hours=24, seconds=1))
    assert isinstance(late, Undecided)
    assert "is after as_of 2026-11-29T12:00:00+00:00" in late.reason


def test_clock_skew_tolerance_is_24_hours() -> None:
    # One calendar day ahead is what a date written in a zone ahead of UTC can be.
    assert check("within_days", 30, date(2026, 11, 30)) is True
    assert isinstance(check("within_days", 30, date(2026, 12, 1)), Undecided)
    assert check("within_days", 30, AS_OF + timedelta(hours=24)) is True
    assert check("older_than_days", 30, AS_OF + timedelta(hours=23)) is False
    assert timedelta(hours=24) == CLOCK_SKEW


def test_absurd_dates_are_undecided_not_a_crash() -> None:
    far = datetime.max.replace(tzinfo=timezone(-timedelta(hours=23)))
    assert isinstance(check("within_days", 30, far), Undecided)
    assert isinstance(check("within_days", 30, "9999-12-31"), Undecided)
    assert check("older_than_days", 30, date.min) is True
    ancient = datetime.min.replace(tzinfo=timezone(timedelta(hours=14)))
    assert check("older_than_days", 30, ancient) is True
    assert check("within_days", 30, ancient) is False


def test_undecided_cannot_be_used_as_a_truth_value() -> None:
    with pytest.raises(TypeError):
        bool(Undecided("why"))


# --- ignore_case ---------------------------------------------------------------------------

def folded(op: str, operand: Any, value: Any) -> bool | None:
    result = build_predicate(OPERATORS[op], operand, CTX, ignore_case=True)(value)
    assert not isinstance(result, Undecided)
    return result


@pytest.mark.parametrize(("op", "operand", "value", "expected"), [
    ("eq", "sa", "SA", True),
    ("eq", "Administrator", "administrator", True),
    ("eq", "admin", "ＡＤＭＩＮ", True),  # full-width, as a Japanese IME types it
    ("eq", "strasse", "STRASSE", True),
    ("eq", "straße", "STRASSE", True),  # full case folding: ß is ss
    ("eq", "sa", "sa_app", False),
    ("ne", "root", "Root", False),
    ("in", ["admin", "root", "sa"], "Root", True),
    ("in", ["ADMIN"], "admin", True),  # the operand is folded too
    ("not_in", ["admin", "root", "sa"], "SAdmin", True),
    ("not_in", ["postgres"], "Postgres", False),
    ("contains", "iso27001", ["ISO27001", "Pマーク"], True),
    ("contains_any", ["ｐマーク", "soc2"], ["Ｐマーク"], True),
    ("eq", "true", True, False),  # folding touches text only: a bool is not the text "true"
    ("in", [1, "x"], 1, True),
])
def test_ignore_case(op: str, operand: Any, value: Any, expected: bool) -> None:
    assert folded(op, operand, value) is expected


def test_without_ignore_case_text_comparison_is_exact() -> None:
    assert check("eq", "sa", "SA") is False
    assert check("in", ["root"], "Root") is False


def test_fold_text_is_nfkc_casefold() -> None:
    assert fold_text("ＳＡ") == "sa"
    assert fold_text("Ⅻ") == "xii"
    assert fold_text(fold_text("ǅ")) == fold_text("ǅ")


def test_ignore_case_only_on_text_operators() -> None:
    foldable = {name for name, op in OPERATORS.items() if op.folds}
    assert foldable == {"eq", "ne", "in", "not_in", "contains", "contains_any"}
    with pytest.raises(ValueError, match="ignore_case does not apply"):
        build_predicate(OPERATORS["gt"], 1, CTX, ignore_case=True)


# --- kinds: a value of the wrong kind is undecided, never a pass ---------------------------

@pytest.mark.parametrize(("op", "operand", "value"), [
    ("eq", "sa", ["sa"]),  # a list is not a name
    ("ne", "sa", ["sa"]),
    ("in", ["sa"], {"name": "sa"}),
    ("not_in", ["sa"], ["sa"]),  # would have been a false PASS as "not one of them"
    ("contains", "x", "x"),
    ("gt", 1, float("nan")),
    ("lte", 15, float("inf")),
    ("port_covers", 22, [[30, 20]]),  # a reversed range admits nothing anyone can say
    ("port_covers", 22, [[0, 70000]]),
    ("port_union_covers", [1, 65535], True),
    ("cidr_union_covers", "0.0.0.0/0", 5),
])
def test_wrong_kind_is_none(op: str, operand: Any, value: Any) -> None:
    assert OPERATORS[op].build(operand, CTX)(value) is None


def test_equality_on_dates_decides() -> None:
    assert check("eq", "never", date(2026, 1, 1)) is False
    assert check("ne", "never", date(2026, 1, 1)) is True


# --- RE2 -----------------------------------------------------------------------------------

def test_catastrophic_pattern_is_linear() -> None:
    # Python's re backtracks exponentially here: 2**5000 ways to split the a's. RE2 answers
    # at once; the test asserts the answer (a trailing "!" cannot match), not the time.
    assert check("matches", "^(a+)+$", "a" * 5000 + "!") is False
    assert check("not_matches", "^(a+)+$", "a" * 5000 + "!") is True
    assert check("matches", "^(a|aa)+$", "a" * 100_000) is True
    assert check("matches", "(x+x+)+y", "x" * 20_000) is False


@pytest.mark.parametrize(("pattern", "value", "expected"), [
    ("(?i)^admin$", "ADMIN", True),  # RE2 flags: i, m, s, U
    (r"\S", "   ", False),
    (r"\S", " x ", True),
    ("^CERT-[0-9]+$", "CERT-2026", True),
    ("^CERT-[0-9]+$", "CERT-2026\n", False),  # $ is the end of text, not before a newline
    (r"(?m)^b$", "a\nb", True),
    (".", "", False),
    (r"^\p{Han}+$", "総務部", True),
    ("^.{3}$", "総務部", True),  # . is one character, not one UTF-8 byte
    (r"^\w+$", "総務部", False),  # \w, \d, \s, \b are ASCII in RE2
    (r"\z", "x", True),
])
def test_re2_syntax(pattern: str, value: str, expected: bool) -> None:
    assert check("matches", pattern, value) is expected


@pytest.mark.parametrize(("pattern", "why"), [
    (r"(a)\1", "invalid escape sequence"),
    ("(?=admin)", "invalid perl operator"),
    ("(?<!x)y", "invalid perl operator"),
    ("a++", "bad repetition operator"),
    ("(?>a)", "invalid perl operator"),
    (r"a\Z", "invalid escape sequence"),
    ("a{1001}", "invalid repetition size"),
    ("((((a{100}){100}){100}){100})", "invalid repetition size"),
    (r"\pL{1000}" * 3, "RE2 bounds the memory"),
    ("(", "missing )"),
])
def test_patterns_re2_cannot_run_are_refused(pattern: str, why: str) -> None:
    with pytest.raises(ValueError, match="not an RE2 regular expression") as info:
        compile_regex(pattern)
    assert why in str(info.value)


def test_lone_surrogate_value_is_undecided() -> None:
    result = check("matches", "x", "x\ud800")
    assert isinstance(result, Undecided)
    with pytest.raises(ValueError, match="lone surrogate"):
        compile_regex("\udc00")


# --- networks as unions --------------------------------------------------------------------

INTERNET = ["0.0.0.0/0", "::/0"]


@pytest.mark.parametrize(("value", "expected"), [
    (["0.0.0.0/0"], True),
    (["0.0.0.0/1", "128.0.0.0/1"], True),
    (["128.0.0.0/1", "10.0.0.0/8", "0.0.0.0/1"], True),
    (["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"], True),
    (["::ffff:0.0.0.0/96"], True),  # IPv4-mapped IPv6 is every IPv4 address
    (["::ffff:0:0/97", "128.0.0.0/1"], True),
    (["::/1", "8000::/1"], True),
    (["::/8"], True),  # contains ::ffff:0:0/96, so every IPv4 address
    (["0.0.0.0/1"], False),
    (["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3", "224.0.0.0/4", "240.0.0.0/5"], False),
    (["::/1"], True),  # contains the IPv4-mapped block, so all of IPv4
    (["2000::/3"], False),
    (["10.0.0.0/8", "192.168.0.0/16"], False),
    ([], False),
    ("0.0.0.0/0", True),  # a single network is a list of one
])
def test_cidr_union_covers_the_internet(value: Any, expected: bool) -> None:
    assert check("cidr_union_covers", INTERNET, value) is expected


def test_cidr_union_with_unreadable_items() -> None:
    # An item that is not a network cannot narrow what the others admit...
    assert check("cidr_union_covers", INTERNET, ["0.0.0.0/0", "sg-123"]) is True
    # ...but when the rest does not cover, nobody knows what the item admits.
    result = check("cidr_union_covers", INTERNET, ["10.0.0.0/8", "sg-123"])
    assert isinstance(result, Undecided)
    assert "1 item(s) that are not networks" in result.reason


@pytest.mark.parametrize(("op", "operand", "value", "expected"), [
    ("cidr_contains", "0.0.0.0/0", "::ffff:0.0.0.0/96", True),
    ("cidr_contains", "10.1.0.0/16", "::ffff:10.0.0.0/104", True),
    ("cidr_within", "10.0.0.0/8", "::ffff:10.1.0.0/112", True),
    ("cidr_within", "10.0.0.0/8", "::ffff:11.0.0.0/104", False),
    ("cidr_overlaps", "::ffff:192.168.0.0/120", "192.168.0.128/25", True),
    ("cidr_contains", "::/0", "0.0.0.0/0", False),
])
def test_ipv4_mapped_networks_are_ipv4(op: str, operand: Any, value: Any, expected: bool) -> None:
    assert check(op, operand, value) is expected


# --- ports as unions -----------------------------------------------------------------------

@pytest.mark.parametrize(("operand", "value", "expected"), [
    ([1, 65535], [[0, 32767], [32768, 65535]], True),
    ([1, 65535], [[1, 1000], [1001, 65535]], True),
    ([1, 65535], [[1001, 65535], [1, 1000]], True),
    ([1, 65535], [[1, 40000], [30000, 65535]], True),
    ([1, 65535], [[1, 1000], [1002, 65535]], False),
    ([1, 65535], [[1024, 65535]], False),
    ([1, 65535], [0, 65535], True),  # one range
    ([1, 65535], [], False),  # no ports: nothing is open
    ([[20, 21], [1, 65535]], [[20, 22]], True),  # any of the wanted ranges
    ([22, 22], 22, True),
])
def test_port_union_covers(operand: Any, value: Any, expected: bool) -> None:
    assert check("port_union_covers", operand, value) is expected


def test_port_covers_reads_the_union() -> None:
    assert check("port_covers", [22], [[0, 21], [22, 65535]]) is True
    assert check("port_covers", [22], [[0, 21], [23, 65535]]) is False


# IANA's not-globally-reachable IPv4 ranges, plus multicast and reserved (as MAM-NET-001).
NOT_INTERNET = ["0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
                "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16",
                "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4",
                "240.0.0.0/4", "2001:db8::/32"]


def covers_ignoring(value: list[str]) -> Any:
    pred = build_predicate(OPERATORS["cidr_union_covers"], ["0.0.0.0/0", "2000::/3"], CTX,
                           ignoring=NOT_INTERNET)
    return pred(value)


@pytest.mark.parametrize(("value", "expected"), [
    (["0.0.0.0/0"], True),
    (["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"], True),  # all but multicast and reserved
    (["0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "12.0.0.0/6", "16.0.0.0/4", "32.0.0.0/3",
      "64.0.0.0/2", "128.0.0.0/1"], True),  # everything but 10/8 (and 172.16/12 etc. inside)
    (["2000::/3"], True),
    (["2000::/4", "3000::/5", "3800::/6", "3c00::/7", "3e00::/8", "3f00::/9", "3f80::/10",
      "3fc0::/11", "3fe0::/12", "3ff0::/13", "3ff8::/14", "3ffc::/15", "3ffe::/16"],
     False),  # 3fff::/16 is left out, and not all of it is a documentation range
    (["2000::/4"], False),
    (["0.0.0.0/1"], False),
    (["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], False),
    ([], False),
])
def test_cidr_union_covers_ignoring_non_internet_holes(value: list[str], expected: bool) -> None:
    assert covers_ignoring(value) is expected


def test_ignoring_that_leaves_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match=r"covers all of 10\.1\.0\.0/16"):
        build_predicate(OPERATORS["cidr_union_covers"], "10.1.0.0/16", CTX,
                        ignoring=["10.0.0.0/8"])
    with pytest.raises(ValueError, match="does not take 'ignoring'"):
        build_predicate(OPERATORS["cidr_contains"], "10.1.0.0/16", CTX, ignoring=["10.0.0.0/8"])
