"""Value coercion per vocabulary kind, through the files provider and directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import DataClass, Resource
from mamori.checks.vocabulary import VOCABULARY, Field, Kind
from mamori.providers.files.coerce import ValueProblem, coerce
from mamori.providers.files.provider import FilesProvider

JST = timezone(timedelta(hours=9))


def load(tmp_path: Path, name: str, text: str) -> list[Resource]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    items = list(FilesProvider([path]).collect())
    assert all(isinstance(item, Resource) for item in items)
    return [item for item in items if isinstance(item, Resource)]


def one_cell(tmp_path: Path, type_: str, column: str, cell: str) -> Any:
    """The attribute value a one-row CSV gives for ``cell``."""
    text = f"id,{column}\nr1,{cell}\n"
    [resource] = load(tmp_path, f"{type_}.csv", text)
    return resource.attributes.get(column, "ABSENT")


def field(type_: str, name: str) -> Field:
    return VOCABULARY[type_][name]


# --- bool -------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("true", True), ("FALSE", False), ("Yes", True), ("no", False), ("y", True), ("N", False),
    ("1", True), ("0", False), ("はい", True), ("いいえ", False), ("有", True), ("無", False),
    ("○", True), ("×", False), ("ＹＥＳ", True), ("", "ABSENT"),
])
def test_bool_words_in_csv(tmp_path: Path, cell: str, expected: object) -> None:
    assert one_cell(tmp_path, "user", "mfa", cell) == expected


def test_bool_in_yaml_native_and_words(tmp_path: Path) -> None:
    resources = load(tmp_path, "users.yaml",
                     "- {id: a, mfa: true, admin: false}\n- {id: b, mfa: はい, admin: 無}\n"
                     "- {id: c, mfa: null, admin: ''}\n")
    assert [dict(r.attributes) for r in resources] == [
        {"mfa": True, "admin": False}, {"mfa": True, "admin": False}, {}]


def test_bool_rejects_other_words() -> None:
    with pytest.raises(ValueProblem, match="expected true or false"):
        coerce(field("user", "mfa"), "maybe")
    with pytest.raises(ValueProblem):
        coerce(field("user", "mfa"), 2)


# --- int --------------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "expected"), [
    (12, 12), ("12", 12), ("52,000", 52000), ("１５", 15), (3.0, 3), (0, 0)])
def test_int_values(value: object, expected: int) -> None:
    assert coerce(field("host", "missing_critical_patches"), value) == expected


@pytest.mark.parametrize("value", [-1, "-1", "1.5", 2.5, True, "12a", "1,2"])
def test_int_rejects(value: object) -> None:
    with pytest.raises(ValueProblem, match="whole number"):
        coerce(field("host", "missing_critical_patches"), value)


def test_records_envelope_is_int(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "hosts.csv", 'id,records\nh,"52,000"\n')
    assert resource.records == 52000
    with pytest.raises(InventoryError, match="whole number"):
        load(tmp_path, "hosts.yaml", "- {id: h, records: lots}\n")


# --- dates ------------------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "expected"), [
    ("2026-11-29", date(2026, 11, 29)),
    ("2026/11/29", date(2026, 11, 29)),
    ("2026/1/5", date(2026, 1, 5)),
    ("2026年11月29日", date(2026, 11, 29)),
    ("2026-11-29T09:00:00+09:00", datetime(2026, 11, 29, 9, 0, tzinfo=JST)),
    ("2026-11-29T09:00:00Z", datetime(2026, 11, 29, 9, 0, tzinfo=UTC)),
    ("2026-11-29 09:30", datetime(2026, 11, 29, 9, 30, tzinfo=UTC)),
    ("2026/11/29 9:05:07.25+0900", datetime(2026, 11, 29, 9, 5, 7, 250000, tzinfo=JST)),
])
def test_dates_in_csv(tmp_path: Path, cell: str, expected: date) -> None:
    value = one_cell(tmp_path, "host", "last_patched", cell)
    assert value == expected
    assert type(value) is type(expected)  # a date stays a date, not midnight UTC
    if isinstance(value, datetime) and isinstance(expected, datetime):
        assert value.utcoffset() == expected.utcoffset()


def test_dates_in_yaml_are_typed(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "users.yaml",
                      "- id: a\n  created: 2026-01-02\n"
                      "  last_active: 2026-11-29T09:00:00+09:00\n")
    assert resource.attributes == {
        "created": date(2026, 1, 2),
        "last_active": datetime(2026, 11, 29, 9, 0, tzinfo=JST)}


def test_naive_yaml_datetime_is_utc(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "users.yaml", "- {id: a, last_active: 2026-11-29 09:00:00}\n")
    value = resource.attributes["last_active"]
    assert value == datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
    assert value.tzinfo is UTC


def test_never_only_where_allowed(tmp_path: Path) -> None:
    assert one_cell(tmp_path, "user", "last_active", "never") == "never"
    assert one_cell(tmp_path, "user", "last_active", "Never") == "never"
    assert one_cell(tmp_path, "vendor", "last_assessment", "never") == "never"
    with pytest.raises(InventoryError, match="'never' is not allowed"):
        one_cell(tmp_path, "user", "created", "never")


@pytest.mark.parametrize("bad", ["2026-02-30", "29/11/2026", "yesterday", "2026-11"])
def test_bad_dates(bad: str) -> None:
    with pytest.raises(ValueProblem, match="expected a"):
        coerce(field("host", "last_patched"), bad)


def test_impossible_yaml_date_is_reported_with_line(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, "hosts.yaml", "- id: h\n  os: linux\n  last_patched: 2026-02-30\n")
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.key) == (3, "last_patched")
    assert "day is out of range" in caught.value.message


# --- enum and text ----------------------------------------------------------------------

def test_enum_normalized_and_checked(tmp_path: Path) -> None:
    assert one_cell(tmp_path, "facility", "access_control", "IC card") == "ic_card"
    assert one_cell(tmp_path, "user", "employment", "Leaver") == "leaver"
    with pytest.raises(InventoryError) as caught:
        one_cell(tmp_path, "facility", "access_control", "biometrics")
    assert caught.value.message == (
        "row 2: expected one of ic_card, biometric, key, none, got 'biometrics'; "
        "did you mean 'biometric'?")


def test_identifiers_keep_yaml_source_text(tmp_path: Path) -> None:
    # An id or account written as digits is an identifier: kept as written, leading
    # zeros included (YAML would read 007 as the number 7).
    [resource] = load(tmp_path, "hosts.yaml",
                      "- {id: 007, account: 012345678901, os: Ubuntu, os_version: '10.10',"
                      " name: ' 東京 '}\n")
    assert (resource.id, resource.account, resource.name) == ("007", "012345678901", "東京")
    assert resource.attributes == {"os": "Ubuntu", "os_version": "10.10"}


@pytest.mark.parametrize(("value", "got"), [
    ("10.10", "a number"), ("false", "a boolean"), ("no", "a boolean"), ("7", "a number"),
    ("2026-11-29", "a date"),
])
def test_text_attribute_refuses_other_kinds(tmp_path: Path, value: str, got: str) -> None:
    # YAML reads these as numbers, booleans or dates; a text attribute never turns them
    # back into some text (today's `false` would have become the name "false").
    with pytest.raises(InventoryError, match=f"expected text, got {got}") as caught:
        load(tmp_path, "hosts.yaml", f"- id: h1\n  os_version: {value}\n")
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.key) == (2, "os_version")


# --- lists ------------------------------------------------------------------------------

def test_string_lists(tmp_path: Path) -> None:
    assert one_cell(tmp_path, "vendor", "certifications", "ISO27001; Pマーク；SOC2;") == [
        "ISO27001", "Pマーク", "SOC2"]
    assert one_cell(tmp_path, "vendor", "certifications", "[]") == []
    [resource] = load(tmp_path, "vendors.yaml",
                      "- {id: v, certifications: [ISO27001, '27017']}\n")
    assert resource.attributes["certifications"] == ["ISO27001", "27017"]
    with pytest.raises(InventoryError, match=r"certifications\[1\]: .*got a number"):
        load(tmp_path, "vendors.yaml", "- {id: v, certifications: [ISO27001, 27017]}\n")


def test_cidr_lists_normalized(tmp_path: Path) -> None:
    value = one_cell(tmp_path, "firewall_rule", "sources",
                     "0.0.0.0/0;10.0.0.5/8;192.168.1.7;::/0;2001:db8::1")
    assert value == ["0.0.0.0/0", "10.0.0.0/8", "192.168.1.7/32", "::/0", "2001:db8::1/128"]
    with pytest.raises(InventoryError) as caught:
        one_cell(tmp_path, "firewall_rule", "sources", "10.0.0.0/8;10.300.0.0/16")
    assert caught.value.location is not None
    assert caught.value.location.key == "sources[1]"
    assert "expected an IP network" in caught.value.message


def test_port_ranges_all_forms(tmp_path: Path) -> None:
    assert one_cell(tmp_path, "firewall_rule", "ports", "22;8000-8080") == [[22, 22], [8000, 8080]]
    assert one_cell(tmp_path, "firewall_rule", "ports", "*") == [[0, 65535]]
    assert one_cell(tmp_path, "firewall_rule", "ports", "ALL") == [[0, 65535]]
    resources = load(tmp_path, "firewall_rules.yaml",
                     "- {id: a, ports: [[22, 22], [8000, 8080]]}\n"
                     "- {id: b, ports: [22, '8000-8080', 3389]}\n"
                     "- {id: c, ports: 443}\n- {id: d, ports: all}\n")
    assert [r.attributes["ports"] for r in resources] == [
        [[22, 22], [8000, 8080]], [[22, 22], [8000, 8080], [3389, 3389]], [[443, 443]],
        [[0, 65535]]]


@pytest.mark.parametrize("bad", ["65536", "-1", "80-20", "http", "1-2-3", True])
def test_port_ranges_rejected(bad: object) -> None:
    with pytest.raises(ValueProblem):
        coerce(field("firewall_rule", "ports"), [bad])


def test_port_error_names_item_and_its_line(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, "firewall_rules.yaml",
             "- id: r\n  ports:\n    - 22\n    - [90, 80]\n")
    location = caught.value.location
    assert location is not None
    assert (location.line, location.key) == (4, "ports[1]")
    assert "start is not above its end" in caught.value.message


# --- object lists -----------------------------------------------------------------------

def test_access_keys_from_csv_json_cell(tmp_path: Path) -> None:
    cell = ('"[{""id"": ""AKIA1"", ""active"": ""yes"", ""created"": ""2026/01/02"", '
            '""last_used"": ""never""}]"')
    assert one_cell(tmp_path, "user", "access_keys", cell) == [
        {"id": "AKIA1", "active": True, "created": date(2026, 1, 2), "last_used": "never"}]


def test_access_keys_from_yaml_checked_item_by_item(tmp_path: Path) -> None:
    text = ("- id: u\n  access_keys:\n    - id: k1\n      active: true\n"
            "    - id: k2\n      last_use: 2026-01-01\n")
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, "users.yaml", text)
    location = caught.value.location
    assert location is not None
    assert (location.line, location.key) == (6, "access_keys[1].last_use")
    assert caught.value.message == "unknown field; did you mean 'last_used'?"


def test_access_keys_bad_value_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, "users.yaml",
             "- id: u\n  access_keys:\n    - {id: k, created: soon}\n")
    assert caught.value.location is not None
    assert caught.value.location.key == "access_keys[0].created"
    with pytest.raises(InventoryError, match="expected JSON text"):
        one_cell(tmp_path, "user", "access_keys", "[{id: k}]")


# --- envelope ---------------------------------------------------------------------------

def test_envelope_fields(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "hosts.yaml",
                      "- id: h1\n  provider: aws\n  account: '0123'\n  region: tokyo\n"
                      "  tags: {env: prod, tier: 1}\n  tags.owner: 情報システム部\n"
                      "  data_classes: [personal, Payment, personal]\n  records: 52000\n")
    assert resource == Resource(
        type="host", id="h1", provider="aws", name="h1", account="0123", region="tokyo",
        tags={"env": "prod", "tier": "1", "owner": "情報システム部"},
        data_classes=(DataClass.PERSONAL, DataClass.PAYMENT), records=52000,
        source=f"{(tmp_path / 'hosts.yaml').as_posix()}:1", attributes={})


def test_data_classes_from_csv_and_unknown_class(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "databases.csv",
                      "id,data_classes\ndb,personal;sensitive_personal\n")
    assert resource.data_classes == (DataClass.PERSONAL, DataClass.SENSITIVE_PERSONAL)
    with pytest.raises(InventoryError, match="did you mean 'personal'"):
        load(tmp_path, "databases.csv", "id,data_classes\ndb,personel\n")


def test_free_form_keys(tmp_path: Path) -> None:
    [resource] = load(tmp_path, "hosts.yaml",
                      "- id: h\n  x_owner: {team: ops, since: 2020-01-01}\n"
                      "  raw: {InstanceId: i-1, Tags: [{Key: a}]}\n  x_rack.row: 3\n")
    assert resource.attributes == {
        "x_owner": {"team": "ops", "since": date(2020, 1, 1)},
        "raw": {"InstanceId": "i-1", "Tags": [{"Key": "a"}]},
        "x_rack": {"row": 3}}
    assert type(resource.attributes["raw"]) is dict  # plain data, not the reader's classes


@pytest.mark.parametrize(("kind", "value"), [
    (Kind.STR, [1]), (Kind.STR_LIST, {"a": 1}), (Kind.CIDR_LIST, 5),
    (Kind.OBJECT_LIST, {"id": "k"}), (Kind.DATE, 20261129)])
def test_wrong_kinds(kind: Kind, value: object) -> None:
    item = VOCABULARY["user"]["access_keys"].item
    with pytest.raises(ValueProblem):
        coerce(Field(kind, "test", item=item), value)
