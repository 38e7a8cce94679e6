"""A snapshot is validated like any inventory; secrets are never written; replays of rules
that read a withheld value are ERROR.

Every problem must be an ``InventoryError`` naming the snapshot, the line and the key:
exit 2, never a traceback and never a silently different inventory.
"""

from __future__ import annotations

import json
import os
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.checks.engine import Engine
from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource, Status
from mamori.checks.ruleset import compile_rule, load_rules
from mamori.checks.secrets import WithheldResource
from mamori.providers import snapshot
from mamori.providers.snapshot import SnapshotProvider, SnapshotWriter

SAVED = datetime(2026, 11, 29, tzinfo=UTC)
SECRET = "S3CR3T-9f8e7d6c"
FIREWALL = Resource(
    type="firewall_rule", id="sg-1/0", provider="aws", account="1", region="ap-northeast-1",
    attributes={"direction": "ingress", "protocol": "tcp", "ports": [[22, 22]],
                "sources": ["0.0.0.0/0"], "action": "allow"})


def save(path: Path, items: list[Any]) -> None:
    with SnapshotWriter(path, saved=SAVED) as writer:
        for item in items:
            writer.write(item)


def read(path: Path) -> list[Any]:
    return list(SnapshotProvider(path).collect())


def with_line(tmp_path: Path, line: str | bytes) -> Path:
    """A valid snapshot whose only resource line is replaced by ``line``."""
    path = tmp_path / "snap.jsonl"
    save(path, [FIREWALL])
    head, _, end = path.read_bytes().splitlines()
    body = line if isinstance(line, bytes) else line.encode("utf-8")
    path.write_bytes(b"\n".join([head, body, end]) + b"\n")
    return path


def resource_json(**changes: Any) -> dict[str, Any]:
    data = snapshot.resource_line(FIREWALL)
    attributes = dict(data["attributes"])
    for key, value in changes.pop("attributes", {}).items():
        attributes[key] = value
    return {**data, **changes, "attributes": attributes}


def refused(tmp_path: Path, line: str | bytes) -> InventoryError:
    path = with_line(tmp_path, line)
    with pytest.raises(InventoryError) as caught:
        read(path)
    error = caught.value
    assert error.location is not None and error.location.file.endswith("snap.jsonl")
    return error


# --- values of the wrong kind, unknown names: exit 2 at line 2 with the key -------------

@pytest.mark.parametrize(("changes", "key", "says"), [
    ({"type": "firewall"}, "type", "did you mean 'firewall_rule'"),
    ({"type": 7}, "type", "expected text"),
    ({"id": ""}, "id", "blank"),
    ({"provider": "  "}, "provider", "blank"),
    ({"name": "evil\u001b]0;owned\u0007"}, "name", "U+001B"),
    ({"tags": {"owner": "a\ud800"}}, "tags.owner", "U+D800"),
    ({"tags": {"owner": 5}}, "tags.owner", "expected text"),
    ({"records": -1}, "records", "whole number"),
    ({"records": True}, "records", "whole number"),
    ({"data_classes": "personal"}, "data_classes", "expected a list"),
    ({"attributes": {"prots": [[22, 22]]}}, "attributes.prots", "did you mean 'ports'"),
    ({"attributes": {"ports": [[0, 65536]]}}, "attributes.ports", "0-65535"),
    ({"attributes": {"ports": [[443, 80]]}}, "attributes.ports", "start is not above"),
    ({"attributes": {"ports": [[True, 22]]}}, "attributes.ports", "whole numbers"),
    ({"attributes": {"sources": ["0.0.0.0/33"]}}, "attributes.sources", "network"),
    ({"attributes": {"sources": "0.0.0.0/0"}}, "attributes.sources", "expected a list"),
    ({"attributes": {"protocol": "All traffic"}}, "attributes.protocol", "protocol"),
    ({"attributes": {"direction": "inbound"}}, "attributes.direction", "ingress, egress"),
    ({"attributes": {"direction": True}}, "attributes.direction", "got a boolean"),
    ({"attributes": {"x_note": "a\u0000b"}}, "attributes.x_note", "U+0000"),
    ({"attributes": {"x_\u001bkey": 1}}, "attributes", "U+001B"),
    ({"attributes": {"raw": {"k": "\udfff"}}}, "attributes.raw", "U+DFFF"),
])
def test_wrong_values_are_refused(tmp_path: Path, changes: dict[str, Any], key: str,
                                  says: str) -> None:
    error = refused(tmp_path, json.dumps(resource_json(**changes)))
    assert error.location is not None
    assert (error.location.line, error.location.key) == (2, key)
    assert says in error.message


