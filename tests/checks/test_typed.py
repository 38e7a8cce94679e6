"""Typed-value checks (mamori.checks.typed): every kind against values of every other kind."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from mamori.checks import vocabulary as vocab
from mamori.checks.typed import CHECKERS, check_value, free_form_problem
from mamori.checks.vocabulary import Field, Kind

SAMPLES: dict[str, Any] = {
    "bool": True,
    "int": 5,
    "float": 2.5,
    "text": "web-01",
    "date": date(2026, 1, 1),
    "datetime": datetime(2026, 1, 1, 9, 0, tzinfo=UTC),
    "naive datetime": datetime(2026, 1, 1, 9, 0),
    "never": "never",
    "choice": "ingress",
    "protocol": "tcp",
    "texts": ["a", "b"],
    "networks": ["10.0.0.0/8", "::/0"],
    "port ranges": [[22, 22], [8000, 8080]],
    "objects": [{"id": "AKIA1", "active": True}],
    "mapping": {"a": 1},
    "null": None,
}


def field(rtype: str, name: str) -> Field:
    found = vocab.lookup(rtype, name)
    assert found is not None
    return found


# (field, the samples a person would accept for it). Derived from what each kind means,
# not from what the checker answers.
TEXTS = {"text", "never", "choice", "protocol"}
TABLE: list[tuple[str, Field, set[str]]] = [
    ("bool", field("user", "mfa"), {"bool"}),
    ("int", field("host", "missing_critical_patches"), {"int"}),
    ("str", field("host", "os"), TEXTS),
    ("date or never", field("user", "last_active"), {"date", "datetime", "never"}),
    ("date", field("host", "last_patched"), {"date", "datetime"}),
    ("enum", field("firewall_rule", "direction"), {"choice"}),
    ("str list", field("role", "trusted_principals"), {"texts", "networks"}),
    ("cidr list", field("firewall_rule", "sources"), {"networks"}),
    ("port ranges", field("firewall_rule", "ports"), {"port ranges"}),
    ("object list", field("user", "access_keys"), {"objects"}),
    ("protocol", field("firewall_rule", "protocol"), {"protocol"}),
    ("on file", field("media_disposal", "certificate"), {"bool"} | TEXTS - {"never"}),
    ("any", Field(Kind.ANY, "free-form"), set(SAMPLES)),  # plain data of any shape
]


@pytest.mark.parametrize(("label", "fld", "accepted"), TABLE, ids=[t[0] for t in TABLE])
@pytest.mark.parametrize("sample", sorted(SAMPLES))
def test_every_kind_against_every_value(label: str, fld: Field, accepted: set[str],
                                        sample: str) -> None:
    problem = check_value(fld, SAMPLES[sample])
    if sample in accepted:
        assert problem is None, problem
    else:
        assert problem is not None and problem.startswith(("expected", "[", "'never'"))


def test_every_kind_has_a_checker() -> None:
    assert set(CHECKERS) == set(Kind)


@pytest.mark.parametrize(("fld", "value", "says"), [
    (field("host", "missing_critical_patches"), -1, "negative"),
    (field("host", "missing_critical_patches"), False, "got a boolean"),
    (field("host", "missing_critical_patches"), "3", "got text"),
    (field("user", "mfa"), "yes", "got text"),
    (field("user", "mfa"), 1, "got a number"),
    (field("host", "last_patched"), "2026-01-01", "got text"),
    (field("host", "last_patched"), "never", "'never' is not allowed"),
    (field("host", "last_patched"), datetime(2026, 1, 1), "without"),
    (field("firewall_rule", "direction"), "inbound", "expected one of ingress, egress"),
    (field("firewall_rule", "ports"), [[0, 65536]], "[0]: expected ports"),
    (field("firewall_rule", "ports"), [[443, 80]], "[0]: expected a range whose start"),
    (field("firewall_rule", "ports"), [[22, 22, 22]], "[0]: expected a port range"),
    (field("firewall_rule", "ports"), [[True, 22]], "[0]: expected ports"),
    (field("firewall_rule", "ports"), [22], "[0]: expected a port range"),
    (field("firewall_rule", "sources"), ["10.0.0.300/8"], "[0]: expected a network"),
    (field("firewall_rule", "sources"), "10.0.0.0/8", "expected a list"),
    (field("firewall_rule", "protocol"), "All traffic", "expected a protocol"),
    (field("role", "trusted_principals"), ["ok", 7], "[1]: expected text"),
    (field("host", "os"), "linux\x1b[2J", "U+001B"),
    (field("role", "trusted_principals"), ["ok", "\ud800"], "[1]: contains U+D800"),
    (field("user", "access_keys"), [{"id": "k", "actve": True}], "[0].actve: unknown field"),
    (field("user", "access_keys"), [{"id": "k", "active": "yes"}],
     "[0].active: expected true or false"),
    (field("user", "access_keys"), [{"id": "k", "x_note": float("nan")}],
     "[0].x_note: expected a finite number"),
    (field("user", "access_keys"), ["k"], "[0]: expected an object"),
    (field("media_disposal", "certificate"), "N/A", "not on file"),
    (field("media_disposal", "certificate"), "なし", "not on file"),
    (field("media_disposal", "certificate"), "  ", "blank"),
])
def test_problems_name_what_is_wrong(fld: Field, value: Any, says: str) -> None:
    problem = check_value(fld, value)
    assert problem is not None and says in problem


def test_problems_never_echo_the_value() -> None:
    secret = "hunter2-SECRET"
    for fld in (field("user", "mfa"), field("host", "missing_critical_patches"),
                field("firewall_rule", "direction"), field("firewall_rule", "sources")):
        problem = check_value(fld, secret if fld.kind is not Kind.CIDR_LIST else [secret])
        assert problem is not None and secret not in problem


def test_free_form_values() -> None:
    assert free_form_problem({"a": [1, "b", None, {"c": date(2026, 1, 1)}]}) is None
    assert free_form_problem({"a": [float("inf")]}) == ".a[0]: expected a finite number, " \
                                                         "got NaN or infinity"
    assert free_form_problem({"k\x00": 1}) is not None
    assert free_form_problem({1: "a"}) == "keys must be text"
    assert free_form_problem(object()) is not None
