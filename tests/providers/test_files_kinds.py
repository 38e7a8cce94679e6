"""Every vocabulary kind against a value of every other kind, through a real YAML file.

The expectations are the documented meaning of each kind (docs/inventory.md, "Values"):
a value of another kind is refused with file, line and key, never converted. The few
cross-kind values a kind does accept are listed with the reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.checks.vocabulary import VOCABULARY, Kind
from mamori.providers.files.provider import FilesProvider

# One attribute per kind, and a value of that kind as YAML writes it.
ATTRIBUTES: dict[Kind, tuple[str, str, str]] = {
    Kind.BOOL: ("user", "mfa", "true"),
    Kind.INT: ("host", "missing_critical_patches", "7"),
    Kind.STR: ("host", "os", "'Ubuntu 22.04'"),
    Kind.DATE: ("host", "last_patched", "2026-11-29"),
    Kind.ENUM: ("user", "employment", "leaver"),
    Kind.STR_LIST: ("vendor", "certifications", "[ISO27001, Pマーク]"),
    Kind.CIDR_LIST: ("firewall_rule", "sources", "[10.0.0.0/8]"),
    Kind.PORT_RANGES: ("firewall_rule", "ports", "[[22, 22]]"),
    Kind.OBJECT_LIST: ("user", "access_keys", "[{id: AKIA1, active: true}]"),
    Kind.ON_FILE: ("media_disposal", "certificate", "DEC-20260315-01"),
    Kind.PROTOCOL: ("firewall_rule", "protocol", "tcp"),
}

# Values of other kinds, as YAML writes them.
SAMPLES: dict[str, str] = {
    "boolean": "false",
    "number": "7",
    "fraction": "2.5",
    "date": "2026-11-29",
    "datetime": "2026-11-29T09:00:00+09:00",
    "text": "'hello world'",
    "text list": "[a, b]",
    "port range list": "[[22, 22]]",
    "mapping": "{a: 1}",
    "list of mappings": "[{id: k}]",
}

# (kind, sample) pairs that are accepted, and why.
ACCEPTED: dict[tuple[Kind, str], str] = {
    (Kind.BOOL, "boolean"): "its own kind",
    (Kind.INT, "number"): "its own kind",
    (Kind.DATE, "date"): "its own kind",
    (Kind.DATE, "datetime"): "a datetime is a date attribute's other form",
    (Kind.STR, "text"): "its own kind",
    (Kind.STR_LIST, "text list"): "its own kind",
    (Kind.STR_LIST, "text"): "a lone text is a list of one",
    (Kind.PORT_RANGES, "port range list"): "its own kind",
    (Kind.PORT_RANGES, "number"): "a lone port is a range of one port",
    (Kind.OBJECT_LIST, "list of mappings"): "its own kind (access_keys items have an id)",
    (Kind.ON_FILE, "boolean"): "yes/no: on file or not",
    (Kind.ON_FILE, "number"): "a numeric document number, kept as written",
    (Kind.ON_FILE, "text"): "a reference",
    (Kind.ON_FILE, "date"): "a dated document",
    (Kind.PROTOCOL, "number"): "an IANA protocol number (7 is CBT)",
    (Kind.ON_FILE, "datetime"): "a dated document",
}


def load(tmp_path: Path, type_: str, attr: str, yaml_value: str) -> Resource:
    path = tmp_path / f"{type_}.yaml"
    path.write_text(f"- type: {type_}\n  id: r1\n  {attr}: {yaml_value}\n", encoding="utf-8")
    [resource] = [r for r in FilesProvider([path]).collect() if isinstance(r, Resource)]
    return resource


def test_every_kind_is_in_the_table() -> None:
    used = {f.kind for fields in VOCABULARY.values() for f in fields.values()}
    assert used - {Kind.ANY} <= set(ATTRIBUTES)


@pytest.mark.parametrize("kind", list(ATTRIBUTES), ids=str)
def test_own_kind_is_accepted(tmp_path: Path, kind: Kind) -> None:
    type_, attr, value = ATTRIBUTES[kind]
    assert attr in load(tmp_path, type_, attr, value).attributes


@pytest.mark.parametrize("sample", list(SAMPLES))
@pytest.mark.parametrize("kind", list(ATTRIBUTES), ids=str)
def test_other_kinds_are_refused_with_location(tmp_path: Path, kind: Kind, sample: str) -> None:
    type_, attr, _ = ATTRIBUTES[kind]
    if (kind, sample) in ACCEPTED:
        assert attr in load(tmp_path, type_, attr, SAMPLES[sample]).attributes
        return
    with pytest.raises(InventoryError) as caught:
        load(tmp_path, type_, attr, SAMPLES[sample])
    location = caught.value.location
    assert location is not None and location.file.endswith(f"{type_}.yaml")
    assert location.line == 3
    assert location.key is not None and location.key.split("[")[0].split(".")[0] == attr