@pytest.mark.parametrize(("rtype", "attributes", "key", "says"), [
    ("host", {"missing_critical_patches": -3}, "attributes.missing_critical_patches",
     "negative"),
    ("host", {"missing_critical_patches": 2.5}, "attributes.missing_critical_patches",
     "decimal point"),
    ("host", {"disk_encrypted": "yes"}, "attributes.disk_encrypted", "got text"),
    ("host", {"last_patched": {"$datetime": "2026-01-01T09:00:00"}}, "attributes",
     "no time zone"),
    ("host", {"last_patched": "2026-01-01"}, "attributes.last_patched", "got text"),
    ("host", {"last_patched": "never"}, "attributes.last_patched", "'never' is not allowed"),
    ("user", {"access_keys": [{"id": "k", "active": "true"}]}, "attributes.access_keys",
     "[0].active: expected true or false"),
    ("user", {"access_keys": [{"id": "k", "secret": "x"}]}, "attributes.access_keys",
     "[0].secret: unknown field"),
    ("bucket", {"encryption": {"enabld": True}}, "attributes.encryption.enabld",
     "unknown attribute"),
    ("bucket", {"encryption": {"enabled": 1}}, "attributes.encryption.enabled",
     "expected true or false"),
    ("media_disposal", {"certificate": "N/A"}, "attributes.certificate", "not on file"),
])
def test_typed_attributes_of_other_types(tmp_path: Path, rtype: str,
                                         attributes: dict[str, Any], key: str,
                                         says: str) -> None:
    line = {**resource_json(), "type": rtype, "attributes": attributes}
    error = refused(tmp_path, json.dumps(line))
    assert error.location is not None
    assert (error.location.line, error.location.key) == (2, key)
    assert says in error.message


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(("line", "says"), [
    ('{"kind": "resource", "kind": "resource"}', "duplicate key 'kind'"),
    (json.dumps(resource_json()).replace('"allow"', "NaN"), "NaN is not a number"),
    (json.dumps(resource_json()).replace('"allow"', "-Infinity"), "-Infinity"),
    (json.dumps(resource_json()).replace('"allow"', "1e999"), "too large"),
    (json.dumps(resource_json()).replace('"allow"', "1" * 5000), "not a JSON line"),
    (json.dumps(resource_json(attributes={"x_deep": "DEEP"})).replace('"DEEP"', _deep(150)),
     "nested more than 100 levels"),
    (json.dumps(resource_json(attributes={"x_deep": "DEEP"})).replace('"DEEP"',
                                                                     _deep(100_000)),
     "nested more than 100 levels"),
    (b'{"kind": "resource", "name": "\xff\xfe"}', "not UTF-8"),
    ('{"kind": "resource", "name": "a\tb"}', "not a JSON line"),  # raw TAB in a string
    (json.dumps(resource_json(attributes={"x_w": {"$withheld": 1}})), "must be true"),
    (json.dumps(resource_json(attributes={"x_w": [{"$withheld": True}]})), "withheld marker"),
    (json.dumps(resource_json(attributes={"x_w": {"$secret": 1}})), "unknown tagged value"),
    (json.dumps(resource_json(attributes={"x_w": {"$date": 20260101}})), "must hold text"),
    (json.dumps(resource_json(attributes={"x_w": {"$tuple": "ab"}})), "must hold a list"),
    ("[1, 2]", "expected a JSON object"),
])
def test_malformed_lines(tmp_path: Path, line: str | bytes, says: str) -> None:
    error = refused(tmp_path, line)
    assert error.location is not None and error.location.line == 2
    assert says in error.message


def test_overlong_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snapshot, "MAX_LINE", 100)
    error = refused(tmp_path, json.dumps(resource_json()))
    assert "longer than 100 bytes" in error.message


def test_collection_error_lines_are_checked(tmp_path: Path) -> None:
    line = {"kind": "error", "provider": "aws", "operation": "iam:ListUsers", "scope": "1",
            "code": "AccessDenied", "message": "denied\u001b[2J", "resource_types": ["user"],
            "account": "1", "region": ""}
    error = refused(tmp_path, json.dumps(line))
    assert error.location is not None and error.location.key == "message"
    line = {**line, "message": "denied", "resource_types": ["usr"]}
    error = refused(tmp_path, json.dumps(line))
    assert error.location is not None and error.location.key == "resource_types[0]"
    assert "did you mean 'user'" in error.message


# --- not a regular file: refused at once, never read or waited on -----------------------

def _refused_quickly(path: Path) -> InventoryError:
    start = time.monotonic()
    with pytest.raises(InventoryError) as caught:
        read(path)
    assert time.monotonic() - start < 5
    return caught.value


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "snap.jsonl"
    os.mkfifo(fifo)
    assert "FIFO" in _refused_quickly(fifo).message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_symlink_to_dev_zero_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "snap.jsonl"
    link.symlink_to("/dev/zero")
    assert "device" in _refused_quickly(link).message


def test_folder_and_missing_file_are_refused(tmp_path: Path) -> None:
    assert "folder" in _refused_quickly(tmp_path).message
    assert "no such file" in _refused_quickly(tmp_path / "nope.jsonl").message


# --- secrets are not written; replay cannot decide on them ------------------------------

