"""Snapshots: what is written comes back identical (secrets and raw withheld); damaged or
hostile snapshots are errors with file, line and key, never a traceback."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from mamori.checks import __version__
from mamori.checks.errors import InventoryError
from mamori.checks.model import CollectionError, DataClass, Resource
from mamori.checks.secrets import WithheldResource
from mamori.providers.files.provider import FilesProvider
from mamori.providers.interface import Collected
from mamori.providers.registry import provider_class
from mamori.providers.snapshot import SnapshotProvider, SnapshotWriter, decode, encode

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "acme"
JST = timezone(timedelta(hours=9))
SAVED = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)

HOST = Resource(
    type="host", id="tky-db01", provider="onprem", name="顧客DBサーバ", account="acme",
    region="tokyo", tags={"owner": "情報システム部"},
    data_classes=(DataClass.PERSONAL, DataClass.PAYMENT), records=52000,
    source="inv/hosts.csv:row 3",
    attributes={"last_patched": date(2026, 8, 1), "missing_critical_patches": 3,
                "disk_encrypted": True})
USER = Resource(
    type="user", id="tanaka", provider="aws", account="123456789012",
    attributes={
        "last_active": datetime(2026, 11, 27, 8, 42, 10, tzinfo=JST),
        "created": datetime(2021, 4, 1, 0, 0, tzinfo=UTC),
        "access_keys": [{"id": "AKIA1", "active": True, "created": date(2024, 1, 10),
                         "last_used": "never"}],
        "raw": {"$weird": 1, "tuple": (1, "a"), "nested": [{"$date": "not a tag"}],
                "float": 0.1, "none": None},
    })
DENIED = CollectionError(provider="aws", operation="iam:ListUsers", scope="123456789012",
                         code="AccessDenied", message="User is not authorized",
                         resource_types=("user", "role"), account="123456789012")


def save(path: Path, items: list[Collected]) -> None:
    with SnapshotWriter(path, saved=SAVED) as writer:
        for item in items:
            writer.write(item)


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_round_trip_is_identical(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    save(path, [HOST, DENIED, USER])
    back = list(SnapshotProvider(path).collect())
    assert back[:2] == [HOST, DENIED]
    restored = back[2]
    # raw is withheld (docs/snapshot.md): the rest of the user comes back exactly.
    assert isinstance(restored, WithheldResource) and restored.withheld == ("raw",)
    expected = {k: v for k, v in USER.attributes.items() if k != "raw"}
    assert restored.attributes == expected
    assert type(restored.attributes["created"]) is datetime
    assert restored.attributes["last_active"].utcoffset() == timedelta(hours=9)
    host = back[0]
    assert isinstance(host, Resource)
    assert type(host.attributes["last_patched"]) is date


def test_file_layout(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    save(path, [HOST, DENIED])
    header, resource, error, end = lines(path)
    assert header == {"mamori_snapshot": 2, "saved": "2026-11-29T00:00:00+00:00",
                      "tool_version": __version__}
    assert resource == {
        "kind": "resource", "type": "host", "id": "tky-db01", "name": "顧客DBサーバ",
        "provider": "onprem", "account": "acme", "region": "tokyo",
        "tags": {"owner": "情報システム部"}, "data_classes": ["personal", "payment"],
        "records": 52000, "source": "inv/hosts.csv:row 3",
        "attributes": {"last_patched": {"$date": "2026-08-01"}, "missing_critical_patches": 3,
                       "disk_encrypted": True}}
    assert error == {"kind": "error", **DENIED.to_dict()}
    assert end == {"kind": "end", "resources": 1, "errors": 1}
    assert "顧客DBサーバ" in path.read_text(encoding="utf-8")  # readable, not \\u escapes


def test_tagging() -> None:
    value = {"$x": [date(2026, 1, 2), (1, 2)], "when": datetime(2026, 1, 2, 3, 4, tzinfo=JST)}
    encoded = encode(value)
    assert encoded == {"$map": {"$x": [{"$date": "2026-01-02"}, {"$tuple": [1, 2]}],
                                "when": {"$datetime": "2026-01-02T03:04:00+09:00"}}}
    assert decode(json.loads(json.dumps(encoded))) == value
    with pytest.raises(TypeError):
        encode({"k": {1, 2}})
    with pytest.raises(ValueError, match="unknown tagged value"):
        decode({"$set": [1]})


def test_example_estate_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "acme.jsonl"
    collected = list(FilesProvider([EXAMPLES]).collect())
    with SnapshotWriter(path) as writer:
        passed = list(writer.tee(collected))
    assert passed == collected
    text = path.read_text(encoding="utf-8")
    assert "Qb0d3yq7Zr4oBq1mWn2Fh" not in text  # the example's password hash
    back = list(SnapshotProvider(path).collect())
    assert len(back) == len(collected)
    for original, restored in zip(collected, back, strict=True):
        if isinstance(restored, WithheldResource):
            # Only the network device's password hash is secret in the example estate.
            assert isinstance(original, Resource)
            assert (original.type, restored.withheld) == ("network_device", ("password_hash",))
            assert restored.attributes == {k: v for k, v in original.attributes.items()
                                           if k != "password_hash"}
        else:
            assert restored == original


def test_failed_scan_leaves_no_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    path.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), SnapshotWriter(path) as writer:
        writer.write(HOST)
        raise RuntimeError("provider crashed")
    assert path.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [path]


def test_registry_finds_the_snapshot_provider() -> None:
    assert provider_class("snapshot") is SnapshotProvider


# --- damaged snapshots ------------------------------------------------------------------

def damaged(tmp_path: Path, edit: Any) -> InventoryError:
    path = tmp_path / "snap.jsonl"
    save(path, [HOST, DENIED])
    text_lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(text_lines)) + "\n", encoding="utf-8")
    with pytest.raises(InventoryError) as caught:
        list(SnapshotProvider(path).collect())
    return caught.value


def location(error: InventoryError) -> tuple[int | None, str | None]:
    assert error.location is not None
    return error.location.line, error.location.key


def test_bad_json_line(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [ls[0], ls[1][:-5], *ls[2:]])
    assert location(error) == (2, None)
    assert error.message.startswith("not a JSON line")


def test_truncated_snapshot(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: ls[:-1])
    assert "truncated" in error.message


def test_counts_must_match(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [ls[0], ls[2], ls[3]])
    assert location(error) == (3, None)
    assert "holds 0 resources and 1 errors" in error.message


def test_not_a_snapshot(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: ['{"hello": 1}', *ls[1:]])
    assert location(error) == (1, None)
    assert error.message.startswith("not a mamori snapshot")


def test_newer_format(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [ls[0].replace('"mamori_snapshot": 2',
                                                        '"mamori_snapshot": 3'), *ls[1:]])
    assert location(error) == (1, "mamori_snapshot")


def test_format_1_is_still_read(tmp_path: Path) -> None:
    path = tmp_path / "old.jsonl"
    save(path, [HOST])
    text = path.read_text(encoding="utf-8").replace('"mamori_snapshot": 2', '"mamori_snapshot": 1')
    path.write_text(text, encoding="utf-8")
    assert list(SnapshotProvider(path).collect()) == [HOST]


def test_unknown_key_and_kind(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [ls[0], ls[1].replace('"records"', '"recrods"'),
                                          *ls[2:]])
    assert location(error) == (2, "records")
    error = damaged(tmp_path, lambda ls: [ls[0], ls[1], ls[2].replace('"error"', '"warning"'),
                                          ls[3]])
    assert location(error) == (3, "kind")


def test_bad_values(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [ls[0], ls[1].replace('"personal"', '"secret"'),
                                          *ls[2:]])
    assert location(error) == (2, "data_classes[0]")
    assert error.message.startswith("invalid resource")
    error = damaged(tmp_path, lambda ls: [ls[0], ls[1].replace('"2026-08-01"', '"tomorrow"'),
                                          *ls[2:]])
    assert location(error) == (2, "attributes")


def test_content_after_end(tmp_path: Path) -> None:
    error = damaged(tmp_path, lambda ls: [*ls, ls[1]])
    assert location(error) == (5, None)


def test_empty_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "snap.jsonl"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InventoryError, match="empty"):
        list(SnapshotProvider(path).collect())
