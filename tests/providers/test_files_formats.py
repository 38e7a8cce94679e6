"""File shapes, encodings, type resolution, sources and folder walking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mamori.checks.errors import InventoryError
from mamori.checks.model import Resource
from mamori.providers.files.located import LineList, LineMap
from mamori.providers.files.provider import FilesProvider
from mamori.providers.files.yaml_reader import YamlProblem, load_documents
from mamori.providers.registry import provider_class

DATA = Path(__file__).parent / "data"


def collect(*paths: Path) -> list[Resource]:
    items = list(FilesProvider(list(paths)).collect())
    assert all(isinstance(item, Resource) for item in items)
    return [item for item in items if isinstance(item, Resource)]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


def summary(resources: list[Resource]) -> list[tuple[str, str]]:
    return [(r.type, r.id) for r in resources]


def test_registry_finds_the_provider() -> None:
    assert provider_class("files") is FilesProvider
    assert FilesProvider.name == "files"


# --- type resolution --------------------------------------------------------------------

@pytest.mark.parametrize(("file_name", "expected"), [
    ("hosts.csv", "host"), ("host.csv", "host"), ("network_devices.csv", "network_device"),
    ("network-devices.csv", "network_device"), ("media_disposal.csv", "media_disposal"),
    ("media_disposals.csv", "media_disposal"), ("facilities.csv", "facility"),
    ("people.csv", "person"), ("persons.csv", "person"), ("person.csv", "person"),
    ("Firewall_Rules.csv", "firewall_rule"), ("accounts.csv", "account"),
])
def test_type_from_file_name(tmp_path: Path, file_name: str, expected: str) -> None:
    [resource] = collect(write(tmp_path / file_name, "id\nx1\n"))
    assert resource.type == expected


def test_record_type_beats_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "hosts.yaml", "- {id: a, os: linux}\n- {type: user, id: b, mfa: yes}\n")
    assert summary(collect(path)) == [("host", "a"), ("user", "b")]


def test_document_type_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path / "cloud.yaml",
                 "type: user\nprovider: aws\naccount: '0123'\nregion: ap-northeast-1\n"
                 "records:\n  - {id: a}\n  - {id: b, account: '999', type: role}\n")
    resources = collect(path)
    assert [(r.type, r.id, r.provider, r.account, r.region) for r in resources] == [
        ("user", "a", "aws", "0123", "ap-northeast-1"),
        ("role", "b", "aws", "999", "ap-northeast-1")]


def test_document_with_unknown_key(tmp_path: Path) -> None:
    path = write(tmp_path / "x.yaml", "typ: user\nrecords: []\n")
    with pytest.raises(InventoryError) as caught:
        collect(path)
    assert caught.value.location is not None
    assert (caught.value.location.line, caught.value.location.key) == (1, "typ")
    assert caught.value.message.endswith("did you mean 'type'?")


def test_unknown_type_name(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="unknown resource type 'hots'; did you mean 'host'"):
        collect(write(tmp_path / "x.yaml", "- {type: hots, id: a}\n"))


def test_type_cannot_be_determined(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="cannot tell the resource type") as caught:
        collect(write(tmp_path / "inventory.yaml", "- {id: a}\n"))
    assert caught.value.location is not None
    assert caught.value.location.line == 1


# --- shapes -----------------------------------------------------------------------------

def test_yaml_multiple_documents_mixed_shapes(tmp_path: Path) -> None:
    path = write(tmp_path / "inv.yaml",
                 "type: host\nid: a\n---\n- {type: user, id: b}\n---\n"
                 "type: vendor\nrecords:\n  - id: c\n---\n")
    resources = collect(path)
    assert summary(resources) == [("host", "a"), ("user", "b"), ("vendor", "c")]
    assert [r.source.rsplit(":", 1)[1] for r in resources] == ["1", "4", "8"]


def test_json_shapes_and_lines(tmp_path: Path) -> None:
    write(tmp_path / "a" / "hosts.json", '[\n  {"id": "h1"},\n  {"id": "h2", "os": "linux"}\n]')
    write(tmp_path / "b" / "x.json",
          '{"type": "bucket", "records": [\n {"id": "b1",\n  "encryption": {"enabled": true}}]}')
    write(tmp_path / "c" / "user.json", '{"id": "u1", "mfa": false}')
    resources = collect(tmp_path)
    root = len(tmp_path.as_posix()) + 1
    assert [(r.type, r.id, r.source[root:]) for r in resources] == [
        ("host", "h1", "a/hosts.json:2"), ("host", "h2", "a/hosts.json:3"),
        ("bucket", "b1", "b/x.json:2"), ("user", "u1", "c/user.json:1")]
    assert resources[2].attributes == {"encryption": {"enabled": True}}


def test_csv_dotted_headers_build_nested_attributes(tmp_path: Path) -> None:
    path = write(tmp_path / "buckets.csv",
                 "id,encryption.enabled,encryption.customer_managed_key,tags.env,public\n"
                 "b1,yes,no,prod,no\nb2,true,,,\n")
    resources = collect(path)
    assert [dict(r.attributes) for r in resources] == [
        {"encryption": {"enabled": True, "customer_managed_key": False}, "public": False},
        {"encryption": {"enabled": True}}]
    assert [dict(r.tags) for r in resources] == [{"env": "prod"}, {}]


def test_yaml_nested_and_dotted_mix(tmp_path: Path) -> None:
    path = write(tmp_path / "buckets.yaml",
                 "- id: b\n  encryption: {enabled: true}\n  encryption.customer_managed_key: no\n")
    [resource] = collect(path)
    assert resource.attributes == {"encryption": {"enabled": True, "customer_managed_key": False}}


def test_empty_cells_and_nulls_are_absent(tmp_path: Path) -> None:
    write(tmp_path / "hosts.csv",
          "id,disk_encrypted,default_credentials,missing_critical_patches,os\n"
          "h1,,,,\nh2,no,0,0, \n")
    write(tmp_path / "users.yaml", "- {id: u1, mfa: null, admin: ~, enabled: ''}\n")
    resources = collect(tmp_path)
    assert [dict(r.attributes) for r in resources] == [
        {}, {"disk_encrypted": False, "default_credentials": False,
             "missing_critical_patches": 0}, {}]


def test_csv_blank_rows_skipped_and_rows_counted(tmp_path: Path) -> None:
    path = write(tmp_path / "hosts.csv",
                 "id,os\r\nh1,linux\r\n,\r\n\r\nh2,\"multi\r\nline\"\r\nh3,bsd\r\n")
    resources = collect(path)
    assert [(r.id, r.source.rsplit(":", 1)[1]) for r in resources] == [
        ("h1", "row 2"), ("h2", "row 5"), ("h3", "row 6")]
    assert resources[1].attributes["os"] == "multi\r\nline"


def test_csv_type_column(tmp_path: Path) -> None:
    path = write(tmp_path / "inventory.csv",
                 "type,id,os,mfa\nhost,h1,linux,\nuser,u1,,yes\n,h2,bsd,\n")
    with pytest.raises(InventoryError, match="cannot tell the resource type") as caught:
        collect(path)
    assert caught.value.location is not None
    assert caught.value.location.line == 4
    path.write_text("type,id,os,mfa\nhost,h1,linux,\nuser,u1,,yes\n")
    assert summary(collect(path)) == [("host", "h1"), ("user", "u1")]


def test_empty_files(tmp_path: Path) -> None:
    write(tmp_path / "hosts.csv", "")
    write(tmp_path / "users.csv", "id,mfa\n")
    write(tmp_path / "roles.yaml", "# nothing yet\n")
    write(tmp_path / "vendors.yaml", "type: vendor\nrecords: []\n")
    assert collect(tmp_path) == []


# --- encodings --------------------------------------------------------------------------

PEOPLE = ("id,name,phishing_drill_failed,x_部署\n"
          "E1,田中 博,はい,情報システム部\nE2,鈴木 彩香,無,営業部\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp932"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path / "people.csv", PEOPLE.replace("\n", "\r\n"), encoding)
    if encoding == "utf-8-sig":
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf"
    if encoding == "cp932":
        assert "田中".encode("cp932") in path.read_bytes()
    resources = collect(path)
    assert [(r.id, r.name, dict(r.attributes)) for r in resources] == [
        ("E1", "田中 博", {"phishing_drill_failed": True, "x_部署": "情報システム部"}),
        ("E2", "鈴木 彩香", {"phishing_drill_failed": False, "x_部署": "営業部"})]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp932"])
def test_yaml_and_json_encodings(tmp_path: Path, encoding: str) -> None:
    write(tmp_path / "facilities.yaml", "- {id: f1, name: 大阪支店, access_control: key}\n",
          encoding)
    write(tmp_path / "vendors.json", '[{"id": "v1", "name": "東京ロジスティクス"}]', encoding)
    assert [r.name for r in collect(tmp_path)] == ["大阪支店", "東京ロジスティクス"]


def test_undecodable_file(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_bytes(b"id,os\nh1,ok\nh2,\xff\xfe\xff\n")
    with pytest.raises(InventoryError, match="neither UTF-8 nor Shift_JIS") as caught:
        collect(path)
    assert caught.value.location is not None
    assert caught.value.location.line == 3


def test_utf16_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_bytes("id\nh1\n".encode("utf-16"))
    with pytest.raises(InventoryError, match="UTF-16"):
        collect(path)


# --- folders ----------------------------------------------------------------------------

def test_folder_walk_sorted_and_skips(tmp_path: Path) -> None:
    write(tmp_path / "b" / "hosts.csv", "id\nh-b\n")
    write(tmp_path / "a" / "z" / "hosts.yaml", "- id: h-az\n")
    write(tmp_path / "a" / "hosts.json", '[{"id": "h-a"}]')
    write(tmp_path / "README.txt", "not read")
    write(tmp_path / "notes.md", "# notes")
    write(tmp_path / "mamori.yaml", "params: {}\n")
    write(tmp_path / ".hidden.csv", "garbage")
    write(tmp_path / ".git" / "config", "garbage")
    write(tmp_path / "exports" / "old.xlsx", "binary")
    write(tmp_path / "tmp" / "scratch.txt", "scratch")
    write(tmp_path / ".mamoriignore", "# spreadsheets are exported to CSV first\n*.xlsx\ntmp/\n")
    assert [r.id for r in collect(tmp_path)] == ["h-a", "h-az", "h-b"]


def test_unknown_file_kind_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "hosts.csv", "id\nh1\n")
    write(tmp_path / "sub" / "assets.xlsx", "binary")
    with pytest.raises(InventoryError, match="save the sheet as CSV") as caught:
        collect(tmp_path)
    assert caught.value.location is not None
    assert caught.value.location.file.endswith("sub/assets.xlsx")


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InventoryError, match="no such file or folder"):
        collect(tmp_path / "nope")


def test_source_is_path_as_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "inv" / "sub" / "hosts.csv", "id\nh1\n")
    write(tmp_path / "inv" / "users.yaml", "- id: u1\n")
    monkeypatch.chdir(tmp_path)
    sources = [r.source for r in collect(Path("inv"))]
    assert sources == ["inv/sub/hosts.csv:row 2", "inv/users.yaml:1"]
    assert [r.source for r in collect(tmp_path / "inv")] == sources  # absolute inside cwd


def test_lone_path_is_accepted_and_described(tmp_path: Path) -> None:
    path = write(tmp_path / "hosts.csv", "id\nh1\n")
    provider = FilesProvider(path)
    assert [r.id for r in provider.collect() if isinstance(r, Resource)] == ["h1"]
    assert provider.describe() == f"files: {path.as_posix()}"


def test_data_folder_fixture() -> None:
    """The committed fixture folder: one file per format, read in sorted order."""
    resources = collect(DATA / "mixed")
    assert summary(resources) == [
        ("facility", "osk-rack"), ("host", "tky-web01"), ("host", "osk-file01"),
        ("person", "E1001"), ("person", "E1002")]
    assert os.path.basename(resources[0].source) == "facilities.yaml:2"


# --- the two YAML parsers agree ---------------------------------------------------------

def lines_of(value: object) -> object:
    """Values with the line of every key and item, to compare the parsers exactly."""
    if isinstance(value, LineMap):
        return {k: (value.key_lines[k], value.texts.get(k), lines_of(v))
                for k, v in value.items()}
    if isinstance(value, LineList):
        return [(value.item_lines[i], value.texts.get(i), lines_of(v))
                for i, v in enumerate(value)]
    return value


EXAMPLE_YAML = sorted((Path(__file__).resolve().parents[2] / "examples" / "acme").rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_YAML, ids=lambda p: p.name)
def test_libyaml_and_pure_python_loaders_agree(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    fast = [lines_of(doc) for doc in load_documents(text, fast=True)]
    pure = [lines_of(doc) for doc in load_documents(text, fast=False)]
    assert fast == pure
    assert fast  # something was read


@pytest.mark.parametrize("fast", [True, False])
@pytest.mark.parametrize(("text", "line"), [
    ("- id: a\n  os: x\n  os: y\n", 3), ("- id: a\n  os: [x\n", None), ("a: b: c\n", 1),
    ("- id: !!python/name:os.system\n", 1)])
def test_both_loaders_report_errors_with_lines(text: str, line: int | None, fast: bool) -> None:
    with pytest.raises(YamlProblem) as caught:
        list(load_documents(text, fast=fast))
    assert caught.value.line is not None
    if line is not None:
        assert caught.value.line == line


def test_bom_but_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "hosts.csv"
    path.write_bytes(b"\xef\xbb\xbfid,name\nh1," + "大阪".encode("cp932") + b"\n")
    with pytest.raises(InventoryError, match="UTF-8 BOM but is not valid UTF-8") as caught:
        collect(path)
    assert caught.value.location is not None
    assert caught.value.location.line == 2


def test_linked_folders_are_read_once(tmp_path: Path) -> None:
    write(tmp_path / "real" / "hosts.csv", "id\nh1\n")
    (tmp_path / "inv").mkdir()
    (tmp_path / "inv" / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "loop").symlink_to(tmp_path / "real")
    assert [r.id for r in collect(tmp_path / "inv")] == ["h1"]