DEVICE = Resource(
    type="network_device", id="fw-01", provider="onprem", tags={"owner": "net",
                                                                "AdminToken": SECRET},
    attributes={"vendor": "cisco", "password_hash": f"$1${SECRET}",
                "default_credentials": False, "firmware_released": date(2025, 1, 1),
                "x_snmp": {"community_secret": SECRET, "version": 3},
                "raw": {"Config": f"enable secret 5 {SECRET}"}})
USER = Resource(
    type="user", id="u1", provider="aws",
    attributes={"mfa": True, "access_keys": [{"id": "AKIA1", "active": True,
                                              "x_secret_access_key": SECRET}]})


def test_secrets_and_raw_are_not_written(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    save(path, [DEVICE, USER])
    assert SECRET not in path.read_text(encoding="utf-8")
    device, user = read(path)
    assert isinstance(device, WithheldResource)
    assert sorted(device.withheld) == ["password_hash", "raw", "tags.AdminToken",
                                       "x_snmp.community_secret"]
    assert device.tags == {"owner": "net"}
    assert device.attributes == {"vendor": "cisco", "default_credentials": False,
                                 "firmware_released": date(2025, 1, 1),
                                 "x_snmp": {"version": 3}}
    assert isinstance(user, WithheldResource)
    assert user.withheld == ("access_keys.x_secret_access_key",)
    assert user.attributes["access_keys"] == [{"id": "AKIA1", "active": True}]


def _replay(tmp_path: Path, body: str, resource: Resource) -> Status:
    path = tmp_path / "snap.jsonl"
    save(path, [resource])
    [restored] = read(path)
    rule = tmp_path / "rule.yaml"
    rule.write_text(
        "id: T-1\ntitle: {en: t, ja: t}\nremediation: {en: r, ja: r}\nseverity: high\n"
        f"causes: [external_attack]\nresource: {resource.type}\n{body}", encoding="utf-8")
    [spec] = load_rules([rule])
    [finding] = list(Engine([compile_rule(spec, SAVED)]).evaluate(restored))
    return finding.status


@pytest.mark.parametrize("body", [
    "assert: {attr: password_hash, exists: false}\n",  # absence is not "there is none"
    "assert: {attr: password_hash, not_matches: '^\\$1\\$'}\n",
    "assert: {not: {attr: raw.Config, matches: 'enable password'}}\n",
    "assert: {attr: tags.AdminToken, exists: false}\n",
    "assert: {attr: x_snmp, exists: false}\n",
])
def test_replaying_a_rule_on_a_withheld_value_is_error(tmp_path: Path, body: str) -> None:
    assert _replay(tmp_path, body, DEVICE) is Status.ERROR


def test_replaying_other_rules_gives_the_same_verdicts(tmp_path: Path) -> None:
    assert _replay(tmp_path, "assert: {attr: default_credentials, eq: false}\n",
                   DEVICE) is Status.PASS
    assert _replay(tmp_path, "assert: {attr: x_snmp.version, eq: 3}\n", DEVICE) is Status.PASS


def test_a_lone_surrogate_never_crashes_the_writer(tmp_path: Path) -> None:
    odd = Resource(type="host", id="h\ud800", provider="aws")
    path = tmp_path / "snap.jsonl"
    save(path, [odd])
    with pytest.raises(InventoryError) as caught:  # refused on reading, by line and key
        read(path)
    assert caught.value.location is not None and caught.value.location.key == "id"


# --- property: any damage is a verdict or an InventoryError ----------------------------

_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10, 70000),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
              st.sampled_from(["tcp", "0.0.0.0/0", "ingress", "host", "$date", "2026-01-01",
                               "\ud800", "\x1b", "never"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.one_of(st.text(max_size=6),
                                                      st.sampled_from(["$date", "$withheld",
                                                                       "$tuple", "x_a"])),
                                            inner, max_size=3)),
    max_leaves=8)
_KEYS = ["type", "id", "name", "provider", "tags", "data_classes", "records", "source",
         "attributes"]
_ATTRS = ["direction", "protocol", "ports", "sources", "action", "x_custom", "raw", "bogus"]


@settings(max_examples=100)
@given(where=st.sampled_from(_KEYS + [f"attributes.{a}" for a in _ATTRS]), value=_json)
def test_any_damaged_value_is_a_verdict_or_an_inventory_error(tmp_path_factory: Any,
                                                              where: str, value: Any) -> None:
    data = resource_json()
    head, _, attr = where.partition(".")
    if attr:
        data["attributes"][attr] = value
    else:
        data[head] = value
    path = with_line(tmp_path_factory.mktemp("damaged"),
                     json.dumps(data, ensure_ascii=False).encode("utf-8", "surrogatepass"))
    try:
        items = read(path)
    except InventoryError as error:
        assert error.location is not None and error.location.line == 2
        return
    [item] = items
    assert isinstance(item, Resource)


@settings(max_examples=60)
@given(garbage=st.binary(max_size=64))
def test_any_garbage_line_is_an_inventory_error(tmp_path_factory: Any, garbage: bytes) -> None:
    path = with_line(tmp_path_factory.mktemp("garbage"), garbage.replace(b"\n", b" "))
    with pytest.raises(InventoryError):
        read(path)
